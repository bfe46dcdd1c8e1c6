"""Kinematics: joint angles over time from cleaned landmarks.

Conventions (all angles in degrees, measured in the image plane of the upright frame, so a side
view gives the sagittal plane):

- **facing** (+1 / -1): +1 when the person's front points toward image +x ("right"), -1 toward -x.
  Read from the head (the nose lies in front of the ears) and the feet (toes in front of heels),
  decided once per shot, or per stretch of a shot in which the person turned round between sets
  (``facing_per_shot``).
- **trunk line**: the vector from the mid-shoulder point to the mid-hip point.
- **hip extension** ``hip_ext_{left,right}``: the signed angle from the trunk line to the thigh
  (hip -> knee), multiplied by the facing sign. 0 = thigh continuing the trunk line;
  positive = extension, the thigh behind the trunk line (toward the back); negative = flexion,
  toward the belly. On all fours with a vertical thigh it is about -90. It is computed with
  ``atan2(cross, dot)`` and wrapped to (-180, 180], so it never folds back at 180 the way an
  unsigned shoulder-hip-knee angle does.
- **knee flexion** ``knee_flex_{left,right}``: the angle between the thigh (hip -> knee) and the
  shank (knee -> ankle); 0 = straight leg, 90 = right angle.
- **trunk pitch** ``trunk_pitch``: elevation of the shoulders above the hips, the angle of the
  shoulder-from-hip vector above the image horizontal: 0 = trunk horizontal, +90 = upright,
  negative = head below hips.
- **thigh pitch** ``thigh_pitch_{left,right}``: angle of the thigh (hip -> knee) from straight down,
  positive toward the person's back (the direction opposite to facing).
- **shank pitch** ``shank_pitch_{left,right}``: the same for the shank (knee -> ankle), and only
  where the knee and the ankle are both in view (``in_view``). Wrapped to (-180, 180]: a shank
  pointing straight up sits at the wrap, so compare it circularly.
- **shoulder flexion** ``shoulder_flex_{left,right}``: angle of the upper arm (shoulder -> elbow)
  from alongside the trunk (pointing toward the hips), positive toward the front: 0 = arm along
  the body, 90 = arm perpendicular to the trunk on the belly side (on all fours: arm vertical),
  180 = arm reaching past the head (a bird dog's reach); negative = arm behind the body.
  Wrapped to (-120, 240].
- **elbow flexion** ``elbow_flex_{left,right}``: 0 = straight arm.

Left and right are the person's own sides, as MediaPipe labels them after frame-to-frame swaps are
repaired by continuity.
"""

from __future__ import annotations

import numpy as np

from kickcheck.cleaning import (
    finite_runs,
    interpolate_gaps,
    lowpass,
    lr_swap_mask,
    mirror_labels,
)
from kickcheck.landmarks import Landmark as L
from kickcheck.spatial import SPATIAL_NAMES, spatial_angles
from kickcheck.types import Kinematics, PoseSequence

IMAGE_ANGLE_NAMES: tuple[str, ...] = (
    "hip_ext_left",
    "hip_ext_right",
    "knee_flex_left",
    "knee_flex_right",
    "trunk_pitch",
    "thigh_pitch_left",
    "thigh_pitch_right",
    "shank_pitch_left",
    "shank_pitch_right",
    "shoulder_flex_left",
    "shoulder_flex_right",
    "elbow_flex_left",
    "elbow_flex_right",
)
#: The image angles, then the 3-D ones from the world landmarks (``spatial.py``).
ANGLE_NAMES: tuple[str, ...] = IMAGE_ANGLE_NAMES + SPATIAL_NAMES


