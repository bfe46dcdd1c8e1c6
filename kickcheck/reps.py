"""Rep segmentation on the signed hip-extension signal.

Modelled on ``scipy.signal.find_peaks``: thresholds are keyword arguments in degrees and seconds
and are converted to samples here, at the boundary.

A rep is a rise of the working hip's extension from a low point (the start), to a top, and back
down (the end). Segmentation runs separately on each stretch of usable signal: within one shot
(never across a scene cut) and between gaps too long to fill. A rep whose rise or return is cut off
by the edge of such a stretch (the clip's start or end, an edit, the person leaving the frame) is
*partial*: it is reported but not counted.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.signal import find_peaks

from kickcheck.cleaning import finite_runs
from kickcheck.types import Rep


def _time_to_samples(seconds: float, fs_hz: float) -> int:
    return max(1, int(round(seconds * fs_hz)))


def segment_reps(
    signal_deg: np.ndarray,
    t_s: np.ndarray,
    *,
    fs_hz: float,
    min_prominence_deg: float = 20.0,
    rel_prominence: float = 0.4,
    min_period_s: float = 0.7,
    segment_id: np.ndarray | None = None,
    min_run_s: float = 0.4,
    top_band_deg: float = 5.0,
) -> list[Rep]:
    """Split ``signal_deg`` [T] (NaN where unknown) into reps; ``fs_hz`` is the clip's frame rate
    (the pipeline's one estimate, ``pipeline.sample_rate_hz``), which turns seconds into samples.

    - A top must stand out by ``max(min_prominence_deg, rel_prominence x range)`` where *range* is
      the 5th-95th percentile spread of the whole signal.
    - Tops closer than ``min_period_s`` are one rep.
    - ``segment_id`` [T] (e.g. shot ids): reps never cross a change of id.
    - The top is the middle of the stretch where the hip stays within ``top_band_deg`` of its peak
      (a held squeeze is a plateau; its middle is steadier than the noisiest sample on it).
    Complete reps are numbered 1..N in time order; partial reps get index 0.
    """
    x = np.asarray(signal_deg, dtype=np.float64)
    t = np.asarray(t_s, dtype=np.float64)
    if x.shape != t.shape:
        raise ValueError(
            f"signal_deg and t_s must have the same shape, got {x.shape} and {t.shape}"
        )
    finite = x[np.isfinite(x)]
    if finite.size < 3:
        return []
    spread = float(np.percentile(finite, 95) - np.percentile(finite, 5))
    prom = max(min_prominence_deg, rel_prominence * spread)
    distance = _time_to_samples(min_period_s, fs_hz)
    seg = np.zeros(len(x), int) if segment_id is None else np.asarray(segment_id)
    min_run = _time_to_samples(min_run_s, fs_hz)

    found: list[tuple[int, int, int, bool]] = []
    boundaries = np.flatnonzero(np.diff(seg) != 0) + 1
    for s0, s1 in zip(np.r_[0, boundaries], np.r_[boundaries, len(x)]):
        for a, b in finite_runs(np.isfinite(x[s0:s1])):
            a, b = a + s0, b + s0
            if b - a < min_run:
                continue
            found.extend(_reps_in_run(x[a:b], prom, distance, a, top_band_deg))
    reps: list[Rep] = []
    n = 0
    for start, top, end, partial in sorted(found, key=lambda r: r[1]):
        if not partial:
            n += 1
        reps.append(
            Rep(
                index=0 if partial else n,
                start_frame=int(start),
                top_frame=int(top),
                end_frame=int(end),
                start_s=float(t[start]),
                top_s=float(t[top]),
                end_s=float(t[end]),
                partial=partial,
            )
        )
    return reps


def _reps_in_run(
    y: np.ndarray, prom: float, distance: int, offset: int, top_band_deg: float
) -> list[tuple[int, int, int, bool]]:
    """(start, top, end, partial) in absolute frames for one finite, uncut stretch ``y``."""
    # Pad with the stretch's minimum so that tops at either edge can be found as peaks too; a top
    # found only thanks to the padding has no real rise or return and is therefore partial.
    low = float(np.min(y))
    padded = np.r_[low, y, low]
    peaks, _ = find_peaks(padded, prominence=prom, distance=distance)
    peaks = peaks - 1
    peaks = peaks[(peaks >= 0) & (peaks < len(y))]
    out = []
    for i, p in enumerate(peaks):
        lo = peaks[i - 1] if i > 0 else 0
        hi = peaks[i + 1] if i + 1 < len(peaks) else len(y) - 1
        left = lo + int(np.argmin(y[lo : p + 1]))
        right = p + int(np.argmin(y[p : hi + 1]))
        rise = y[p] - y[left]
        fall = y[p] - y[right]
        partial = rise < prom or fall < prom
        # The rep starts when the hip leaves its low point and ends when it is back there: the last
        # / first sample within 10% of the rise (fall) of the trough, so pauses at the bottom are
        # not counted as part of the rep.
        if rise > 0:
            band = y[left] + 0.1 * rise
            seg = np.flatnonzero(y[left : p + 1] <= band)
            left = left + int(seg[-1]) if seg.size else left
        if fall > 0:
            band = y[right] + 0.1 * fall
            seg = np.flatnonzero(y[p : right + 1] <= band)
            right = p + int(seg[0]) if seg.size else right
        lo_t = hi_t = int(p)
        while lo_t - 1 > left and y[lo_t - 1] >= y[p] - top_band_deg:
            lo_t -= 1
        while hi_t + 1 < right and y[hi_t + 1] >= y[p] - top_band_deg:
            hi_t += 1
        top = (lo_t + hi_t) // 2
        out.append((left + offset, top + offset, right + offset, bool(partial)))
    return out


def renumber(reps: list[Rep]) -> list[Rep]:
    """The same reps with the counted ones numbered 1, 2, ... again (partial reps keep 0)."""
    out, k = [], 0
    for r in reps:
        if r.partial:
            out.append(r)
        else:
            k += 1
            out.append(dataclasses.replace(r, index=k))
    return out
