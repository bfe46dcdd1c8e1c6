"""Tests of the synthetic landmark generator (tests/fixtures/synth_pose.py).

The angles are re-measured here with independent, deliberately simple formulas from the generated
2D landmarks, so the generator's ground truth is checked against what a camera would see.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kickcheck.landmarks import N_LANDMARKS, SWAP_LR
from kickcheck.landmarks import Landmark as L
from kickcheck.types import PoseSequence
from tests.fixtures import EXERCISES, Truth, make_pose_sequence

SIDES = ("left", "right")


def _sign(facing: str) -> float:
    return 1.0 if facing == "right" else -1.0


def hip_ext_2d(xy: np.ndarray, side: str, facing: str) -> np.ndarray:
    """Signed angle from the trunk line (mid-shoulder -> mid-hip) to the thigh (image coords)."""
    p = side.upper() + "_"
    sh = (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER]) / 2
    hp = (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP]) / 2
    a = hp - sh
    b = xy[:, L[p + "KNEE"]] - xy[:, L[p + "HIP"]]
    cross = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
    dot = (a * b).sum(1)
    return _sign(facing) * np.degrees(np.arctan2(cross, dot))


def knee_flex_2d(xy: np.ndarray, side: str) -> np.ndarray:
    p = side.upper() + "_"
    u = xy[:, L[p + "HIP"]] - xy[:, L[p + "KNEE"]]
    v = xy[:, L[p + "ANKLE"]] - xy[:, L[p + "KNEE"]]
    c = (u * v).sum(1) / np.linalg.norm(u, axis=1) / np.linalg.norm(v, axis=1)
    return 180.0 - np.degrees(np.arccos(np.clip(c, -1, 1)))


def xy_of(pose: PoseSequence) -> np.ndarray:
    return pose.xyzv[:, :, :2].astype(np.float64)


# ---------------------------------------------------------------------------------------------
# Angles: ground truth == what the 2D landmarks show (yaw 0)


@pytest.mark.parametrize("variant", ["quadruped", "forearms", "standing"])
@pytest.mark.parametrize("facing", SIDES)
@pytest.mark.parametrize("side", SIDES)
def test_truth_angles_match_2d_landmarks(variant: str, facing: str, side: str) -> None:
    pose, truth = make_pose_sequence(
        variant=variant,
        facing=facing,
        working_side=side,
        n_reps=3,
        arch_per_rep=[0, 12, 0],
        knee_top_per_rep=[truth_knee(variant), 30, truth_knee(variant)],
    )
    xy = xy_of(pose)
    he = hip_ext_2d(xy, side, facing)
    kf = knee_flex_2d(xy, side)
    assert np.abs(he - truth.hip_extension_deg).max() < 1.0
    assert np.abs(kf - truth.knee_flexion_deg).max() < 1.0
    # and the kinematics actually move: rest and peak as commanded (peak includes the arch)
    tops = list(truth.rep_top_frames)
    np.testing.assert_allclose(truth.hip_extension_deg[tops], truth.rep_peak_hip_ext_deg, atol=0.5)
    assert truth.hip_extension_deg[0] < truth.hip_extension_deg[tops].min() - 40


def truth_knee(variant: str) -> float:
    return 10.0 if variant == "standing" else 90.0


def test_default_kinematics() -> None:
    _, q = make_pose_sequence(variant="quadruped")
    assert q.hip_extension_deg[0] == pytest.approx(-90.0, abs=0.5)
    assert q.hip_extension_deg.max() == pytest.approx(10.0, abs=0.5)
    assert q.knee_flexion_deg[0] == pytest.approx(90.0, abs=0.5)
    _, s = make_pose_sequence(variant="standing")
    assert s.hip_extension_deg[0] == pytest.approx(-45.0, abs=0.5)
    assert s.hip_extension_deg.max() == pytest.approx(15.0, abs=0.5)
    _, a = make_pose_sequence(variant="quadruped", lumbar_arch_deg=12.0)
    assert a.hip_extension_deg.max() == pytest.approx(22.0, abs=0.5)
    assert a.lumbar_arch_deg.max() == pytest.approx(12.0)


@settings(max_examples=15, deadline=None)
@given(
    facing=st.sampled_from(SIDES),
    side=st.sampled_from(SIDES),
    standing=st.booleans(),
    peak=st.floats(-5.0, 30.0),
    knee_top=st.floats(5.0, 120.0),
    arch=st.floats(0.0, 20.0),
)
def test_angles_property(facing, side, standing, peak, knee_top, arch) -> None:
    pose, truth = make_pose_sequence(
        variant="standing" if standing else "quadruped",
        facing=facing,
        working_side=side,
        n_reps=1,
        peak_hip_ext_deg=peak,
        knee_flexion_top_deg=knee_top,
        lumbar_arch_deg=arch,
        lead_in_s=0.2,
        lead_out_s=0.2,
    )
    xy = xy_of(pose)
    assert np.abs(hip_ext_2d(xy, side, facing) - truth.hip_extension_deg).max() < 1.0
    assert np.abs(knee_flex_2d(xy, side) - truth.knee_flexion_deg).max() < 1.0
    assert truth.hip_extension_deg.max() == pytest.approx(peak + arch, abs=0.5)


def test_standing_arch_lifts_the_trunk() -> None:
    pose0, t0 = make_pose_sequence(variant="standing", n_reps=1)
    pose1, t1 = make_pose_sequence(variant="standing", n_reps=1, lumbar_arch_deg=12.0)
    top = t0.rep_top_frames[0]

    def trunk_elev(pose):
        xy = xy_of(pose)[top]
        sh = (xy[L.LEFT_SHOULDER] + xy[L.RIGHT_SHOULDER]) / 2
        hp = (xy[L.LEFT_HIP] + xy[L.RIGHT_HIP]) / 2
        return np.degrees(np.arctan2(-(sh - hp)[1], abs((sh - hp)[0])))

    assert trunk_elev(pose1) - trunk_elev(pose0) == pytest.approx(12.0, abs=0.5)
    # the working thigh keeps its path in space
    k = L.RIGHT_KNEE
    hp = L.RIGHT_HIP
    v0 = xy_of(pose0)[top, k] - xy_of(pose0)[top, hp]
    v1 = xy_of(pose1)[top, k] - xy_of(pose1)[top, hp]
    assert np.degrees(np.arctan2(v0[1], v0[0])) == pytest.approx(
        np.degrees(np.arctan2(v1[1], v1[0])), abs=0.2
    )


# ---------------------------------------------------------------------------------------------
# Chirality and anatomy


@pytest.mark.parametrize("variant", ["quadruped", "forearms", "standing"])
@pytest.mark.parametrize("facing", SIDES)
@pytest.mark.parametrize("side", SIDES)
def test_near_side_has_smaller_z(variant: str, facing: str, side: str) -> None:
    pose, truth = make_pose_sequence(variant=variant, facing=facing, working_side=side, n_reps=1)
    z = pose.xyzv[:, :, 2]
    near, far = facing, ("left" if facing == "right" else "right")
    assert truth.near_side == near
    for j in ("SHOULDER", "HIP", "KNEE", "ANKLE", "EAR"):
        assert (z[:, L[near.upper() + "_" + j]] < z[:, L[far.upper() + "_" + j]]).all(), j
    # the working leg is the near leg iff working_side == facing
    wk, ot = (
        L[side.upper() + "_KNEE"],
        L[("left" if side == "right" else "right").upper() + "_KNEE"],
    )
    assert (z[0, wk] < z[0, ot]) == (side == facing)
    # z is relative to the mid-hip
    np.testing.assert_allclose((z[:, L.LEFT_HIP] + z[:, L.RIGHT_HIP]) / 2, 0.0, atol=1e-3)
    # far side less visible
    v = pose.xyzv[:, :, 3]
    assert (v[:, L[near.upper() + "_KNEE"]] > v[:, L[far.upper() + "_KNEE"]]).all()
    # world agrees: metres, hip-centred, smaller z = nearer
    w = pose.world
    np.testing.assert_allclose((w[:, L.LEFT_HIP] + w[:, L.RIGHT_HIP]) / 2, 0.0, atol=1e-5)
    assert (w[:, L[near.upper() + "_HIP"], 2] < w[:, L[far.upper() + "_HIP"], 2]).all()
    shoulder_w = np.linalg.norm(w[:, L.LEFT_SHOULDER] - w[:, L.RIGHT_SHOULDER], axis=1)
    np.testing.assert_allclose(shoulder_w, 0.36, atol=1e-4)


def test_supine_chirality_is_mirrored() -> None:
    # lying on the back with the head toward image-right, the LEFT side faces the camera
    pose, truth = make_pose_sequence(exercise="glute_bridge", facing="right", n_reps=1)
    z = pose.xyzv[:, :, 2]
    assert truth.near_side == "left"
    assert (z[:, L.LEFT_HIP] < z[:, L.RIGHT_HIP]).all()


@pytest.mark.parametrize(
    "kw",
    [
        dict(variant="quadruped"),
        dict(variant="forearms"),
        dict(variant="standing"),
        dict(exercise="bird_dog"),
        dict(exercise="fire_hydrant"),
        dict(exercise="single_leg_deadlift"),
        dict(exercise="triceps_kickback"),
        dict(exercise="squat"),
        dict(exercise="standing_hamstring_curl"),
        dict(exercise="good_morning"),
        dict(exercise="plank"),
        dict(exercise="push_up"),
    ],
)
@pytest.mark.parametrize("facing", SIDES)
def test_head_and_feet_point_forward(kw: dict, facing: str) -> None:
    pose, truth = make_pose_sequence(facing=facing, n_reps=1, **kw)
    xy = xy_of(pose)
    sg = _sign(facing)
    ears = (xy[:, L.LEFT_EAR, 0] + xy[:, L.RIGHT_EAR, 0]) / 2
    assert (sg * (xy[:, L.NOSE, 0] - ears) > 0.02 * truth.scale_px_per_m).all()
    # the head sits at the facing end of the trunk
    sh = (xy[:, L.LEFT_SHOULDER, 0] + xy[:, L.RIGHT_SHOULDER, 0]) / 2
    hp = (xy[:, L.LEFT_HIP, 0] + xy[:, L.RIGHT_HIP, 0]) / 2
    assert (sg * (xy[:, L.NOSE, 0] - (sh + hp) / 2) > 0).all()
    for s in SIDES:
        p = s.upper() + "_"
        shank = xy[:, L[p + "ANKLE"]] - xy[:, L[p + "KNEE"]]
        toe = xy[:, L[p + "FOOT_INDEX"]] - xy[:, L[p + "HEEL"]]
        # anatomically in front: the toes lie on the shin side of the shank (the foot turns from
        # the shank toward the person's front), whatever the posture (on all fours the toes point
        # backward in the image, yet are still "in front" of the heel anatomically)
        cross = shank[:, 0] * toe[:, 1] - shank[:, 1] * toe[:, 0]
        assert (sg * cross < 0).all(), s


@pytest.mark.parametrize("facing", SIDES)
def test_standing_support_foot_points_to_facing(facing: str) -> None:
    pose, truth = make_pose_sequence(variant="standing", facing=facing, working_side="right")
    xy = xy_of(pose)
    sg = _sign(facing)
    assert (sg * (xy[:, L.LEFT_FOOT_INDEX, 0] - xy[:, L.LEFT_HEEL, 0]) > 0).all()
    # support leg straight and vertical, foot still
    assert np.abs(xy[:, L.LEFT_HIP, 0] - xy[:, L.LEFT_ANKLE, 0]).max() < 0.5
    assert np.ptp(xy[:, L.LEFT_ANKLE], axis=0).max() < 1e-3
    # trunk hinged 40 deg forward of vertical at rest
    f0 = xy[0]
    v = (f0[L.LEFT_SHOULDER] + f0[L.RIGHT_SHOULDER]) / 2 - (f0[L.LEFT_HIP] + f0[L.RIGHT_HIP]) / 2
    assert np.degrees(np.arctan2(sg * v[0], -v[1])) == pytest.approx(40.0, abs=0.5)


@pytest.mark.parametrize("facing", SIDES)
def test_quadruped_geometry(facing: str) -> None:
    pose, truth = make_pose_sequence(variant="quadruped", facing=facing, working_side="left")
    xy = xy_of(pose)
    s = truth.scale_px_per_m
    for side in SIDES:
        p = side.upper() + "_"
        # arms vertical, hands on the floor below the shoulders, and still
        assert np.abs(xy[:, L[p + "SHOULDER"], 0] - xy[:, L[p + "WRIST"], 0]).max() < 0.5
        assert np.ptp(xy[:, L[p + "WRIST"]], axis=0).max() < 1e-3
    # trunk horizontal
    assert np.abs(xy[:, L.LEFT_SHOULDER, 1] - xy[:, L.LEFT_HIP, 1]).max() < 0.5
    # support (right) knee on the floor under the hip; wrists and knees on one floor line
    assert np.abs(xy[:, L.RIGHT_KNEE, 0] - xy[:, L.RIGHT_HIP, 0]).max() < 0.5
    floor_y = xy[0, L.RIGHT_KNEE, 1] + 0.05 * s
    assert xy[0, L.RIGHT_WRIST, 1] == pytest.approx(floor_y - 0.03 * s, abs=0.5)
    # at the top the working knee is behind and above the hip (leg swinging back and up)
    top = truth.rep_top_frames[0]
    sg = _sign(facing)
    assert sg * (xy[top, L.LEFT_KNEE, 0] - xy[top, L.LEFT_HIP, 0]) < -0.3 * s
    assert xy[top, L.LEFT_KNEE, 1] < xy[top, L.LEFT_HIP, 1]
    # figure fills about 60 % of the width and stays in the image
    width = np.nanmax(xy[..., 0]) - np.nanmin(xy[..., 0])
    assert width == pytest.approx(0.6 * pose.width, rel=0.01)
    assert (
        np.nanmin(xy) >= 0
        and np.nanmax(xy[..., 0]) <= pose.width
        and np.nanmax(xy[..., 1]) <= pose.height
    )


# ---------------------------------------------------------------------------------------------
# Time line, reps and faults


def test_rep_tops_are_hip_extension_maxima() -> None:
    pose, truth = make_pose_sequence(
        n_reps=4, arch_per_rep=[0, 0, 18, 0], knee_top_per_rep=[90, 90, 90, 20], fps=30.0
    )
    he2d = hip_ext_2d(xy_of(pose), truth.working_side, truth.facing)
    assert len(truth.rep_tops_s) == 4 and truth.n_reps == 4
    for s, t, e, f_top in zip(
        truth.rep_start_frames,
        truth.rep_tops_s,
        truth.rep_end_frames,
        truth.rep_top_frames,
        strict=True,
    ):
        win = slice(s, e + 1)
        assert truth.hip_extension_deg[f_top] == pytest.approx(
            truth.hip_extension_deg[win].max(), abs=1e-6
        )
        assert he2d[f_top] == pytest.approx(he2d[win].max(), abs=0.5)
        # the maximum (a plateau over the hold) is centred on the top
        plateau = (
            np.flatnonzero(truth.hip_extension_deg[win] > truth.hip_extension_deg[win].max() - 1e-6)
            + s
        )
        assert pose.t_s[plateau].mean() == pytest.approx(t, abs=1.0 / 30)
        assert truth.hip_extension_deg[s] == pytest.approx(-90.0, abs=0.5)
    # tops ordered, inside their reps, reps separated
    assert all(
        a < b < c
        for a, b, c in zip(truth.rep_starts_s, truth.rep_tops_s, truth.rep_ends_s, strict=True)
    )
    assert all(e < s for e, s in zip(truth.rep_ends_s[:-1], truth.rep_starts_s[1:], strict=True))
    assert truth.faults == (
        frozenset(),
        frozenset(),
        {"lumbar_hyperextension"},
        {"knee_straightened"},
    )
    assert truth.lumbar_arch_deg.max() == pytest.approx(18.0)


def test_timing_parameters() -> None:
    pose, truth = make_pose_sequence(
        n_reps=2,
        up_s=1.0,
        hold_s=0.5,
        down_s=1.5,
        rest_s=1.0,
        lead_in_s=1.0,
        lead_out_s=2.0,
        fps=25.0,
    )
    assert truth.rep_starts_s[0] == pytest.approx(1.0)
    assert truth.rep_tops_s[0] == pytest.approx(2.25)
    assert truth.rep_ends_s[0] == pytest.approx(4.0)
    assert truth.rep_starts_s[1] == pytest.approx(5.0)
    assert pose.t_s[-1] == pytest.approx(8.0 + 2.0)
    np.testing.assert_allclose(np.diff(pose.t_s), 1 / 25)
    assert len(pose) == 251


def test_partial_reps() -> None:
    pose, truth = make_pose_sequence(n_reps=2, partial_start=True, partial_end=True)
    assert truth.partial == (True, False, False, True)
    assert truth.n_reps == 2
    assert truth.phase[0] > 0.5  # clip opens near the top
    assert truth.phase[-1] == pytest.approx(1.0)  # and closes at the top
    assert truth.rep_starts_s[0] == 0.0 and truth.rep_ends_s[-1] == pytest.approx(pose.t_s[-1])
    assert 0 < truth.rep_tops_s[0] < truth.rep_tops_s[1]
    assert truth.rep_tops_s[-1] <= pose.t_s[-1]


def test_knee_straightened_rules() -> None:
    _, q = make_pose_sequence(variant="quadruped", n_reps=3, knee_top_per_rep=[90, 60, 50])
    assert q.faults == (frozenset(), frozenset(), {"knee_straightened"})
    _, s = make_pose_sequence(variant="standing", n_reps=2, knee_top_per_rep=[10, 0])
    assert s.faults == (frozenset(), {"knee_straightened"})
    assert s.knee_flexion_deg[s.rep_top_frames[1]] == pytest.approx(0.0, abs=0.5)
    with pytest.raises(ValueError):
        make_pose_sequence(n_reps=3, arch_per_rep=[0, 1])


def test_jittered_timestamps() -> None:
    pose, truth = make_pose_sequence(t_jitter_s=0.008, seed=3)
    dt = np.diff(pose.t_s)
    assert (dt > 0).all() and dt.std() > 1e-3
    assert pose.t_s.dtype == np.float64
    np.testing.assert_array_equal(truth.t_s, pose.t_s)
    # angles are still the pose at those instants
    he = hip_ext_2d(xy_of(pose), truth.working_side, truth.facing)
    assert np.abs(he - truth.hip_extension_deg).max() < 1.0


# ---------------------------------------------------------------------------------------------
# Corruption


def test_dropout_rows_are_nan() -> None:
    pose, truth = make_pose_sequence(dropout_frames=[0, 5, 6, 7], dropout_frac=0.1, seed=1)
    n = len(pose)
    gone = ~truth.detected
    assert gone[[0, 5, 6, 7]].all()
    assert gone.sum() >= round(0.1 * n)
    assert np.isnan(pose.xyzv[gone]).all() and np.isnan(pose.world[gone]).all()
    assert np.isfinite(pose.xyzv[~gone]).all() and np.isfinite(pose.world[~gone]).all()
    np.testing.assert_array_equal(pose.detected, truth.detected)
    # truth is the person's true motion, defined on every frame
    assert np.isfinite(truth.hip_extension_deg).all()


def test_noise_changes_values_not_shapes() -> None:
    clean, _ = make_pose_sequence(seed=2)
    noisy, _ = make_pose_sequence(seed=2, noise_px=2.0)
    assert noisy.xyzv.shape == clean.xyzv.shape == (len(clean), N_LANDMARKS, 4)
    assert noisy.world.shape == clean.world.shape
    assert noisy.xyzv.dtype == np.float32 and noisy.world.dtype == np.float32
    d = noisy.xyzv[..., :2] - clean.xyzv[..., :2]
    assert 1.8 < d.std() < 2.2 and abs(d.mean()) < 0.1
    np.testing.assert_array_equal(noisy.t_s, clean.t_s)
    # separate random streams: noise does not move the dropped frames
    _, a = make_pose_sequence(seed=2, dropout_frac=0.2)
    _, b = make_pose_sequence(seed=2, dropout_frac=0.2, noise_px=3.0, t_jitter_s=0.01)
    np.testing.assert_array_equal(a.detected, b.detected)


def test_swapped_frames_exchange_left_and_right() -> None:
    frames = [10, 11, 40]
    clean, _ = make_pose_sequence(seed=4)
    sw, truth = make_pose_sequence(seed=4, swap_lr_frames=frames)
    perm = np.asarray(SWAP_LR)
    np.testing.assert_array_equal(sw.xyzv[frames], clean.xyzv[frames][:, perm])
    # MediaPipe's 3-D body stays right-handed: swapped labels come with the depth mirrored
    np.testing.assert_array_equal(sw.world[frames], clean.world[frames][:, perm] * [1, 1, -1])
    others = np.setdiff1d(np.arange(len(clean)), frames)
    np.testing.assert_array_equal(sw.xyzv[others], clean.xyzv[others])
    assert truth.swapped[frames].all() and truth.swapped.sum() == 3
    assert sw.xyzv[10, L.LEFT_KNEE, 2] == clean.xyzv[10, L.RIGHT_KNEE, 2]


# ---------------------------------------------------------------------------------------------
# View, scale, look-alikes


def test_yaw_and_scale() -> None:
    p0, t0 = make_pose_sequence(n_reps=1, scale=200.0, offset_px=(10.0, -5.0))
    p30, t30 = make_pose_sequence(n_reps=1, scale=200.0, yaw_deg=30.0)
    np.testing.assert_allclose(t0.hip_extension_deg, t30.hip_extension_deg)  # truth is 3D
    x0, x30 = xy_of(p0), xy_of(p30)
    # at yaw 0 the two shoulders overlap in x; turned, they separate
    assert abs(x0[0, L.LEFT_SHOULDER, 0] - x0[0, L.RIGHT_SHOULDER, 0]) < 1e-3
    assert abs(x30[0, L.LEFT_SHOULDER, 0] - x30[0, L.RIGHT_SHOULDER, 0]) > 20
    # scale: trunk 0.5 m -> 100 px
    sh = (x0[0, L.LEFT_SHOULDER] + x0[0, L.RIGHT_SHOULDER]) / 2
    hp = (x0[0, L.LEFT_HIP] + x0[0, L.RIGHT_HIP]) / 2
    assert np.linalg.norm(sh - hp) == pytest.approx(100.0, abs=0.01)
    pp, _ = make_pose_sequence(n_reps=1, projection="perspective", camera_distance_m=2.5)
    assert np.isfinite(pp.xyzv).all()


@pytest.mark.parametrize("exercise", EXERCISES)
def test_all_exercises_generate(exercise: str) -> None:
    pose, truth = make_pose_sequence(
        exercise=exercise, n_reps=2, facing="left", working_side="right"
    )
    assert isinstance(pose, PoseSequence) and isinstance(truth, Truth)
    assert pose.xyzv.shape == (len(pose), N_LANDMARKS, 4)
    assert np.isfinite(pose.xyzv).all()
    xy = xy_of(pose)
    assert (
        xy[..., 0].min() >= 0
        and xy[..., 0].max() <= 640
        and xy[..., 1].min() >= 0
        and xy[..., 1].max() <= 360
    )
    assert truth.is_kickback == (exercise == "kickback")
    assert truth.n_reps == (2 if exercise == "kickback" else 0)
    assert len(truth.rep_tops_s) == 2  # movement cycles are still timed
    if exercise != "kickback":
        assert all(f == frozenset() for f in truth.faults)
    # limb lengths are constant (a rigid stick figure)
    w = pose.world.astype(np.float64)
    for a, b, length in (
        (L.RIGHT_HIP, L.RIGHT_KNEE, 0.45),
        (L.RIGHT_KNEE, L.RIGHT_ANKLE, 0.43),
        (L.LEFT_SHOULDER, L.LEFT_ELBOW, 0.26),
    ):
        np.testing.assert_allclose(np.linalg.norm(w[:, a] - w[:, b], axis=1), length, atol=1e-4)


def test_lookalike_signatures() -> None:
    # bird dog: leg straight back and the opposite arm reaching forward to horizontal
    pose, t = make_pose_sequence(
        exercise="bird_dog", working_side="right", facing="right", n_reps=1
    )
    top = t.rep_top_frames[0]
    xy = xy_of(pose)
    assert t.hip_extension_deg[top] == pytest.approx(0.0, abs=1.0)
    assert t.knee_flexion_deg[top] == pytest.approx(0.0, abs=1.0)
    assert xy[top, L.LEFT_WRIST, 1] == pytest.approx(xy[top, L.LEFT_SHOULDER, 1], abs=0.5)
    assert xy[top, L.LEFT_WRIST, 0] > xy[top, L.LEFT_SHOULDER, 0] + 50
    assert xy[top, L.RIGHT_WRIST, 1] > xy[top, L.RIGHT_SHOULDER, 1] + 50  # support arm down
    # fire hydrant: hip extension stays ~ -90 while the knee moves sideways (toward the camera
    # for the near leg)
    pose, t = make_pose_sequence(
        exercise="fire_hydrant", working_side="right", facing="right", n_reps=1
    )
    assert np.abs(t.hip_extension_deg + 90.0).max() < 1.0
    z = pose.xyzv[:, L.RIGHT_KNEE, 2]
    assert z[t.rep_top_frames[0]] < z[0] - 0.3 * t.scale_px_per_m
    # single-leg deadlift: the free thigh stays in line with the trunk
    _, t = make_pose_sequence(exercise="single_leg_deadlift", n_reps=1)
    assert np.abs(t.hip_extension_deg).max() < 10.0
    # triceps kickback: the legs do not move
    pose, t = make_pose_sequence(exercise="triceps_kickback", n_reps=1)
    assert np.ptp(pose.xyzv[:, [L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_HIP], :2], axis=0).max() < 1e-3
    assert np.ptp(pose.xyzv[:, L.RIGHT_WRIST, :2], axis=0).max() > 30
    # glute bridge: pelvis rises, thigh in line with the trunk at the top
    pose, t = make_pose_sequence(exercise="glute_bridge", n_reps=1)
    top = t.rep_top_frames[0]
    assert pose.xyzv[top, L.LEFT_HIP, 1] < pose.xyzv[0, L.LEFT_HIP, 1] - 30
    assert t.hip_extension_deg[top] == pytest.approx(0.0, abs=1.0)
