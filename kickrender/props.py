"""Gym furniture drawn with the body: axis-aligned boxes (a bench, a pad, a handle bar)."""

from __future__ import annotations

import numpy as np

# the six faces of the unit cube: outward normal and four corners (counter-clockwise seen from
# outside, so the rasteriser's back-face culling keeps the faces that look at the camera)
_FACES = (
    ((1, 0, 0), ((1, 0, 0), (1, 1, 0), (1, 1, 1), (1, 0, 1))),
    ((-1, 0, 0), ((0, 0, 0), (0, 0, 1), (0, 1, 1), (0, 1, 0))),
    ((0, 1, 0), ((0, 1, 0), (0, 1, 1), (1, 1, 1), (1, 1, 0))),
    ((0, -1, 0), ((0, 0, 0), (1, 0, 0), (1, 0, 1), (0, 0, 1))),
    ((0, 0, 1), ((0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 1, 1))),
    ((0, 0, -1), ((0, 0, 0), (0, 1, 0), (1, 1, 0), (1, 0, 0))),
)
PROP_COLOURS = {
    "pad": (0.13, 0.13, 0.15),  # black vinyl
    "frame": (0.55, 0.56, 0.58),  # steel
}


def box(lo, hi) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (24, 3) and triangles (12, 3) of the box [lo, hi] (flat-shaded: 4 per face)."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    V, F = [], []
    for n, quad in _FACES:
        q = [lo + np.asarray(c) * (hi - lo) for c in quad]
        k = len(V)
        if np.cross(q[1] - q[0], q[2] - q[0]) @ np.asarray(n, float) < 0:
            q = q[::-1]
        V.extend(q)
        F.extend([(k, k + 1, k + 2), (k, k + 2, k + 3)])
    return np.array(V), np.array(F, np.int64)


def mesh(boxes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``boxes``: [(lo, hi, colour name)] -> vertices, triangles, per-vertex colours."""
    V, F, C = [], [], []
    n = 0
    for lo, hi, colour in boxes:
        v, f = box(lo, hi)
        V.append(v)
        F.append(f + n)
        C.append(np.tile(PROP_COLOURS[colour], (len(v), 1)))
        n += len(v)
    if not V:
        return np.zeros((0, 3)), np.zeros((0, 3), np.int64), np.zeros((0, 3))
    return np.concatenate(V), np.concatenate(F), np.concatenate(C)
