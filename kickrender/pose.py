"""Numpy forward kinematics and linear blend skinning over the exported rig.

A pose is a set of *global delta rotations* (rest frame -> posed frame, 3x3) for a few
driven bones plus a root position; every other bone inherits its parent's rotation, and
each bone's head stays attached to its parent. Limb rotations are written as
``R_parent_segment @ Q @ N_bone`` where ``N_bone`` takes the bone from its rest
orientation to a *neutral* stance (standing, arms hanging straight down, palms toward
the thighs) and ``Q`` is a joint rotation in body coordinates (x = person's left,
y = back, z = up; +rotation about x swings a hanging limb backward).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .body import Body


def rot_x(deg: float) -> np.ndarray:
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def rot_y(deg: float) -> np.ndarray:
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rot_z(deg: float) -> np.ndarray:
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def rot_axis(axis, deg: float) -> np.ndarray:
    k = np.asarray(axis, float)
    k = k / np.linalg.norm(k)
    a = np.radians(deg)
    K = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + np.sin(a) * K + (1 - np.cos(a)) * K @ K


def frame(primary, secondary) -> np.ndarray:
    """Orthonormal frame, columns (p, s_perp, p x s_perp)."""
    p = np.asarray(primary, float)
    p = p / np.linalg.norm(p)
    s = np.asarray(secondary, float)
    s = s - p * (s @ p)
    s = s / np.linalg.norm(s)
    return np.stack([p, s, np.cross(p, s)], axis=1)


def align(rest_p, rest_s, tgt_p, tgt_s) -> np.ndarray:
    """Rotation taking (rest_p, rest_s) onto (tgt_p, tgt_s)."""
    return frame(tgt_p, tgt_s) @ frame(rest_p, rest_s).T


def _log_rot(R: np.ndarray) -> np.ndarray:
    c = np.clip((np.trace(R) - 1) / 2, -1, 1)
    a = np.arccos(c)
    if a < 1e-8:
        return np.zeros(3)
    w = np.array([R[2, 1] - R[1, 2], R[0, 2] - R[2, 0], R[1, 0] - R[0, 1]])
    if np.pi - a < 1e-4:
        # near 180 degrees: axis from the symmetric part
        M = (R + np.eye(3)) / 2
        k = np.sqrt(np.clip(np.diag(M), 0, None))
        k = k * np.sign(np.where(np.abs(M[np.argmax(k)]) > 0, M[np.argmax(k)], 1))
        return k / np.linalg.norm(k) * a
    return w / (2 * np.sin(a)) * a


def slerp_rot(R0: np.ndarray, R1: np.ndarray, t: float) -> np.ndarray:
    w = _log_rot(R1 @ R0.T)
    n = np.linalg.norm(w)
    if n < 1e-9:
        return R0.copy()
    return rot_axis(w / n, np.degrees(n * t)) @ R0


@dataclass
class Rig:
    """Per body shape: rest heads, segment directions and neutralising rotations."""

    body: Body
    shape: int
    heads: np.ndarray
    neutral: dict[str, np.ndarray]
    palm_rest: dict[str, tuple[np.ndarray, np.ndarray]]

    @classmethod
    def build(cls, body: Body, shape: int = 0) -> Rig:
        h = body.heads(shape)
        ix = body.index
        X = np.array([1.0, 0, 0])
        down = np.array([0, 0, -1.0])
        neutral: dict[str, np.ndarray] = {}
        palm: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for s in ("L", "R"):
            seg = {
                f"upperleg01.{s}": f"lowerleg01.{s}",
                f"lowerleg01.{s}": f"foot.{s}",
                f"upperarm01.{s}": f"lowerarm01.{s}",
                f"lowerarm01.{s}": f"wrist.{s}",
            }
            for b, child in seg.items():
                r = h[ix[child]] - h[ix[b]]
                neutral[b] = align(r, X, down, X)
            neutral[f"foot.{s}"] = neutral[f"lowerleg01.{s}"]
            # hand: fingers direction and palm normal at rest
            wr = h[ix[f"wrist.{s}"]]
            fingers = h[ix[f"finger3-1.{s}"]] - wr
            across = h[ix[f"finger5-1.{s}"]] - h[ix[f"finger2-1.{s}"]]
            n = np.cross(fingers, across)
            medial = np.array([-1.0 if s == "L" else 1.0, 0, 0])
            if n @ medial < 0:
                n = -n
            palm[s] = (fingers / np.linalg.norm(fingers), n / np.linalg.norm(n))
            neutral[f"wrist.{s}"] = align(palm[s][0], palm[s][1], down, medial)
        return cls(body, shape, h, neutral, palm)


@dataclass
class Posed:
    R: np.ndarray  # (B, 3, 3) global rotations
    p: np.ndarray  # (B, 3) posed bone heads

    def transforms(self, heads: np.ndarray) -> np.ndarray:
        """(B, 3, 4) skinning transforms v' = R (v - h) + p."""
        t = self.p - np.einsum("bij,bj->bi", self.R, heads)
        return np.concatenate([self.R, t[:, :, None]], axis=2)


def _levels(parents: np.ndarray) -> list[np.ndarray]:
    depth = np.zeros(len(parents), int)
    for b, q in enumerate(parents):
        depth[b] = 0 if q < 0 else depth[q] + 1
    return [np.nonzero(depth == d)[0] for d in range(depth.max() + 1)]


def forward_kinematics(
    rig: Rig,
    driven: dict[int, np.ndarray],
    root_pos,
    twist: dict[int, tuple[int, float]] | None = None,
) -> Posed:
    """Global rotations and posed heads, one vectorised step per hierarchy level.
    ``twist[b] = (c, t)``: bone b takes slerp(R[parent(b)], driven[c], t)."""
    body = rig.body
    B = body.n_bones
    if getattr(rig, "_levels", None) is None:
        rig._levels = _levels(body.parents)
    R = np.empty((B, 3, 3))
    p = np.empty((B, 3))
    h = rig.heads
    par = body.parents
    twist = twist or {}
    lv0 = rig._levels[0]
    for b in lv0:
        R[b] = driven.get(int(b), np.eye(3))
        p[b] = root_pos
    for lv in rig._levels[1:]:
        q = par[lv]
        R[lv] = R[q]
        for b in lv:
            b = int(b)
            if b in driven:
                R[b] = driven[b]
            elif b in twist:
                c, t = twist[b]
                R[b] = slerp_rot(R[par[b]], driven[c], t)
        p[lv] = np.einsum("bij,bj->bi", R[q], h[lv] - h[q]) + p[q]
    return Posed(R, p)


def skin(rest_vertices: np.ndarray, body: Body, T: np.ndarray, idx=None) -> np.ndarray:
    """Linear blend skinning with top-4 weights. T: (B, 3, 4)."""
    bones = body.skin_bones if idx is None else body.skin_bones[idx]
    w = body.skin_weights if idx is None else body.skin_weights[idx]
    v = rest_vertices if idx is None else rest_vertices[idx]
    T = T.astype(np.float32)
    M = np.einsum("vk,vkij->vij", w, T[bones])
    return np.einsum("vij,vj->vi", M[:, :, :3], v) + M[:, :, 3]
