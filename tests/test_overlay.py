"""The overlay: what ``draw_frame`` puts where, and the file ``write_overlay`` writes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner

import kickcheck.draw as draw
import kickcheck.overlay as overlay
import kickcheck.pipeline as pipeline
from kickcheck.cli import main
from kickcheck.config import load_config
from kickcheck.errors import OutputError
from kickcheck.landmarks import Landmark as L
from kickcheck.overlay import draw_frame, write_overlay
from kickcheck.rules import rule
from kickcheck.types import Finding, VideoInfo
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
    # Far from every landmark, outside the strip and below the header, nothing is drawn.
    h = header_height(draw_frame(blank(), DROPOUT, report))
    ys, xs = np.mgrid[h + 5 : 355 : 4, 0:640:4]
    dist = np.hypot(xs[..., None] - xy[:, 0], ys[..., None] - xy[:, 1])
    sx0, sy0, sx1, sy1 = layout(report).strip
    in_strip = (xs >= sx0 - 2) & (xs < sx1 + 2) & (ys >= sy0 - 2) & (ys < sy1 + 2)
    far = (np.nanmin(dist, axis=-1) > 90) & ~in_strip
    assert far.sum() > 50
    assert img[ys[far], xs[far]].max() == 0


def test_the_numbers_and_the_strip_are_drawn_at_a_person_frame(report):
    i = report.reps[0].rep.top_frame
    img = draw_frame(blank(), i, report)
    x0, y0, x1, y1 = layout(report).strip
    assert img[y0:y1, x0:x1].max() > 0  # the curve strip
    assert (img[y0:y1, x0:x1].max(axis=-1) > 0).mean() > 0.9  # a darkened panel, even over black
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


# ----------------------------------------------------------------------------------------------
# Pointing at the body part at fault, the summary card, the strip, placement


RED = overlay.SEVERITY_BGR["fault"]
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "kickback_sample.mp4"


def is_color(img: np.ndarray, bgr, tol: int = 40) -> np.ndarray:
    return np.all(np.abs(img.astype(int) - np.asarray(bgr)) <= tol, axis=-1)


TRUNK_FRACTIONS = tuple(np.linspace(0.3, 0.9, 7))


def trunk_points(xy: np.ndarray, fractions=TRUNK_FRACTIONS) -> list[tuple[int, int]]:
    sh = (xy[L.LEFT_SHOULDER] + xy[L.RIGHT_SHOULDER]) / 2
    hip = (xy[L.LEFT_HIP] + xy[L.RIGHT_HIP]) / 2
    return on_segment(sh, hip, fractions)


def red_share_on_trunk(img: np.ndarray, xy: np.ndarray) -> float:
    """Share of points along the shoulder-hip line with fault red within 6 px of them."""
    red = is_color(img, RED)
    return float(np.mean([red[y - 6 : y + 7, x - 6 : x + 7].any() for x, y in trunk_points(xy)]))


def ring_share(img: np.ndarray, centre, r: float, bgr) -> float:
    """Share of points on a circle of radius ``r`` around ``centre`` in colour ``bgr``."""
    col = is_color(img, bgr)
    ang = np.linspace(0, 2 * np.pi, 36, endpoint=False)
    pts = np.round(np.asarray(centre) + r * np.stack([np.cos(ang), np.sin(ang)], 1)).astype(int)
    return float(np.mean([col[y - 1 : y + 2, x - 1 : x + 2].any() for x, y in pts]))


def layout(report, w=640, h=360):
    d = overlay._data_for(report)
    return overlay._layout(d, w, h, overlay._Style.for_size(w, h))


@pytest.fixture(scope="module")
def knee_report():
    rep, _ = analyse(n_reps=3, knee_top_per_rep=[90, 90, 20], peak_hip_ext_deg=12)
    assert [[f.rule_id for f in r.findings] for r in rep.reps] == [[], [], ["knee_straightened"]]
    return rep


def test_an_arched_rep_is_drawn_on_the_trunk_strongest_at_its_top(report):
    arched = report.reps[1].rep
    xy = report.pose.xyzv[:, :, :2]
    top = draw_frame(blank(), arched.top_frame, report)
    assert red_share_on_trunk(top, xy[arched.top_frame]) > 0.8
    # Faded in from the rep's start: at its first frame the band is a blend, not yet red.
    early = draw_frame(blank(), arched.start_frame, report)
    assert red_share_on_trunk(early, xy[arched.start_frame]) < 0.2
    # Not on the clean reps, and not after the arched rep has ended (its words stay in the header).
    strip_top = layout(report).strip[1]
    for i in (report.reps[0].rep.top_frame, report.reps[2].rep.top_frame, arched.end_frame + 5):
        img = draw_frame(blank(), i, report)
        h = header_height(draw_frame(blank(), DROPOUT, report))
        assert red_pixels(img[h + 8 : strip_top]) == 0, i
        assert red_share_on_trunk(img, xy[i]) == 0.0, i


def test_a_straightened_knee_is_ringed_at_its_top(knee_report):
    rep = knee_report
    r = overlay._knee_radius(overlay._Style.for_size(640, 360))
    xy = rep.pose.xyzv[:, :, :2]
    bad = rep.reps[2].rep.top_frame
    img = draw_frame(blank(), bad, rep)
    assert ring_share(img, xy[bad, L.RIGHT_KNEE], r, RED) > 0.8
    assert red_share_on_trunk(img, xy[bad]) == 0.0  # the knee, not the back
    for i in (rep.reps[0].rep.top_frame, rep.reps[1].rep.top_frame):
        img = draw_frame(blank(), i, rep)
        assert ring_share(img, xy[i, L.RIGHT_KNEE], r, RED) == 0.0, i


def card_box(img: np.ndarray):
    """The bounding box (x0, y0, x1, y1) of the summary card's dark grey on a black frame, or None
    when there is hardly any of it."""
    grey = round(draw.PANEL_GREY * overlay._CARD_ALPHA)
    mask = np.all(np.abs(img.astype(int) - grey) <= 2, axis=-1)
    rows = np.flatnonzero(mask.mean(axis=1) > 0.3)
    if rows.size < 20:
        return None
    cols = np.flatnonzero(mask[rows].mean(axis=0) > 0.3)
    return cols.min(), rows.min(), cols.max() + 1, rows.max() + 1


def test_the_summary_card_covers_the_last_second(report):
    d = overlay.overlay_data(report)
    t = report.pose.t_s
    n = len(t)
    assert t[-1] - t[d.card_from] <= overlay.CARD_S
    assert t[-1] - t[d.card_from - 1] > overlay.CARD_S
    lumbar = rule("lumbar_hyperextension")
    # rep 2's fault costs its points; the clip's and the set's score are the mean of the three
    score = 100 - load_config().score.lumbar_hyperextension_fault / 3
    assert [ln.text for ln in d.card] == [
        f"3 reps | form score {score:.0f}/100",
        f"set: {score:.0f}/100, form broke at rep 2",
        f"fault: {lumbar.title} (rep 2)",
        f"Cue: {lumbar.cue}",
    ]
    last = draw_frame(blank(), n - 1, report)
    box = card_box(last)
    assert box is not None
    x0, y0, x1, y1 = box
    assert x1 - x0 > 0.6 * 640
    assert red_pixels(last[y0:y1, x0:x1]) > 300  # the fault's line and the border
    # Clear of the header and the strip.
    sx0, sy0, sx1, sy1 = layout(report).strip
    assert y0 >= header_height(draw_frame(blank(), DROPOUT, report))
    assert y1 <= sy0 or y0 >= sy1
    assert card_box(draw_frame(blank(), d.card_from - 1, report)) is None


def with_findings(report, per_rep):
    reps = tuple(
        dataclasses.replace(r, findings=tuple(Finding(c, k + 1, s, 10.0, 5.0, "") for c, s in fs))
        for k, (r, fs) in enumerate(zip(report.reps, per_rep))
    )
    return dataclasses.replace(report, reps=reps)


def test_the_cue_is_the_most_severe_then_the_most_frequent_finding(report):
    knee, lumbar, squeeze = (
        rule(c) for c in ("knee_straightened", "lumbar_hyperextension", "no_squeeze")
    )
    worse = with_findings(
        report,
        [[(knee.code, "warning")], [(lumbar.code, "fault")], [(knee.code, "warning")]],
    )
    card = [ln.text for ln in overlay.overlay_data(worse).card]
    assert card[-1] == f"Cue: {lumbar.cue}"
    assert f"warning: {knee.title} (reps 1, 3)" in card
    more = with_findings(
        report,
        [[(knee.code, "warning")], [(lumbar.code, "warning")], [(knee.code, "warning")]],
    )
    assert overlay.overlay_data(more).card[-1].text == f"Cue: {knee.cue}"
    notes = with_findings(report, [[(squeeze.code, "info")], [], []])
    card = [ln.text for ln in overlay.overlay_data(notes).card]
    assert card[0].startswith("3 reps |") and card[1] == "no form faults"
    assert card[-1] == f"Cue: {squeeze.cue}"


def test_a_clip_that_is_not_a_kickback_or_cannot_be_told_gets_the_reason_on_the_card():
    rep, _ = analyse(exercise="bird_dog", n_reps=3)
    card = overlay.overlay_data(rep).card
    assert card[0].text == "not a kickback"
    assert card[1].text.lower() == rep.exercise.reason.lower()
    unsure = dataclasses.replace(
        rep, exercise=dataclasses.replace(rep.exercise, outcome="cannot_tell")
    )
    assert overlay.overlay_data(unsure).card[0].text == "cannot tell"
    img = draw_frame(blank(), len(rep.pose) - 1, unsure)
    assert card_box(img) is not None


@pytest.mark.parametrize("words", [5, 11, 200])
def test_wrapped_text_keeps_within_its_lines_and_width_at_one_scale(words):
    """A long reason used to overflow its last line, which then shrank to an illegible size or ran
    off the frame (a 48-word gate reason on a 480-px clip). Now the block shrinks as one, at most
    to 70 % of its size, and past that its last line is cut short with "..."."""
    text = " ".join(f"word{k}" for k in range(words))
    lines, scale = draw._wrap(text, 0.8, 1, 300, 3)
    assert len(lines) <= 3
    assert 0.8 * draw._MIN_SHRINK - 1e-9 <= scale <= 0.8
    assert all(draw._text_w(ln, scale, 1) <= 300 for ln in lines)
    shown = " ".join(lines).split()
    if words == 5:
        assert scale == 0.8 and shown == text.split()  # fits as it is
    elif words == 200:
        assert shown[-1] == "..." and shown[:-1] == text.split()[: len(shown) - 1]
    else:
        assert scale < 0.8 and shown == text.split()  # shrunk as one block, not cut


def test_a_long_reason_stays_inside_a_small_frame():
    """The card and the header of a clip refused with a long reason, on a 480x270 frame: the card
    lies within the frame, and the header's reason lines are drawn at one size."""
    rep, _ = analyse(exercise="bird_dog", n_reps=3, width=480, height=270)
    long = "no kickbacks found: " + " ".join(["the thigh swung out to the side"] * 12)
    rep = dataclasses.replace(rep, exercise=dataclasses.replace(rep.exercise, reason=long))
    img = draw_frame(np.zeros((270, 480, 3), np.uint8), len(rep.pose) - 1, rep)
    box = card_box(img)
    assert box is not None
    x0, _, x1, _ = box
    assert x0 > 0 and x1 < 480
    d = overlay.overlay_data(rep)
    style = draw.Style.for_size(480, 270)
    lines, _, _, block = overlay._header_content(0, d, style, 480 - 2 * style.pad)
    laid = overlay._header_fit(lines, style, 480 - 2 * style.pad, block)
    assert len({round(scale, 6) for _, scale in laid[1:-1]}) == 1  # full lines: one size
    assert laid[-1][0][0][0].endswith("...")


