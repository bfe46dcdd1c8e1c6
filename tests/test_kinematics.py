import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kickcheck.kinematics import (
    angles_from_xy,
    compute_kinematics,
    per_leg,
    signed_angle_deg,
    working_leg,
)
from kickcheck.landmarks import Landmark as L
from tests.fixtures import make_pose_sequence


def test_right_angle_is_exactly_90():
    assert signed_angle_deg(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(90.0)
    assert signed_angle_deg(np.array([1.0, 0.0]), np.array([0.0, -1.0])) == pytest.approx(-90.0)


def test_signed_angle_never_folds_at_180():
    # A thigh sweeping from -120 to +40 relative to the trunk: unsigned angles would fold at 180.
    ang = np.radians(np.linspace(-120, 40, 50))
    trunk = np.array([1.0, 0.0])
    thigh = np.stack([np.cos(ang), np.sin(ang)], axis=1)
    out = signed_angle_deg(trunk, thigh)
    assert np.all(np.diff(out) > 0)
    np.testing.assert_allclose(out, np.degrees(ang), atol=1e-9)


def _quad_xy():
    pose, _ = make_pose_sequence(n_reps=1)
    return pose.xyzv[:, :, :2].astype(float)


@settings(max_examples=40, deadline=None)
@given(
    dx=st.floats(-500, 500),
    dy=st.floats(-500, 500),
    s=st.floats(0.2, 5.0),
    rot=st.floats(-30, 30),
)
def test_angles_unchanged_by_translation_scale_and_rotation(dx, dy, s, rot):
    xy = _quad_xy()
    facing = np.ones(len(xy))
    base = angles_from_xy(xy, facing)
    c, sn = np.cos(np.radians(rot)), np.sin(np.radians(rot))
    R = np.array([[c, -sn], [sn, c]])
    moved = (xy @ R.T) * s + np.array([dx, dy])
    out = angles_from_xy(moved, facing)
    # Joint angles are invariant; trunk and thigh pitch are measured against the image axes, so
    # they turn with the image.
    for k in (
        "hip_ext_left",
        "hip_ext_right",
        "knee_flex_left",
        "knee_flex_right",
        "elbow_flex_left",
    ):
        i = __import__("kickcheck.kinematics", fromlist=["ANGLE_NAMES"]).ANGLE_NAMES.index(k)
        np.testing.assert_allclose(out[:, i], base[:, i], atol=1e-6)


@pytest.mark.parametrize("variant", ["quadruped", "forearms", "standing"])
@pytest.mark.parametrize("facing", ["left", "right"])
@pytest.mark.parametrize("side", ["left", "right"])
def test_recovers_known_angles(variant, facing, side):
    pose, truth = make_pose_sequence(
        variant=variant,
        facing=facing,
        working_side=side,
        noise_px=1.0,
        seed=4,
        knee_top_per_rep=[90, 60, 90, 45] if variant != "standing" else None,
    )
    kin, _, _, fac, _ = compute_kinematics(pose, 30.0)
    assert np.nanmean(fac) == (1.0 if facing == "right" else -1.0)
    hip = kin[f"hip_ext_{side}"]
    knee = kin[f"knee_flex_{side}"]
    ok = np.isfinite(hip)
    assert ok.mean() > 0.95
    assert np.max(np.abs(hip[ok] - truth.hip_extension_deg[ok])) < 3.0
    assert np.sqrt(np.mean((hip[ok] - truth.hip_extension_deg[ok]) ** 2)) < 1.0
    assert np.max(np.abs(knee[ok] - truth.knee_flexion_deg[ok])) < 4.0


def test_working_leg_survives_a_long_label_swap():
    pose, truth = make_pose_sequence(n_reps=4, swap_lr_frames=tuple(range(150, 260)))
    kin, _, _, _, _ = compute_kinematics(pose, 30.0)
    right = working_leg(kin)
    hip = per_leg(kin, "hip_ext", right)
    ok = np.isfinite(hip)
    assert np.max(np.abs(hip[ok] - truth.hip_extension_deg[ok])) < 3.0


def test_facing_uses_head_and_knees_not_toes():
    # On all fours the toes point backward; facing must still follow the head.
    pose, _ = make_pose_sequence(facing="left")
    xy = pose.xyzv[:, :, :2]
    assert np.all(xy[:, L.LEFT_FOOT_INDEX, 0] > xy[:, L.LEFT_HEEL, 0])  # toes point image-right
    _, _, _, fac, _ = compute_kinematics(pose, 30.0)
    assert np.all(fac[np.isfinite(fac)] == -1.0)


def test_facing_follows_a_person_who_turns_round_between_sets():
    from kickcheck.kinematics import compute_kinematics
    from tests.fixtures.synth_sets import make_sets_sequence

    pose, truth = make_sets_sequence(
        [
            dict(working_side="right", facing="right", n_reps=3),
            dict(working_side="left", facing="left", n_reps=3),
        ],
        change="turn",
        between_s=4.0,
    )
    _, _, _, facing, _ = compute_kinematics(pose, 30.0)
    ((c0, c1),) = truth.change_spans_s
    t = pose.t_s
    assert (facing[t < c0] == 1).all() and (facing[t > c1] == -1).all()
    # without the frame rate, one facing per shot (the majority), as before
    from kickcheck.kinematics import facing_per_shot

    xy = pose.xyzv[:, :, :2].astype(float)
    assert len(np.unique(facing_per_shot(xy, pose.shot_id))) == 1


def test_a_noisy_facing_cue_does_not_turn_the_person():
    from kickcheck.kinematics import MIN_FACING_STRETCH_S, _facing_stretches

    fs = 30.0
    rng = np.random.default_rng(0)
    cue = np.ones(int(20 * fs))
    # a fifth of the frames read the other way, at random, and a 2 s stretch (under the
    # stretch a turn needs) reads the other way entirely
    cue[rng.random(len(cue)) < 0.2] = -1.0
    a = int(8 * fs)
    cue[a : a + int((MIN_FACING_STRETCH_S - 1.0) * fs)] = -1.0
    assert (_facing_stretches(cue, fs) == 1).all()
    # a stretch longer than that, read the other way throughout, is a turn
    cue[a : a + int((MIN_FACING_STRETCH_S + 2.0) * fs)] = -1.0
    out = _facing_stretches(cue, fs)
    assert (out[a + 30 : a + int(MIN_FACING_STRETCH_S * fs)] == -1).all()
    assert out[0] == 1 and out[-1] == 1
