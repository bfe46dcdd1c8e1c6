"""Batch scoring: every clip gets a row, a bad clip never stops the others, outputs are atomic,
an interrupted batch resumes, a hanging or dying worker costs one row.

The fast tests use real clips (``tests.fixtures.batch_fakes``) with a fake pose estimator that
can hang, crash or raise; the isolation test runs them on a real Dask ``LocalCluster`` of 2
worker processes on 127.0.0.1. The end-to-end runs go through the real MediaPipe model.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from kickcheck import __version__
from kickcheck.batch import (
    STATE_DIR,
    _report_names,
    csv_cell,
    find_videos,
    score_folder,
    summary_csv,
    timeout_for,
)
from kickcheck.batch import main as legacy_main
from kickcheck.cli import main
from kickcheck.config import load_config
from kickcheck.errors import InputFileError, OutputError
from kickcheck.video import VideoSink
from tests.fixtures import fake_analysis, one_line_error
from tests.fixtures.batch_fakes import N_REPS, FakeEstimator, write_clip
from tests.test_pages import needs_chromium

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "kickback_sample.mp4"


def write_grey_clip(path: Path) -> Path:
    """A real, decodable H.264 clip with nobody in it."""
    with VideoSink(path, 15.0, (96, 64)) as sink:
        for i in range(12):
            sink.write(np.full((64, 96, 3), 90 + i, np.uint8))
    return path


def invoke(*args: str, command=main):
    return CliRunner().invoke(command, list(args), catch_exceptions=False)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def hidden_temp_files(folder: Path) -> list[str]:
    return [
        p.relative_to(folder).as_posix()
        for p in folder.rglob(".*")
        if p.is_file() and ".part" in p.name or p.name.endswith(".check")
    ]


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime_ns) of every file: a rewritten file (atomic rename) gets a new inode."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def three_clips(tmp_path: Path) -> Path:
    folder = tmp_path / "clips"
    folder.mkdir()
    for i, name in enumerate(("a.mp4", "b.mp4", "c.mp4")):
        write_clip(folder / name, "ok", seed=i)
    return folder


# ----------------------------------------------------------------------------------------------
# Resume


def test_an_interrupted_batch_resumes_without_rescoring_or_losing_anything(
    three_clips: Path, tmp_path: Path
):
    out = tmp_path / "out"
    seen: list[str] = []

    def stop_after_first(row, n_done, total):
        seen.append(row["file"])
        raise KeyboardInterrupt  # Ctrl-C right after the first clip finished

    with pytest.raises(KeyboardInterrupt):
        score_folder(
            three_clips, out, progress=stop_after_first, in_process=True, estimator=FakeEstimator()
        )
    assert seen == ["a.mp4"]
    assert hidden_temp_files(out) == []
    assert not (out / "summary.csv").exists()  # no summary of a batch that did not finish
    assert (out / "a.json").is_file() and (out / STATE_DIR / "a.json").is_file()
    before = stamps(out)

    fresh: list[str] = []
    rows = score_folder(
        three_clips,
        out,
        in_process=True,
        estimator=FakeEstimator(),
        progress=lambda row, *_: fresh.append(row["file"]) if not row["resumed"] else None,
    )
    assert fresh == ["b.mp4", "c.mp4"]  # only the clips not finished before are scored
    assert [r["resumed"] for r in rows] == [True, False, False]
    assert all(r["status"] == "ok" and r["reps"] == N_REPS for r in rows), rows
    for name, stamp in before.items():  # a's outputs and record untouched: not re-scored
        assert stamps(out)[name] == stamp, name
    assert hidden_temp_files(out) == []
    summary = json.loads((out / "summary.json").read_text())
    assert summary["totals"]["resumed"] == 1 and summary["totals"]["ok"] == 3
    assert [c["file"] for c in summary["clips"]] == ["a.mp4", "b.mp4", "c.mp4"]
    # a's row from the first run is the same row (nothing lost)
    first = json.loads((out / STATE_DIR / "a.json").read_text())["row"]
    assert rows[0]["reps"] == first["reps"] and rows[0]["flags"] == first["flags"]

    # Again: everything is done.
    again = score_folder(three_clips, out, in_process=True, estimator=FakeEstimator())
    assert all(r["resumed"] for r in again)
    # New bytes in one clip: only that clip is scored again.
    write_clip(three_clips / "b.mp4", "ok", seed=7)
    rows = score_folder(three_clips, out, in_process=True, estimator=FakeEstimator())
    assert [r["resumed"] for r in rows] == [True, False, True]
    # Another config: everything again; --force: everything again.
    cfg = load_config(side="right")
    rows = score_folder(three_clips, out, cfg, in_process=True, estimator=FakeEstimator())
    assert not any(r["resumed"] for r in rows)
    rows = score_folder(three_clips, out, cfg, in_process=True, estimator=FakeEstimator())
    assert all(r["resumed"] for r in rows)
    rows = score_folder(
        three_clips, out, cfg, in_process=True, estimator=FakeEstimator(), force=True
    )
    assert not any(r["resumed"] for r in rows)


def test_a_record_is_not_reused_when_its_outputs_are_gone_or_another_output_is_asked_for(
    three_clips: Path, tmp_path: Path
):
    out = tmp_path / "out"
    score_folder(three_clips, out, in_process=True, estimator=FakeEstimator())
    (out / "b.json").unlink()
    rows = score_folder(three_clips, out, in_process=True, estimator=FakeEstimator())
    assert [r["resumed"] for r in rows] == [True, False, True]
    assert (out / "b.json").is_file()
    rows = score_folder(
        three_clips, out, in_process=True, estimator=FakeEstimator(), extras=("plots",)
    )
    assert not any(r["resumed"] for r in rows)
    assert (out / "plots" / "a_curves.png").is_file() and (out / "plots" / "c_peaks.png").is_file()


def test_the_key_is_the_bytes_the_config_and_the_version(tmp_path: Path):
    a = write_clip(tmp_path / "a.mp4", "ok", seed=1)
    b = tmp_path / "renamed.mp4"
    shutil.copy(a, b)
    from kickcheck.batch import clip_key, file_sha256

    assert file_sha256(a) == file_sha256(b)  # the name plays no part
    import hashlib

    assert file_sha256(a) == hashlib.sha256(a.read_bytes()).hexdigest()
    k = clip_key(file_sha256(a), load_config())
    assert k["version"] == __version__
    assert k != clip_key(file_sha256(a), load_config(variant="standing"))


# ----------------------------------------------------------------------------------------------
# Isolation: a hanging and a dying worker on a real LocalCluster


def test_a_hanging_and_a_dying_worker_each_give_one_error_row_and_the_rest_are_scored(
    tmp_path: Path, capfd
):
    pytest.importorskip("distributed")
    folder = tmp_path / "clips"
    folder.mkdir()
    for i, (name, behaviour) in enumerate(
        [("a.mp4", "ok"), ("c.mp4", "die"), ("d.mp4", "boom"), ("e.mp4", "ok")]
    ):
        write_clip(folder / name, behaviour, seed=i)
    write_clip(folder / "b.mp4", "hang", n_frames=15)  # 0.5 s long: its timeout is the minimum
    out = tmp_path / "out"

    # The timeout scales with the duration: 2 s for the 0.5 s clip, 4 x 6.2 s for the others
    # (room for a loaded machine).
    rows = score_folder(
        folder, out, workers=2, estimator=FakeEstimator(), timeout_min_s=2, timeout_factor=4
    )

    by = {r["file"]: r for r in rows}
    assert [r["file"] for r in rows] == ["a.mp4", "b.mp4", "c.mp4", "d.mp4", "e.mp4"]
    assert by["a.mp4"]["status"] == by["e.mp4"]["status"] == "ok"
    assert by["a.mp4"]["reps"] == by["e.mp4"]["reps"] == N_REPS
    assert by["b.mp4"]["status"] == "error" and "timed out after 2 s" in by["b.mp4"]["message"]
    assert by["c.mp4"]["status"] == "error" and "worker process died" in by["c.mp4"]["message"]
    assert by["d.mp4"]["message"] == "ZeroDivisionError: a bug deep in the pipeline"
    assert sorted(p.name for p in out.iterdir()) == [
        STATE_DIR,
        "a.csv",
        "a.json",
        "e.csv",
        "e.json",
        "index.html",
        "summary.csv",
        "summary.json",
        "thumbs",
    ]
    assert sorted(p.name for p in (out / "thumbs").iterdir()) == ["a.jpg", "e.jpg"]
    # Crashes and timeouts are tried again next time (no record); a bug is too.
    assert sorted(p.name for p in (out / STATE_DIR).iterdir()) == ["a.json", "e.json"]
    assert hidden_temp_files(out) == []
    err = capfd.readouterr().err
    assert "distributed" not in err and "Traceback" not in err, err  # no Dask log lines
    assert len(read_csv(out / "summary.csv")) == 5


def test_timeout_scales_with_the_duration():
    assert timeout_for(5.0, 60, 10) == 60
    assert timeout_for(30.0, 60, 10) == 300
    assert timeout_for(None, 60, 10) == 60
    assert timeout_for(float("nan"), 60, 10) == 60


# ----------------------------------------------------------------------------------------------
# Summaries: statuses, warnings, version, safe CSV


def test_statuses_warnings_and_version_in_both_summaries(tmp_path: Path):
    folder = tmp_path / "clips"
    folder.mkdir()
    write_clip(folder / "good.mp4", "ok", seed=1)
    write_clip(folder / "gappy.mp4", "gappy", seed=2)
    write_clip(folder / "bug.mp4", "boom", seed=3)
    (folder / "empty.mp4").write_bytes(b"")
    out = tmp_path / "out"
    score_folder(folder, out, in_process=True, estimator=FakeEstimator())

    rows = {r["file"]: r for r in read_csv(out / "summary.csv")}
    assert rows["good.mp4"]["status"] == "ok" and rows["good.mp4"]["warnings"] == ""
    gappy = rows["gappy.mp4"]
    assert gappy["status"] == "warning"
    assert "no person was found in 20% of the frames" in gappy["warnings"]
    assert gappy["message"] == gappy["warnings"]
    assert rows["bug.mp4"]["status"] == "error"
    assert rows["empty.mp4"]["status"] == "error" and "empty" in rows["empty.mp4"]["message"]
    assert {r["version"] for r in rows.values()} == {__version__}
    doc = json.loads((out / "summary.json").read_text())
    assert doc["version"] == __version__
    t = doc["totals"]
    assert (t["ok"], t["warning"], t["not_kickback"], t["cannot_tell"], t["error"]) == (
        1,
        1,
        0,
        0,
        2,
    )
    clips = {c["file"]: c for c in doc["clips"]}
    assert clips["gappy.mp4"]["warnings"] == ["no person was found in 20% of the frames"]
    assert clips["good.mp4"]["outputs"] == {
        "json": "good.json",
        "csv": "good.csv",
        "thumbnail": "thumbs/good.jpg",
    }
    per_clip = json.loads((out / "gappy.json").read_text())
    assert per_clip["warnings"] == clips["gappy.mp4"]["warnings"]


def test_not_a_kickback_and_cannot_tell_get_their_own_status(tmp_path: Path, monkeypatch):
    import dataclasses

    import kickcheck.batch as batch
    import kickcheck.pipeline as pipeline

    folder = tmp_path / "clips"
    folder.mkdir()
    write_clip(folder / "front.mp4", "ok", seed=1)
    write_clip(folder / "squat.mp4", "ok", seed=2)
    real = pipeline.analyze_video

    def judged(path, *a, **kw):
        report = real(path, *a, **kw)
        outcome = "cannot_tell" if Path(path).name == "front.mp4" else "not_kickback"
        ex = dataclasses.replace(
            report.exercise, is_kickback=False, outcome=outcome, reason=f"{outcome} because"
        )
        return dataclasses.replace(report, exercise=ex, reps=())

    monkeypatch.setattr(pipeline, "analyze_video", judged)
    rows = batch.score_folder(folder, tmp_path / "out", in_process=True, estimator=FakeEstimator())
    by = {r["file"]: r for r in rows}
    assert by["front.mp4"]["status"] == "cannot_tell"
    assert by["front.mp4"]["message"] == "cannot_tell because"
    assert by["squat.mp4"]["status"] == "not_kickback"


@pytest.mark.parametrize(
    "value,safe",
    [
        ("=1+2.mp4", "'=1+2.mp4"),
        ("+cmd.mp4", "'+cmd.mp4"),
        ("-2+3.mp4", "'-2+3.mp4"),
        ("@SUM(A1).mp4", "'@SUM(A1).mp4"),
        ("\tx.mp4", "'\tx.mp4"),
        ("\rx.mp4", "'\rx.mp4"),
        ("plain.mp4", "plain.mp4"),
        (-3, -3),
        (2.5, 2.5),
    ],
)
def test_csv_cell(value, safe):
    assert csv_cell(value) == safe


def test_the_summary_csv_cannot_start_a_formula(tmp_path: Path):
    folder = tmp_path / "clips"
    folder.mkdir()
    hostile = ["=1+2.mp4", "+SUM(1).mp4", "-1.mp4", "@cmd.mp4", "ok.mp4"]
    for i, name in enumerate(hostile):
        write_clip(folder / name, "ok", seed=i)
    out = tmp_path / "out"
    score_folder(folder, out, in_process=True, estimator=FakeEstimator())
    text = (out / "summary.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (cell, row)
    files = [r["file"] for r in read_csv(out / "summary.csv")]
    assert sorted(f.removeprefix("'") for f in files) == sorted(hostile)
    assert "'=1+2.mp4" in files and "ok.mp4" in files
    # the same row through summary_csv: numbers stay numbers
    line = summary_csv([{"file": "=x", "status": "ok", "reps": 2, "flags": {}, "message": "-"}])
    assert "'=x,ok,2," in line and ",'-," in line


# ----------------------------------------------------------------------------------------------
# The command line: `kickcheck batch`, the deprecated `kickcheck-batch`


def test_cli_batch_resumes_and_says_so(three_clips: Path, tmp_path: Path, monkeypatch):
    fake_analysis(monkeypatch, n_reps=2)
    out = tmp_path / "out"
    r = invoke("batch", str(three_clips), "--out", str(out), "--in-process", "-q")
    assert r.exit_code == 0, r.output
    assert r.stderr == ""
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 4 and lines[-1].startswith("3 clips: 3 ok, 0 warning,")
    (out / "c.json").unlink()  # as if c had not finished
    r = invoke("batch", str(three_clips), "--out", str(out), "--in-process")
    assert r.exit_code == 0
    lines = r.stdout.strip().splitlines()
    assert sum("earlier" in line for line in lines[:3]) == 2
    assert lines[-1].startswith("3 clips (2 from an earlier run): 3 ok,")
    assert r.stderr.startswith("kickcheck batch: 3 clips, scored in this process")


def test_cli_batch_checks_out_before_scoring(three_clips: Path, tmp_path: Path, monkeypatch):
    calls: list[str] = []
    import kickcheck.pipeline as pipeline

    monkeypatch.setattr(pipeline, "analyze_video", lambda p, *a, **k: calls.append(p))
    afile = tmp_path / "afile"
    afile.write_text("x")
    r = invoke("batch", str(three_clips), "--out", str(afile), "--in-process")
    one_line_error(r, 8, "not a folder", prog="kickcheck batch")
    r = invoke("batch", str(three_clips), "--out", str(tmp_path / "no" / "out"), "--in-process")
    one_line_error(r, 8, "does not exist", prog="kickcheck batch")
    if os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        r = invoke("batch", str(three_clips), "--out", str(ro), "--in-process")
        one_line_error(r, 8, "cannot write into", prog="kickcheck batch")
    with pytest.raises(OutputError):
        score_folder(three_clips, afile, in_process=True)
    assert calls == []


def test_cli_batch_errors_are_one_line(tmp_path: Path):
    one_line_error(
        invoke("batch", str(tmp_path / "nope"), "--out", str(tmp_path / "o")),
        2,
        "no such folder",
        prog="kickcheck batch",
    )
    one_line_error(invoke("batch", str(tmp_path)), 2, "--out", prog="kickcheck batch")
    one_line_error(
        invoke("batch", str(tmp_path), "--out", "o", "--side", "up"),
        2,
        "--side",
        prog="kickcheck batch",
    )
    assert not (tmp_path / "o").exists()


def test_the_old_command_still_works_and_says_it_is_deprecated(
    three_clips: Path, tmp_path: Path, monkeypatch
):
    fake_analysis(monkeypatch, n_reps=2)
    r = invoke(
        str(three_clips), "--out", str(tmp_path / "o"), "--in-process", "-q", command=legacy_main
    )
    assert r.exit_code == 0
    assert (
        r.stderr.strip() == "kickcheck-batch: deprecated: use `kickcheck batch` (the same options)"
    )
    assert len(read_csv(tmp_path / "o" / "summary.csv")) == 3


def test_help_of_both_commands():
    r = invoke("batch", "--help")
    assert r.exit_code == 0
    for word in (
        "--out",
        "--workers",
        "--scheduler",
        "--force",
        "--timeout-min",
        "--config",
        "--variant",
        "--side",
        "--overlay",
        "--html",
        "--plots",
        "--verbose",
        "Exit codes",
    ):
        assert word in r.output, word
    r = invoke("--help")
    assert r.exit_code == 0 and "kickcheck batch FOLDER" in r.output and "--json" in r.output


# ----------------------------------------------------------------------------------------------
# Finding and naming


def test_missing_or_empty_folder_raise(tmp_path: Path):
    with pytest.raises(InputFileError, match="no such folder"):
        find_videos(tmp_path / "nope")
    (tmp_path / "notes.txt").write_text("no videos here")
    with pytest.raises(InputFileError, match="no video files"):
        find_videos(tmp_path)


def test_find_videos_extensions_pattern_recursion(tmp_path: Path):
    for name in ("a.MP4", "b.mov", "c.webm", "d.txt", ".e.mp4", "sub/f.mkv", ".hidden/g.mp4"):
        p = tmp_path / name
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(b"x")
    assert [p.name for p in find_videos(tmp_path)] == ["a.MP4", "b.mov", "c.webm"]
    assert [p.name for p in find_videos(tmp_path, recursive=True)] == [
        "a.MP4",
        "b.mov",
        "c.webm",
        "f.mkv",
    ]
    assert [p.name for p in find_videos(tmp_path, pattern="*.mp4")] == ["a.MP4"]
    with pytest.raises(InputFileError, match="matching"):
        find_videos(tmp_path, pattern="*.avi")
    with pytest.raises(InputFileError, match="not a folder"):
        find_videos(tmp_path / "a.MP4")


def test_report_names_never_clash():
    names = _report_names(
        ["a.mp4", "A.mov", "x/b.mp4", "y/b.mp4", "c.mp4", "summary.mp4", "index.mp4"]
    )
    assert names == [
        "a.mp4.json",
        "A.mov.json",
        "x__b.mp4.json",
        "y__b.mp4.json",
        "c.json",
        "summary.mp4.json",
        "index.mp4.json",
    ]
    assert len(set(n.lower() for n in names)) == len(names)


# ----------------------------------------------------------------------------------------------
# End to end through the real model


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    if not SAMPLE.is_file():
        pytest.skip("samples/kickback_sample.mp4 is missing")
    folder = tmp_path / "clips"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "good.mp4")
    (folder / "empty.mp4").write_bytes(b"")
    (folder / "notes.mp4").write_text("not a video, just a text file\n")
    write_grey_clip(folder / "nobody.mp4")
    (folder / "readme.txt").write_text("ignored: not a video extension\n")
    return folder


BAD = {
    "empty.mp4": "is empty (0 bytes)",
    "notes.mp4": "as a video",
    "nobody.mp4": "no person was found",
}


@pytest.mark.mediapipe
@pytest.mark.parametrize("workers", ["in-process", "2"], ids=["in_process", "local_cluster_2"])
def test_mixed_folder_end_to_end(mixed_folder: Path, tmp_path: Path, workers: str, monkeypatch):
    clusters: list[dict] = []
    if workers != "in-process":
        distributed = pytest.importorskip("distributed")
        real = distributed.LocalCluster

        def spy(*args, **kwargs):  # a real LocalCluster; only records how it was made
            cluster = real(*args, **kwargs)
            clusters.append(
                {
                    "kwargs": kwargs,
                    "address": cluster.scheduler_address,
                    "workers": len(cluster.workers),
                }
            )
            return cluster

        monkeypatch.setattr(distributed, "LocalCluster", spy)
    out = tmp_path / "out"
    before = sorted(p.name for p in mixed_folder.iterdir())
    how = ["--in-process"] if workers == "in-process" else ["--workers", workers]

    r = invoke("batch", str(mixed_folder), "--out", str(out), *how, "-q")

    assert r.exit_code == 1, r.output  # some clips errored
    assert r.stderr == ""  # -q: no progress, and no MediaPipe/TFLite/Dask log lines leak through
    if workers != "in-process":
        assert len(clusters) == 1
        c = clusters[0]
        assert c["kwargs"]["host"] == "127.0.0.1" and c["kwargs"]["n_workers"] == 2
        assert c["kwargs"]["processes"] is True and c["kwargs"]["threads_per_worker"] == 1
        assert c["kwargs"]["dashboard_address"] is None
        assert c["address"].startswith("tcp://127.0.0.1:") and c["workers"] == 2

    rows = read_csv(out / "summary.csv")
    assert [row["file"] for row in rows] == ["empty.mp4", "good.mp4", "nobody.mp4", "notes.mp4"]
    by_file = {row["file"]: row for row in rows}
    for name, words in BAD.items():
        row = by_file[name]
        assert row["status"] == "error" and words in row["message"], row
        assert "\n" not in row["message"] and "Traceback" not in row["message"]
        assert row["report"] == ""
    good = by_file["good.mp4"]
    assert good["status"] == "ok", good
    assert int(good["reps"]) >= 1 and good["message"] == ""

    doc = json.loads((out / "good.json").read_text())
    assert doc["summary"]["rep_count"] == int(good["reps"])
    assert doc["exercise"]["is_kickback"] is True
    assert doc["exercise"]["variant"] == good["variant"]
    for code, n in doc["summary"]["flag_counts"].items():
        assert int(good[f"flags_{code}"]) == n

    summary = json.loads((out / "summary.json").read_text())
    assert [c["file"] for c in summary["clips"]] == [row["file"] for row in rows]
    t = summary["totals"]
    assert (t["clips"], t["ok"], t["not_kickback"], t["error"]) == (4, 1, 0, 3)
    assert t["reps"] == int(good["reps"])

    lines = r.stdout.strip().splitlines()
    assert len(lines) == 5
    for name in by_file:
        assert sum(name in line for line in lines[:4]) == 1
    assert lines[-1].startswith("4 clips: 1 ok, 0 warning, 0 not kickback, 0 cannot tell, 3 error;")
    assert "real time" in lines[-1]
    assert sorted(p.name for p in out.iterdir()) == [
        STATE_DIR,
        "good.csv",
        "good.json",
        "index.html",
        "summary.csv",
        "summary.json",
        "thumbs",
    ]
    assert sorted(p.name for p in mixed_folder.iterdir()) == before


# ----------------------------------------------------------------------------------------------
# index.html in headless Chromium

HOSTILE = "<img src=x onerror=alert(1)> & \"q\" 'a'.mp4"


@pytest.fixture(scope="module")
def index_out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("clips")
    write_clip(folder / HOSTILE, "ok", seed=1)
    write_clip(folder / "gappy.mp4", "gappy", seed=2)
    write_clip(folder / "bug.mp4", "boom", seed=3)
    out = tmp_path_factory.mktemp("out")
    score_folder(
        folder, out, in_process=True, estimator=FakeEstimator(), extras=("overlay", "html")
    )
    return out


def test_index_links_every_output_and_escapes_names(index_out: Path):
    from tests.test_pages import tags

    page = (index_out / "index.html").read_text(encoding="utf-8")
    found = tags(page)
    assert sum(1 for t, a in found if t == "tr" and a.get("class") == "clip") == 3
    imgs = [a for t, a in found if t == "img"]
    assert len(imgs) == 2  # the two scored clips have a still; the one that errored has none
    assert all((a.get("src") or "").startswith("data:image/jpeg;base64,") for a in imgs)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    hrefs = [a["href"] for t, a in found if t == "a"]
    assert len(hrefs) == 2 * 4  # page, overlay, JSON, CSV of each scored clip
    from urllib.parse import unquote

    for href in hrefs:
        assert (index_out / unquote(href)).is_file(), href
    assert not any(t in ("link", "iframe") or (t == "script" and a.get("src")) for t, a in found)


@pytest.mark.browser
@needs_chromium
def test_chromium_index_holds_a_row_per_clip_sorts_and_escapes(index_out: Path, tmp_path: Path):
    from tests.test_pages import chromium, tags

    dom = chromium("--dump-dom", (index_out / "index.html").as_uri())
    found = tags(dom)
    rows = dom.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split('<tr class="clip">')[1:]
    assert len(rows) == 3
    assert [t for t, _ in found].count("img") == 2  # the hostile name is text, not an element
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; \"q\" 'a'.mp4" in dom
    # Sorting: a click on "reps" twice puts the clip with most reps first.
    html = (index_out / "index.html").read_text(encoding="utf-8")
    click = "<script>var h=document.querySelectorAll('th')[3]; h.click(); h.click();</script>"
    sorted_page = index_out / "index_sorted_test.html"
    sorted_page.write_text(html.replace("</body>", click + "</body>"), encoding="utf-8")
    dom = chromium("--dump-dom", sorted_page.as_uri())
    sorted_page.unlink()
    body = dom.split("<tbody>", 1)[1]
    order = [body.index(name) for name in ("onerror", "gappy.mp4", "bug.mp4")]
    assert order == sorted(order), order  # 2 reps, 1 rep, an error (0)
    assert 'aria-sort="descending"' in dom


# ----------------------------------------------------------------------------------------------
# An existing cluster (--scheduler): workers see the same paths


@pytest.mark.filterwarnings("ignore:Port .* is already in use")
def test_an_existing_cluster_scores_by_path(three_clips: Path, tmp_path: Path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=50,
    ) as cluster:
        out = tmp_path / "out"
        rows = score_folder(
            three_clips, out, scheduler=cluster.scheduler_address, estimator=FakeEstimator()
        )
        assert [r["status"] for r in rows] == ["ok", "ok", "ok"]
        # The worker wrote the per-clip files itself, at the paths it was sent.
        assert all((out / f"{n}.json").is_file() for n in "abc")
        summary = json.loads((out / "summary.json").read_text())
        assert summary["scheduler"] == cluster.scheduler_address and summary["workers"] is None
        rows = score_folder(
            three_clips, out, scheduler=cluster.scheduler_address, estimator=FakeEstimator()
        )
        assert all(r["resumed"] for r in rows)


def test_an_output_folder_inside_the_input_folder_is_not_scored(tmp_path: Path):
    folder = tmp_path / "clips"
    folder.mkdir()
    write_clip(folder / "a.mp4", "ok", seed=1)
    out = folder / "scored"
    kw = dict(recursive=True, in_process=True, estimator=FakeEstimator(), extras=("overlay",))
    score_folder(folder, out, **kw)
    assert (out / "a.overlay.mp4").is_file()
    rows = score_folder(folder, out, **kw)
    assert [r["file"] for r in rows] == ["a.mp4"] and rows[0]["resumed"]
