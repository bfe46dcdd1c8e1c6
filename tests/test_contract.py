"""The contract at the edges (issue 12): each test here failed before its fix.

- an output path that is the input (or its symlink, or a hard link of it) is refused before the
  analysis, and so are unwritable outputs and two outputs on one path;
- SIGTERM and SIGHUP stop a run like SIGINT: one line, 128 + the signal, no temp file left;
- click's own errors are one line;
- a clip too short to analyse says so (exit 10), distinct from "no person" (exit 4);
- the package docstring's and the README's library examples run;
- the progress bar keeps moving while native output is silenced.
"""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import kickcheck
import kickcheck.pipeline as pipeline
from kickcheck.batch import main as batch_main
from kickcheck.cli import main
from kickcheck.config import load_config
from kickcheck.console import progress_bar
from kickcheck.errors import NoPersonDetectedError, TooShortError
from kickcheck.quiet import quiet_native_stderr
from kickcheck.types import VideoInfo
from kickcheck.video import VideoSink
from tests.fixtures import fake_analysis, make_pose_sequence, one_line_error
from tests.fixtures.slow_cli import write_clip

REPO = Path(__file__).resolve().parent.parent


def invoke(*args: str, command=main):
    return CliRunner().invoke(command, list(args), catch_exceptions=False)


@pytest.fixture
def clip(grey_clip: Path) -> Path:
    return grey_clip.rename(grey_clip.with_name("set.mp4"))


@pytest.fixture
def analysis_calls(monkeypatch) -> list[str]:
    """A synthetic analysis (3 reps) that records each call."""
    fake_analysis(monkeypatch, n_reps=3)
    calls: list[str] = []
    fake = pipeline.analyze_video

    def counted(path, *a, **kw):
        calls.append(str(path))
        return fake(path, *a, **kw)

    monkeypatch.setattr(pipeline, "analyze_video", counted)
    return calls


def folder_listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ----------------------------------------------------------------------------------------------
# Outputs are checked at the door


@pytest.mark.parametrize(
    "option", ["--json", "--csv", "--frames-csv", "--overlay", "--html", "--mot"]
)
def test_an_output_equal_to_the_input_is_refused_and_the_input_kept(
    clip: Path, option: str, analysis_calls: list[str]
):
    before = clip.read_bytes()
    r = invoke(str(clip), option, str(clip))
    one_line_error(r, 8, "input video", option)
    assert clip.read_bytes() == before
    assert analysis_calls == [] and r.stdout == ""
    assert folder_listing(clip.parent) == ["set.mp4"]


def test_the_input_reached_through_a_symlink_a_hard_link_or_dots_is_refused(
    clip: Path, analysis_calls: list[str]
):
    link = clip.parent / "link.mp4"
    link.symlink_to(clip.name)
    hard = clip.parent / "hard.mp4"
    os.link(clip, hard)
    before = clip.read_bytes()
    one_line_error(invoke(str(link), "--json", str(clip)), 8, "input video")
    one_line_error(invoke(str(clip), "--json", str(link)), 8, "input video")
    one_line_error(invoke(str(clip), "--csv", str(hard)), 8, "input video")
    dotted = clip.parent / "sub" / ".." / "set.mp4"
    (clip.parent / "sub").mkdir()
    one_line_error(invoke(str(clip), "--overlay", str(dotted)), 8, "input video")
    assert clip.read_bytes() == before and analysis_calls == []


def test_the_config_file_is_an_input_too(clip: Path, tmp_path: Path, analysis_calls):
    cfg = tmp_path / "my.toml"
    cfg.write_text("[filter]\nmax_gap_s = 0.25\n")
    one_line_error(invoke(str(clip), "--config", str(cfg), "--json", str(cfg)), 8, "config file")
    assert cfg.read_text() == "[filter]\nmax_gap_s = 0.25\n" and analysis_calls == []


