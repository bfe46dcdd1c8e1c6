"""The exported CC0 body (see data/LICENSE-body.md): rest mesh, rig and skinning weights.

Rest-pose coordinates (as exported): metres, +z up, the person's front is -y and the
person's left is +x. Bones are listed parents-first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data" / "body.npz"

# BlazePose landmark order (MediaPipe Pose, 33 points).
BLAZEPOSE_NAMES = [
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
]

# Landmarks taken at a rig joint (the head of the named bone).
_JOINT_BONES = {
    "shoulder": "upperarm01",
    "elbow": "lowerarm01",
    "wrist": "wrist",
    "pinky": "finger5-1",
    "index": "finger2-1",
    "thumb": "finger1-3",
    "hip": "upperleg01",
    "knee": "lowerleg01",
    "ankle": "foot",
}

# Vertex regions by dominant bone (prefix match), used for clothing colours.
REGION_SKIN, REGION_TOP, REGION_SHORTS, REGION_HAIR, REGION_FEET = range(5)


@dataclass
class Body:
    variant_names: list[str]
    rest_vertices: np.ndarray  # (S, V, 3) float64
    rest_matrices: np.ndarray  # (S, B, 4, 4)
    faces: np.ndarray  # (F, 3) int32
    skin_weights: np.ndarray  # (V, 4) float32
    skin_bones: np.ndarray  # (V, 4) int32
    bone_names: list[str]
    parents: np.ndarray  # (B,) int
    index: dict[str, int] = field(default_factory=dict)
    region: np.ndarray | None = None  # (V,) uint8
    landmark_vertex: dict[str, int] = field(default_factory=dict)
    dominant_bone: np.ndarray | None = None

    @property
    def n_bones(self) -> int:
        return len(self.bone_names)

    def shape_index(self, shape: str | int) -> int:
        if isinstance(shape, int):
            return shape
        return self.variant_names.index(shape)

    def heads(self, shape: int = 0) -> np.ndarray:
        return self.rest_matrices[shape, :, :3, 3]

    def landmark_sources(self) -> list[tuple[str, str, int]]:
        """(name, kind, index): kind "bone" (posed head of bone) or "vertex"."""
        out = []
        for name in BLAZEPOSE_NAMES:
            side, _, part = name.partition("_")
            if part in _JOINT_BONES and side in ("left", "right"):
                bone = f"{_JOINT_BONES[part]}.{'L' if side == 'left' else 'R'}"
                out.append((name, "bone", self.index[bone]))
            else:
                out.append((name, "vertex", self.landmark_vertex[name]))
        return out


def _nearest(v: np.ndarray, cand: np.ndarray, p) -> int:
    d = np.linalg.norm(v[cand] - np.asarray(p), axis=1)
    return int(cand[np.argmin(d)])


def _setup(body: Body) -> None:
    body.index = {n: i for i, n in enumerate(body.bone_names)}
    dom = body.skin_bones[np.arange(len(body.skin_bones)), np.argmax(body.skin_weights, axis=1)]
    body.dominant_bone = dom
    names = body.bone_names
    v = body.rest_vertices[0]
    h = body.heads(0)
    reg = np.full(len(v), REGION_SKIN, np.uint8)
    for i, n in enumerate(names):
        m = dom == i
        if n.startswith(("root", "pelvis", "spine05")):
            reg[m] = REGION_SHORTS
        elif n.startswith("upperleg01"):
            reg[m] = REGION_SHORTS
        elif n.startswith(("spine0", "clavicle", "shoulder01")):
            reg[m] = REGION_TOP
        elif n.startswith(("foot", "toe")):
            reg[m] = REGION_FEET
    # shorts end a little above mid-thigh; the top ends at the shorts
    knee_z = h[body.index["lowerleg01.L"], 2]
    hip_z = h[body.index["upperleg01.L"], 2]
    legs = np.isin(dom, [body.index[n] for n in names if n.startswith(("upperleg", "lowerleg"))])
    reg[legs & (v[:, 2] > hip_z - 0.45 * (hip_z - knee_z))] = REGION_SHORTS
    reg[legs & (v[:, 2] <= hip_z - 0.45 * (hip_z - knee_z))] = REGION_SKIN
    torso = (reg == REGION_TOP) | (reg == REGION_SHORTS)
    waist_z = h[body.index["spine04"], 2] + 0.01
    reg[torso & (v[:, 2] > waist_z) & ~legs] = REGION_TOP
    reg[torso & (v[:, 2] <= waist_z)] = REGION_SHORTS
    # upper arm: short sleeves
    ua = np.isin(dom, [body.index["upperarm01.L"], body.index["upperarm01.R"]])
    sh_z = h[body.index["upperarm01.L"], 2]
    reg[ua & (v[:, 2] > sh_z - 0.06)] = REGION_TOP
    # hair: head vertices above the eyes or behind the ears
    head_i = [body.index[n] for n in ("head", "neck03", "eye.L", "eye.R")]
    headv = np.isin(dom, head_i)
    eye = h[body.index["eye.L"]]
    behind = (v[:, 1] > eye[1] + 0.12) & (v[:, 2] > eye[2] - 0.06)
    hair = headv & ((v[:, 2] > eye[2] + 0.045) | behind)
    reg[hair] = REGION_HAIR
    body.region = reg

    # Face and foot landmarks at vertices.
    hv = np.nonzero(np.isin(dom, head_i))[0]
    eyeL, eyeR = h[body.index["eye.L"]], h[body.index["eye.R"]]
    front = hv[np.abs(v[hv, 0]) < 0.01]
    nose_z = eyeL[2] - 0.035
    near = front[np.abs(v[front, 2] - nose_z) < 0.015]
    nose = int(near[np.argmin(v[near, 1])])
    lm = {"nose": nose}
    for side, e, s in (("left", eyeL, 1.0), ("right", eyeR, -1.0)):
        lm[f"{side}_eye"] = _nearest(v, hv, e + [0, -0.02, 0])
        lm[f"{side}_eye_inner"] = _nearest(v, hv, e + [-s * 0.014, -0.015, 0])
        lm[f"{side}_eye_outer"] = _nearest(v, hv, e + [s * 0.016, -0.012, 0])
        side_v = hv[(s * v[hv, 0] > 0) & (np.abs(v[hv, 2] - (e[2] - 0.02)) < 0.02)]
        ear = side_v[np.argmax(s * v[side_v, 0])]
        lm[f"{side}_ear"] = int(ear)
        lm[f"mouth_{side}"] = _nearest(v, hv, [s * 0.022, v[nose, 1] + 0.01, nose_z - 0.04])
        suffix = "L" if side == "left" else "R"
        fv = np.nonzero(
            np.isin(
                dom,
                [
                    i
                    for i, n in enumerate(names)
                    if n.startswith(("foot", "toe")) and n.endswith(suffix)
                ],
            )
        )[0]
        low = fv[v[fv, 2] < v[fv, 2].min() + 0.03]
        lm[f"{side}_heel"] = int(low[np.argmax(v[low, 1])])
        toes = fv[np.abs(v[fv, 0] - h[body.index[f"toe2-1.{suffix}"], 0]) < 0.02]
        lm[f"{side}_foot_index"] = int(toes[np.argmin(v[toes, 1])])
    body.landmark_vertex = lm


@lru_cache(maxsize=1)
def load_body(path: str | None = None) -> Body:
    d = np.load(path or DATA)
    body = Body(
        variant_names=[str(x) for x in d["variant_names"]],
        rest_vertices=d["rest_vertices"].astype(np.float64),
        rest_matrices=d["rest_bone_matrices"].astype(np.float64),
        faces=d["faces"].astype(np.int32),
        skin_weights=d["skin_weights"].astype(np.float32),
        skin_bones=d["skin_bones"].astype(np.int32),
        bone_names=[str(x) for x in d["bone_names"]],
        parents=d["bone_parents"].astype(np.int64),
    )
    w = body.skin_weights
    body.skin_weights = w / w.sum(axis=1, keepdims=True)
    _setup(body)
    return body
