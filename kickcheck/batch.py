"""Score a folder of clips: one failure never stops the rest.

``score_folder(folder, out_dir)`` finds the video files in ``folder``, runs the real pipeline
(``pipeline.analyze_video``) on each and writes, into ``out_dir``:

* ``<clip stem>.json`` per clip: the ``report.to_dict`` document (also for a clip that is not a
  kickback: its report says why). Two clips with the same stem (``a.mp4`` and ``a.mov``, or
  ``x/a.mp4`` and ``y/a.mp4`` with ``recursive``), or a stem that is itself ``summary``, get
  their path relative to ``folder`` instead, ``/`` written as ``__``: ``x__a.mp4.json``.
  A clip that errors gets no JSON, and a stale one from an earlier run is removed, so the folder
  never contradicts the summary.
* ``summary.csv`` and ``summary.json``: one row per clip, in the order of the input (sorted
  relative paths), whatever order they finished in.

Every file is written atomically (temp file + rename, ``video.atomic_write_text``).

Statuses: ``ok`` (a kickback, at least one complete rep), ``not_kickback`` (the gate said no,
or no complete rep was found; ``message`` says why) and ``error`` (a ``KickcheckError``: its
one-line message; anything unexpected: ``"TypeError: ..."``, no traceback).

Distribution is Dask's, never a home-made pool. Each task takes a path, writes its own JSON and
returns a small plain dict (``score_clip``), never the Report with its arrays.

* ``workers=N`` (default: the number of cores Dask sees, at most one per clip) starts a
  ``distributed.LocalCluster`` of N single-threaded worker *processes* on 127.0.0.1, with no
  dashboard. MediaPipe holds one model per process; the pipeline creates its estimator inside
  each call, so every worker has its own.
* ``scheduler="tcp://host:port"`` uses an existing Dask cluster instead (more than one
  machine). Its workers need kickcheck installed, and must see the clips and ``out_dir`` at the
  same paths (a shared file system): paths are sent as absolute paths.
* ``workers=1`` without a scheduler scores the clips one after the other in this process,
  without Dask (no cluster start-up, plain tracebacks under a debugger).
"""

from __future__ import annotations

import os

# Ask MediaPipe/TFLite's C++ logging to be quiet before mediapipe is imported, in every process
# that runs a task: this runs when this module is imported, which is also what a Dask worker does
# first when it unpickles a task (LocalCluster workers also inherit it from this process).
# mediapipe 0.10.21 ignores both (its absl logging is never initialised and writes to fd 2), so
# ``score_clip`` also points fd 2 at /dev/null while the model runs (``quiet.quiet_native_stderr``).
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import csv  # noqa: E402
import fnmatch  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import click  # noqa: E402

from kickcheck.config import Config  # noqa: E402
from kickcheck.console import OneLineCommand  # noqa: E402
from kickcheck.errors import InputFileError, Interrupted, KickcheckError, OutputError  # noqa: E402
from kickcheck.quiet import quiet_native_stderr  # noqa: E402
from kickcheck.rules import RULES  # noqa: E402

__all__ = [
    "VIDEO_EXTENSIONS",
    "ClusterError",
    "find_videos",
    "main",
    "score_clip",
    "score_folder",
    "totals",
]

#: File name endings taken as videos (compared case-insensitively).
VIDEO_EXTENSIONS = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")

#: Column order of ``summary.csv``; ``flags_<rule>`` columns follow ``RULES``.
FLAG_IDS = tuple(r.rule_id for r in RULES)
CSV_FIELDS = (
    "file",
    "status",
    "reps",
    "variant",
    "working_side",
    *(f"flags_{rid}" for rid in FLAG_IDS),
    "message",
    "seconds",
    "duration_s",
    "report",
)

STATUS_OK = "ok"
STATUS_NOT_KICKBACK = "not_kickback"
STATUS_ERROR = "error"

_MAX_MESSAGE = 300  #: longest error message kept in a row (a killed worker's can be long)
_CONNECT_TIMEOUT_S = 20
_WAIT_FOR_WORKERS_S = 60

#: ``progress(row, done, total)``: called in the calling process as each clip finishes.
ProgressFn = Callable[[dict[str, Any], int, int], None]


class ClusterError(KickcheckError):
    """The Dask scheduler cannot be reached, has no workers, or Dask is not installed."""

    exit_code = 9
    hint = "check the --scheduler address and that its workers are running, or use --workers 1"


# ----------------------------------------------------------------------------------------------
# Finding the clips and naming their reports
# ----------------------------------------------------------------------------------------------


