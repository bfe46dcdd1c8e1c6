"""Batch scoring: every clip gets a row, a bad clip never stops the others, outputs are atomic.

The two end-to-end runs go through the real MediaPipe model on the bundled sample: once in this
process (``--workers 1``) and once on a real Dask ``LocalCluster`` of 2 worker processes bound to
127.0.0.1.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import kickcheck.pipeline as pipeline
from kickcheck.batch import _report_names, find_videos, main
from kickcheck.errors import InputFileError
from kickcheck.video import VideoSink

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "kickback_sample.mp4"


def write_grey_clip(path: Path) -> Path:
    """A real, decodable H.264 clip with nobody in it."""
    with VideoSink(path, 15.0, (96, 64)) as sink:
        for i in range(12):
            sink.write(np.full((64, 96, 3), 90 + i, np.uint8))
    return path


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def assert_one_line(stderr: str, *words: str) -> None:
    err = stderr.strip()
    assert err.startswith("kickcheck-batch: ") and "\n" not in err and "Traceback" not in err
    for w in words:
        assert w in err


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


# Expected (status, words in the message) per clip; the good clip is checked separately.
BAD = {
    "empty.mp4": "is empty (0 bytes)",
    "notes.mp4": "as a video",
    "nobody.mp4": "no person was found",
}


@pytest.mark.mediapipe
@pytest.mark.parametrize("workers", ["1", "2"], ids=["in_process", "local_cluster_2"])
def test_mixed_folder_end_to_end(mixed_folder: Path, tmp_path: Path, workers: str, monkeypatch):
    clusters: list[dict] = []
    if workers != "1":
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

    r = invoke(str(mixed_folder), "--out", str(out), "--workers", workers, "-q")

    assert r.exit_code == 1, r.output  # some clips errored
    assert r.stderr == ""  # -q: no progress, and no MediaPipe/TFLite log lines leak through
    if workers != "1":
        assert len(clusters) == 1
        c = clusters[0]
        assert c["kwargs"]["host"] == "127.0.0.1" and c["kwargs"]["n_workers"] == 2
        assert c["kwargs"]["processes"] is True and c["kwargs"]["threads_per_worker"] == 1
        assert c["kwargs"]["dashboard_address"] is None
        assert c["address"].startswith("tcp://127.0.0.1:") and c["workers"] == 2

    # summary.csv: one row per clip, in input (sorted) order, whatever order they finished in.
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

    # The good clip's JSON report exists, parses, and agrees with its summary row.
    doc = json.loads((out / "good.json").read_text())
    assert doc["summary"]["rep_count"] == int(good["reps"])
    assert doc["exercise"]["is_kickback"] is True
    assert doc["exercise"]["variant"] == good["variant"]
    for code, n in doc["summary"]["flag_counts"].items():
        assert int(good[f"flags_{code}"]) == n

    # summary.json holds the same rows and the totals.
    summary = json.loads((out / "summary.json").read_text())
    assert [c["file"] for c in summary["clips"]] == [row["file"] for row in rows]
    assert [c["status"] for c in summary["clips"]] == [row["status"] for row in rows]
    t = summary["totals"]
    assert (t["clips"], t["ok"], t["not_kickback"], t["error"]) == (4, 1, 0, 3)
    assert t["reps"] == int(good["reps"])

    # stdout: one line per clip plus the closing line; nothing partial left anywhere.
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 5
    for name in by_file:
        assert sum(name in line for line in lines[:4]) == 1
    assert lines[-1].startswith("4 clips: 1 ok, 0 not kickbacks, 3 errors;")
    assert "real time" in lines[-1]
    assert sorted(p.name for p in out.iterdir()) == ["good.json", "summary.csv", "summary.json"]
    assert sorted(p.name for p in mixed_folder.iterdir()) == before


@pytest.mark.mediapipe
def test_unexpected_exception_is_one_row_and_the_rest_finish(tmp_path: Path, monkeypatch):
    folder = tmp_path / "clips"
    folder.mkdir()
    write_grey_clip(folder / "boom.mp4")
    write_grey_clip(folder / "nobody.mp4")
    (folder / "empty.mp4").write_bytes(b"")
    out = tmp_path / "out"
    out.mkdir()
    (out / "boom.json").write_text("{}")  # a report from an earlier run: must not survive
    real = pipeline.analyze_video

    def flaky(path, *args, **kwargs):
        if Path(path).name == "boom.mp4":
            raise ZeroDivisionError("a bug deep in the pipeline")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "analyze_video", flaky)

    r = invoke(str(folder), "--out", str(out), "--workers", "1")

    assert r.exit_code == 1
    assert "Traceback" not in r.output
    rows = {row["file"]: row for row in read_csv(out / "summary.csv")}
    assert set(rows) == {"boom.mp4", "empty.mp4", "nobody.mp4"}
    assert rows["boom.mp4"]["status"] == "error"
    assert rows["boom.mp4"]["message"] == "ZeroDivisionError: a bug deep in the pipeline"
    assert "no person was found" in rows["nobody.mp4"]["message"]  # processed after the bug
    assert "is empty" in rows["empty.mp4"]["message"]
    assert not (out / "boom.json").exists()
    assert "[3/3]" in r.stderr  # progress goes to stderr without -q
    assert "ZeroDivisionError: a bug deep in the pipeline" in r.stdout


def test_missing_or_empty_folder_exits_2_with_one_line(tmp_path: Path):
    r = invoke(str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert r.exit_code == 2 and r.stdout == ""
    assert_one_line(r.stderr, "no such folder")

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no videos here")
    r = invoke(str(empty), "--out", str(tmp_path / "out"))
    assert r.exit_code == 2
    assert_one_line(r.stderr, "no video files")
    assert not (tmp_path / "out").exists()


def test_help():
    r = invoke("--help")
    assert r.exit_code == 0
    for word in ("--out", "--workers", "--scheduler", "--pattern", "--recursive", "Exit codes"):
        assert word in r.output


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
    names = _report_names(["a.mp4", "A.mov", "x/b.mp4", "y/b.mp4", "c.mp4", "summary.mp4"])
    assert names == [
        "a.mp4.json",
        "A.mov.json",
        "x__b.mp4.json",
        "y__b.mp4.json",
        "c.json",
        "summary.mp4.json",
    ]
    assert len(set(n.lower() for n in names)) == len(names)
