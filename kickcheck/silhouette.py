"""Silhouette measure of the lower back, from MediaPipe's person mask.

MediaPipe has no spine landmarks, but its segmentation mask outlines the back. For one frame:

1. Walk along the trunk line from the mid-shoulder point (s = 0) to the mid-hip point (s = 1),
   a little beyond both ends.
2. At each station cast a ray perpendicular to the line toward the *back*: the side away from the
   hands and the knees. Record how far the mask extends along it (the back contour's height).
3. Find the upper-back peak (s in [-0.1, 0.5]) and the gluteal peak (s in [0.55, 1.15]), and the
   lowest point of the contour between them (the lumbar valley).
4. ``back_sag`` = depth of that valley below the chord joining the two peaks, divided by the
   shoulder-hip distance. A flat back gives about 0; an arched (hyperextended) lower back sinks
   toward the belly and the value rises.

The value is confounded by the gluteal contour (which changes as the thigh moves) and by the
working foot swinging into the mask near the back, so kickcheck reports it per rep as the change
from the rep's own start, and does not use it alone to flag a fault.
"""

from __future__ import annotations

import numpy as np

#: Stations along the trunk line (s = 0 at the mid-shoulder, 1 at the mid-hip), a little beyond both
#: ends so that the upper-back and gluteal peaks are inside the range: 25 stations, about one every
#: 5 % of the trunk, resolve the lumbar valley at 360p without following the mask's pixel steps.
N_STATIONS = 25
S_RANGE = (-0.1, 1.15)
#: Where the two peaks are looked for: the upper back (thoracic curve) in the upper half of the
#: trunk, the gluteal peak around and beyond the hip.
UPPER_BACK_S = (-0.1, 0.5)
GLUTEAL_S = (0.55, 1.15)
#: A trunk shorter than this in the image (pixels) is too small to measure a contour on.
MIN_TRUNK_PX = 8.0
#: Rays are cast this far (in trunk lengths) toward the back: past any back contour (a back is
#: well under half a trunk length thick in side view), and not into a far-away object.
RAY_REACH = 0.8
#: Ray step: a pixel, or 1/120 of the trunk for large images (about 120 samples per ray).
RAY_STEPS = 120.0
#: Mask probability above which a pixel belongs to the person (MediaPipe's mask is a probability).
MASK_THRESHOLD = 0.5
#: Fewest stations between the two peaks for a valley to be measured.
MIN_VALLEY_STATIONS = 3


def back_sag(
    mask: np.ndarray,
    shoulder_xy: np.ndarray,
    hip_xy: np.ndarray,
    belly_hint_xy: np.ndarray,
    threshold: float = MASK_THRESHOLD,
) -> float:
    """Sag of the back contour between shoulder and hip, in shoulder-hip lengths (NaN if unmeasurable).

    ``mask`` is a float [H,W] person probability; points are pixel (x, y) in the mask's frame;
    ``belly_hint_xy`` is a point on the front side of the body (e.g. the mean of wrists and knees).
    """
    if mask is None or not np.all(np.isfinite([*shoulder_xy, *hip_xy, *belly_hint_xy])):
        return float("nan")
    h, w = mask.shape[:2]
    axis = np.asarray(hip_xy, float) - np.asarray(shoulder_xy, float)
    length = float(np.hypot(*axis))
    if length < MIN_TRUNK_PX:
        return float("nan")
    u = axis / length
    n = np.array([-u[1], u[0]])
    mid = (np.asarray(shoulder_xy, float) + np.asarray(hip_xy, float)) / 2
    if np.dot(np.asarray(belly_hint_xy, float) - mid, n) > 0:
        n = -n  # n points toward the back
    s = np.linspace(*S_RANGE, N_STATIONS)
    steps = np.arange(0.0, RAY_REACH * length, max(1.0, length / RAY_STEPS))
    base = np.asarray(shoulder_xy, float)[None, :] + s[:, None] * axis[None, :]
    pts = base[:, None, :] + steps[None, :, None] * n[None, None, :]
    xi = np.clip(np.rint(pts[..., 0]).astype(int), 0, w - 1)
    yi = np.clip(np.rint(pts[..., 1]).astype(int), 0, h - 1)
    inside = (mask[yi, xi] >= threshold) & (pts[..., 0] >= 0) & (pts[..., 0] < w)
    inside &= (pts[..., 1] >= 0) & (pts[..., 1] < h)
    # Contour height: the first step where the ray leaves the mask (rays that start outside: NaN).
    start_in = inside[:, 0]
    leave = np.argmin(inside, axis=1)
    leave = np.where(inside.all(axis=1), len(steps) - 1, leave)
    height = np.where(start_in, steps[leave], np.nan)
    upper = (s >= UPPER_BACK_S[0]) & (s <= UPPER_BACK_S[1])
    lower = (s >= GLUTEAL_S[0]) & (s <= GLUTEAL_S[1])
    if np.isnan(height[upper]).all() or np.isnan(height[lower]).all():
        return float("nan")
    iu = int(np.nanargmax(np.where(upper, height, np.nan)))
    il = int(np.nanargmax(np.where(lower, height, np.nan)))
    between = height[iu : il + 1]
    if between.size < MIN_VALLEY_STATIONS or np.isnan(between).any():
        return float("nan")
    chord = np.linspace(height[iu], height[il], between.size)
    return float(np.max(chord - between) / length)
