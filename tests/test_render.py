"""Fast tests of the kickrender clip generator (numpy + av only; mediapipe optional)."""

from __future__ import annotations

import json

import numpy as np
import pytest

av = pytest.importorskip("av")

from kickrender import ClipSpec, render_clip  # noqa: E402
from kickrender.body import BLAZEPOSE_NAMES, load_body  # noqa: E402
from kickrender.clip import Scene, render_frame  # noqa: E402
from kickrender.pose import Posed, skin  # noqa: E402
from kickrender.raster import Camera  # noqa: E402

SMALL = dict(
    width=160,
    height=96,
    fps=10.0,
    reps=1,
    tempo=(0.4, 0.2, 0.4, 0.2),
    lead_in=0.2,
    lead_out=0.2,
    noise=0.0,
)


def test_skinning_at_rest_reproduces_rest_vertices():
    body = load_body()
    rest = body.rest_vertices[0].astype(np.float32)
    B = body.n_bones
    P = Posed(np.tile(np.eye(3), (B, 1, 1)), body.heads(0).copy())
    V = skin(rest, body, P.transforms(body.heads(0)))
    assert np.abs(V - rest).max() < 1e-5


def _frame(scene, s, arch=None):
    shape = scene.reps[0].shape
    if arch is not None:
        from kickrender.exercises import RepShape

        shape = RepShape(shape.hip_ext, shape.knee, arch)
    st = scene.move.solved(s, shape)
    P = scene.poser.fk(st)
    V = skin(scene.poser.rest, scene.body, P.transforms(scene.poser.rig.heads)).astype(float)
    return st, P, V


def test_frame_renders_body_in_view():
    scene = Scene(ClipSpec(**SMALL))
    _, _, V = _frame(scene, 0.0)
    c = (V.min(0) + V.max(0)) / 2
    cam = Camera.look_at(c + [0, -2.4, 0.3], c, 160, 96)
    bg = np.zeros((96, 160, 3), np.float32)
    img = render_frame(scene, cam, bg, [V])
    covered = (img.sum(axis=2) > 0).mean()
    assert 0.04 < covered < 0.6
    uv, _ = cam.project(V)
    assert uv[:, 0].min() > 0 and uv[:, 0].max() < 160


def test_quadruped_rest_hip_extension_about_minus_90(tmp_path):
    truth = render_clip(ClipSpec(**SMALL), tmp_path / "q.mp4")
    f0 = truth["frames"][0]
    assert f0["phase"] == 0.0
    assert abs(f0["hip_extension_deg"] + 90) < 10
    assert 80 < f0["knee_flexion_deg"] < 100
    top = max(truth["frames"], key=lambda f: f["hip_extension_deg"])
    assert top["hip_extension_deg"] > 0  # thigh behind the trunk line at the top
    assert set(f0["joints_2d"]) == set(BLAZEPOSE_NAMES)
    assert truth["is_kickback"] and truth["variant"] == "quadruped"
    saved = json.loads((tmp_path / "q.truth.json").read_text())
    assert saved["n_frames"] == len(saved["frames"]) == truth["n_frames"]


def test_lumbar_arch_changes_rendered_back():
    scene = Scene(ClipSpec(**SMALL))
    _, P0, V0 = _frame(scene, 1.0, arch=0.0)
    _, P1, V1 = _frame(scene, 1.0, arch=25.0)
    i = scene.body.index["spine01"]
    # the back vertices move and the chest tilts relative to the pelvis
    assert np.abs(V1 - V0).max() > 0.03
    up0 = P0.R[i] @ [0, 0, 1.0]
    up1 = P1.R[i] @ [0, 0, 1.0]
    r0 = P0.R[0] @ [0, 0, 1.0]
    r1 = P1.R[0] @ [0, 0, 1.0]
    a0 = np.degrees(np.arccos(np.clip(up0 @ r0, -1, 1)))
    a1 = np.degrees(np.arccos(np.clip(up1 @ r1, -1, 1)))
    assert a1 - a0 > 15


