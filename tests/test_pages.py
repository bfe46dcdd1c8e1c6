"""The report page (--html), the charts (--plots), the per-frame CSV and the OpenSim .mot (--mot).

Reports come from synthetic landmark sequences (``analyze_pose``: no video, no model); the page's
evidence stills come from a tiny real H.264 clip whose frames carry their own index as a grey
level. Browser tests load the page from disk in Debian's headless ``chromium``; they skip where it
is not installed (``.ci/run`` installs it, so CI always runs them).
"""

from __future__ import annotations

import csv
import html.parser
import io
import math
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import kickcheck.pipeline as pipeline
from kickcheck.cli import main
from kickcheck.export import frames_csv, mot_text
from kickcheck.landmarks import Landmark as L
from kickcheck.page import evidence_frames, render_page, write_page
from kickcheck.plots import (
    CURVE_COLORS,
    PRINT_DPI,
    SEVERITY_COLORS,
    curves_figure,
    peaks_figure,
    png_bytes,
    write_plots,
)
from kickcheck.types import PHASES, VideoInfo
from kickcheck.video import VideoSink
from tests.fixtures import fake_analysis, make_pose_sequence

HOSTILE = "<img src=x onerror=alert(1)>.mp4"
DROPOUT = 15  #: a frame with nobody in it (in the lead-in, outside every rep)
#: Five reps: rep 2 arches the lower back, rep 4 straightens the knee.
FIVE_REPS = dict(
    n_reps=5,
    arch_per_rep=[0, 20, 0, 0, 0],
    knee_top_per_rep=[90, 90, 90, 20, 90],
    dropout_frames=(DROPOUT,),
    noise_px=0.3,
)


def analyse(name: str = "synthetic.mp4", **kw):
    pose, truth = make_pose_sequence(**kw)
    info = VideoInfo(name, 30.0, len(pose), pose.width, pose.height, float(pose.t_s[-1]), 0)
    return pipeline.analyze_pose(pose, info), truth


@pytest.fixture(scope="module")
def report():
    """Five reps: rep 2 arches the lower back, rep 4 straightens the knee."""
    rep, _ = analyse(HOSTILE, **FIVE_REPS)
    flags = [sorted(f.rule_id for f in r.findings) for r in rep.reps]
    assert flags == [[], ["lumbar_hyperextension"], [], ["knee_straightened"], []]
    return rep


def grey_of(i: int) -> int:
    return 40 + (i * 7) % 180


@pytest.fixture(scope="module")
def clip(report, tmp_path_factory) -> Path:
    """A real H.264 clip, one frame per report frame, frame i a flat grey of ``grey_of(i)``."""
    path = tmp_path_factory.mktemp("clip") / HOSTILE
    with VideoSink(path, 30.0, (192, 108)) as sink:
        for i, t in enumerate(report.pose.t_s):
            sink.write(np.full((108, 192, 3), grey_of(i), np.uint8), t_s=float(t))
    return path


# ----------------------------------------------------------------------------------------------
# The page, without a browser


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    p = _Tags()
    p.feed(page)
    return p.tags


def test_evidence_stills_are_the_frames_at_the_rep_tops(report, clip):
    stills = evidence_frames(clip, report)
    assert sorted(stills) == [1, 2, 3, 4, 5]
    for r in report.reps:
        img = cv2.imdecode(np.frombuffer(stills[r.rep.index], np.uint8), cv2.IMREAD_COLOR)
        assert img.shape == (108, 192, 3)
        # The overlay covers a minority of the pixels: the median is the frame's own grey.
        want = grey_of(r.rep.top_frame)
        assert abs(float(np.median(img)) - want) <= 4, (r.rep.index, np.median(img), want)
        # ... and something was drawn on it (the skeleton, the header).
        assert (np.abs(img.astype(int) - want).max(axis=-1) > 60).mean() > 0.02


