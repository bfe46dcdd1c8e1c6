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