def test_two_outputs_on_one_path_are_refused(clip: Path, tmp_path: Path, analysis_calls):
    out = tmp_path / "out.txt"
    one_line_error(invoke(str(clip), "--json", str(out), "--csv", str(out)), 8, "both write")
    assert not out.exists() and analysis_calls == []


def test_a_folder_as_output_and_stdout_for_a_file_output(
    clip: Path, tmp_path: Path, analysis_calls
):
    one_line_error(invoke(str(clip), "--overlay", str(tmp_path)), 8, "is a folder")
    one_line_error(invoke(str(clip), "--csv", "-"), 8, "stdout")
    assert analysis_calls == []


def test_the_plots_folder_is_checked_up_front(clip: Path, tmp_path: Path, analysis_calls):
    one_line_error(invoke(str(clip), "--plots", str(clip)), 8, "not a folder")
    one_line_error(invoke(str(clip), "--plots", str(tmp_path / "a" / "b")), 8, "does not exist")
    assert analysis_calls == []


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder no file can be created in, also for root (a read-only file system)."""
    if os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    if Path("/sys").is_dir() and _ro("/sys"):
        return Path("/sys")
    pytest.skip("running as root with no read-only folder to write into")


def _ro(folder: str) -> bool:
    import tempfile

    try:
        fd, p = tempfile.mkstemp(dir=folder)
    except OSError:
        return True
    os.close(fd)
    os.unlink(p)
    return False


def test_an_unwritable_output_is_found_before_the_analysis(clip: Path, tmp_path, analysis_calls):
    folder = _unwritable_folder(tmp_path)
    good = tmp_path / "r.json"
    r = invoke(str(clip), "--json", str(good), "--csv", str(folder / "reps.csv"))
    one_line_error(r, 8, "cannot write", "reps.csv")
    assert analysis_calls == [] and r.stdout == "" and not good.exists()


def test_good_outputs_are_all_written(clip: Path, tmp_path: Path, analysis_calls):
    j, c = tmp_path / "r.json", tmp_path / "reps.csv"
    r = invoke(str(clip), "--json", str(j), "--csv", str(c), "-q")
    assert r.exit_code == 0, r.output
    assert analysis_calls == [str(clip)]
    assert folder_listing(tmp_path) == ["r.json", "reps.csv", "set.mp4"]


# ----------------------------------------------------------------------------------------------
# Signals: a real process, a real signal


def _run_until_started(tmp_path: Path, phase: str, *args: str) -> subprocess.Popen:
    marker = tmp_path.parent / f"{tmp_path.name}.started"
    env = {**os.environ, "SLOW_PHASE": phase, "SLOW_MARKER": str(marker)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fixtures.slow_cli", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"the slow run never started: {proc.returncode} {out} {err}")
        time.sleep(0.05)
    marker.unlink()
    return proc


@pytest.mark.parametrize(
    "phase,sig",
    [
        ("overlay", signal.SIGTERM),
        ("overlay", signal.SIGHUP),
        ("overlay", signal.SIGINT),
        ("analysis", signal.SIGTERM),
        ("analysis", signal.SIGHUP),
    ],
)
def test_a_stop_signal_gives_one_line_its_exit_code_and_leaves_no_temp_file(
    tmp_path: Path, phase: str, sig: signal.Signals
):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    video = tmp_path / "clip.mp4"
    write_clip(video)
    overlay = out_dir / "ov.mp4"
    args = [str(video), "--overlay", str(overlay), "--csv", str(out_dir / "reps.csv"), "-q"]
    proc = _run_until_started(tmp_path, phase, *args)
    if phase == "overlay":
        assert any(p.name.endswith(".part.mp4") for p in out_dir.iterdir())  # mid-write
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, (proc.returncode, err)
    assert err.strip() == f"kickcheck: interrupted ({sig.name})", err
    left = folder_listing(out_dir)
    # the CSV is written before the overlay starts; no hidden temp file either way
    assert left == (["reps.csv"] if phase == "overlay" else []), left
    assert folder_listing(tmp_path) == ["clip.mp4", "out"]


# ----------------------------------------------------------------------------------------------
# click's own errors are one line too


@pytest.mark.parametrize(
    "args,words",
    [
        (["{clip}", "--variant", "bad"], ["--variant", "'bad'", "quadruped"]),
        (["{clip}", "--side", "up"], ["--side", "'up'", "left"]),
        (["{clip}", "--jsn", "r.json"], ["--jsn"]),
        ([], ["missing argument", "VIDEO"]),
        (["{clip}", "--json"], ["--json", "requires an argument"]),
        (["{clip}", "{clip}"], ["unexpected extra argument"]),
    ],
)
def test_click_errors_are_one_line(clip: Path, args: list[str], words: list[str]):
    r = invoke(*[a.format(clip=clip) for a in args])
    err = one_line_error(r, 2, *words, "kickcheck --help")
    assert r.stdout == ""
    assert err[len("kickcheck: ")].islower()


def test_an_unreadable_input_gets_kickcheck_s_own_line(clip: Path, monkeypatch):
    real_access = os.access

    def no_read(path, mode, *a, **kw):
        if os.fspath(path) == str(clip) and mode & os.R_OK:
            return False
        return real_access(path, mode, *a, **kw)

    monkeypatch.setattr(os, "access", no_read)
    one_line_error(invoke(str(clip)), 2, "cannot be read", "permission denied")


def test_help_still_works():
    r = invoke("--help")
    assert r.exit_code == 0 and "Usage:" in r.stdout and "--variant" in r.stdout
    r = invoke("-h")
    assert r.exit_code == 0 and "Usage:" in r.stdout


def test_batch_click_errors_are_one_line(tmp_path: Path):
    r = invoke(str(tmp_path), "--out", str(tmp_path / "o"), "--workers", "0", command=batch_main)
    one_line_error(r, 2, "--workers", prog="kickcheck-batch")
    r = invoke(str(tmp_path), command=batch_main)
    one_line_error(r, 2, "--out", prog="kickcheck-batch")


def test_an_unexpected_bug_is_one_line_and_debug_shows_it(clip: Path, monkeypatch):
    def boom(*a, **kw):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(pipeline, "analyze_video", boom)
    one_line_error(invoke(str(clip), "-q"), 1, "unexpected error", "ZeroDivisionError: a bug")
    monkeypatch.setenv("KICKCHECK_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        invoke(str(clip), "-q")


# ----------------------------------------------------------------------------------------------
# Too short to analyse vs no person


def _first_frames(n: int, detected: bool = True):
    pose, _ = make_pose_sequence(n_reps=1)
    xyzv = pose.xyzv[:n].copy()
    if not detected:
        xyzv[:] = np.nan
    short = type(pose)(
        xyzv, pose.world[:n], pose.t_s[:n], pose.width, pose.height,
        pose.back_sag[:n], pose.shot_id[:n],
    )  # fmt: skip
    info = VideoInfo("short.mp4", 30.0, n, pose.width, pose.height, n / 30.0, 0)
    return short, info


@pytest.mark.parametrize("n", [1, 2, 3, 10, 20])
def test_a_short_clip_with_a_person_is_too_short_not_no_person(n: int):
    pose, info = _first_frames(n)
    assert pose.detected.all()
    with pytest.raises(TooShortError, match="too short to analyse"):
        pipeline.analyze_pose(pose, info)


def test_a_short_clip_without_a_person_is_no_person():
    pose, info = _first_frames(1, detected=False)
    with pytest.raises(NoPersonDetectedError):
        pipeline.analyze_pose(pose, info)


def test_one_rep_long_is_long_enough():
    min_period = load_config().reps.min_period_s
    n = int(np.ceil(min_period * 30.0)) + 1
    pose, info = _first_frames(n)
    report = pipeline.analyze_pose(pose, info)  # judged (no kickback yet), not refused
    assert report.rep_count == 0


def test_cli_too_short_exits_10(clip: Path, monkeypatch):
    pose, _ = _first_frames(1)

    def fake(path, cfg=None, estimator=None, progress=None, **_speed):
        info = VideoInfo(str(path), 30.0, 1, pose.width, pose.height, 1 / 30.0, 0)
        return pipeline.analyze_pose(pose, info, cfg)

    monkeypatch.setattr(pipeline, "analyze_video", fake)
    one_line_error(invoke(str(clip), "-q"), 10, "too short to analyse", "1 frame")


def _one_frame_of_the_sample(path: Path) -> None:
    from kickcheck.video import FrameReader

    for frame in FrameReader(REPO / "samples" / "kickback_sample.mp4"):
        if frame.index == 20:  # on all fours, whole body in view
            with VideoSink(path, 30.0, frame.image_bgr.shape[1::-1]) as sink:
                sink.write(frame.image_bgr)
            return


@pytest.mark.mediapipe
def test_library_use_on_a_one_frame_clip_is_too_short_and_prints_nothing(tmp_path: Path):
    one = tmp_path / "one.mp4"
    _one_frame_of_the_sample(one)
    code = textwrap.dedent(
        f"""
        from kickcheck import analyze_video
        from kickcheck.errors import TooShortError
        try:
            analyze_video({str(one)!r})
        except TooShortError as err:
            print("TooShortError:", err)
        """
    )
    r = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("TooShortError: one.mp4 is too short to analyse: 1 frame"), r.stdout
    # MediaPipe's INFO / W0000 lines are silenced for library users, not only in the CLI
    assert r.stderr == "", r.stderr


# ----------------------------------------------------------------------------------------------
# The library examples run as written


def _docstring_example() -> str:
    doc = kickcheck.__doc__ or ""
    block = doc.split("::", 1)[1]
    lines = []
    for line in block.splitlines()[1:]:
        if line and not line.startswith("    "):
            break
        lines.append(line)
    return textwrap.dedent("\n".join(lines))


def _readme_example() -> str:
    text = (REPO / "README.md").read_text()
    after = text.split("As a library:", 1)[1]
    return re.search(r"```python\n(.*?)```", after, re.S).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize("source", [_docstring_example, _readme_example], ids=["doc", "readme"])
def test_library_example_runs_on_a_report(source, monkeypatch, capsys):
    fake_analysis(monkeypatch, n_reps=3, arch_per_rep=[0, 20, 0], peak_hip_ext_deg=12)
    code = source()
    assert "analyze_video(" in code
    namespace: dict = {}
    exec(compile(code, "<example>", "exec"), namespace)
    out = capsys.readouterr().out
    assert "True" in out and "3" in out.splitlines()[0]
    assert namespace["doc"]["summary"]["rep_count"] == 3


# ----------------------------------------------------------------------------------------------
# The progress bar moves while native output is silenced


def _read_all(fd: int) -> bytes:
    chunks = []
    while select.select([fd], [], [], 0.2)[0]:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def test_progress_reaches_the_bar_while_native_output_is_silenced():
    master, slave = pty.openpty()
    saved = os.dup(2)
    os.dup2(slave, 2)  # fd 2 is a terminal, as for a user
    try:
        with progress_bar(30, "analysing") as update:
            assert update is not None
            with quiet_native_stderr():
                os.write(2, b"W0000 a native log line\n")  # what MediaPipe's C++ code does
                for _ in range(30):
                    update(1)
                    time.sleep(0.05)  # click updates its ETA once a second
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(slave)
    text = _read_all(master).decode("utf-8", "replace")
    os.close(master)
    assert "W0000" not in text
    percents = [int(p) for p in re.findall(r"(\d+)%", text)]
    assert percents and percents[-1] == 100 and len(set(percents)) > 5, text
    assert re.search(r"\d\d:\d\d:\d\d", text), text  # an ETA was shown


def test_no_bar_when_quiet_or_not_a_terminal():
    with progress_bar(10, "x", enabled=False) as update:
        assert update is None
    if not os.isatty(2):
        with progress_bar(10, "x") as update:
            assert update is None