def test_page_is_self_contained_and_escapes_the_file_name(report):
    page = render_page(report)
    assert HOSTILE not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.mp4" in page
    found = tags(page)
    assert not [t for t, _ in found if t in ("script", "link", "iframe", "object", "embed")]
    srcs = [a.get("src") or "" for t, a in found if t == "img"]
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert not [a for _, a in found if any(k.startswith("on") for k in a)]
    assert "http://" not in page and "https://" not in page


def test_page_verdict_names_each_fault_with_its_reps_and_the_findings_words(report):
    page = render_page(report)
    assert "5 reps counted" in page
    for word in ("quadruped", "bent knee", "right", "side"):
        assert word in page
    for r in report.reps:
        for f in r.findings:
            assert f"Rep {r.rep.index}: {f.message}" in page.replace("&#39;", "'")
    assert 'data-rule="lumbar_hyperextension"' in page and "rep 2" in page
    assert 'data-rule="knee_straightened"' in page and "rep 4" in page


def test_a_rejected_clip_says_why_with_the_measured_value():
    rep, _ = analyse("good_morning.mp4", exercise="good_morning", n_reps=3)
    e = rep.exercise
    assert not e.is_kickback and e.decided_by
    page = render_page(rep)
    assert e.reason[1:] in page and "Not a kickback" in page
    key = e.decided_by[0]
    assert key == "other_leg_follow"
    assert f"{e.evidence[key]:.2f}" in page  # the value behind "both legs moved together"
    assert 'id="reps"' not in page


# ----------------------------------------------------------------------------------------------
# The page in headless Chromium

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed (apt-get install -y chromium; .ci/run installs it)",
)


def chromium(*args: str, timeout: float = 90) -> str:
    assert CHROMIUM is not None
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    cmd += ["--no-first-run", "--disable-extensions", "--user-data-dir=" + _profile(), *args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    return out.stdout


_PROFILE: list[str] = []


def _profile() -> str:
    if not _PROFILE:
        import tempfile

        _PROFILE.append(tempfile.mkdtemp(prefix="kickcheck-chromium-"))
    return _PROFILE[0]


@pytest.fixture(scope="module")
def page_file(report, clip, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("page") / "report.html"
    write_page(clip, report, out)
    return out


@pytest.mark.browser
@needs_chromium
def test_chromium_dom_holds_the_verdict_every_rep_and_the_escaped_name(report, page_file):
    dom = chromium("--dump-dom", page_file.as_uri())
    found = tags(dom)
    # The hostile name is text, never an element: every <img> in the live DOM is an inline PNG.
    imgs = [a for t, a in found if t == "img"]
    assert len(imgs) == 3 + report.rep_count  # three charts and one still per rep
    assert all((a.get("src") or "").startswith("data:image/png;base64,") for a in imgs)
    assert "&lt;img src=x onerror=alert(1)&gt;.mp4" in dom
    assert "5 reps counted" in dom
    rows = {a.get("id") for t, a in found if t == "tr" and (a.get("id") or "").startswith("rep-")}
    assert rows == {f"rep-{r.rep.index}" for r in report.reps}
    for r in report.reps:
        # each row shows its own top time and hip extension
        row = dom.split(f'id="rep-{r.rep.index}"', 1)[1].split("</tr>", 1)[0]
        assert f"{r.rep.top_s:.2f}" in row and f"{r.hip_extension_deg:.0f}°" in row
        for f in r.findings:
            assert f"{f.rule_id} ({f.severity})" in row


@pytest.mark.browser
@needs_chromium
def test_chromium_screenshot_is_not_blank(page_file, tmp_path):
    shot = tmp_path / "page.png"
    chromium("--window-size=1200,2400", f"--screenshot={shot}", page_file.as_uri())
    img = np.asarray(Image.open(shot).convert("RGB")).astype(float)
    assert img.shape[:2] == (2400, 1200)
    assert img.std() > 20  # not a flat page
    # the verdict's red fault stripe and the charts' colours are on screen
    red = (img[..., 0] > 170) & (img[..., 1] < 80) & (img[..., 2] < 80)
    assert red.sum() > 500


# ----------------------------------------------------------------------------------------------
# Plots


def _rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[k : k + 2], 16) for k in (1, 3, 5)])


