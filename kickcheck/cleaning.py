"""Cleaning of landmark and angle time series: label-swap repair, gap filling, zero-phase filtering.

Numeric code only: every parameter (sample rate, cutoff, longest gap) is an argument; nothing here
reads the config.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import butter, filtfilt

from kickcheck.landmarks import SWAP_LR, Landmark

#: The points a swap is judged on: the legs' only. MediaPipe confuses the legs (a kicking leg passing
#: the support leg); where it does, the arms keep their labels. Judged on the arms as well, a
#: repair made on the legs mirrored the arms too, and as the arms never cross, their mirrored
#: labels then held the whole body mirrored for the rest of the clip (a rendered side-view clip
#: whose legs MediaPipe swapped for 3 frames mid-kick was read on the wrong leg). The legs come
#: together at every rep's bottom, where the repair falls back to MediaPipe's labels.
_LIMB_POINTS = np.array(
    [
        Landmark.LEFT_KNEE,
        Landmark.LEFT_ANKLE,
        Landmark.LEFT_FOOT_INDEX,
    ]
)
_SWAP = np.asarray(SWAP_LR)

#: A frame's left/right labels are swapped back when the mirrored labelling puts the limbs this much
#: closer to the previous frame's (sum of distances) than the given one: a clear margin, so that
#: legs crossing in the image (distances nearly equal) are never flipped back and forth.
SWAP_MARGIN = 0.6
#: The low-pass cutoff is capped at this fraction of the sample rate (0.8 x the Nyquist frequency):
#: a slow clip (12 fps) gets 4.8 Hz instead of the configured 6 Hz, still above the movement's
#: 0.5-1 Hz, and the 2nd-order Butterworth stays well away from the Nyquist frequency, where its
#: bilinear-transform design warps. (The config file's ``filter.cutoff_hz`` comment says so.)
MAX_CUTOFF_FRAC = 0.4
#: Butterworth order: 2, applied forward and backward (filtfilt), i.e. a 4th-order zero-phase
#: response, as Winter (Biomechanics and Motor Control of Human Movement, ch. 2) recommends.
FILTER_ORDER = 2


#: Linear interpolation needs at least two measured samples in a column.
MIN_POINTS_TO_INTERPOLATE = 2


def capped_cutoff_hz(cutoff_hz: float, fs_hz: float) -> float:
    """The cutoff actually used at sample rate ``fs_hz``: at most ``MAX_CUTOFF_FRAC`` x ``fs_hz``."""
    return min(cutoff_hz, MAX_CUTOFF_FRAC * fs_hz)


def finite_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the runs where ``mask`` is True."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.diff(m.astype(np.int8))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def lr_swap_mask(xyzv: np.ndarray) -> np.ndarray:
    """bool [T]: frames whose left/right labels must be mirrored to continue the previous frame.

    For each frame, keep the labelling (as given or mirrored) whose knees, ankles and feet lie
    closer in the image to the previous frame's (after its own repair). The whole body is mirrored
    with them (MediaPipe's 3-D body is a proper human, see ``kinematics.clean_landmarks``).
    """
    left = _LIMB_POINTS
    right = _SWAP[_LIMB_POINTS]
    swapped = np.zeros(xyzv.shape[0], bool)
    prev = None
    for i in range(xyzv.shape[0]):
        cur = xyzv[i, :, :2]
        if not np.isfinite(cur[:, 0]).any():
            continue
        if prev is not None:
            a = np.concatenate([cur[left], cur[right]])
            b = np.concatenate([prev[left], prev[right]])
            c = np.concatenate([cur[right], cur[left]])
            keep = np.nansum(np.hypot(*(a - b).T))
            swap = np.nansum(np.hypot(*(c - b).T))
            swapped[i] = swap < SWAP_MARGIN * keep
        prev = cur[_SWAP] if swapped[i] else cur
    return swapped


def mirror_labels(points: np.ndarray, swapped: np.ndarray) -> np.ndarray:
    """A copy of per-frame landmarks [T,33,...] with left and right exchanged where ``swapped``."""
    out = np.array(points, copy=True)
    out[swapped] = out[swapped][:, _SWAP]
    return out


def repair_lr_swaps(xyzv: np.ndarray) -> tuple[np.ndarray, int]:
    """Undo frame-to-frame left/right label swaps by continuity of the limbs (``lr_swap_mask``).
    Returns the repaired copy and the number of frames that were swapped back."""
    swapped = lr_swap_mask(xyzv)
    return mirror_labels(np.asarray(xyzv, dtype=np.float32), swapped), int(swapped.sum())


def interpolate_gaps(x: np.ndarray, max_gap: int) -> np.ndarray:
    """Linearly fill interior NaN runs of at most ``max_gap`` samples along axis 0.

    Longer gaps, and NaNs at either end, stay NaN: a rep across them is unscorable, not guessed.
    """
    x = np.array(x, dtype=np.float64, copy=True)
    flat = x.reshape(x.shape[0], -1)
    idx = np.arange(flat.shape[0])
    for k in range(flat.shape[1]):
        col = flat[:, k]
        good = np.isfinite(col)
        if good.sum() < MIN_POINTS_TO_INTERPOLATE or good.all():
            continue
        for a, b in finite_runs(~good):
            if a == 0 or b == len(col) or (b - a) > max_gap:
                continue
            col[a:b] = np.interp(idx[a:b], idx[good], col[good])
    return flat.reshape(x.shape)


def lowpass(x: np.ndarray, fs_hz: float, cutoff_hz: float, order: int = FILTER_ORDER) -> np.ndarray:
    """NaN-aware zero-phase Butterworth low-pass along axis 0.

    Each finite run longer than filtfilt's ``padlen`` is filtered on its own; shorter runs and NaNs
    are left as they are, so length and NaN positions never change. With a cutoff at or above the
    Nyquist frequency (half the sample rate) the signal is returned unchanged (the filter would be
    meaningless); callers cap it first with ``capped_cutoff_hz``.
    """
    if not (math.isfinite(fs_hz) and fs_hz > 0):
        raise ValueError(f"fs_hz must be positive, got {fs_hz}")
    if not (math.isfinite(cutoff_hz) and cutoff_hz > 0):
        raise ValueError(f"cutoff_hz must be positive, got {cutoff_hz}")
    x = np.array(x, dtype=np.float64, copy=True)
    if cutoff_hz >= fs_hz / 2:
        return x
    b, a = butter(order, cutoff_hz / (fs_hz / 2))
    padlen = 3 * max(len(a), len(b))
    flat = x.reshape(x.shape[0], -1)
    for k in range(flat.shape[1]):
        col = flat[:, k]
        for s, e in finite_runs(np.isfinite(col)):
            if e - s > padlen:
                col[s:e] = filtfilt(b, a, col[s:e], padlen=padlen)
    return flat.reshape(x.shape)