def find_videos(
    folder: str | os.PathLike[str], pattern: str = "*", recursive: bool = False
) -> list[Path]:
    """Video files in ``folder`` (sorted by relative path), whose name matches ``pattern``.

    Both the extension and the pattern are compared case-insensitively. Hidden files and folders
    (name starting with ``.``: macOS ``._clip.mp4`` resource forks, our own temp files) are
    skipped. Raises InputFileError if ``folder`` is missing, not a folder, or has no video.
    """
    root = Path(folder)
    if not root.exists():
        raise InputFileError(f"no such folder: {root}")
    if not root.is_dir():
        raise InputFileError(f"{root} is a file, not a folder (use `kickcheck` for one clip)")
    candidates = root.rglob("*") if recursive else root.iterdir()
    pat = pattern.lower()
    found = []
    for p in candidates:
        rel = p.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        name = p.name.lower()
        if name.endswith(VIDEO_EXTENSIONS) and fnmatch.fnmatchcase(name, pat) and p.is_file():
            found.append(p)
    if not found:
        kinds = ", ".join(e[1:] for e in VIDEO_EXTENSIONS)
        where = f"{root} or its subfolders" if recursive else str(root)
        extra = f" matching {pattern!r}" if pattern != "*" else ""
        raise InputFileError(f"no video files ({kinds}){extra} in {where}")
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _report_names(rel_paths: list[str]) -> list[str]:
    """The JSON file name of each clip: ``<stem>.json``, or its flattened path on a clash."""
    stems = [Path(r).stem for r in rel_paths]
    counts: dict[str, int] = {}
    for s in stems:
        counts[s.lower()] = counts.get(s.lower(), 0) + 1  # case-insensitive file systems
    names = []
    for rel, stem in zip(rel_paths, stems, strict=True):
        clash = counts[stem.lower()] > 1 or stem.lower() == "summary"
        names.append((rel.replace("/", "__") if clash else stem) + ".json")
    return names


# ----------------------------------------------------------------------------------------------
# One clip (runs on a worker)
# ----------------------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _unexpected(err: BaseException) -> str:
    return _one_line(f"{type(err).__name__}: {err}" if str(err) else type(err).__name__)


def _error_row(name: str, message: str, seconds: float = 0.0) -> dict[str, Any]:
    return {
        "file": name,
        "status": STATUS_ERROR,
        "reps": 0,
        "variant": None,
        "working_side": None,
        "flags": {},
        "message": message,
        "seconds": round(seconds, 2),
        "duration_s": None,
        "report": None,
    }