def _render(fig, dpi: int = PRINT_DPI) -> np.ndarray:
    fig.set_dpi(dpi)
    fig.canvas.draw()  # lay out at this dpi, so transData maps to the saved pixels
    png = png_bytes(fig, dpi)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _to_pixel(ax, x: float, y: float, height: int) -> tuple[float, float]:
    px, py = ax.transData.transform((x, y))
    return float(px), float(height - py)


def test_curve_pixels_fall_where_the_data_says(report):
    fig = curves_figure(report)
    img = _render(fig)
    h = img.shape[0]
    ax = fig.axes[0]  # hip extension
    hip = report.track.hip_extension_deg
    t = report.kinematics.t_s
    is_curve = np.abs(img - _rgb(CURVE_COLORS["hip"])).max(axis=-1) <= 30
    # Sample frames away from the rep-top markers: the curve passes within 3 px of each.
    tops = np.array([r.rep.top_s for r in report.reps])
    checked = 0
    for i in range(0, len(t), 7):
        if not math.isfinite(hip[i]) or np.abs(tops - t[i]).min() < 0.25:
            continue
        x, y = _to_pixel(ax, t[i], hip[i], h)
        xi, yi = int(round(x)), int(round(y))
        assert is_curve[yi - 3 : yi + 4, xi - 3 : xi + 4].any(), (i, t[i], hip[i], x, y)
        checked += 1
    assert checked > 20
    # The highest curve pixel in the panel is at the data's peak (rep 2, the arched rep).
    x0, y_top = _to_pixel(ax, t[0], ax.get_ylim()[1], h)
    x1, y_bot = _to_pixel(ax, t[-1], ax.get_ylim()[0], h)
    panel = is_curve[int(y_top) + 2 : int(y_bot) - 2, int(x0) + 2 : int(x1) - 2]
    rows, cols = np.nonzero(panel)
    peak_row = rows.min() + int(y_top) + 2
    k = int(np.nanargmax(hip))
    _, want_row = _to_pixel(ax, t[k], hip[k], h)
    line_half_px = 1.6 / 72 * PRINT_DPI / 2
    assert abs(peak_row - (want_row - line_half_px)) <= 3
    peak_cols = cols[rows == rows.min()] + int(x0) + 2
    x_lo, _ = _to_pixel(ax, report.reps[1].rep.start_s, 0, h)
    x_hi, _ = _to_pixel(ax, report.reps[1].rep.end_s, 0, h)
    assert x_lo <= peak_cols.min() and peak_cols.max() <= x_hi


def test_flagged_reps_are_marked_in_their_colour_and_thresholds_drawn(report):
    fig = curves_figure(report)
    img = _render(fig)
    h = img.shape[0]
    ax_hip, _, ax_arch, _ = fig.axes[:4]
    for r in report.reps:
        x, y = _to_pixel(ax_hip, r.rep.top_s, report.track.hip_extension_deg[r.rep.top_frame], h)
        want = "fault" if r.findings else "ok"
        px = img[int(round(y)), int(round(x))]
        assert np.abs(px - _rgb(SEVERITY_COLORS[want])).max() <= 40, (r.rep.index, px)
    # the fault threshold of the lumbar panel, a dashed red line at its y
    c = report.rules
    x, y = _to_pixel(ax_arch, report.kinematics.t_s[0], c.lumbar_arch_fault_deg, h)
    band = img[int(y) - 2 : int(y) + 3, int(x) + 5 : int(x) + 400]
    red = np.abs(band - _rgb(SEVERITY_COLORS["fault"])).max(axis=-1) <= 40
    assert 0.25 < red.any(axis=0).mean() < 0.9  # dashed