def test_the_strip_shows_rep_numbers_under_the_cursor_a_scale_and_the_limit(report):
    x0, y0, x1, y1 = layout(report).strip
    d = overlay._data_for(report)
    g = overlay._strip_geom(d, x1 - x0, y1 - y0, overlay._Style.for_size(640, 360))
    number_row = slice(y0, y0 + g.plot[1] - 2)
    for k, colour in ((0, overlay.SEVERITY_BGR["ok"]), (1, RED)):
        i = report.reps[k].rep.top_frame  # the cursor stands on this rep's top
        img = draw_frame(blank(), i, report)
        cx = x0 + int(round(g.xs[i]))
        assert is_color(img[number_row, cx - 8 : cx + 9], colour).sum() > 5, k
    # The limit the reps were judged against: a dashed row between the clean tops (12 degrees)
    # and the arched one, where the curve crosses it.
    img = draw_frame(blank(), 5, report)
    limit = is_color(img[y0:y1, x0:x1], overlay._LIMIT_BGR, 30)
    rows = np.flatnonzero(limit.sum(axis=1) > 0.25 * (x1 - x0))
    assert rows.size and np.ptp(rows) <= 2
    assert abs(rows.mean() - g.to_y(report.rules.hip_extension_limit_deg)) <= 1.5
    for k, colour, above in ((0, overlay.SEVERITY_BGR["ok"], False), (1, RED, True)):
        cx = int(round(g.xs[report.reps[k].rep.top_frame]))
        mark = is_color(img[y0 + g.plot[1] : y1, x0 + cx - 3 : x0 + cx + 4], colour)
        mark_y = g.plot[1] + np.flatnonzero(mark.any(axis=1)).mean()
        assert (mark_y < rows.mean()) == above, k
    # The scale: degree labels in the gutter left of the plot.
    gutter = img[y0:y1, x0 : x0 + g.plot[0] - 2]
    scale = is_color(gutter, overlay._SCALE_BGR, 30) | is_color(gutter, overlay._LIMIT_BGR, 30)
    assert scale.sum() > 20