def _remove_stale(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
    except OSError:  # pragma: no cover - e.g. a read-only folder; the summary still says error
        pass


def score_clip(
    path: str | os.PathLike[str],
    json_path: str | os.PathLike[str],
    config: Config | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """Score one clip, write its JSON report to ``json_path`` and return its summary row.

    Never raises for a bad clip (nor for a bug): the row's status is then ``error`` and its
    ``message`` the one-line reason. This is the Dask task; the row is small and picklable.
    """
    from kickcheck.pipeline import analyze_video
    from kickcheck.report import flag_counts, to_dict
    from kickcheck.video import atomic_write_text

    label = name or os.path.basename(os.fspath(path))
    t0 = time.perf_counter()
    try:
        with quiet_native_stderr():
            report = analyze_video(path, config)
        atomic_write_text(json_path, json.dumps(to_dict(report), indent=2) + "\n")
    except KickcheckError as err:
        _remove_stale(os.fspath(json_path))
        return _error_row(label, err.one_line(), time.perf_counter() - t0)
    except Exception as err:  # noqa: BLE001 - one bad clip must never stop the batch
        _remove_stale(os.fspath(json_path))
        return _error_row(label, _unexpected(err), time.perf_counter() - t0)
    ex = report.exercise
    if not ex.is_kickback:
        status, message = STATUS_NOT_KICKBACK, ex.reason
    elif report.rep_count == 0:  # same rule as the `kickcheck` command
        status, message = STATUS_NOT_KICKBACK, "no complete kickback reps were found"
    else:
        status, message = STATUS_OK, ""
    return {
        "file": label,
        "status": status,
        "reps": report.rep_count,
        "variant": ex.variant,
        "working_side": ex.working_side,
        "flags": flag_counts(report),
        "message": _one_line(message),
        "seconds": round(time.perf_counter() - t0, 2),
        "duration_s": round(float(report.video.duration_s), 3),
        "report": os.path.basename(os.fspath(json_path)),
    }


# ----------------------------------------------------------------------------------------------
# The folder
# ----------------------------------------------------------------------------------------------


@contextmanager
def _dask_client(workers: int, scheduler: str | None) -> Iterator[Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError(
            "Dask is not installed: pip install 'kickcheck[batch]'",
            hint="or use --workers 1 to score the clips in this process",
        ) from None
    if scheduler:
        try:
            client = Client(scheduler, timeout=f"{_CONNECT_TIMEOUT_S}s")
        except (OSError, TimeoutError, ValueError) as err:
            raise ClusterError(
                f"cannot reach the Dask scheduler at {scheduler}: {_unexpected(err)}"
            ) from None
        try:
            try:
                client.wait_for_workers(1, timeout=_WAIT_FOR_WORKERS_S)
            except (OSError, TimeoutError) as err:
                raise ClusterError(
                    f"the Dask scheduler at {scheduler} has no workers "
                    f"(waited {_WAIT_FOR_WORKERS_S} s): {_unexpected(err)}"
                ) from None
            yield client
        finally:
            client.close()
        return
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _default_workers(n_clips: int) -> int:
    try:
        from dask.system import CPU_COUNT  # respects cgroup limits and CPU affinity

        cores = int(CPU_COUNT)
    except ImportError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, n_clips))


def totals(rows: list[dict[str, Any]], wall_s: float) -> dict[str, Any]:
    """Counts per status, total reps, wall time and speed (video seconds per wall second)."""
    video_s = sum(r["duration_s"] or 0.0 for r in rows)
    return {
        "clips": len(rows),
        "ok": sum(r["status"] == STATUS_OK for r in rows),
        "not_kickback": sum(r["status"] == STATUS_NOT_KICKBACK for r in rows),
        "error": sum(r["status"] == STATUS_ERROR for r in rows),
        "reps": sum(r["reps"] for r in rows),
        "video_s": round(video_s, 3),
        "wall_s": round(wall_s, 3),
        "x_real_time": round(video_s / wall_s, 3) if wall_s > 0 else None,
    }


def _summary_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        flat = {k: ("" if r.get(k) is None else r[k]) for k in CSV_FIELDS if k in r}
        flat.update({f"flags_{rid}": r["flags"].get(rid, 0) for rid in FLAG_IDS})
        w.writerow(flat)
    return buf.getvalue()


def score_folder(
    folder: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    config: Config | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: ProgressFn | None = None,
    *,
    pattern: str = "*",
    recursive: bool = False,
) -> list[dict[str, Any]]:
    """Score every video in ``folder``; write the reports and summaries to ``out_dir``.

    Returns one row per clip in input order: ``file`` (path relative to ``folder``), ``status``
    (ok / not_kickback / error), ``reps``, ``variant``, ``working_side``, ``flags`` (rule id ->
    count), ``message`` (why not a kickback, or the error), ``seconds`` (processing time),
    ``duration_s`` (of the clip; None on error) and ``report`` (the JSON's file name or None).

    Raises InputFileError (missing or empty folder), OutputError (``out_dir`` cannot be made)
    or ClusterError (Dask missing, scheduler unreachable); a bad clip only gives an error row.
    """
    t0 = time.perf_counter()
    root = Path(folder).resolve()
    clips = find_videos(root, pattern=pattern, recursive=recursive)
    out = Path(out_dir).resolve()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create the output folder {out}: {_unexpected(err)}") from None
    rels = [c.relative_to(root).as_posix() for c in clips]
    names = _report_names(rels)
    jobs = [(str(c), str(out / n), r) for c, n, r in zip(clips, names, rels, strict=True)]
    rows: list[dict[str, Any] | None] = [None] * len(jobs)
    n_workers = workers if workers is not None else _default_workers(len(jobs))
    if n_workers < 1:
        raise ValueError(f"workers must be at least 1, got {n_workers}")

    def done(i: int, row: dict[str, Any]) -> None:
        rows[i] = row
        if progress is not None:
            progress(row, sum(r is not None for r in rows), len(rows))

    if scheduler is None and n_workers == 1:
        for i, (path, json_path, rel) in enumerate(jobs):
            done(i, score_clip(path, json_path, config, rel))
    else:
        from distributed import as_completed

        # By its importable name, also when this file runs as __main__ (`python -m`): cloudpickle
        # would otherwise ship __main__.score_clip by value, with its module's globals.
        from kickcheck.batch import score_clip as task

        with _dask_client(n_workers, scheduler) as client:
            futures = {
                client.submit(task, path, json_path, config, rel, pure=False): i
                for i, (path, json_path, rel) in enumerate(jobs)
            }
            for fut in as_completed(futures):
                i = futures[fut]
                try:
                    row = fut.result()
                except Exception as err:  # noqa: BLE001 - a killed worker, a lost connection
                    row = _error_row(jobs[i][2], _unexpected(err))
                done(i, row)
                fut.release()
    final = [r for r in rows if r is not None]
    assert len(final) == len(jobs)
    from kickcheck.video import atomic_write_text

    doc = {
        "folder": str(root),
        "workers": None if scheduler else n_workers,
        "scheduler": scheduler,
        "totals": totals(final, time.perf_counter() - t0),
        "clips": final,
    }
    atomic_write_text(out / "summary.csv", _summary_csv(final))
    atomic_write_text(out / "summary.json", json.dumps(doc, indent=2) + "\n")
    return final


# ----------------------------------------------------------------------------------------------
# Command line (thin)
# ----------------------------------------------------------------------------------------------


def _row_line(row: dict[str, Any]) -> str:
    if row["status"] == STATUS_ERROR:
        detail = row["message"]
    elif row["status"] == STATUS_NOT_KICKBACK:
        detail = row["message"]
    else:
        flags = ", ".join(f"{k}×{v}" for k, v in row["flags"].items()) or "no flags"
        detail = f"{row['variant']}, {row['working_side']} side; {flags}"
    reps = f"{row['reps']:3d}" if row["status"] != STATUS_ERROR else "  -"
    return f"{row['status']:<12} {reps}  {row['seconds']:6.1f}s  {row['file']}  {detail}"


def _closing_line(t: dict[str, Any]) -> str:
    speed = f"{t['x_real_time']:.2f}× real time" if t["x_real_time"] is not None else "n/a"
    return (
        f"{t['clips']} clips: {t['ok']} ok, {t['not_kickback']} not kickbacks, {t['error']} errors;"
        f" {t['reps']} reps; {t['wall_s']:.1f} s wall for {t['video_s']:.1f} s of video ({speed})"
    )


@click.command(
    "kickcheck-batch",
    cls=OneLineCommand,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.argument("folder")
@click.option(
    "--out",
    "out_dir",
    required=True,
    metavar="DIR",
    help="Folder for <clip>.json, summary.csv and summary.json (created if missing).",
)
@click.option(
    "--config", "config_path", metavar="FILE", help="TOML config overriding the defaults."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes of a local Dask cluster (default: the number of cores, at "
    "most one per clip). 1 scores the clips in this process, without Dask.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Use the Dask cluster at tcp://host:port instead of starting one. Its workers "
    "need kickcheck and must see FOLDER and --out at the same paths.",
)
@click.option(
    "--pattern",
    default="*",
    show_default=True,
    help="Only files whose name matches this glob (case-insensitive), e.g. '*.mp4'.",
)
@click.option("--recursive", is_flag=True, help="Look in subfolders too.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def main(
    folder: str,
    out_dir: str,
    config_path: str | None,
    workers: int | None,
    scheduler: str | None,
    pattern: str,
    recursive: bool,
    quiet: bool,
) -> None:
    """Score every kickback video (mp4, mov, m4v, avi, mkv, webm) in FOLDER.

    Writes one JSON report per clip plus summary.csv and summary.json to --out, prints one line
    per clip as it finishes and a closing line. A bad clip never stops the others. Exit codes:
    0 every clip scored or judged not a kickback, 1 some clips errored, 2 FOLDER missing or
    with no videos, 6 bad config, 8 cannot write --out, 9 Dask cluster unusable.
    """
    from kickcheck.config import load_config

    def show(row: dict[str, Any], n_done: int, total: int) -> None:
        click.echo(_row_line(row))
        if not quiet:
            click.echo(f"kickcheck-batch: [{n_done}/{total}] {row['file']}", err=True)

    try:
        cfg = load_config(config_path) if config_path else None
        n = len(find_videos(folder, pattern=pattern, recursive=recursive))
        if not quiet:
            if scheduler:
                how = f"on the Dask cluster at {scheduler}"
            else:
                w = workers if workers is not None else _default_workers(n)
                how = "in this process" if w == 1 else f"on a local Dask cluster of {w} workers"
            click.echo(f"kickcheck-batch: scoring {n} clips {how}", err=True)
        t0 = time.perf_counter()
        rows = score_folder(
            folder, out_dir, cfg, workers, scheduler, show, pattern=pattern, recursive=recursive
        )
        click.echo(_closing_line(totals(rows, time.perf_counter() - t0)))
    except KickcheckError as err:
        click.echo(f"kickcheck-batch: {err.one_line()}", err=True)
        sys.exit(err.exit_code)
    except KeyboardInterrupt as err:  # Ctrl-C, SIGTERM, SIGHUP (console.interrupts_raise)
        name = f" ({err.name})" if isinstance(err, Interrupted) else ""
        click.echo(f"kickcheck-batch: interrupted{name}", err=True)
        sys.exit(err.exit_code if isinstance(err, Interrupted) else 130)
    except Exception as err:  # noqa: BLE001 - a bug outside any one clip: one line, no traceback
        click.echo(f"kickcheck-batch: unexpected error: {_unexpected(err)}", err=True)
        sys.exit(1)
    sys.exit(1 if any(r["status"] == STATUS_ERROR for r in rows) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
