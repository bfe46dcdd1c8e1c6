"""Three-dimensional measures from MediaPipe's world landmarks: the body's own axes, where the
camera stands relative to them, and the thigh's and arm's directions in the body's own frame.

The image angles (``kinematics.py``) are exact in a side view and distorted off it: seen obliquely,
a thigh swung out to the side (a fire hydrant, a hip abduction) projects like a short backward
kick, and a kick seen from behind shrinks. MediaPipe's *world* landmarks (metres, hip-centred,
axes aligned with the camera: x right, y down, z away from the camera) are a learned 3-D pose.
They are noisy in depth, but the body's axes and the direction of a limb relative to them do not
depend on where the camera stands. Measured on the rendered view sweep (``benchmarks/viewsweep.py``),
see the README.

Conventions (all degrees; "left"/"right" are the person's own sides):

- **body axes** per frame: ``right`` (unit, from the left hip and shoulder to the right ones),
  ``up`` (unit, mid-hip to mid-shoulder, made perpendicular to ``right``), ``front`` =
  ``up x right`` (unit, the belly side), its sign checked against the head (the nose lies in front
  of the ears), so that a left/right label error cannot turn the body round.
- **view yaw** ``view_yaw``: where the camera stands, turned about the body's long axis from a
  side view: 0 = the camera sees the body from the side, +90 = from the front (belly side),
  -90 = from behind. The same convention as ``kickrender``'s camera yaw.
- **3-D hip extension** ``hip_ext3_{left,right}``: the thigh's (hip -> knee) angle in the body's
  sagittal plane (``up``, ``front``) from the trunk line (``-up``), positive toward the back. It
  matches the image's ``hip_ext`` in a side view.
- **3-D hip abduction** ``hip_abd3_{left,right}``: the thigh's elevation out of the sagittal plane
  toward its own side (positive = away from the midline).
- **the thigh against the trunk line** ``thigh_line3_{left,right}``: the whole 3-D angle between
  the thigh (hip -> knee) and the trunk line carried on past the hips (``-up``), 0..180: 0 when the
  thigh continues the trunk line (the top of a kick). Unlike ``hip_ext3``, the angle of the thigh's
  projection onto the sagittal plane, it does not lose its meaning when the thigh points out to the
  side: a thigh lifted sideways to hip height reads about 90.
- **elevations** against gravity (the camera's "down", image +y; exact for a level phone):
  ``thigh_elev3_{left,right}``, the thigh's (hip -> knee) angle above the horizontal (-90 =
  pointing straight down), and ``trunk_elev3``, the trunk's (mid-hip -> mid-shoulder) angle above
  the horizontal (+90 = upright). A turn of the camera about the vertical changes neither.
  ``thigh_elev3 + trunk_elev3`` is the thigh's height relative to the trunk line: 0 when the
  thigh continues the trunk line (the top of a kick on all fours: the knee as high as the hip).
- **3-D knee flexion** ``knee_flex3_{left,right}``: the angle between the thigh (hip -> knee) and
  the shank (knee -> ankle), 0 = straight leg.
- **3-D arm raise** ``arm_raise3_{left,right}``: the angle between the upper arm (shoulder ->
  elbow) and the trunk line toward the hips (``-up``): 0 = along the body, 90 = straight out from
  it (on all fours: a supporting arm), 180 = reaching past the head (a bird dog's reach).
"""

from __future__ import annotations

import numpy as np

from kickcheck.landmarks import Landmark as L

SPATIAL_NAMES: tuple[str, ...] = (
    "hip_ext3_left",
    "hip_ext3_right",
    "hip_abd3_left",
    "hip_abd3_right",
    "thigh_line3_left",
    "thigh_line3_right",
    "arm_raise3_left",
    "arm_raise3_right",
    "thigh_elev3_left",
    "thigh_elev3_right",
    "knee_flex3_left",
    "knee_flex3_right",
    "trunk_elev3",
    "view_yaw",
)