def test_angle_labels_stay_off_the_limbs(report, monkeypatch):
    labels = []
    real = overlay._text

    def spy(img, org, text, *a, **kw):
        if text.startswith(("hip ", "knee ")):
            labels.append((org, text, a[0]))
        return real(img, org, text, *a, **kw)

    monkeypatch.setattr(overlay, "_text", spy)
    frames = [5, report.reps[0].rep.start_frame - 3] + [r.rep.top_frame for r in report.reps]
    st = overlay._Style.for_size(640, 360)
    for i in frames:
        labels.clear()
        draw_frame(blank(), i, report)
        assert [t.split()[0] for _, t, _ in labels] == ["hip", "knee"], i
        pts = overlay._limb_points(report.pose.xyzv[i, :, :2], 2.0)
        for (x, y), text, scale in labels:
            tw, th = overlay._text_w(text, scale, st.thick), overlay._text_h(scale, st.thick)
            inside = (pts[:, 0] >= x) & (pts[:, 0] <= x + tw)
            inside &= (pts[:, 1] >= y - th) & (pts[:, 1] <= y)
            assert not inside.any(), (i, text)


def test_header_and_strip_keep_off_the_head_and_the_feet_of_a_standing_person():
    rep, _ = analyse(variant="standing", n_reps=2, arch_per_rep=[15, 0])
    assert rep.exercise.variant == "standing"
    xy = rep.pose.xyzv[:, :, :2]
    feet = [L.LEFT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX, L.LEFT_ANKLE]
    head = [L.NOSE, L.LEFT_EAR, L.RIGHT_EAR]
    # The person fills the frame's height: the usual placement would cover both.
    assert np.nanmin(xy[:, head, 1]) < 40 and np.nanmax(xy[:, feet, 1]) > 360 - 40
    for w, h in ((640, 360), (1920, 1080)):
        lay = layout(rep, w, h)
        d = overlay._data_for(rep)
        st = overlay._Style.for_size(w, h)
        bar = max(
            overlay._header_size(i, d, st, lay.header_x[1] - lay.header_x[0])[0]
            for i in range(len(rep.pose))
        )
        hx0, hx1 = lay.header_x
        hbox = (hx0, 0, hx1, bar) if lay.header_top else (hx0, h - bar, hx1, h)
        s = np.array([w / 640, h / 360])
        for box, parts in ((hbox, head + feet), (lay.strip, head + feet)):
            p = xy[:, parts].reshape(-1, 2) * s
            p = p[np.isfinite(p).all(axis=1)]
            inside = (p[:, 0] >= box[0]) & (p[:, 0] < box[2]) & (p[:, 1] >= box[1])
            inside &= p[:, 1] < box[3]
            assert not inside.any(), (w, box)