def test_thresholds_come_from_the_config_the_reps_were_judged_with():
    from kickcheck.config import load_config, replace

    cfg = load_config()
    quad = replace(cfg.rules.quadruped, lumbar_arch_warning_deg=7.5, lumbar_arch_fault_deg=13.5)
    cfg = replace(cfg, rules=replace(cfg.rules, quadruped=quad))
    pose, _ = make_pose_sequence(n_reps=3, arch_per_rep=[0, 20, 0])
    info = VideoInfo("c.mp4", 30.0, len(pose), pose.width, pose.height, float(pose.t_s[-1]), 0)
    rep = pipeline.analyze_pose(pose, info, cfg)
    assert rep.rules is quad

    def flat_lines(ax) -> set[float]:
        ys = [np.asarray(ln.get_ydata(), float) for ln in ax.get_lines()]
        return {round(float(y[0]), 2) for y in ys if len(y) == 2 and y[0] == y[1]}

    arch_axes = curves_figure(rep).axes[2]
    assert {7.5, 13.5} <= flat_lines(arch_axes)
    assert not {6.0, 10.0} & flat_lines(arch_axes)  # not the defaults
    assert {7.5, 13.5} <= flat_lines(peaks_figure(rep).axes[2])


def test_peaks_chart_bar_heights_match_the_reps(report):
    fig = peaks_figure(report)
    img = _render(fig, 100)
    h = img.shape[0]
    ax = fig.axes[0]  # hip extension at the top
    is_bar = np.abs(img - _rgb(CURVE_COLORS["hip"])).max(axis=-1) <= 30
    for r in report.reps:
        x, y_top = _to_pixel(ax, r.rep.index, r.hip_extension_deg, h)
        col = is_bar[:, int(round(x))]
        top_row = np.flatnonzero(col).min()
        assert abs(top_row - y_top) <= 2, (r.rep.index, top_row, y_top)


def test_write_plots_writes_print_resolution_pngs(report, tmp_path):
    paths = write_plots(report, tmp_path / "plots")
    assert [p.name for p in paths] == [
        "<img src=x onerror=alert(1)>_curves.png",
        "<img src=x onerror=alert(1)>_peaks.png",
        "<img src=x onerror=alert(1)>_sets.png",
    ]
    for p in paths:
        with Image.open(p) as im:
            im.verify()
        with Image.open(p) as im:
            assert im.format == "PNG" and im.size[0] == 10 * PRINT_DPI
    assert sorted(q.name for q in (tmp_path / "plots").iterdir()) == sorted(p.name for p in paths)


# ----------------------------------------------------------------------------------------------
# Per-frame CSV and .mot


def test_frames_csv_has_landmarks_lumbar_rep_and_phase_agreeing_with_the_report(report):
    rows = list(csv.DictReader(io.StringIO(frames_csv(report))))
    assert len(rows) == len(report.pose)
    cols = rows[0].keys()
    for name in ("rep", "phase", "lumbar_arch_deg", "back_sag_change", "left_hip_x_px"):
        assert name in cols
    for name in ("right_ankle_y_px", "nose_visibility", "left_knee_z_m", "right_foot_index_x_m"):
        assert name in cols
    assert len([c for c in cols if c.endswith(("_px", "_visibility", "_m"))]) == 33 * 7
    rep_of = np.array([int(r["rep"]) for r in rows])
    phase = [r["phase"] for r in rows]
    assert set(phase) <= set(PHASES)
    fps = 30.0
    for r in report.reps:
        s, e = r.rep.start_frame, r.rep.end_frame
        assert np.array_equal(np.flatnonzero(rep_of == r.rep.index), np.arange(s, e + 1))
        seq = phase[s : e + 1]
        # up, then hold, then down, each one contiguous stretch
        runs = [p for k, p in enumerate(seq) if k == 0 or p != seq[k - 1]]
        assert runs == ["up", "hold", "down"], (r.rep.index, runs)
        assert seq.count("up") == round(r.tempo.up_s * fps)
        assert seq.count("hold") == round(r.tempo.hold_s * fps) + 1
        assert seq.count("down") == round(r.tempo.down_s * fps)
        arch = max(float(x["lumbar_arch_deg"]) for x in rows[s : e + 1])
        assert arch == pytest.approx(r.lumbar_arch_deg, abs=0.01)
    assert all(p == "rest" for p, k in zip(phase, rep_of) if k == 0)
    # landmarks as MediaPipe gave them; empty where nobody was found
    i = report.reps[0].rep.top_frame
    assert float(rows[i]["left_hip_x_px"]) == pytest.approx(
        report.pose.xyzv[i, L.LEFT_HIP, 0], abs=0.01
    )
    assert float(rows[i]["right_knee_z_m"]) == pytest.approx(
        report.pose.world[i, L.RIGHT_KNEE, 2], abs=1e-4
    )
    assert rows[DROPOUT]["left_hip_x_px"] == "" and rows[DROPOUT]["nose_y_m"] == ""


