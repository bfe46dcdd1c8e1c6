"""The exercise gate: is this a glute kickback, which variant, which working side, which view?

Hip-angle oscillation alone is not a kickback: bridges, squats, bird dogs, deadlifts and many
others swing the hip too. Every criterion here comes from the movement itself:

- **which segment moves**: the working thigh must swing through a real range relative to the trunk
  line (``min_hip_rom_deg``) and reach the trunk line or beyond at the top
  (``max_top_below_trunk_deg``), while the other thigh supports: it must not follow the working
  one from the bottom of the kick to its top (``max_other_leg_ratio``), nor range over most of the
  working hip's range in any rhythm (``max_support_hip_range_ratio``); at the tops the working
  thigh is behind the support one, not level with it (``min_top_split_deg``: a leg rising out of
  a lunge moves in front of the body); and the trunk must not tip with it (``max_trunk_ratio``),
  nor range in any rhythm over half the hip's range (``max_trunk_range_ratio``).
  If the hips hardly move, the gate names what did move (an arm, the lower leg, the trunk).
- **posture**: on all fours (trunk near horizontal in the picture or near the line from the
  support knee to the hands, which lies on the floor and tips with it when the camera looks down
  from an angle; hands or forearms below the shoulders; the support knee below the hip and bent,
  as when kneeling, in the picture or in 3-D) or standing (trunk hinged at least
  ``standing_min_trunk_pitch_deg`` above horizontal, on a straight, near-vertical support leg). A
  body whose knees rise above the hips with the trunk flat is lying down: on its back (a bridge)
  when the face points up, face down (a superman) otherwise. One whose shoulders and hips are
  stacked one above the other lies on its side (a clamshell; ``min_side_lying_vertical``, in
  3-D). Both lying postures are read from any camera angle.
- **plane of motion**: extension, not abduction: in 3-D, the swing moves the thigh in the body's
  sagittal plane and brings it into line with the trunk (a thigh's shortening in the image of a
  side view, ``max_thigh_shortening``, is still measured but off by default). From any view, a
  bent leg swung back turns its shank with the thigh, while a bent leg lifted out to
  the side turns about its shank's own line, which keeps its direction (``max_shank_turn_ratio``,
  unless the knee opens, as in a straight-leg kick). And the shank never turns against the
  thigh by more than a fraction of its swing (``max_shank_counter_turn_ratio``): a kick carries the
  foot back with the thigh; a knee driven in under the chest and pushed back out (a mountain
  climber) folds and opens the knee by more than the thigh swings. Nor does the knee fold with
  the kick by most of the thigh's swing (``max_knee_fold_ratio``): that is a leg curl. And on
  all fours both hands stay down: an arm reaching forward with the kick is a bird dog, whether
  its angle rises (``max_arm_rise_deg``) or only its hand moves ahead along the body in the image
  (``max_hand_forward``: MediaPipe may leave a reaching arm's angle hanging).

The working side is the leg whose hip moves most, read by MediaPipe's own left/right label after
frame-to-frame label swaps are repaired (on the real clips we checked, that label was right).
The features are robust percentiles over the frames where a person was found, so an intro, a
title card or a setup phase does not decide the verdict.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from kickcheck.config import GateConfig
from kickcheck.kinematics import image_pitch_deg, per_leg, working_leg
from kickcheck.landmarks import Landmark as L
from kickcheck.types import Exercise, Kinematics, Rep


def _spread(x: np.ndarray, tail: float = 5.0) -> float:
    x = x[np.isfinite(x)]
    return float(np.percentile(x, 100 - tail) - np.percentile(x, tail)) if x.size >= 3 else 0.0


def _spread_within_shots(x: np.ndarray, shots: np.ndarray | None) -> float:
    """``_spread`` of ``x`` about each shot's own median: how far ``x`` ranges within the shots,
    not between them (a cut to another camera changes an image angle without the body moving)."""
    if shots is None:
        return _spread(x)
    about = np.full(len(x), np.nan)
    for shot in np.unique(shots):
        here = (shots == shot) & np.isfinite(x)
        if here.any():
            about[here] = x[here] - np.median(x[here])
    return _spread(about)


def _pct(x: np.ndarray, q: float) -> float:
    x = x[np.isfinite(x)]
    return float(np.percentile(x, q)) if x.size else float("nan")


def _other(side: str) -> str:
    return "right" if side == "left" else "left"


def _hand_rise(hip: np.ndarray, world: np.ndarray) -> float:
    """How far the higher hand rises toward the shoulders between the bottoms and the tops of the
    working hip, in trunk lengths, from the 3-D world landmarks (y down). A hand on the floor:
    about 0. A bird dog's reaching hand: about 1 (from the floor to shoulder height)."""
    sh = (world[:, L.LEFT_SHOULDER] + world[:, L.RIGHT_SHOULDER]) / 2
    hp = (world[:, L.LEFT_HIP] + world[:, L.RIGHT_HIP]) / 2
    trunk = np.linalg.norm(sh - hp, axis=-1)
    drop = np.fmin(world[:, L.LEFT_WRIST, 1], world[:, L.RIGHT_WRIST, 1]) - sh[:, 1]
    return _change(hip, -drop / np.nanmedian(trunk))