def signed_angle_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Signed angle from 2D vectors ``a`` to ``b`` (..., 2), degrees in (-180, 180].

    In image coordinates (y down) a positive angle turns clockwise on screen.
    """
    cross = a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    dot = (a[..., :2] * b[..., :2]).sum(-1)
    ang = np.degrees(np.arctan2(cross, dot))
    return np.where(ang <= -180.0, ang + 360.0, ang)


def wrap_deg(a: np.ndarray) -> np.ndarray:
    """Wrap angles to (-180, 180]."""
    w = np.mod(np.asarray(a, dtype=np.float64) + 180.0, 360.0) - 180.0
    return np.where(w == -180.0, 180.0, w)


def image_pitch_deg(v: np.ndarray) -> np.ndarray:
    """The elevation of image vectors [T,2] above the picture's horizontal, in degrees, whichever
    way they point along it (y grows downward): 0 level, 90 straight up."""
    return np.degrees(np.arctan2(-v[:, 1], np.abs(v[:, 0])))


def unsigned_angle_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(signed_angle_deg(a, b))


def facing_per_frame(xy: np.ndarray) -> np.ndarray:
    """+1/-1 per frame (NaN where unknown) from two cues that hold in every posture.

    - The head: the nose lies in front of the ears.
    - The knees: a knee bends backward, so a flexed knee's shank turns toward the person's back.
      (Toes are *not* used: on all fours they point backward.)
    Each cue is normalised by trunk length or is a sine, so they weigh alike; the head counts double.
    """
    ears = (xy[:, L.LEFT_EAR, 0] + xy[:, L.RIGHT_EAR, 0]) / 2
    sh = (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER]) / 2
    hp = (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP]) / 2
    trunk_len = np.hypot(*(sh - hp).T)
    head = np.clip((xy[:, L.NOSE, 0] - ears) / trunk_len * 4.0, -1.0, 1.0)
    knee = np.zeros(len(xy))
    for p in ("LEFT_", "RIGHT_"):
        thigh = xy[:, L[p + "KNEE"]] - xy[:, L[p + "HIP"]]
        shank = xy[:, L[p + "ANKLE"]] - xy[:, L[p + "KNEE"]]
        knee += np.nan_to_num(np.sin(np.radians(signed_angle_deg(thigh, shank))))
    score = 2.0 * np.nan_to_num(head) + knee
    score = np.where(np.isfinite(trunk_len), score, np.nan)
    return np.sign(score)


#: A person who turns round between two sets (to film the other leg from its own side) faces the
#: other way for a whole set. A stretch of one shot counts as facing its own way when the per-frame
#: cue agrees with it in at least FACING_AGREEMENT of its frames over at least
#: MIN_FACING_STRETCH_S: a set of even two reps lasts longer, and a cue that is merely noisy (an
#: oblique view, a hand over the face) does not hold 80 % one way for seconds on end.
MIN_FACING_STRETCH_S = 3.0
FACING_AGREEMENT = 0.8
#: The per-frame cue is first averaged over this window (seconds) to find where it settles.
_FACING_WINDOW_S = 1.0


def facing_per_shot(xy: np.ndarray, shot_id: np.ndarray, fs_hz: float | None = None) -> np.ndarray:
    """One facing sign (+1/-1) per stretch of each shot, broadcast to frames.

    Within a shot the person faces one way unless they turn round: the majority of the per-frame
    cue decides, except where the shot holds two or more stretches of at least
    ``MIN_FACING_STRETCH_S`` facing opposite ways (``fs_hz``, the frame rate, turns seconds into
    frames; without it every shot has one facing). Each frame then takes the facing of the stretch
    it lies in, or of the nearer one between two stretches.
    """
    f = facing_per_frame(xy)
    out = np.full(len(f), np.nan)
    for s in np.unique(shot_id):
        m = np.flatnonzero(shot_id == s)
        out[m] = _facing_stretches(f[m], fs_hz)
    return out


def _facing_stretches(f: np.ndarray, fs_hz: float | None) -> np.ndarray:
    """The facing of one shot's frames from the per-frame cue ``f`` (+1/-1/0/NaN)."""
    n = len(f)
    ok = np.isfinite(f) & (f != 0)
    if not ok.any():
        return np.full(n, np.nan)
    majority = np.full(n, 1.0 if f[ok].mean() >= 0 else -1.0)
    if fs_hz is None or fs_hz <= 0:
        return majority
    win = max(1, int(round(_FACING_WINDOW_S * fs_hz)))
    min_len = int(round(MIN_FACING_STRETCH_S * fs_hz))
    v = np.where(ok, f, 0.0)
    kernel = np.ones(win)
    num = np.convolve(v, kernel, mode="same")
    den = np.convolve(ok.astype(float), kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = num / den
    settled = np.abs(np.nan_to_num(mean)) >= 2 * FACING_AGREEMENT - 1
    idx = np.flatnonzero(settled)
    if not idx.size:
        return majority
    sign = np.sign(mean[idx])
    cuts = np.flatnonzero(np.diff(sign) != 0) + 1
    stretches = []  # (first frame, last frame, sign)
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(idx)]):
        lo, hi = int(idx[a]), int(idx[b - 1])
        agree = f[lo : hi + 1][ok[lo : hi + 1]]
        if hi - lo + 1 >= min_len and agree.size and np.mean(agree == sign[a]) >= FACING_AGREEMENT:
            stretches.append((lo, hi, float(sign[a])))
    if len({sg for *_, sg in stretches}) < 2:
        return majority
    # Neighbouring stretches facing the same way are one; between two, the nearer one decides.
    merged = [stretches[0]]
    for lo, hi, sg in stretches[1:]:
        if sg == merged[-1][2]:
            merged[-1] = (merged[-1][0], hi, sg)
        else:
            merged.append((lo, hi, sg))
    out = np.empty(n)
    bounds = [0] + [(a[1] + b[0] + 1) // 2 for a, b in zip(merged, merged[1:])] + [n]
    for (_, _, sg), a, b in zip(merged, bounds, bounds[1:]):
        out[a:b] = sg
    return out


def clean_landmarks(
    pose: PoseSequence, fs_hz: float, cutoff_hz: float, max_gap_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Swap-repaired, gap-filled, low-passed image landmarks x,y,z [T,33,3], world landmarks
    [T,33,3] (the same repair, and their depth mirrored about the hips, see below), and bool [T]:
    the frames whose labels were mirrored back.

    Filtering and gap filling run within each shot, never across a cut.
    """
    swapped = lr_swap_mask(pose.xyzv, fs_hz)
    max_gap = max(1, int(round(max_gap_s * fs_hz)))
    out = []
    for pts, world in ((pose.xyzv[:, :, :3], False), (pose.world, True)):
        fixed = mirror_labels(np.asarray(pts, dtype=np.float64), swapped)
        if world:
            # MediaPipe's 3-D body is always a proper (right-handed) human: where it swapped the
            # labels it also put the body the other way round in depth (the near leg far). Its
            # labels mirrored back alone would leave a mirror-image body there, whose 3-D angles
            # flip sign; mirroring its depth about the hips too restores the body.
            fixed[swapped, :, 2] *= -1.0
        clean = np.full_like(fixed, np.nan)
        for s in np.unique(pose.shot_id):
            m = np.flatnonzero(pose.shot_id == s)
            clean[m] = lowpass(interpolate_gaps(fixed[m], max_gap), fs_hz, cutoff_hz)
        out.append(clean)
    return out[0], out[1], swapped


def angles_from_xy(xy: np.ndarray, facing: np.ndarray) -> np.ndarray:
    """The image angles [T, len(IMAGE_ANGLE_NAMES)] from x,y landmarks [T,33,2] and facing [T]."""
    sh = (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER]) / 2
    hp = (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP]) / 2
    trunk = hp - sh
    cols = {}
    down = np.array([0.0, 1.0])
    for side in ("left", "right"):
        p = side.upper() + "_"
        hip, knee, ankle = xy[:, L[p + "HIP"]], xy[:, L[p + "KNEE"]], xy[:, L[p + "ANKLE"]]
        shoulder, elbow, wrist = (
            xy[:, L[p + "SHOULDER"]],
            xy[:, L[p + "ELBOW"]],
            xy[:, L[p + "WRIST"]],
        )
        thigh = knee - hip
        cols[f"hip_ext_{side}"] = facing * signed_angle_deg(trunk, thigh)
        cols[f"knee_flex_{side}"] = unsigned_angle_deg(thigh, ankle - knee)
        # From straight down toward the back: turning from "down" toward -facing*x.
        for seg, vec in (("thigh", thigh), ("shank", ankle - knee)):
            cols[f"{seg}_pitch_{side}"] = facing * signed_angle_deg(
                np.broadcast_to(down, vec.shape), vec
            )
        # Wrapped to (-120, 240] so an arm reaching past the head (about 180) never jumps to -180.
        flex = wrap_deg(180.0 - facing * signed_angle_deg(-trunk, elbow - shoulder))
        cols[f"shoulder_flex_{side}"] = np.where(flex <= -120.0, flex + 360.0, flex)
        cols[f"elbow_flex_{side}"] = unsigned_angle_deg(elbow - shoulder, wrist - elbow)
    up = sh - hp
    cols["trunk_pitch"] = image_pitch_deg(up)
    return np.stack([cols[n] for n in IMAGE_ANGLE_NAMES], axis=1)


#: A frame whose shoulder-hip distance in the image is below this fraction of the clip's median is
#: not measured: the trunk is either seen end-on or MediaPipe has collapsed the shoulders onto the
#: hips (seen with a knee pulled into the chest behind a machine).
MIN_TRUNK_FRACTION = 0.5
#: No hip extends this far past the trunk line, even with the lumbar spine fully arched: a larger
#: value is a mis-placed landmark.
MAX_PLAUSIBLE_HIP_EXT_DEG = 75.0


def implausible_frames(xy: np.ndarray, ang: np.ndarray) -> np.ndarray:
    """bool [T]: frames whose pose cannot be a real body seen from the side (see the constants)."""
    sh = (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER]) / 2
    hp = (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP]) / 2
    trunk = np.hypot(*(sh - hp).T)
    ok = np.isfinite(trunk)
    if not ok.any():
        return np.zeros(len(xy), bool)
    short = trunk < MIN_TRUNK_FRACTION * np.median(trunk[ok])
    hip = np.fmax(
        ang[:, ANGLE_NAMES.index("hip_ext_left")], ang[:, ANGLE_NAMES.index("hip_ext_right")]
    )
    return ok & (short | (hip > MAX_PLAUSIBLE_HIP_EXT_DEG))


#: A landmark this close to the image border (fraction of the size) or with a visibility below
#: MIN_VISIBILITY counts as out of view: MediaPipe only guesses where it is.
EDGE_MARGIN = 0.01
MIN_VISIBILITY = 0.3


def in_view(pose: PoseSequence, swapped: np.ndarray) -> np.ndarray:
    """bool [T,33]: each landmark lies inside the image and MediaPipe calls it visible, under the
    left/right labels as repaired (``swapped``: the frames whose labels were mirrored back)."""
    p = pose.xyzv
    mx, my = EDGE_MARGIN * pose.width, EDGE_MARGIN * pose.height
    with np.errstate(invalid="ignore"):
        inside = (p[..., 0] >= mx) & (p[..., 0] <= pose.width - mx)
        inside &= (p[..., 1] >= my) & (p[..., 1] <= pose.height - my)
        return mirror_labels(inside & (p[..., 3] >= MIN_VISIBILITY), swapped)


def compute_kinematics(
    pose: PoseSequence, fs_hz: float, cutoff_hz: float = 6.0, max_gap_s: float = 0.25
) -> tuple[Kinematics, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Angles over time. Returns (kinematics, cleaned image landmarks xyz [T,33,3], cleaned world
    landmarks [T,33,3], facing [T], and bool [T]: the frames whose left/right labels were mirrored
    back).

    The image angles come from the image landmarks, the 3-D ones (``spatial.py``) from the world
    landmarks. Frames with no person, or with an implausible pose (``implausible_frames``), hold
    NaN angles.
    """
    xyz, world, swapped = clean_landmarks(pose, fs_hz, cutoff_hz, max_gap_s)
    facing = facing_per_shot(xyz[:, :, :2], pose.shot_id, fs_hz)
    image = angles_from_xy(xyz[:, :, :2], np.nan_to_num(facing, nan=1.0))
    # The image angles need a facing and a body that is not seen end-on; the 3-D ones need
    # neither (they are NaN only where the person is missing).
    image[~np.isfinite(facing)] = np.nan
    image[implausible_frames(xyz[:, :, :2], image)] = np.nan
    # A shank's direction only where its knee and ankle are both in the picture: a foot out of
    # the frame is MediaPipe's guess, and the gate reads from the shank's direction how the leg
    # swung.
    seen = in_view(pose, swapped)
    for side in ("left", "right"):
        hidden = ~(seen[:, L[side.upper() + "_KNEE"]] & seen[:, L[side.upper() + "_ANKLE"]])
        image[hidden, IMAGE_ANGLE_NAMES.index(f"shank_pitch_{side}")] = np.nan
    ang = np.concatenate([image, spatial_angles(world)], axis=1)
    kin = Kinematics(angles_deg=ang, names=ANGLE_NAMES, t_s=pose.t_s)
    return kin, xyz, world, facing, swapped


def working_leg(kin: Kinematics, force_side: str | None = None) -> np.ndarray:
    """bool [T]: True where the right leg is the working (kicking) leg.

    The working leg is read near the tops of the kick, where it is unmistakable: of the two hips,
    the one that is more extended (by more than 10 degrees) in the frames where the more extended
    hip is in the upper half of its range, once per top (each stretch of such frames takes the
    reading of most of its frames). Every other frame takes the reading of the nearest such
    frame. Reading it per stretch rather than once per clip makes the signal immune to MediaPipe
    swapping the legs' labels for a stretch of frames (seen in a side-view clip after a pause, when
    the far leg's landmarks were uncertain) and to a person who switches legs between sets; reading
    it only near the tops keeps a working leg that swings forward past the support leg at the bottom
    (a cable kickback's start) from being mistaken for the support leg. ``force_side`` fixes it.
    """
    n = len(kin.t_s)
    if force_side is not None:
        return np.full(n, force_side == "right")
    left, right = kin["hip_ext_left"], kin["hip_ext_right"]
    hi = np.fmax(left, right)
    finite = np.isfinite(hi)
    if finite.sum() < 2:
        return np.zeros(n, bool)
    lo5, hi95 = np.percentile(hi[finite], [5, 95])
    upper = finite & (hi >= lo5 + 0.5 * (hi95 - lo5))
    sure = upper & (np.abs(right - left) > 10.0)
    if not sure.any():
        return np.nan_to_num(right, nan=-1e9) > np.nan_to_num(left, nan=-1e9)
    # One reading per top: every stretch of frames in the upper half takes the side most of its
    # sure frames give. A flicker of MediaPipe's for a few frames of a top (the support leg read
    # higher than the kicking one) is then not a change of working leg in mid-kick.
    is_right = right > left
    for a, b in finite_runs(upper):
        votes = sure[a:b]
        if votes.any():
            n_right = int(np.count_nonzero(is_right[a:b] & votes))
            n_left = int(np.count_nonzero(votes)) - n_right
            if n_right != n_left:
                is_right[a:b] = n_right > n_left
    idx = np.flatnonzero(sure)
    nearest = idx[np.clip(np.searchsorted(idx, np.arange(n)), 0, len(idx) - 1)]
    prev = idx[np.clip(np.searchsorted(idx, np.arange(n)) - 1, 0, len(idx) - 1)]
    pick = np.where(np.abs(prev - np.arange(n)) < np.abs(nearest - np.arange(n)), prev, nearest)
    return is_right[pick]


def per_leg(kin: Kinematics, name: str, right: np.ndarray) -> np.ndarray:
    """The ``{name}_left`` / ``{name}_right`` column chosen per frame by the bool mask ``right``."""
    return np.where(right, kin[f"{name}_right"], kin[f"{name}_left"])