def test_rotation_flag_reads_back(tmp_path):
    out = tmp_path / "r.mp4"
    render_clip(ClipSpec(**{**SMALL, "width": 96, "height": 160}, rotate90=True), out)
    with av.open(str(out)) as c:
        fr = next(c.decode(video=0))
        assert abs(fr.rotation) == 90
        assert (fr.width, fr.height) == (160, 96)
    cv2 = pytest.importorskip("cv2")
    cap = cv2.VideoCapture(str(out))
    assert cap.get(cv2.CAP_PROP_ORIENTATION_META) == 90
    cap.release()


def test_truncated_file_reads_partially(tmp_path):
    out = tmp_path / "t.mp4"
    truth = render_clip(ClipSpec(**SMALL, truncate=0.3), out)
    assert out.stat().st_size < truth["file_bytes_written"]
    n = 0
    # FFmpeg's decoder fails at the cut: that error and no other (a loop that reached the end
    # would not raise at all, and the test then fails on "DID NOT RAISE").
    with pytest.raises(av.error.InvalidDataError):
        with av.open(str(out)) as c:
            for _ in c.decode(video=0):
                n += 1
    assert n < truth["n_frames"]
    # kickcheck's reader keeps what decodes before the cut and says how much was lost
    from kickcheck.video import FrameReader

    reader = FrameReader(out)
    decoded = sum(1 for _ in reader)
    assert 0 < decoded < truth["n_frames"] and reader.stats.truncated


@pytest.mark.mediapipe
def test_mediapipe_detects_rendered_kickback(tmp_path):
    mp = pytest.importorskip("mediapipe")
    spec = ClipSpec(
        width=320,
        height=180,
        fps=10.0,
        reps=1,
        tempo=(0.5, 0.3, 0.5, 0.2),
        lead_in=0.2,
        lead_out=0.2,
        fill=0.85,
    )
    truth = render_clip(spec, tmp_path / "m.mp4")
    pose = mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1)
    det = 0
    with av.open(str(tmp_path / "m.mp4")) as c:
        for fr in c.decode(video=0):
            if pose.process(fr.to_ndarray(format="rgb24")).pose_landmarks is not None:
                det += 1
    assert det >= 0.8 * truth["n_frames"]


# ------------------------------------------------------------------ the look-alike catalogue
from functools import lru_cache  # noqa: E402

from kickrender.catalog import (  # noqa: E402
    EXERCISE_NAMES,
    KICKBACK_VARIANT_NAMES,
    LOOKALIKE_INFO,
    LOOKALIKE_NAMES,
)
from kickrender.exercises import KICKBACK_VARIANTS, LOOKALIKES  # noqa: E402


def test_registries_follow_the_catalogue():
    assert tuple(LOOKALIKES) == LOOKALIKE_NAMES
    assert tuple(KICKBACK_VARIANTS) == KICKBACK_VARIANT_NAMES
    assert all(LOOKALIKES[n].name == n and not LOOKALIKES[n].is_kickback for n in LOOKALIKES)
    assert len(set(LOOKALIKE_NAMES)) == len(LOOKALIKE_NAMES) >= 21
    from tests.fixtures.synth_pose import _POSTURE, EXERCISES

    shared = [n for n in EXERCISES if n in LOOKALIKE_INFO]
    assert len(shared) >= 8  # the stick figures share the catalogue's names where they coincide
    assert all(_POSTURE[n] == LOOKALIKE_INFO[n].posture for n in shared)


def test_cli_takes_every_exercise(tmp_path):
    from kickrender.__main__ import main

    out = tmp_path / "c.mp4"
    args = [str(out), "--exercise", "frog_pump", "--reps", "1", "--width", "96", "--height", "64"]
    assert main([*args, "--fps", "5", "--noise", "0", "--yaw", "-75"]) == 0
    truth = json.loads((tmp_path / "c.truth.json").read_text())
    assert truth["exercise"] == "frog_pump" and not truth["is_kickback"]
    assert set(EXERCISE_NAMES) == {"kickback", *LOOKALIKE_NAMES}


YAWS = (-90.0, -60.0, -30.0, 0.0, 30.0, 60.0, 90.0)


