"""Ground-truth angles with the conventions shared with the kickcheck pipeline."""

from __future__ import annotations

import numpy as np


def _unit(v):
    return v / (np.linalg.norm(v) + 1e-12)


def hip_extension_deg(j: dict, side: str, lateral: np.ndarray) -> float:
    """Signed angle in the sagittal plane (normal = the person's left axis) from the trunk
    line (mid-shoulder -> mid-hip) to the thigh (hip -> knee); + = extension (dorsal)."""
    L = _unit(np.asarray(lateral, float))
    mid_sh = (j["left_shoulder"] + j["right_shoulder"]) / 2
    mid_hip = (j["left_hip"] + j["right_hip"]) / 2
    t = mid_hip - mid_sh
    h = j[f"{side}_knee"] - j[f"{side}_hip"]
    t = t - L * (t @ L)
    h = h - L * (h @ L)
    return float(np.degrees(np.arctan2(np.cross(t, h) @ L, t @ h)))


def knee_flexion_deg(j: dict, side: str) -> float:
    a = j[f"{side}_hip"] - j[f"{side}_knee"]
    b = j[f"{side}_ankle"] - j[f"{side}_knee"]
    c = np.clip(_unit(a) @ _unit(b), -1, 1)
    return float(180.0 - np.degrees(np.arccos(c)))