def test_text_is_sized_for_the_frame_from_360p_to_4k(report):
    hs = {
        h: header_height(draw_frame(blank(w, h), DROPOUT, report))
        for w, h in ((640, 360), (3840, 2160))
    }
    assert 5.0 < hs[2160] / hs[360] < 7.0


@pytest.mark.mediapipe
def test_the_bundled_sample_is_marked_where_its_form_broke():
    from kickcheck import analyze_video
    from kickcheck.video import FrameReader

    report = analyze_video(SAMPLE)
    codes = [[f.rule_id for f in r.findings if f.severity == "fault"] for r in report.reps]
    assert codes == [[], ["lumbar_hyperextension"], [], ["knee_straightened"], []]
    tops = {r.rep.top_frame: r.rep.index for r in report.reps}
    last = len(report.pose) - 1
    xy = report.pose.xyzv[:, :, :2]
    knee = L.RIGHT_KNEE if report.exercise.working_side == "right" else L.LEFT_KNEE
    r = overlay._knee_radius(overlay._Style.for_size(report.video.width, report.video.height))
    seen = set()
    for frame in FrameReader(SAMPLE):
        i = frame.index
        if i not in tops and i != last:
            continue
        img = draw_frame(frame.image_bgr, i, report)
        seen.add(i)
        if i == last:
            assert card_box(draw_frame(blank(), i, report)) is not None
            continue
        k = tops[i]
        assert (red_share_on_trunk(img, xy[i]) > 0.8) == (k == 2), k
        assert (ring_share(img, xy[i, knee], r, RED) > 0.8) == (k == 4), k
    assert seen == set(tops) | {last}