def _hand_forward(hip: np.ndarray, xy: np.ndarray) -> float:
    """How far the hands move ahead along the trunk with the kick, in the image: the wrists'
    positions ahead of the mid-shoulder along the hip-to-shoulder line, in the clip's
    median trunk lengths, at the working hip's tops minus at its bottoms (``_change``). A hand on
    the floor: about 0 (the shoulders rock a little over it). A bird dog's reaching hand: about 1
    (from under the shoulder to an arm's length ahead). The two wrists' positions are added in
    each frame, so their labels do not matter: a planted hand adds only the shoulders' rock, a
    reaching one its reach. (Read per wrist, they did: the label repair mirrors the whole body
    with the legs, and where MediaPipe swapped the legs at each top, each wrist's label jumped
    from one planted hand to the other with the kick, which read as a hand moving forward.)"""
    sh = (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER]) / 2
    axis = sh - (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP]) / 2
    length = np.hypot(*axis.T)
    scale = np.nanmedian(length) if np.isfinite(length).any() else np.nan
    if not scale > 0:
        return float("nan")
    with np.errstate(invalid="ignore", divide="ignore"):
        ahead = axis / length[:, None]
    reach = [
        np.einsum("ij,ij->i", xy[:, wrist] - sh, ahead) / scale
        for wrist in (L.LEFT_WRIST, L.RIGHT_WRIST)
    ]
    return _change(hip, reach[0] + reach[1])


def _arm_rise(hip: np.ndarray, kin: Kinematics) -> float:
    """How far the more raised upper arm swings forward with the kick: its angle to the trunk
    (3-D, ``spatial``'s arm_raise3) at the working hip's tops minus at its bottoms, in degrees.
    An arm on the floor: about 0. A bird dog's reaching arm: about 80 (hanging to forward)."""
    arm = np.fmax(kin["arm_raise3_left"], kin["arm_raise3_right"])
    return _change(hip, arm)


def _change(work: np.ndarray, other: np.ndarray) -> float:
    """How much ``other`` changes between the working hip's bottoms and its tops (medians of each),
    in ``other``'s own units: ``_follow`` times the working hip's own change."""
    return _follow(work, other, signed=True) * _rise_scale(work)


def _turn(work: np.ndarray, direction_deg: np.ndarray, shots: np.ndarray | None = None) -> float:
    """How far an image direction (degrees, any wrap) turns between the working hip's bottoms
    and its tops: the difference of the circular medians of each, in (-180, 180]. A shank
    pointing straight up sits where its angle wraps, so plain medians would not do.

    Tops and bottoms are compared within one shot (``shots``, the pose's ``shot_id``) only: across
    a cut the camera, and maybe the person followed, change, and a top of one shot against a
    bottom of another compares two views or two people. The shots' turns are combined as a median
    weighted by the smaller of their numbers of top and bottom frames. A shot counts only if the
    direction was measured in at least half of its top frames and of its bottom frames (a foot
    out of the picture at the tops is not read from the frames below them); NaN if none does."""
    ok = np.isfinite(work)
    if ok.sum() < 10:
        return float("nan")
    lo, hi = np.percentile(work[ok], [15, 85])
    seen = np.isfinite(direction_deg)
    a = np.radians(np.where(seen, direction_deg, 0.0))
    if shots is None:
        shots = np.zeros(len(work), np.int32)

    def median_dir(sel: np.ndarray) -> float:
        use = sel & seen
        if 2 * use.sum() < sel.sum():
            return float("nan")
        return float(np.arctan2(np.median(np.sin(a[use])), np.median(np.cos(a[use]))))

    turns, weights = [], []
    for shot in np.unique(shots):
        here = ok & (shots == shot)
        top, bottom = here & (work >= hi), here & (work <= lo)
        if not top.any() or not bottom.any():
            continue
        with np.errstate(invalid="ignore"):
            d = np.degrees(median_dir(top) - median_dir(bottom))
        if np.isfinite(d):
            turns.append(float((d + 180.0) % 360.0 - 180.0))
            weights.append(min(int(top.sum()), int(bottom.sum())))
    if not turns:
        return float("nan")
    order = np.argsort(turns)
    cum = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(turns)[order][np.searchsorted(cum, cum[-1] / 2.0)])


def _rise_scale(hip: np.ndarray) -> float:
    """The working hip's change between its bottoms and tops (undoes ``_follow``'s division)."""
    ok = np.isfinite(hip)
    if ok.sum() < 10:
        return 0.0
    w = hip[ok]
    lo, hi = np.percentile(w, [15, 85])
    return float(np.median(w[w >= hi]) - np.median(w[w <= lo]))