def _unit(v: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(-1)


def body_axes(world: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(right, up, front), each unit [T,3], from world landmarks [T,33,3] (NaN where unknown)."""
    right = _unit(
        world[:, L.RIGHT_HIP]
        - world[:, L.LEFT_HIP]
        + world[:, L.RIGHT_SHOULDER]
        - world[:, L.LEFT_SHOULDER]
    )
    sh = (world[:, L.LEFT_SHOULDER] + world[:, L.RIGHT_SHOULDER]) / 2
    hp = (world[:, L.LEFT_HIP] + world[:, L.RIGHT_HIP]) / 2
    up = sh - hp
    up = _unit(up - _dot(up, right)[:, None] * right)
    front = np.cross(up, right)
    # The head decides which way is front: the nose lies in front of the ears. One sign for the
    # whole stretch, so a frame with a turned head cannot flip it.
    ears = (world[:, L.LEFT_EAR] + world[:, L.RIGHT_EAR]) / 2
    ahead = _dot(front, world[:, L.NOSE] - ears)
    ok = np.isfinite(ahead)
    if ok.any() and np.median(ahead[ok]) < 0:
        front, right = -front, -right
    return right, up, front


def view_yaw_deg(world: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Where the camera stands [T], turned about the vertical from a side view (see the module).

    The body's *heading* is the horizontal direction perpendicular to its left-right axis, toward
    the head end (on all fours, lying) or the belly (standing): the way the person faces. The camera
    looks along +z with image "up" as -y, so a heading toward the camera (negative z) is seen from
    the front, and a left-right axis along z is a side view.
    """
    heading = _unit(np.cross(np.array([0.0, -1.0, 0.0]), right))
    # Which way along it: toward the head end of the trunk (decisive on all fours and lying) and
    # the way the face looks (decisive standing upright); the two agree in every posture.
    ears = (world[:, L.LEFT_EAR] + world[:, L.RIGHT_EAR]) / 2
    sh = (world[:, L.LEFT_SHOULDER] + world[:, L.RIGHT_SHOULDER]) / 2
    hp = (world[:, L.LEFT_HIP] + world[:, L.RIGHT_HIP]) / 2
    ahead = _dot(heading, _unit(sh - hp) + _unit(world[:, L.NOSE] - ears))
    ok = np.isfinite(ahead)
    if ok.any() and np.median(ahead[ok]) < 0:
        heading = -heading
    return np.degrees(np.arctan2(-heading[:, 2], np.abs(right[:, 2])))


def elevation_deg(v: np.ndarray) -> np.ndarray:
    """Angle of world vectors [T,3] above the horizontal (world y points down)."""
    return np.degrees(np.arcsin(np.clip(-v[:, 1] / np.linalg.norm(v, axis=-1), -1.0, 1.0)))


def spatial_angles(world: np.ndarray) -> np.ndarray:
    """All of ``SPATIAL_NAMES`` [T, K] from cleaned world landmarks [T,33,3]."""
    right, up, front = body_axes(world)
    sh = (world[:, L.LEFT_SHOULDER] + world[:, L.RIGHT_SHOULDER]) / 2
    hp = (world[:, L.LEFT_HIP] + world[:, L.RIGHT_HIP]) / 2
    cols: dict[str, np.ndarray] = {"trunk_elev3": elevation_deg(sh - hp)}
    for side, sign in (("left", -1.0), ("right", 1.0)):
        p = side.upper() + "_"
        thigh = _unit(world[:, L[p + "KNEE"]] - world[:, L[p + "HIP"]])
        cols[f"hip_ext3_{side}"] = np.degrees(np.arctan2(-_dot(thigh, front), -_dot(thigh, up)))
        cols[f"hip_abd3_{side}"] = np.degrees(np.arcsin(np.clip(sign * _dot(thigh, right), -1, 1)))
        cols[f"thigh_line3_{side}"] = np.degrees(np.arccos(np.clip(_dot(thigh, -up), -1, 1)))
        cols[f"thigh_elev3_{side}"] = elevation_deg(
            world[:, L[p + "KNEE"]] - world[:, L[p + "HIP"]]
        )
        shank = _unit(world[:, L[p + "ANKLE"]] - world[:, L[p + "KNEE"]])
        cols[f"knee_flex3_{side}"] = np.degrees(np.arccos(np.clip(_dot(thigh, shank), -1, 1)))
        arm = _unit(world[:, L[p + "ELBOW"]] - world[:, L[p + "SHOULDER"]])
        cols[f"arm_raise3_{side}"] = np.degrees(np.arccos(np.clip(_dot(arm, -up), -1, 1)))
    cols["view_yaw"] = view_yaw_deg(world, right)
    return np.stack([cols[n] for n in SPATIAL_NAMES], axis=1)