def test_the_overlay_draws_the_labels_as_the_pipeline_repaired_them():
    """MediaPipe swaps the legs' labels for stretches; the pipeline mirrors them back, and the
    overlay must draw the working leg on the leg that kicked, not on MediaPipe's raw label."""
    from kickcheck.landmarks import SWAP_LR, Landmark
    from kickcheck.overlay import overlay_data
    from kickcheck.pipeline import analyze_pose
    from kickcheck.types import VideoInfo
    from tests.fixtures import make_pose_sequence

    # half a kick: the repair mirrors back a swap shorter than the rest of its stretch between two
    # frames where the legs meet (continuity cannot tell which of the two was swapped)
    frames = list(range(100, 115))
    pose, _ = make_pose_sequence(n_reps=3, seed=4, swap_lr_frames=frames)
    info = VideoInfo("s.mp4", 30.0, len(pose), pose.width, pose.height, float(pose.t_s[-1]))
    report = analyze_pose(pose, info)
    assert report.lr_swapped is not None and report.lr_swapped[frames].all()
    data = overlay_data(report)
    knee = Landmark.RIGHT_KNEE
    raw = pose.xyzv[frames][:, :, :2]
    np.testing.assert_allclose(data.xy[frames][:, knee], raw[:, SWAP_LR][:, knee])
    assert not np.allclose(data.xy[frames][:, knee], raw[:, knee])