def test_mot_header_and_table_are_consistent(report):
    text = mot_text(report)
    head, body = text.split("endheader\n", 1)
    lines = head.splitlines()
    assert lines[:5] == [
        "kickcheck_angles",
        "version=1",
        f"nRows={len(report.kinematics.t_s)}",
        f"nColumns={len(report.kinematics.names) + 1}",
        "inDegrees=yes",
    ]
    table = [ln.split("\t") for ln in body.rstrip("\n").split("\n")]
    assert table[0] == ["time", *report.kinematics.names]
    n_rows = int(lines[2].split("=")[1])
    n_cols = int(lines[3].split("=")[1])
    assert len(table) - 1 == n_rows and all(len(row) == n_cols for row in table)
    data = np.array([[float(x) for x in row] for row in table[1:]])
    np.testing.assert_allclose(data[:, 0], report.kinematics.t_s, atol=1e-5)
    np.testing.assert_allclose(data[:, 1:], report.kinematics.angles_deg, atol=1e-4)


# ----------------------------------------------------------------------------------------------
# The command line


def test_cli_writes_page_plots_and_mot(monkeypatch, clip, tmp_path):
    fake_analysis(monkeypatch, **FIVE_REPS)
    out = tmp_path / "out"
    out.mkdir()
    args = [str(clip), "-q", "--html", str(out / "r.html"), "--plots", str(out / "plots")]
    args += ["--mot", str(out / "a.mot"), "--frames-csv", str(out / "f.csv")]
    r = CliRunner().invoke(main, args, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["a.mot", "f.csv", "plots", "r.html"]
    page = (out / "r.html").read_text()
    assert page.count("data:image/png;base64,") == 3 + 5  # three charts, a still per rep
    assert len(list((out / "plots").glob("*.png"))) == 3
    assert (out / "a.mot").read_text().startswith("kickcheck_angles\nversion=1\n")


def test_cli_page_of_a_rejected_clip_is_written_and_the_exit_is_5(monkeypatch, clip, tmp_path):
    fake_analysis(monkeypatch, exercise="good_morning", n_reps=3)
    page = tmp_path / "r.html"
    r = CliRunner().invoke(main, [str(clip), "-q", "--html", str(page)], catch_exceptions=False)
    assert r.exit_code == 5
    assert "both legs moved together" in page.read_text()


def test_cli_plots_into_a_missing_parent_is_one_line(monkeypatch, clip, tmp_path):
    fake_analysis(monkeypatch, n_reps=2)
    target = tmp_path / "no" / "plots"
    r = CliRunner().invoke(main, [str(clip), "-q", "--plots", str(target)], catch_exceptions=False)
    assert r.exit_code == 8
    err = r.stderr.strip()
    assert err.startswith("kickcheck: ") and "\n" not in err
    assert not (tmp_path / "no").exists()
