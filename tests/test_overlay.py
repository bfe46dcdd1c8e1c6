"""The overlay: what ``draw_frame`` puts where, and the file ``write_overlay`` writes."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner

import kickcheck.overlay as overlay
import kickcheck.pipeline as pipeline
from kickcheck.cli import main
from kickcheck.errors import OutputError
from kickcheck.landmarks import Landmark as L
from kickcheck.overlay import draw_frame, write_overlay
from kickcheck.types import VideoInfo
from kickcheck.video import VideoSink
from tests.fixtures import fake_analysis, make_pose_sequence

DROPOUT = 30  #: a frame with no person, inside rep 1's way up


def analyse(**kw):
    pose, truth = make_pose_sequence(**kw)
    info = VideoInfo(
        "synthetic.mp4", 30.0, len(pose), pose.width, pose.height, float(pose.t_s[-1]), 0
    )
    return pipeline.analyze_pose(pose, info), truth


@pytest.fixture(scope="module")
def report():
    rep, _ = analyse(
        n_reps=3, arch_per_rep=[0, 20, 0], peak_hip_ext_deg=12, dropout_frames=(DROPOUT,)
    )
    assert rep.exercise.is_kickback and rep.exercise.working_side == "right"
    assert [bool(r.findings) for r in rep.reps] == [False, True, False]
    assert rep.reps[1].findings[0].severity == "fault"
    return rep


def blank(w=640, h=360):
    return np.zeros((h, w, 3), np.uint8)


def red_pixels(img: np.ndarray) -> int:
    b, g, r = (img[..., k].astype(int) for k in range(3))
    return int(((r > 200) & (g < 90) & (b < 90)).sum())


def header_height(img: np.ndarray) -> int:
    """Rows from the top down to the first all-black row (drawn on a black image)."""
    empty = np.flatnonzero(img.max(axis=(1, 2)) == 0)
    return int(empty[0]) if empty.size else img.shape[0]


def near(img: np.ndarray, xy, r: int = 3) -> np.ndarray:
    x, y = int(round(float(xy[0]))), int(round(float(xy[1])))
    return img[y - r : y + r + 1, x - r : x + r + 1].reshape(-1, 3)


def on_segment(a, b, fractions) -> list[tuple[int, int]]:
    return [
        (int(round(a[0] + f * (b[0] - a[0]))), int(round(a[1] + f * (b[1] - a[1]))))
        for f in fractions
    ]


def close(px, bgr, tol=40) -> bool:
    return bool(np.abs(np.asarray(px, int) - np.asarray(bgr)).max() <= tol)


def test_draw_frame_returns_a_copy_and_checks_its_input(report):
    img = blank()
    out = draw_frame(img, 10, report)
    assert out.shape == img.shape and out.dtype == np.uint8
    assert img.max() == 0  # the input is untouched
    with pytest.raises(ValueError, match="uint8"):
        draw_frame(img.astype(np.float32), 10, report)


def test_skeleton_lands_on_the_landmarks_and_highlights_the_working_leg(report):
    i = report.reps[0].rep.top_frame
    img = draw_frame(blank(), i, report)
    xy = report.pose.xyzv[i, :, :2]
    for lm in (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.LEFT_KNEE, L.RIGHT_SHOULDER):
        assert near(img, xy[lm]).max() > 100, lm.name
    # The working (right) thigh is drawn in the working colour along its whole length ...
    work = [
        img[y, x]
        for x, y in on_segment(xy[L.RIGHT_HIP], xy[L.RIGHT_KNEE], np.linspace(0.2, 0.8, 7))
    ]
    assert all(close(px, overlay._WORKING_BGR) for px in work), work
    # ... and the support (left) shank dimmer: grey, never the working or the body colour.
    other = [
        img[y, x]
        for x, y in on_segment(xy[L.LEFT_KNEE], xy[L.LEFT_ANKLE], np.linspace(0.3, 0.7, 5))
    ]
    assert any(close(px, overlay._DIM_BGR) for px in other), other
    assert not any(close(px, overlay._BODY_BGR, 20) for px in other)
    # Far from every landmark, above the sparkline and below the header, nothing is drawn.
    h = header_height(draw_frame(blank(), DROPOUT, report))
    ys, xs = np.mgrid[h + 5 : 280 : 4, 0:640:4]
    dist = np.hypot(xs[..., None] - xy[:, 0], ys[..., None] - xy[:, 1])
    far = np.nanmin(dist, axis=-1) > 90
    assert far.sum() > 50
    assert img[ys[far], xs[far]].max() == 0


def test_the_numbers_and_the_sparkline_are_drawn_at_a_person_frame(report):
    i = report.reps[0].rep.top_frame
    img = draw_frame(blank(), i, report)
    assert img[300:, :].max() > 0  # the sparkline panel along the bottom
    # The hip's angle is written near the working hip (within ~4 trunk-widths of text).
    hip = report.pose.xyzv[i, L.RIGHT_HIP, :2]
    cyan = np.all(np.abs(img.astype(int) - overlay._WORKING_BGR) < 40, axis=-1)
    ys, xs = np.nonzero(cyan)
    d = np.hypot(xs - hip[0], ys - hip[1])
    assert ((d > 15) & (d < 120)).sum() > 30


def test_header_is_red_during_the_flagged_rep_only(report):
    clean1, flagged, clean3 = (r.rep for r in report.reps)
    h = header_height(draw_frame(blank(), DROPOUT, report))
    for i in (
        flagged.start_frame + 2,
        flagged.top_frame,
        flagged.end_frame,
        flagged.end_frame + 15,
    ):
        img = draw_frame(blank(), i, report)
        assert red_pixels(img[: header_height(img)]) > 640, i  # a red stripe and red words
    for i in (clean1.top_frame, clean3.start_frame + 1, clean3.top_frame, 5):
        img = draw_frame(blank(), i, report)
        assert red_pixels(img[: max(h, header_height(img))]) == 0, i
    # The flags are held for about a second after the rep, not into the next one.
    assert flagged.end_frame + 15 < clean3.start_frame


def test_no_person_frame_gets_the_header_only(report):
    assert not report.pose.detected[DROPOUT]
    img = draw_frame(blank(), DROPOUT, report)
    h = header_height(img)
    assert 10 < h < 360 // 4
    assert img[:h].max() > 0
    assert img[h:].max() == 0
    # An index past the report's frames (a clip that decodes one more frame) gets no skeleton and
    # no strip, only the header and (it is in the last second) the summary card in the middle.
    late = draw_frame(blank(), len(report.pose) + 3, report)
    assert late[-60:].max() == 0
    assert late[header_height(late) : 360 // 2].max() > 0


def test_sizes_scale_with_the_frame(report):
    small = draw_frame(blank(640, 360), DROPOUT, report)
    big = draw_frame(blank(1920, 1080), DROPOUT, report)
    assert 2.3 < header_height(big) / header_height(small) < 3.7
    i = report.reps[1].rep.top_frame
    lit_small = (draw_frame(blank(640, 360), i, report).max(-1) > 0).mean()
    lit_big = (draw_frame(blank(1920, 1080), i, report).max(-1) > 0).mean()
    assert lit_big == pytest.approx(lit_small, rel=0.35)  # same picture, just larger


def test_not_a_kickback_draws_the_skeleton_and_the_reason():
    rep, _ = analyse(exercise="bird_dog", n_reps=3)
    assert not rep.exercise.is_kickback
    i = 40
    img = draw_frame(blank(), i, rep)
    h = header_height(img)
    amber = np.all(np.abs(img[:h].astype(int) - overlay.SEVERITY_BGR["warning"]) < 40, axis=-1)
    assert amber.sum() > 50  # "not a kickback"
    assert h > 50  # the title and the reason, wrapped onto more lines
    xy = rep.pose.xyzv[i, :, :2]
    assert near(img, xy[L.LEFT_HIP]).max() > 100
    assert red_pixels(img) == 0


# ----------------------------------------------------------------------------------------------
# write_overlay


@pytest.fixture
def clip_and_report(tmp_path: Path):
    """A tiny real H.264 clip and a synthetic report with the same frame count and size."""
    rep, _ = analyse(n_reps=1, width=320, height=180, lead_in_s=0.3, lead_out_s=0.3)
    path = tmp_path / "clip.mp4"
    with VideoSink(path, 30.0, (320, 180)) as sink:
        for t in rep.pose.t_s:
            sink.write(np.full((180, 320, 3), 90, np.uint8), t_s=float(t))
    return path, rep


def test_write_overlay_makes_an_h264_clip_with_every_frame(clip_and_report, tmp_path):
    clip, rep = clip_and_report
    out = tmp_path / "overlay.mp4"
    calls = []
    n = write_overlay(clip, rep, out, progress=calls.append)
    assert n == len(rep.pose) == sum(calls)
    with av.open(str(out)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264"
        assert s.codec_context.pix_fmt == "yuv420p"
        frames = [f.to_ndarray(format="bgr24") for f in c.decode(s)]
    assert len(frames) == len(rep.pose)
    assert frames[0].shape == (180, 320, 3)
    top = rep.reps[0].rep.top_frame
    assert np.abs(frames[top].astype(int) - 90).max() > 100  # something was drawn
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4", "overlay.mp4"]


def test_a_failure_mid_write_leaves_no_file(clip_and_report, tmp_path, monkeypatch):
    clip, rep = clip_and_report
    out = tmp_path / "overlay.mp4"
    real = overlay.draw_frame

    def fail_at_10(img, i, report):
        if i == 10:
            raise RuntimeError("boom")
        return real(img, i, report)

    monkeypatch.setattr(overlay, "draw_frame", fail_at_10)
    with pytest.raises(RuntimeError, match="boom"):
        write_overlay(clip, rep, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4"]


def test_writing_into_a_missing_folder_is_an_output_error(clip_and_report, tmp_path):
    clip, rep = clip_and_report
    with pytest.raises(OutputError, match="does not exist"):
        write_overlay(clip, rep, tmp_path / "nope" / "o.mp4")


# ----------------------------------------------------------------------------------------------
# CLI --overlay


_fake_analysis = fake_analysis


def test_cli_overlay_is_written_also_for_a_clip_that_is_not_a_kickback(
    monkeypatch, clip_and_report, tmp_path
):
    clip, _ = clip_and_report
    _fake_analysis(monkeypatch, exercise="glute_bridge")
    out = tmp_path / "ov.mp4"
    r = CliRunner().invoke(main, [str(clip), "--overlay", str(out), "-q"], catch_exceptions=False)
    assert r.exit_code == 5, r.output
    with av.open(str(out)) as c:
        assert c.streams.video[0].codec_context.name == "h264"


def test_cli_overlay_into_a_missing_folder_is_one_line(monkeypatch, clip_and_report, tmp_path):
    clip, _ = clip_and_report
    _fake_analysis(monkeypatch, n_reps=2)
    target = tmp_path / "no" / "ov.mp4"
    r = CliRunner().invoke(main, [str(clip), "--overlay", str(target)], catch_exceptions=False)
    assert r.exit_code == 8
    err = r.stderr.strip()
    assert err.startswith("kickcheck: ") and "\n" not in err and "does not exist" in err
    assert not target.exists()