@pytest.mark.parametrize("k,name", list(enumerate(LOOKALIKE_NAMES)))
def test_every_lookalike_renders_at_any_view(tmp_path, k, name):
    # two views each, and across the catalogue every yaw from the rear to the front, every pitch,
    # both sides and both facings
    for n, yaw in enumerate((YAWS[k % len(YAWS)], YAWS[(k + 3) % len(YAWS)])):
        spec = ClipSpec(
            **{**SMALL, "fps": 5.0, "width": 128, "height": 80},
            exercise=name,
            yaw=yaw,
            pitch=(0.0, 15.0, 30.0)[(k + n) % 3],
            side=("left", "right")[(k + n) % 2],
            facing=("left", "right")[(k // 2) % 2],
        )
        truth = render_clip(spec, tmp_path / f"l{n}.mp4")
        assert truth["is_kickback"] is False and truth["variant"] is None
        assert truth["n_frames"] >= 5 and len(truth["reps"]) == 1
        with av.open(str(tmp_path / f"l{n}.mp4")) as c:
            img = next(c.decode(video=0)).to_ndarray(format="rgb24")
        assert img.shape == (80, 128, 3)
        # the body is in the frame: every joint projects inside the picture
        for f in truth["frames"]:
            uv = np.array(list(f["joints_2d"].values()))
            assert (uv[:, 0] > -2).all() and (uv[:, 0] < 130).all(), (name, yaw)
            assert (uv[:, 1] > -2).all() and (uv[:, 1] < 82).all(), (name, yaw)


@lru_cache(maxsize=64)
def _scene(name, side="right", facing="right"):
    return Scene(ClipSpec(exercise=name, side=side, facing=facing, **SMALL))


def _pose(name, s, side="right", facing="right"):
    """(joints dict, pelvis left axis, body vertices) at phase s."""
    sc = _scene(name, side, facing)
    _, _, _, V, j, lat = sc.pose_at_phase(s, sc.reps[0].shape)
    return j, lat / np.linalg.norm(lat), V[: sc.body.rest_vertices.shape[1]]


def _long_axis(j):
    a = (j["left_shoulder"] + j["right_shoulder"]) / 2 - (j["left_hip"] + j["right_hip"]) / 2
    return a / np.linalg.norm(a)


@pytest.mark.parametrize("name", LOOKALIKE_NAMES)
@pytest.mark.parametrize("side,facing", [("right", "left"), ("left", "right")])
def test_lookalike_bodies_stay_above_the_floor(name, side, facing):
    for s in (0.0, 0.5, 1.0):
        _, _, V = _pose(name, s, side, facing)
        assert V[:, 2].min() > -2e-3, (name, s)


def _swing(name, side="right", facing="right"):
    """The working thigh's swing from rest to top: |cos| of the angle between its rotation axis and
    the pelvis' left-right axis (1 = a pure extension or flexion), and the thigh's angle out of the
    sagittal plane at the top (degrees)."""
    j0, lat, _ = _pose(name, 0.0, side, facing)
    j1, lat1, _ = _pose(name, 1.0, side, facing)
    t0 = j0[f"{side}_knee"] - j0[f"{side}_hip"]
    t1 = j1[f"{side}_knee"] - j1[f"{side}_hip"]
    axis = np.cross(t0, t1)
    out = np.degrees(np.arcsin(abs(t1 @ lat1) / np.linalg.norm(t1)))
    return abs(axis @ lat) / np.linalg.norm(axis), out


@pytest.mark.parametrize(
    "name",
    [
        "standing_hip_abduction",
        "fire_hydrant",
        "side_leg_lift_low",
        "side_leg_lift_high",
        "side_leg_lift_straight",
    ],
)
@pytest.mark.parametrize("side", ["left", "right"])
def test_abductions_swing_the_thigh_sideways_not_back(name, side):
    along_lat, out = _swing(name, side)
    assert along_lat < 0.5, (name, along_lat)  # not a rotation about the left-right axis
    assert out > 20, (name, out)  # the thigh ends out to the side


def test_the_sideways_check_fails_on_a_kickback():
    along_lat, out = _swing("kickback")  # the quadruped kickback swings the thigh straight back
    assert along_lat > 0.95 and out < 5


def test_side_leg_lift_heights_differ():
    def out_angle(name):
        j, lat, _ = _pose(name, 1.0)
        t = j["right_knee"] - j["right_hip"]
        return np.degrees(np.arcsin(abs(t @ lat) / np.linalg.norm(t)))

    low, high = out_angle("side_leg_lift_low"), out_angle("side_leg_lift_high")
    assert 20 < low < 40 and high > 65


def _hip_flex(j, side, lat):
    from kickrender.truth import hip_extension_deg

    return -hip_extension_deg(j, side, lat)


def _angle(a, b, c):
    u, v = a - b, c - b
    return np.degrees(np.arccos(np.clip(u @ v / np.linalg.norm(u) / np.linalg.norm(v), -1, 1)))


@pytest.mark.parametrize("side,facing", [("right", "left"), ("left", "right")])
def test_bench_triceps_kickback_keeps_the_hips_flexed(side, facing):
    o = "left" if side == "right" else "right"
    elbows = []
    for s in (0.0, 0.5, 1.0):
        j, lat, V = _pose("triceps_kickback_bench", s, side, facing)
        assert _hip_flex(j, side, lat) > 60 and _hip_flex(j, o, lat) > 60
        elbows.append(_angle(j[f"{side}_shoulder"], j[f"{side}_elbow"], j[f"{side}_wrist"]))
        # kneeling knee and support hand on the bench top; the working-side foot on the floor
        assert 0.3 < j[f"{o}_knee"][2] < 0.6 and abs(j[f"{o}_wrist"][2] - j[f"{o}_knee"][2]) < 0.1
        assert j[f"{side}_foot_index"][2] < 0.08
    assert elbows[2] - elbows[0] > 60  # the elbow opens from ~90 to nearly straight
    sc = _scene("triceps_kickback_bench", side, facing)
    assert len(sc.prop_vertices) > 0  # the bench is drawn


@pytest.mark.parametrize("name", ["reverse_lunge", "curtsy_lunge"])
@pytest.mark.parametrize("side", ["left", "right"])
def test_lunges_bend_both_knees(name, side):
    from kickrender.truth import knee_flexion_deg

    o = "left" if side == "right" else "right"
    j0, lat, _ = _pose(name, 0.0, side)
    j1, _, _ = _pose(name, 1.0, side)
    assert knee_flexion_deg(j0, side) < 20 and knee_flexion_deg(j0, o) < 20
    assert knee_flexion_deg(j1, side) > 60 and knee_flexion_deg(j1, o) > 60
    assert j1[f"{side}_knee"][2] < 0.25  # the back knee near the floor
    assert np.linalg.norm(j1[f"{o}_ankle"] - j0[f"{o}_ankle"]) < 0.03  # front foot planted
    assert j1[f"{side}_foot_index"][2] < 0.05  # back toes on the floor
    across = (j1[f"{side}_ankle"] - j1[f"{o}_ankle"]) @ lat * (1 if side == "left" else -1)
    if name == "curtsy_lunge":
        assert across < -0.05  # the back foot crossed behind to the other side
    else:
        assert across > 0.05


def test_mountain_climber_alternates_legs_on_a_still_trunk():
    j0, lat, _ = _pose("mountain_climber", 0.0)
    j1, _, _ = _pose("mountain_climber", 1.0)
    assert _hip_flex(j0, "right", lat) < 20 and _hip_flex(j0, "left", lat) > 70
    assert _hip_flex(j1, "left", lat) < 20 and _hip_flex(j1, "right", lat) > 70
    for k in ("left_shoulder", "right_hip", "left_wrist"):
        assert np.linalg.norm(j1[k] - j0[k]) < 0.01
    from kickrender.exercises import MountainClimber

    assert sum(MountainClimber.tempo) < 0.8  # fast


@pytest.mark.parametrize("side", ["left", "right"])
def test_clamshell_lies_on_the_side_and_opens_the_top_knee(side):
    o = "left" if side == "right" else "right"
    j0, lat, _ = _pose("clamshell", 0.0, side)
    j1, _, _ = _pose("clamshell", 1.0, side)
    assert abs(lat[2]) > 0.9  # the pelvis' left-right axis is vertical: side-lying
    assert j0[f"{side}_hip"][2] > j0[f"{o}_hip"][2] + 0.1  # the working side on top
    assert j1[f"{side}_knee"][2] - j0[f"{side}_knee"][2] > 0.1
    assert np.linalg.norm(j1[f"{side}_ankle"] - j0[f"{side}_ankle"]) < 0.04  # feet together
    assert np.linalg.norm(j1[f"{o}_knee"] - j0[f"{o}_knee"]) < 0.01


def test_frog_pump_is_supine_knees_out_hips_up():
    j0, lat, _ = _pose("frog_pump", 0.0)
    j1, _, _ = _pose("frog_pump", 1.0)
    for j in (j0, j1):
        knees = abs((j["left_knee"] - j["right_knee"]) @ lat)
        ankles = abs((j["left_ankle"] - j["right_ankle"]) @ lat)
        assert knees > 0.45 and ankles < 0.2
        assert j["nose"][2] > j["left_shoulder"][2]  # face up
    hip0 = (j0["left_hip"][2] + j0["right_hip"][2]) / 2
    hip1 = (j1["left_hip"][2] + j1["right_hip"][2]) / 2
    assert hip1 - hip0 > 0.1


def test_pull_through_hinges_with_feet_planted_and_hands_between_the_legs():
    j0, lat, _ = _pose("cable_pull_through", 0.0)
    j1, _, _ = _pose("cable_pull_through", 1.0)

    def lean(j):
        return np.degrees(np.arccos(_long_axis(j)[2]))

    assert lean(j0) < 15 and lean(j1) > 55
    for k in ("left_ankle", "right_ankle"):
        assert np.linalg.norm(j1[k] - j0[k]) < 0.02
    kl, kr = j1["left_knee"] @ lat, j1["right_knee"] @ lat
    for w in ("left_wrist", "right_wrist"):
        assert min(kl, kr) < j1[w] @ lat < max(kl, kr)
        assert j1[w][2] < min(j1["left_hip"][2], j1["right_hip"][2]) - 0.2


def test_reverse_hyperextension_swings_both_legs_over_a_still_trunk():
    j0, lat, V0 = _pose("reverse_hyperextension", 0.0)
    j1, _, V1 = _pose("reverse_hyperextension", 1.0)
    for sd in ("left", "right"):
        assert _hip_flex(j0, sd, lat) > 75 and _hip_flex(j1, sd, lat) < -5
    assert abs(_hip_flex(j1, "left", lat) - _hip_flex(j1, "right", lat)) < 3
    assert np.linalg.norm(j1["left_shoulder"] - j0["left_shoulder"]) < 0.01
    assert V0[:, 2].min() > 0.05 and V1[:, 2].min() > 0.05  # on the pad, feet off the floor


# where each new look-alike touches the floor (or its bench/pad), at rest (0) and at the top (1);
# "{w}" is the working side, "{o}" the other. A limb through the floor would lift these off it.
CONTACTS = {
    "standing_hip_abduction": {0.0: ["foot.{o}"], 1.0: ["foot.{o}"]},
    "triceps_kickback_bench": {0.0: ["foot.{w}"], 1.0: ["foot.{w}"]},
    "side_leg_lift_low": {0.0: ["hand.L", "hand.R", "knee.{o}", "knee.{w}"], 1.0: ["knee.{o}"]},
    "side_leg_lift_high": {1.0: ["hand.L", "hand.R", "knee.{o}"]},
    "side_leg_lift_straight": {1.0: ["hand.L", "hand.R", "knee.{o}"]},
    "reverse_lunge": {0.0: ["foot.{o}", "foot.{w}"], 1.0: ["foot.{o}", "foot.{w}"]},
    "curtsy_lunge": {0.0: ["foot.{o}", "foot.{w}"], 1.0: ["foot.{o}", "foot.{w}"]},
    "mountain_climber": {0.0: ["hand.L", "hand.R", "foot.{w}"], 1.0: ["hand.L", "foot.{o}"]},
    "clamshell": {0.0: ["hip.{o}", "arm.{o}", "knee.{o}"], 1.0: ["hip.{o}", "arm.{o}", "knee.{o}"]},
    "frog_pump": {0.0: ["back", "seat", "foot.L", "foot.R"], 1.0: ["back", "foot.L"]},
    "cable_pull_through": {0.0: ["foot.L", "foot.R"], 1.0: ["foot.L", "foot.R"]},
}


@pytest.mark.parametrize("name", sorted(CONTACTS))
@pytest.mark.parametrize("side", ["left", "right"])
def test_new_lookalikes_rest_on_their_contacts(name, side):
    sc = _scene(name, side, "left")
    w, o = ("L", "R") if side == "left" else ("R", "L")
    for s, groups in CONTACTS[name].items():
        V = sc.pose_at_phase(s, sc.reps[0].shape)[3]
        for g in groups:
            z = V[sc.poser.contact[g.format(w=w, o=o)], 2].min()
            assert abs(z) < 0.02, (name, s, g, z)


def test_bench_and_pad_carry_the_body():
    for name, groups in (
        ("triceps_kickback_bench", ["knee.{o}", "hand.{o}"]),
        ("reverse_hyperextension", ["seat", "back"]),
    ):
        sc = _scene(name, "right", "left")
        top = sc.prop_vertices[:, 2].max() if name != "reverse_hyperextension" else 0.95
        for s in (0.0, 1.0):
            V = sc.pose_at_phase(s, sc.reps[0].shape)[3]
            for g in groups:
                z = V[sc.poser.contact[g.format(w="R", o="L")], 2].min()
                assert abs(z - top) < 0.02, (name, s, g, z, top)


def test_a_clip_of_two_sets_says_where_its_sets_are(tmp_path):
    from kickrender import SetSpec

    spec = ClipSpec(
        **{**SMALL, "reps": 2},
        sets=(
            SetSpec(side="right", facing="right", reps=2, hip_ext=18.0),
            SetSpec(side="left", facing="left", reps=3, hip_ext=8.0, arch_from=3),
        ),
        between="kneel",
        between_s=3.0,
    )
    truth = render_clip(spec, tmp_path / "sets.mp4")
    assert [s["working_side"] for s in truth["sets"]] == ["right", "left"]
    assert [s["reps"] for s in truth["sets"]] == [[1, 2], [3, 4, 5]]
    assert [r["set"] for r in truth["reps"]] == [1, 1, 2, 2, 2]
    (change,) = truth["changes"]
    assert change["kind"] == "kneel"
    assert change["end_s"] - change["start_s"] == pytest.approx(3.0)
    assert (
        truth["sets"][0]["end_s"]
        < change["start_s"]
        < change["end_s"]
        <= truth["sets"][1]["start_s"]
    )
    frames = truth["frames"]
    in_change = [f for f in frames if change["start_s"] + 0.05 < f["t_s"] < change["end_s"] - 0.05]
    assert in_change and all(f["set"] == -1 for f in in_change)
    assert {f["working_side"] for f in frames if f["set"] == 0} == {"right"}
    assert {f["working_side"] for f in frames if f["set"] == 1} == {"left"}
    # kneeling up extends the hips to about the trunk line (0); on all fours they rest near -90
    mid = min(in_change, key=lambda f: abs(f["t_s"] - (change["start_s"] + change["end_s"]) / 2))
    assert abs(mid["hip_extension_deg"]) < 25
    # the posed asymmetry: the mean ranges of the legs (each rep's from the frames), |L-R|/max
    rom = {s["working_side"]: np.mean(s["range_of_motion_deg"]) for s in truth["sets"]}
    want = 100 * abs(rom["left"] - rom["right"]) / max(rom.values())
    assert truth["asymmetry"]["range_of_motion_pct"] == pytest.approx(want, abs=0.01)
    # the tops differ by 10 degrees; the arch of rep 5 lengthens its range
    assert truth["sets"][0]["range_of_motion_deg"][0] - truth["sets"][1]["range_of_motion_deg"][
        0
    ] == pytest.approx(10.0, abs=1.5)
    assert truth["sets"][1]["arch_rep"] == 5 and truth["sets"][1]["form_break_rep"] == 5
    assert "lumbar_hyperextension" in truth["reps"][4]["faults"]
    assert truth["working_side"] == "left"  # three reps against two


def test_a_set_that_tires_drops_its_top_and_arches_from_the_posed_reps():
    from kickrender import SetSpec
    from kickrender.clip import timeline

    spec = ClipSpec(
        **{**SMALL, "reps": 1},
        sets=(
            SetSpec(
                side="left",
                reps=6,
                hip_ext=15.0,
                fatigue_from=4,
                fatigue_step_deg=10.0,
                arch_from=6,
            ),
        ),
    )
    reps, _, _ = timeline(spec)
    assert [r.shape.hip_ext for r in reps] == [15.0, 15.0, 15.0, 5.0, -5.0, -15.0]
    assert [r.shape.arch >= 12 for r in reps] == [False] * 5 + [True]
