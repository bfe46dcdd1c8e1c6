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
#: the support leg); where it does, the arms keep their labels, so a repair judged on the arms too
#: weighed the still arms against the legs, and the arms, which never cross, held whatever it
#: decided. The whole body is mirrored with the legs (see ``lr_swap_mask``).
_LIMB_POINTS = np.array(
    [
        Landmark.LEFT_KNEE,
        Landmark.LEFT_ANKLE,
        Landmark.LEFT_FOOT_INDEX,
    ]
)
_SWAP = np.asarray(SWAP_LR)

#: What reading the legs with mirrored labels costs, in trunk lengths of the legs' summed movement
#: per second so read: MediaPipe's own labels are right unless the movement says otherwise. A swap
#: that MediaPipe makes and undoes while the legs are apart shows as two jumps of the legs' points
#: of about a thigh each (several trunk lengths summed), and is repaired if it lasts up to several
#: seconds between the two. A labelling that would stay mirrored for good
#: after one near-tie (the legs passing close, a frame of noise) costs this much more every second,
#: and is not chosen. Checked against the renderer's labels on the 58 clips of the accuracy grid:
#: MediaPipe's labels were wrong in 69 of 16,167 frames where the legs were apart, after this
#: repair 50 (with a third of this prior 101, a tenth 198, none 379; the frame-by-frame repair that
#: came before it: 170).
SWAP_PRIOR_PER_S = 0.9
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


def _leg_motion(xyzv: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per frame: the legs' summed movement from the last frame where they were seen with the labels
    kept as given (``keep``) and with this frame's mirrored (``swap``), and whether they were seen.
    """
    pts = np.asarray(xyzv)[:, :, :2]
    left, right = _LIMB_POINTS, _SWAP[_LIMB_POINTS]
    given = np.concatenate([pts[:, left], pts[:, right]], axis=1)
    mirrored = np.concatenate([pts[:, right], pts[:, left]], axis=1)
    seen = np.isfinite(given[:, :, 0]).any(axis=1)
    idx = np.flatnonzero(seen)
    keep = np.zeros(len(pts))
    swap = np.zeros(len(pts))
    if len(idx) > 1:
        prev, cur = given[idx[:-1]], idx[1:]
        keep[cur] = np.nansum(np.hypot(*np.moveaxis(given[cur] - prev, -1, 0)), axis=1)
        swap[cur] = np.nansum(np.hypot(*np.moveaxis(mirrored[cur] - prev, -1, 0)), axis=1)
    return keep, swap, seen


#: A labelling needs two frames with legs to compare.
_MIN_FRAMES_TO_COMPARE = 2


def lr_swap_mask(xyzv: np.ndarray, fs_hz: float = 30.0) -> np.ndarray:
    """bool [T]: frames whose left/right labels must be mirrored back.

    The labelling of the whole clip (each frame as given or mirrored) along which the knees, ankles
    and feet move least in the image from frame to frame, plus ``SWAP_PRIOR_PER_S`` (at ``fs_hz``
    frames a second) for the time read mirrored: the best over the whole clip (two states, dynamic
    programming), not frame by frame. Chosen frame by frame, a swap that MediaPipe slipped into
    unclearly (the legs close) and left clearly was read as a swap at its end, and held. The whole
    body is mirrored with the legs (MediaPipe's 3-D body is a proper human, see
    ``kinematics.clean_landmarks``).
    """
    xyzv = np.asarray(xyzv)
    n = xyzv.shape[0]
    keep, swap, seen = _leg_motion(xyzv)
    if seen.sum() < _MIN_FRAMES_TO_COMPARE:
        return np.zeros(n, bool)
    trunk = (
        np.hypot(
            *(
                (xyzv[:, Landmark.LEFT_SHOULDER, :2] + xyzv[:, Landmark.RIGHT_SHOULDER, :2])
                - (xyzv[:, Landmark.LEFT_HIP, :2] + xyzv[:, Landmark.RIGHT_HIP, :2])
            ).T
        )
        / 2
    )
    scale = float(np.nanmedian(trunk)) if np.isfinite(trunk).any() else 1.0
    prior = SWAP_PRIOR_PER_S * scale / fs_hz
    idx = np.flatnonzero(seen)
    stays, flips = keep[idx].tolist(), swap[idx].tolist()
    # c0, c1: the least cost of a labelling up to this frame that reads it as given, mirrored;
    # back[k]: the previous frame's states on those two best labellings
    c0, c1 = 0.0, prior
    back = np.zeros((len(idx), 2), bool)
    for k in range(1, len(idx)):
        st, fl = stays[k], flips[k]
        b0, b1 = c1 + fl < c0 + st, c0 + fl < c1 + st
        back[k] = b0, not b1
        c0, c1 = (c1 + fl if b0 else c0 + st), (c0 + fl if b1 else c1 + st) + prior
    state = np.zeros(len(idx), bool)
    state[-1] = c1 < c0
    for k in range(len(idx) - 1, 0, -1):
        state[k - 1] = back[k, int(state[k])]
    swapped = np.zeros(n, bool)
    swapped[idx] = state
    return swapped


def mirror_labels(points: np.ndarray, swapped: np.ndarray) -> np.ndarray:
    """A copy of per-frame landmarks [T,33,...] with left and right exchanged where ``swapped``."""
    out = np.array(points, copy=True)
    out[swapped] = out[swapped][:, _SWAP]
    return out


def repair_lr_swaps(xyzv: np.ndarray, fs_hz: float = 30.0) -> tuple[np.ndarray, int]:
    """Undo frame-to-frame left/right label swaps by continuity of the limbs (``lr_swap_mask``).
    Returns the repaired copy and the number of frames that were swapped back."""
    swapped = lr_swap_mask(xyzv, fs_hz)
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