def gate_features(
    kin: Kinematics,
    xyz: np.ndarray,
    right: np.ndarray,
    world: np.ndarray,
    shots: np.ndarray | None = None,
) -> dict[str, float]:
    """Clip-level features the gate decides on (also reported as evidence).

    ``right`` [T] says per frame whether the right leg is the working one (``working_leg``);
    ``xyz`` and ``world`` are the cleaned image and world landmarks; ``shots`` [T] the pose's
    ``shot_id`` (the image turns compare tops and bottoms within one shot).
    """
    hip = per_leg(kin, "hip_ext", right)
    xy = xyz[:, :, :2]
    sh = (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER]) / 2
    hp = (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP]) / 2
    trunk_len = np.hypot(*(sh - hp).T)

    def pick(lm_left: L, lm_right: L, working: bool) -> np.ndarray:
        use_right = right if working else ~right
        return np.where(use_right[:, None], xy[:, lm_right], xy[:, lm_left])

    w_knee, w_hip = pick(L.LEFT_KNEE, L.RIGHT_KNEE, True), pick(L.LEFT_HIP, L.RIGHT_HIP, True)
    s_knee, s_ankle = (
        pick(L.LEFT_KNEE, L.RIGHT_KNEE, False),
        pick(L.LEFT_ANKLE, L.RIGHT_ANKLE, False),
    )
    wrists = (xy[:, L.LEFT_WRIST] + xy[:, L.RIGHT_WRIST]) / 2
    thigh_len = np.where(np.isfinite(hip), np.hypot(*(w_knee - w_hip).T) / trunk_len, np.nan)
    # Frames near the tops of the working hip (its top 15%) versus all frames.
    top_thr = _pct(hip, 85)
    tops = np.isfinite(hip) & (hip >= top_thr)
    wrist_y = np.fmax(xy[:, L.LEFT_WRIST, 1], xy[:, L.RIGHT_WRIST, 1])
    elbow_y = np.fmax(xy[:, L.LEFT_ELBOW, 1], xy[:, L.RIGHT_ELBOW, 1])
    hand_drop = (np.fmax(wrist_y, elbow_y) - sh[:, 1]) / trunk_len
    knee_drop = (s_knee[:, 1] - hp[:, 1]) / trunk_len
    ankle_drop = (s_ankle[:, 1] - hp[:, 1]) / trunk_len
    arm_reach = np.fmax(kin["shoulder_flex_left"], kin["shoulder_flex_right"])
    hip3 = per_leg(kin, "hip_ext3", right)
    thigh_elev = per_leg(kin, "thigh_elev3", right)
    lever = _follow(thigh_elev, kin["trunk_elev3"])
    return {
        "hip_rom_deg": _spread(hip),
        "hip_top_deg": _pct(hip, 95),
        "hip_rom3_deg": _spread(hip3),
        "hip_top3_deg": _pct(hip3, 95),
        # Either leg's: a pure sideways swing does not move the hip's extension, by which the
        # working leg is chosen.
        "hip_abd_rom3_deg": max(_spread(kin["hip_abd3_left"]), _spread(kin["hip_abd3_right"])),
        "hip_top_height_deg": _pct(thigh_elev + kin["trunk_elev3"], 95),
        # How far behind the support thigh the working one is at the tops (the two hips'
        # extension apart, median over the top frames), in the image and in 3-D.
        "top_split_deg": _pct((hip - per_leg(kin, "hip_ext", ~right))[tops], 50),
        "top_split3_deg": _pct((hip3 - per_leg(kin, "hip_ext3", ~right))[tops], 50),
        # How close the working thigh comes to the trunk line in 3-D (its closest approach, the
        # 5th percentile): a kickback's passes through it at every top, a sideways lift's never.
        "thigh_line_gap3_deg": _pct(per_leg(kin, "thigh_line3", right), 5),
        "view_yaw_deg": _pct(kin["view_yaw"], 50),
        "hand_rise": _hand_rise(hip, world),
        "arm_rise3_deg": _arm_rise(hip, kin),
        "hand_forward": _hand_forward(hip, xy),
        "other_hip_rom_deg": _spread(per_leg(kin, "hip_ext", ~right)),
        "other_leg_follow": min(
            _follow(hip, per_leg(kin, "hip_ext", ~right)),
            _follow(
                np.fmax(kin["hip_ext_left"], kin["hip_ext_right"]),
                np.fmin(kin["hip_ext_left"], kin["hip_ext_right"]),
            ),
        ),
        # Against gravity (3-D); the image angles where the world landmarks are missing.
        "trunk_follow": lever
        if np.isfinite(thigh_elev).any()
        else _follow(hip, kin["trunk_pitch"]),
        # How far the trunk tips in the image within the shots, as a fraction of the working
        # hip's range (the larger of the image and 3-D readings): about 0 for a kick on a still
        # trunk, near 1 for a hinge. Unlike the follow above it does not ask when the trunk
        # tips, so a trunk that lags the leg (the leg back down before the trunk rises) counts.
        "trunk_range_ratio": _spread_within_shots(kin["trunk_pitch"], shots)
        / max(_spread(hip), _spread(hip3), 1e-6),
        "trunk_pitch_deg": _pct(kin["trunk_pitch"], 50),
        # The trunk's pitch against the line from the support knee to the hands, in the image: on
        # all fours that line lies on the floor, so a camera looking down from above, which tips
        # both, leaves their difference (lines that are near parallel in space stay near parallel
        # in the picture).
        "trunk_to_floor_deg": _pct(kin["trunk_pitch"] - image_pitch_deg(wrists - s_knee), 50),
        "trunk_rom_deg": _spread(kin["trunk_pitch"]),
        "thigh_rom_deg": _spread(per_leg(kin, "thigh_pitch", right)),
        "knee_rom_deg": _spread(per_leg(kin, "knee_flex", right)),
        "elbow_rom_deg": max(_spread(kin["elbow_flex_left"]), _spread(kin["elbow_flex_right"])),
        "arm_rom_deg": max(_spread(kin["shoulder_flex_left"]), _spread(kin["shoulder_flex_right"])),
        "arm_reach_top_deg": _pct(arm_reach[tops], 75) if tops.any() else float("nan"),
        # The image's twin of arm_rise3_deg: how far the more raised arm's shoulder flexion rises
        # between the working hip's bottoms and its tops.
        "arm_rise_deg": _change(hip, arm_reach),
        # The working thigh's and shank's turns in the image, and the knee's opening in 3-D,
        # between the bottoms and the tops: a bent leg swung back turns its shank with the
        # thigh; one lifted out to the side turns about the shank's own line.
        "thigh_turn_deg": _turn(hip, per_leg(kin, "thigh_pitch", right), shots),
        "shank_turn_deg": _turn(hip, per_leg(kin, "shank_pitch", right), shots),
        "knee_open3_deg": -_change(hip, per_leg(kin, "knee_flex3", right)),
        "thigh_shortening": 1.0 - _pct(thigh_len[tops], 50) / _pct(thigh_len, 50)
        if tops.any()
        else 0.0,
        "support_knee_flex_deg": _pct(per_leg(kin, "knee_flex", ~right), 50),
        # The same in 3-D: seen from behind and above, a kneeling leg's shank points back toward
        # the camera and its picture nearly continues the thigh's line.
        "support_knee_flex3_deg": _pct(per_leg(kin, "knee_flex3", ~right), 50),
        "support_knee_rom_deg": _spread(per_leg(kin, "knee_flex", ~right), tail=10.0),
        "support_thigh_pitch_deg": _pct(np.abs(per_leg(kin, "thigh_pitch", ~right)), 50),
        "support_knee_drop": _pct(knee_drop, 50),
        "support_ankle_drop": _pct(ankle_drop, 50),
        "hand_drop": _pct(hand_drop, 50),
        "face_up": _pct(
            ((xy[:, L.LEFT_EAR, 1] + xy[:, L.RIGHT_EAR, 1]) / 2 - xy[:, L.NOSE, 1]) / trunk_len, 50
        ),
        "shoulder_width_ratio": _pct(
            np.hypot(*(xy[:, L.LEFT_SHOULDER] - xy[:, L.RIGHT_SHOULDER]).T) / trunk_len, 50
        ),
        "right_leg_share_at_tops": float(np.mean(right[tops])) if tops.any() else 0.5,
        # Lying on the side: the shoulder and hip lines both near the camera's vertical (3-D).
        "side_lying3": min(
            _vertical_share(world, L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
            _vertical_share(world, L.LEFT_HIP, L.RIGHT_HIP),
        ),
    }


def _vertical_share(world: np.ndarray, a: L, b: L) -> float:
    """The median share of the 3-D line from landmark ``b`` to ``a`` along the camera's vertical
    (MediaPipe's world axes turn with the camera): 0 level and across the view, 1 vertical."""
    d = world[:, a] - world[:, b]
    n = np.linalg.norm(d, axis=1)
    ok = np.isfinite(n) & (n > 0)
    return float(np.median(np.abs(d[ok, 1]) / n[ok])) if ok.any() else float("nan")


def _follow(work: np.ndarray, other: np.ndarray, signed: bool = False) -> float:
    """How far ``other`` follows the working hip: its change between the working hip's bottoms and
    tops (medians of each), as a fraction of the working hip's change. For the other hip: about 0
    for a kickback (the support leg stays), about 1 when both legs move together (bridges, squats,
    deadlifts). The gate takes the smaller of two readings of the legs: by MediaPipe's labels, and
    by no labels at all (the more extended hip against the less extended one, frame by frame), so
    that a stretch of swapped labels cannot make a support leg look as if it followed. For the trunk's pitch: about 0 when the thigh moves on a still trunk, large when the
    trunk tips with the leg (a single-leg deadlift). Medians make it robust to stray frames."""
    ok = np.isfinite(work) & np.isfinite(other)
    if ok.sum() < 10:
        return 0.0
    w, o = work[ok], other[ok]
    lo, hi = np.percentile(w, [15, 85])
    tops, bottoms = w >= hi, w <= lo
    dw = np.median(w[tops]) - np.median(w[bottoms])
    if dw <= 1e-6:
        return 0.0
    do = np.median(o[tops]) - np.median(o[bottoms])
    return float((do if signed else abs(do)) / dw)


#: Evidence that a turn of the camera does not distort: measured in 3-D from the world landmarks
#: (``spatial.py``), or not a measure of the body at all. A rejection on any other evidence is
#: trusted only within ``max_image_view_yaw_deg`` of the side view.
VIEW_INDEPENDENT_EVIDENCE = frozenset(
    {
        "detected_frac",
        "hip_rom3_deg",
        "hip_top3_deg",
        "hip_top_height_deg",
        "trunk_follow",
        "hand_rise",
        "arm_rise3_deg",
        # Named only by the "lying" rejection, which reads its sign (``lying``): whether the
        # support knee is above the hips in the picture. A camera turned about the vertical keeps
        # that order. (The other posture rejections leave it out of their evidence.)
        "support_knee_drop",
        "side_lying3",
    }
)

#: For the words only (never the verdict): a working thigh whose abduction (3-D) ranges this far
#: while the hips hardly move in the sagittal plane is named as swinging out to the side.
ABDUCTION_NAMED_DEG = 15.0

#: The features ``posture`` reads (the evidence behind a posture rejection).
POSTURE_KEYS = (
    "trunk_pitch_deg",
    "trunk_to_floor_deg",
    "hand_drop",
    "support_knee_drop",
    "support_knee_flex_deg",
    "support_knee_flex3_deg",
    "support_ankle_drop",
    "face_up",
    "support_knee_rom_deg",
)


#: The features behind a "lying" rejection (``lying``), which holds from any camera angle.
LYING_KEYS = ("support_knee_drop", "face_up", "trunk_pitch_deg")


def lying(f: dict[str, float], p: GateConfig) -> str | None:
    """What was seen when the body lies on its back or face down, else None.

    The support knee level with or above the hips decides it: on all fours or standing it is always
    well below them (a kneeling knee is on the floor, a standing one under the hip). That is a
    vertical order in the picture, which a turn of the camera about the vertical does not change,
    so unlike the other postures this one is trusted beyond ``max_image_view_yaw_deg``. The flat
    trunk only keeps a deep squat, its hips below its knees, out of it; the face tells back from
    front."""
    flat = abs(f["trunk_pitch_deg"]) <= p.quadruped_max_trunk_pitch_deg
    if not (flat and f["support_knee_drop"] < 0.0):
        return None
    if f["face_up"] > 0.05:
        return "the body is lying on its back (knees above the hips), not on all fours"
    return "the body is lying face down (knees level with the hips), not on all fours"


def posture(f: dict[str, float], p: GateConfig) -> tuple[str | None, str]:
    """("quadruped" | "standing" | None, description of what was seen)."""
    pitch = f["trunk_pitch_deg"]
    flat = abs(pitch) <= p.quadruped_max_trunk_pitch_deg
    # On all fours the trunk is also near the line from the support knee to the hands, which lies
    # on the floor: a camera looking down from an oblique angle tips the trunk and that line alike
    # in the picture (``trunk_to_floor_deg``). The descriptions of what else was seen below stay on
    # the picture's own level.
    # the picture of an upright trunk is never that steep a floor (``quadruped_max_image_trunk_pitch_deg``)
    along_floor = (
        abs(f.get("trunk_to_floor_deg", np.nan)) <= p.quadruped_max_trunk_pitch_deg
        and abs(pitch) <= p.quadruped_max_image_trunk_pitch_deg
    )
    down = lying(f, p)
    if down is not None:
        return None, down
    kneeling = (
        (flat or along_floor)
        and f["hand_drop"] > 0.3
        and f["support_knee_drop"] > 0.3
        and np.fmax(f["support_knee_flex_deg"], f.get("support_knee_flex3_deg", np.nan)) >= 45.0
    )
    standing = (
        pitch >= p.standing_min_trunk_pitch_deg
        and f["support_knee_flex_deg"] < 40.0
        and f["support_thigh_pitch_deg"] < 30.0
        and f["support_ankle_drop"] > 0.8
    )
    if (kneeling or standing) and f["support_knee_rom_deg"] > p.max_support_knee_rom_deg:
        return None, (
            f"the support knee bent and straightened through {f['support_knee_rom_deg']:.0f}° "
            "(as in a lunge, a squat or mountain climbers); in a kickback the support leg stays "
            "planted"
        )
    if kneeling:
        return "quadruped", "on all fours"
    if standing:
        return "standing", "standing on one leg"
    if flat and f["hand_drop"] <= 0.3:
        return (
            None,
            "the body is flat without the hands under the shoulders (lying or planking), not on all fours",
        )
    if flat:
        return (
            None,
            "the body is flat but not kneeling on a bent support knee (a plank or push-up position)",
        )
    if pitch > 75.0:
        return None, "the person stands upright, not hinged forward over a planted leg"
    return None, "the posture is neither on all fours nor standing hinged over one planted leg"


def _what_moved(f: dict[str, float]) -> str:
    if f["trunk_rom_deg"] >= 30.0:
        return "the trunk tipped with the leg as one lever (as in a single-leg deadlift or good morning)"
    if f.get("hip_abd_rom3_deg", 0.0) >= ABDUCTION_NAMED_DEG:
        return (
            "the thigh swung out to the side instead (abduction, as in a fire hydrant or a hip "
            "abduction)"
        )
    moved = {
        "an arm": max(f["elbow_rom_deg"], f["arm_rom_deg"]),
        "only the lower leg (a leg curl)": f["knee_rom_deg"],
        "the trunk": f["trunk_rom_deg"],
    }
    name, amount = max(moved.items(), key=lambda kv: kv[1])
    if amount < 20.0:
        return "nothing moved much"
    return f"the moving part was {name}"


def view_name(yaw_deg: float) -> str:
    """Plain name of a camera yaw (``spatial.view_yaw_deg``): side, front/rear-oblique, front/rear."""
    if not np.isfinite(yaw_deg):
        return "unknown"
    a = abs(yaw_deg)
    if a < SIDE_VIEW_MAX_YAW_DEG:
        return "side"
    where = "front" if yaw_deg > 0 else "rear"
    return f"{where}-oblique" if a < OBLIQUE_VIEW_MAX_YAW_DEG else where


#: Views named "side" and "...-oblique" (degrees of estimated camera yaw): a name for the report.
SIDE_VIEW_MAX_YAW_DEG = 20.0
OBLIQUE_VIEW_MAX_YAW_DEG = 67.5


def judge(
    kin: Kinematics,
    xyz: np.ndarray,
    facing: np.ndarray,
    detected_frac: float,
    p: GateConfig,
    *,
    world: np.ndarray | None = None,
    force_variant: str | None = None,
    force_side: str | None = None,
    scope: np.ndarray | None = None,
    shots: np.ndarray | None = None,
) -> Exercise:
    """The verdict on the clip's kinematics. ``scope`` (bool [T]) marks the frames the verdict is
    about, where the others were blanked out (NaN) on purpose: the share of frames in which the
    body is seen end-on is taken within it. ``shots`` [T] is the pose's ``shot_id``.

    A forced variant (``--variant``) overrules the gate: the user says what the clip is, so a
    refusal on the movement becomes a kickback of that variant, with the refusal kept in
    ``overruled``. Only a clip where hardly anyone was found stays refused."""
    ex = _judge(
        kin,
        xyz,
        facing,
        detected_frac,
        p,
        world=world,
        force_variant=force_variant,
        force_side=force_side,
        scope=scope,
        shots=shots,
    )
    if force_variant is None or ex.is_kickback or ex.decided_by == ("detected_frac",):
        return ex
    f = ex.evidence
    side = force_side or ("right" if f.get("right_leg_share_at_tops", 0.5) >= 0.5 else "left")
    return replace(
        ex,
        is_kickback=True,
        variant=force_variant,
        working_side=side,
        reason=f"glute kickbacks, {force_variant} (forced with --variant)",
        outcome="kickback",
        decided_by=(),
        overruled=ex.reason,
    )


def _judge(
    kin: Kinematics,
    xyz: np.ndarray,
    facing: np.ndarray,
    detected_frac: float,
    p: GateConfig,
    *,
    world: np.ndarray | None,
    force_variant: str | None,
    force_side: str | None,
    scope: np.ndarray | None,
    shots: np.ndarray | None = None,
) -> Exercise:
    right = working_leg(kin, force_side)
    if world is None:
        world = np.full_like(xyz, np.nan)
    f = gate_features(kin, xyz, right, world, shots)
    side = force_side or ("right" if f["right_leg_share_at_tops"] >= 0.5 else "left")
    f["detected_frac"] = detected_frac
    fac = facing[np.isfinite(facing)]
    facing_name = None if fac.size == 0 else ("right" if fac.mean() >= 0 else "left")
    yaw = f["view_yaw_deg"]
    view = view_name(yaw)
    wide = force_variant is None and np.isfinite(yaw) and abs(yaw) > p.max_image_view_yaw_deg

    def cannot_tell(why: str, *keys: str) -> Exercise:
        return Exercise(
            False,
            None,
            None,
            facing_name,
            view,
            f"cannot tell from this camera angle: {why}",
            f,
            outcome="cannot_tell",
            view_yaw_deg=yaw,
            decided_by=("view_yaw_deg", *keys),
        )

    def no(
        reason: str, variant: str | None = None, *keys: str, against_picture: bool = False
    ) -> Exercise:
        # ``against_picture``: the refusal weighs a 3-D reading against the picture's, so it
        # rests on the picture too, whatever its keys.
        if wide and (against_picture or not any(k in VIEW_INDEPENDENT_EVIDENCE for k in keys)):
            # An image-plane criterion, seen too far off the side to trust: say so, not "no".
            return cannot_tell(
                f"the camera stood about {abs(yaw):.0f}° from the side view, too far to be sure "
                f"that {reason}",
                *keys,
            )
        return Exercise(
            False,
            variant,
            None,
            facing_name,
            view,
            "no kickbacks found: " + reason,
            f,
            outcome="not_kickback",
            view_yaw_deg=yaw,
            decided_by=keys,
        )

    if detected_frac < p.min_detected_frac:
        return no(
            f"a person was found in only {detected_frac:.0%} of the frames", None, "detected_frac"
        )
    if force_variant is None and f["side_lying3"] >= p.min_side_lying_vertical:
        # Before the camera angle is weighed: a 3-D direction against the vertical, which a turn
        # of the camera about the vertical keeps.
        return no(
            "the body is lying on its side (the shoulders and the hips stacked one above the "
            f"other: {f['side_lying3']:.2f} of their width upright, in 3-D), as in a clamshell or a "
            "side-lying leg raise, not on all fours or standing",
            None,
            "side_lying3",
        )
    seen_hip = np.isfinite(kin["hip_ext_left"])
    if scope is not None:
        seen_hip = seen_hip[scope]
    usable = float(seen_hip.mean()) if seen_hip.size else 0.0
    f["usable_frac"] = usable
    end_on = usable < p.min_detected_frac
    if force_variant is None and (end_on or (np.isfinite(yaw) and abs(yaw) > p.max_view_yaw_deg)):
        where = "in front of" if yaw > 0 else "behind"
        seen = (
            f"the body was seen end-on in {1 - usable:.0%} of the frames"
            if end_on or not np.isfinite(yaw)
            else f"the camera stood about {abs(yaw):.0f}° from the side view, {where} the person"
        )
        return cannot_tell(f"{seen}, where a kick and a sideways swing look alike", "usable_frac")
    rom3 = f["hip_rom3_deg"] if np.isfinite(f["hip_rom3_deg"]) else f["hip_rom_deg"]
    if max(f["hip_rom_deg"], rom3) < p.min_hip_rom_deg:
        return no(
            f"the hips hardly moved ({max(f['hip_rom_deg'], rom3):.0f}° of hip motion); "
            f"{_what_moved(f)}",
            None,
            "hip_rom_deg",
            "hip_rom3_deg",
            "trunk_rom_deg",
            "elbow_rom_deg",
            "arm_rom_deg",
            "knee_rom_deg",
        )
    tops = [f[k] for k in ("hip_top3_deg", "hip_top_height_deg") if np.isfinite(f[k])]
    top = min(tops) if tops else f["hip_top_deg"]

    def never_up(variant: str | None) -> Exercise:
        return no(
            f"the working thigh never came up to the trunk line: at its highest it stayed "
            f"{-top:.0f}° below it (a kickback drives the thigh back to the line of the back)",
            variant,
            "hip_top3_deg",
            "hip_top_height_deg",
        )

    if rom3 < p.min_hip_rom_deg:
        if wide and top < -p.max_top_below_trunk_deg:
            # The sideways swing below needs the picture, which is not trusted this far off the
            # side; a thigh that never came up to the trunk line is a 3-D fact at any angle.
            return never_up(None)
        return no(
            f"the thigh swung out to the side (abduction, as in a fire hydrant or a hip "
            f"abduction), not back: it moved only {rom3:.0f}° in the body's own plane of a kick",
            None,
            "hip_rom3_deg",
            "hip_rom_deg",
            # The picture's swing is what says the thigh moved at all; seen far off the side,
            # MediaPipe's 3-D body also shrinks a kick's swing in its own plane (standing kicks
            # filmed 45-75 degrees from behind read 13-24 degrees).
            against_picture=True,
        )
    variant, seen = posture(f, p)
    if force_variant is not None:
        variant = force_variant
    if variant is None:
        if lying(f, p) is not None:
            return no(seen, None, *LYING_KEYS)
        # Every other posture is read in the picture only (``support_knee_drop`` by its size).
        return no(seen, None, *(k for k in POSTURE_KEYS if k != "support_knee_drop"))
    if f["other_leg_follow"] > p.max_other_leg_ratio:
        return no(
            "both legs moved together (as in a bridge, squat, deadlift or lunge), not one leg kicking back",
            variant,
            "other_leg_follow",
        )
    if f["trunk_follow"] > p.max_trunk_ratio:
        return no(
            "the trunk swung with the leg (as in a single-leg deadlift or back extension) instead of the thigh moving on a still trunk",
            variant,
            "trunk_follow",
        )
    if f["trunk_range_ratio"] > p.max_trunk_range_ratio:
        return no(
            f"the trunk tipped through {f['trunk_range_ratio']:.0%} of the hip's range (it "
            f"ranged {f['trunk_range_ratio'] * max(f['hip_rom_deg'], rom3):.0f}° in the image "
            f"against the hip's {max(f['hip_rom_deg'], rom3):.0f}°): the body hinged, as in a "
            "single-leg deadlift or a good morning, instead of the thigh moving on a still trunk",
            variant,
            "trunk_range_ratio",
            "hip_rom_deg",
        )
    support = f["other_hip_rom_deg"] / max(f["hip_rom_deg"], 1e-6)
    if support > p.max_support_hip_range_ratio:
        return no(
            f"the support hip moved as much as the working one (through "
            f"{f['other_hip_rom_deg']:.0f}° against {f['hip_rom_deg']:.0f}°: as in a lunge, a "
            "single-leg deadlift or a reverse hyperextension), not one leg kicking from a still "
            "support",
            variant,
            "other_hip_rom_deg",
            "hip_rom_deg",
        )
    if top < -p.max_top_below_trunk_deg:
        return never_up(variant)
    splits = [f[k] for k in ("top_split_deg", "top_split3_deg") if np.isfinite(f[k])]
    if splits and max(splits) < p.min_top_split_deg:
        return no(
            f"at the top of each swing the working thigh came back only level with the other one "
            f"(they were {max(splits):.0f}° apart): the leg moved in front of the body, as when "
            f"rising out of a lunge or lifting a knee, not back past a support leg as in a kick",
            variant,
            "top_split_deg",
            "top_split3_deg",
        )
    gap = f["thigh_line_gap3_deg"]
    # MediaPipe's flattening of depth can turn the thigh toward the picture by as much as the
    # kick's plane stands off it: the allowance grows with the camera's yaw past the side view.
    allowed = p.max_thigh_line_gap3_deg + max(0.0, abs(yaw) - p.thigh_line_side_view_yaw_deg)
    # Where MediaPipe's 3-D direction of the thigh is trusted (this check and the next).
    thigh_seen_in_3d = abs(yaw) < p.thigh_line_max_view_yaw_deg
    if thigh_seen_in_3d and gap > allowed:
        return no(
            f"the working thigh never came into line with the trunk: at its closest it stayed "
            f"{gap:.0f}° away from the trunk line in 3-D, against {allowed:.0f}° allowed with the "
            f"camera about {abs(yaw):.0f}° off the side (it swung out to the side, as in a fire "
            f"hydrant or a side leg lift, not back)",
            variant,
            "thigh_line_gap3_deg",
            "view_yaw_deg",
        )
    sideways = f["hip_abd_rom3_deg"] / max(rom3, 1e-6)
    if thigh_seen_in_3d and sideways > p.max_abduction_to_swing_ratio:
        return no(
            f"the thigh swung farther out to the side than back: in 3-D it ranged "
            f"{f['hip_abd_rom3_deg']:.0f}° out of the body's plane of a kick and only {rom3:.0f}° "
            "within it (abduction, as in a side leg lift or a hip abduction), not a kick",
            variant,
            "hip_abd_rom3_deg",
            "hip_rom3_deg",
            "view_yaw_deg",
        )
    shank, thigh = abs(f["shank_turn_deg"]), abs(f["thigh_turn_deg"])
    if shank < p.max_shank_turn_ratio * thigh and f["knee_open3_deg"] < p.min_knee_open3_deg:
        return no(
            f"the bent leg lifted out to the side (as in a fire hydrant), not back: the lower "
            f"leg kept its direction (it turned {shank:.0f}° while the thigh swung {thigh:.0f}°) "
            f"and the knee stayed bent (it opened {max(f['knee_open3_deg'], 0.0):.0f}°)",
            variant,
            "shank_turn_deg",
            "thigh_turn_deg",
            "knee_open3_deg",
        )
    counter = -f["shank_turn_deg"] * np.sign(f["thigh_turn_deg"])
    if counter > p.max_shank_counter_turn_ratio * thigh:
        return no(
            f"the lower leg turned against the thigh (it turned {counter:.0f}° the other way while "
            f"the thigh swung {thigh:.0f}°): the knee drove in and straightened out again, as in "
            "a mountain climber, not a kick that carries the foot back with the thigh",
            variant,
            "shank_turn_deg",
            "thigh_turn_deg",
        )
    fold = -f["knee_open3_deg"] / max(f["hip_rom_deg"], rom3, 1e-6)
    if fold > p.max_knee_fold_ratio:
        return no(
            f"the lower leg did the moving: the knee folded {-f['knee_open3_deg']:.0f}° with "
            f"each swing while the hip ranged over only {f['hip_rom_deg']:.0f}° in the image and "
            f"{rom3:.0f}° in 3-D (a leg curl, which works the hamstrings), not a kick driven by "
            "the hip",
            variant,
            "knee_open3_deg",
            "hip_rom_deg",
        )
    if f["hand_rise"] > p.max_hand_rise:
        # In either posture: the hands stay where they are (on the floor, or holding on) while
        # the leg kicks. A 3-D height against gravity, so it holds where the posture itself was
        # misread (a bird dog filmed 60 degrees rear-oblique was taken for a standing body).
        what = "left the floor and " if variant == "quadruped" else ""
        return no(
            f"a hand {what}reached forward with each kick (it rose {f['hand_rise']:.1f} trunk "
            "lengths: a bird dog), not a kickback",
            variant,
            "hand_rise",
        )
    if variant == "quadruped" and f["arm_rise3_deg"] > p.max_arm_rise_deg:
        return no(
            f"an arm swung forward with each kick (its angle to the trunk rose "
            f"{f['arm_rise3_deg']:.0f}°: a bird dog), not a kickback",
            variant,
            "arm_rise3_deg",
        )
    if variant == "quadruped" and view == "side" and f["arm_rise_deg"] > p.max_arm_rise_image_deg:
        return no(
            f"an arm swung forward with each kick (the shoulder opened {f['arm_rise_deg']:.0f}° "
            f"more at the tops: a bird dog), not a kickback",
            variant,
            "arm_rise_deg",
        )
    if variant == "quadruped" and f["hand_forward"] > p.max_hand_forward:
        return no(
            f"a hand moved forward along the body with each kick ({f['hand_forward']:.2f} trunk "
            "lengths further ahead of the shoulders at the tops: a bird dog's reach), not a "
            "kickback",
            variant,
            "hand_forward",
        )
    if view == "side" and f["thigh_shortening"] > p.max_thigh_shortening:
        return no(
            "the thigh swung out to the side (abduction, as in a fire hydrant), not back",
            variant,
            "thigh_shortening",
        )
    return Exercise(
        True,
        variant,
        side,
        facing_name,
        view,
        f"glute kickbacks, {seen}",
        f,
        outcome="kickback",
        view_yaw_deg=yaw,
    )


def top_below_trunk_line_deg(kin: Kinematics, right: np.ndarray, rep: Rep) -> float:
    """How far below the trunk line the working thigh stays at its highest in one rep (degrees;
    <= 0 when it reaches the line), by the 3-D measures the gate uses for the clip: the thigh's
    angle in the body's sagittal plane and its height against the trunk line. In each frame the
    lower of the two counts; the rep's best frame, from its start to its end, is the answer (a
    top that never comes near the line is the criterion, so a few frames misread at the top do
    not decide it). NaN where neither could be measured."""
    leg = "right" if right[rep.top_frame] else "left"
    span = slice(rep.start_frame, rep.end_frame + 1)
    lower = np.fmin(  # fmin: NaN only where both are
        kin[f"hip_ext3_{leg}"][span], kin[f"thigh_elev3_{leg}"][span] + kin["trunk_elev3"][span]
    )
    lower = lower[np.isfinite(lower)]
    return float(-lower.max()) if lower.size else float("nan")
