"""Score a folder of clips: one failure never stops the rest, and a stopped batch resumes.

``score_folder(folder, out_dir)`` finds the video files in ``folder``, runs the real pipeline
(``pipeline.analyze_video``) on each and writes, into ``out_dir``:

* per clip, named after the clip's stem (``<base>``): ``<base>.json`` (the ``report.to_dict``
  document, also for a clip that is not a kickback: its report says why), ``<base>.csv`` (one
  row per rep) and, when asked, ``<base>.overlay.mp4``, ``<base>.html`` (the report page) and the
  charts in ``plots/``. Two clips with the same stem (``a.mp4`` and ``a.mov``, or ``x/a.mp4``
  and ``y/a.mp4`` with ``recursive``), or a stem that is itself ``summary`` or ``index``, get
  their path relative to ``folder`` instead, ``/`` written as ``__``: ``x__a.mp4.json``. A clip
  that errors gets no outputs, and stale ones from an earlier run are removed, so the folder
  never contradicts the summary.
* ``summary.csv`` and ``summary.json``: one row per clip, in the order of the input (sorted
  relative paths), whatever order they finished in; the kickcheck version, each clip's warnings
  and its status (below). The CSV is safe to open in a spreadsheet: a text cell that starts with
  ``= + - @``, a tab or a carriage return gets a leading apostrophe, so it is never a formula.

Statuses: ``ok`` (a kickback, at least one complete rep, no warning), ``warning`` (the same with a
warning about the analysis itself, e.g. a truncated file: ``message`` holds them), ``not_kickback``
(the gate said no, or no complete rep was found; ``message`` says why), ``cannot_tell`` (the
camera stood too far from the side to judge) and ``error`` (a ``KickcheckError``: its one-line
message; a worker that crashed, was killed or timed out: what happened; a bug: ``"TypeError:
..."``, no traceback).

**Resume.** Each finished clip leaves a record in ``out_dir/.kickcheck-batch/<base>.json``: its
row and its key, made of the clip's content hash (sha256 of its bytes), a hash of the validated
config and the kickcheck version. Running the same batch again reuses every record whose key
matches and whose outputs are all there (and were asked for), and scores the rest; ``force``
redoes everything. Every file is written atomically (temp file + rename, ``atomic``), records
right as each clip finishes, so an interrupt loses nothing that was finished. A clip whose
worker crashed or timed out gets no record: it is tried again on the next run (it may have run
out of memory next to a bigger clip); a clip that is bad input (not a video, nobody in it) keeps
its error row.

**Isolation.** Clips are scored by Dask worker processes (never in the calling process, unless
``in_process``). A clip whose worker runs longer than ``max(timeout_min_s, timeout_factor x its
duration)`` gets its worker killed (through its nanny, which starts a fresh one) and an error
row; a worker that dies (a segmentation fault, ``os._exit``, the out-of-memory killer or Dask's
own memory limit) gives its clip an error row at once. Each clip is placed on a worker thread of
its own (never queued behind another), so either costs that clip alone. The rest go on.

* ``workers=N`` (default: the number of cores Dask sees, at most one per clip) starts a
  ``distributed.LocalCluster`` of N single-threaded worker *processes* on 127.0.0.1, with no
  dashboard. MediaPipe holds one model per process; the pipeline creates its estimator inside
  each call, so every worker has its own.
* ``scheduler="tcp://host:port"`` uses an existing Dask cluster instead (more than one
  machine). Its workers need kickcheck installed, and must see the clips and ``out_dir`` at the
  same paths (a shared file system): paths are sent, not bytes, as absolute paths.
* ``in_process=True`` scores the clips one after the other in this process, without Dask: no
  isolation and no timeout (for a debugger).
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
import hashlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable, Iterator, Sequence  # noqa: E402
from contextlib import ExitStack, contextmanager  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from kickcheck import __version__  # noqa: E402
from kickcheck.config import Config  # noqa: E402
from kickcheck.errors import (  # noqa: E402
    CannotTellError,
    InputFileError,
    KickcheckError,
    OutputError,
)
from kickcheck.quiet import quiet_native_stderr  # noqa: E402
from kickcheck.rules import RULES  # noqa: E402

__all__ = [
    "EXTRAS",
    "STATUSES",
    "VIDEO_EXTENSIONS",
    "ClusterError",
    "clip_key",
    "csv_cell",
    "file_sha256",
    "find_videos",
    "local_client",
    "score_clip",
    "score_folder",
    "summary_csv",
    "timeout_for",
    "totals",
]

#: File name endings taken as videos (compared case-insensitively).
VIDEO_EXTENSIONS = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")

STATUS_OK = "ok"
STATUS_WARNING = "warning"
STATUS_NOT_KICKBACK = "not_kickback"
STATUS_CANNOT_TELL = "cannot_tell"
STATUS_ERROR = "error"
STATUSES = (STATUS_OK, STATUS_WARNING, STATUS_NOT_KICKBACK, STATUS_CANNOT_TELL, STATUS_ERROR)

#: Per-clip outputs written only when asked for (JSON and the reps CSV always are).
EXTRAS = ("overlay", "html", "plots")

#: Column order of ``summary.csv``; ``flags_<rule>`` columns follow ``RULES``.
FLAG_IDS = tuple(r.rule_id for r in RULES)
CSV_FIELDS = (
    "file",
    "status",
    "reps",
    "variant",
    "working_side",
    "sets",
    "score",
    "left_reps",
    "right_reps",
    "left_score",
    "right_score",
    *(f"flags_{rid}" for rid in FLAG_IDS),
    "warnings",
    "message",
    "seconds",
    "duration_s",
    "report",
    "sha256",
    "version",
)

#: Hidden folder of ``out_dir`` holding one resume record per finished clip.
STATE_DIR = ".kickcheck-batch"
#: Names a clip's outputs must not take (the folder's own files).
_RESERVED_STEMS = ("summary", "index", "plots")

_MAX_MESSAGE = 300  #: longest error message kept in a row (a killed worker's can be long)
_CONNECT_TIMEOUT_S = 20
_WAIT_FOR_WORKERS_S = 60
_RESTART_TIMEOUT_S = 60
_POLL_S = 0.2  #: how often the running clips are checked against their timeouts

#: Endings of the temp files ``atomic`` and ``videowriter`` write beside their targets.
_TEMP_SUFFIXES = (".part", ".part.mp4", ".check")

#: Spreadsheet formula triggers (OWASP "CSV injection"): a text cell starting with one of these
#: gets a leading apostrophe.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: ``progress(row, done, total)``: called in the calling process as each clip finishes.
ProgressFn = Callable[[dict[str, Any], int, int], None]


class ClusterError(KickcheckError):
    """The Dask scheduler cannot be reached, has no workers, or Dask is not installed."""

    exit_code = 9
    hint = "check the --scheduler address and that its workers are running, or use --workers 1"


# ----------------------------------------------------------------------------------------------
# Finding the clips, naming their outputs, keying their results
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


def _clips(folder: str | os.PathLike[str], out_dir: str | os.PathLike[str], pattern: str,
           recursive: bool) -> list[Path]:  # fmt: skip
    """``find_videos``, without the batch's own outputs (overlays) when ``out_dir`` lies inside
    ``folder``."""
    out = Path(os.path.realpath(out_dir))
    clips = find_videos(folder, pattern=pattern, recursive=recursive)
    clips = [c for c in clips if out not in Path(os.path.realpath(c)).parents]
    if not clips:
        raise InputFileError(f"no video files in {folder} outside the output folder {out_dir}")
    return clips


def _base_names(rel_paths: list[str]) -> list[str]:
    """The output base name of each clip: its stem, or its flattened path on a clash."""
    stems = [Path(r).stem for r in rel_paths]
    counts: dict[str, int] = {}
    for s in stems:
        counts[s.lower()] = counts.get(s.lower(), 0) + 1  # case-insensitive file systems
    names = []
    for rel, stem in zip(rel_paths, stems, strict=True):
        clash = counts[stem.lower()] > 1 or stem.lower() in _RESERVED_STEMS
        names.append(rel.replace("/", "__") if clash else stem)
    return names


def _report_names(rel_paths: list[str]) -> list[str]:
    """The JSON file name of each clip (``<base>.json``)."""
    return [b + ".json" for b in _base_names(rel_paths)]


def file_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 of the file's bytes, read in chunks (a clip never has to fit in memory)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def config_hash(config: Config) -> str:
    """A hash of the validated config (every value, also the defaults a file left out)."""
    return hashlib.sha256(config.model_dump_json().encode("utf-8")).hexdigest()


def clip_key(sha256: str, config: Config) -> dict[str, str]:
    """What a finished result is keyed by: the clip's bytes, the config and kickcheck's version."""
    return {"sha256": sha256, "config": config_hash(config), "version": __version__}


def timeout_for(duration_s: float | None, minimum_s: float, factor: float) -> float:
    """Seconds a clip may take before its worker is stopped: ``max(minimum_s, factor x
    duration)``; the minimum when the duration is unknown."""
    if duration_s is None or not duration_s > 0:
        return float(minimum_s)
    return float(max(minimum_s, factor * duration_s))


def output_paths(out: Path, base: str, extras: Sequence[str] = ()) -> dict[str, Path]:
    """The files one clip writes into ``out`` (``thumbnail``: a small still for ``index.html``;
    ``curves``, ``peaks`` and ``sets``: its charts)."""
    paths = {
        "json": out / f"{base}.json",
        "csv": out / f"{base}.csv",
        "thumbnail": out / "thumbs" / f"{base}.jpg",
    }
    if "overlay" in extras:
        paths["overlay"] = out / f"{base}.overlay.mp4"
    if "html" in extras:
        paths["html"] = out / f"{base}.html"
    if "plots" in extras:
        paths["curves"] = out / "plots" / f"{base}_curves.png"
        paths["peaks"] = out / "plots" / f"{base}_peaks.png"
        paths["sets"] = out / "plots" / f"{base}_sets.png"
    return paths


# ----------------------------------------------------------------------------------------------
# One clip (runs on a worker)
# ----------------------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _unexpected(err: BaseException) -> str:
    return _one_line(f"{type(err).__name__}: {err}" if str(err) else type(err).__name__)


def _error_row(
    name: str, message: str, seconds: float = 0.0, *, retry: bool = True
) -> dict[str, Any]:
    """An error row; ``retry``: the error may not come again (a crash, a timeout, a bug), so a
    resumed batch scores the clip again instead of keeping this row."""
    return {
        "file": name,
        "status": STATUS_ERROR,
        "reps": 0,
        "variant": None,
        "working_side": None,
        "sets": 0,
        "score": None,
        "legs": {},
        "flags": {},
        "warnings": [],
        "message": _one_line(message),
        "seconds": round(seconds, 2),
        "duration_s": None,
        "report": None,
        "outputs": {},
        "retry": retry,
    }


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:  # missing, or e.g. a read-only folder: the summary still says error
        pass


def _remove_outputs(out: Path, base: str) -> None:
    for path in output_paths(out, base, EXTRAS).values():
        _remove_quietly(path)


def _status(report: Any) -> tuple[str, str]:
    ex = report.exercise
    if getattr(ex, "outcome", None) == STATUS_CANNOT_TELL:
        return STATUS_CANNOT_TELL, ex.reason
    if not ex.is_kickback:
        return STATUS_NOT_KICKBACK, ex.reason
    if report.rep_count == 0:  # same rule as the `kickcheck` command
        return STATUS_NOT_KICKBACK, "no complete kickback reps were found"
    if report.warnings:
        return STATUS_WARNING, "; ".join(report.warnings)
    return STATUS_OK, ""


def _write_outputs(path: str, report: Any, paths: dict[str, Path]) -> None:
    from kickcheck.atomic import atomic_write_text
    from kickcheck.report import reps_csv, to_dict

    atomic_write_text(paths["json"], json.dumps(to_dict(report), indent=2) + "\n")
    atomic_write_text(paths["csv"], reps_csv(report))
    if "thumbnail" in paths:
        from kickcheck.atomic import atomic_write_bytes

        paths["thumbnail"].parent.mkdir(exist_ok=True)
        atomic_write_bytes(paths["thumbnail"], thumbnail(path, report))
    if "overlay" in paths:
        from kickcheck.overlay import write_overlay

        write_overlay(path, report, paths["overlay"])
    if "html" in paths:
        from kickcheck.page import write_page

        write_page(path, report, paths["html"])
    if "curves" in paths:
        from kickcheck.atomic import atomic_write_bytes
        from kickcheck.plots import curves_figure, peaks_figure, png_bytes, sets_figure

        paths["curves"].parent.mkdir(exist_ok=True)
        atomic_write_bytes(paths["curves"], png_bytes(curves_figure(report)))
        atomic_write_bytes(paths["peaks"], png_bytes(peaks_figure(report)))
        atomic_write_bytes(paths["sets"], png_bytes(sets_figure(report)))


#: Long side of the stills in ``index.html``, in pixels.
THUMB_SIDE = 160


def thumbnail(path: str, report: Any, side: int = THUMB_SIDE) -> bytes:
    """A JPEG of the clip at the top of its first rep (the middle frame if it has none)."""
    import cv2

    from kickcheck.video import FrameReader

    want = report.reps[0].rep.top_frame if report.reps else report.video.frame_count // 2
    image = None
    for frame in FrameReader(path, max_side=side):
        image = frame.image_bgr
        if frame.index >= want:
            break
    if image is None:
        raise OutputError(f"cannot read a frame of {path} for its thumbnail")
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        raise OutputError(f"cannot encode the thumbnail of {path}")
    return bytes(buf)


def score_clip(
    path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    base: str,
    config: Config | None = None,
    name: str | None = None,
    extras: Sequence[str] = (),
    estimator: Any = None,
) -> dict[str, Any]:
    """Score one clip, write its outputs into ``out_dir`` as ``<base>.*`` and return its row.

    Never raises for a bad clip (nor for a bug): the row's status is then ``error`` and its
    ``message`` the one-line reason. This is the Dask task; the row is small and picklable.
    ``estimator``: a ``pose.PoseEstimator`` to use instead of MediaPipe (tests).
    """
    from kickcheck.pipeline import analyze_video
    from kickcheck.report import flag_counts

    label = name or os.path.basename(os.fspath(path))
    out = Path(out_dir)
    paths = output_paths(out, base, extras)
    t0 = time.perf_counter()
    try:
        with quiet_native_stderr():
            report = analyze_video(path, config, estimator=estimator)
        _write_outputs(os.fspath(path), report, paths)
    except CannotTellError as err:
        _remove_outputs(out, base)
        row = _error_row(label, err.message, time.perf_counter() - t0, retry=False)
        row["status"] = STATUS_CANNOT_TELL
        return row
    except KickcheckError as err:
        _remove_outputs(out, base)
        return _error_row(label, err.one_line(), time.perf_counter() - t0, retry=False)
    except Exception as err:  # noqa: BLE001 - one bad clip must never stop the batch
        _remove_outputs(out, base)
        return _error_row(label, _unexpected(err), time.perf_counter() - t0)
    ex = report.exercise
    status, message = _status(report)
    return {
        "file": label,
        "status": status,
        "reps": report.rep_count,
        "variant": ex.variant,
        "working_side": ex.working_side,
        "sets": len(report.sets),
        "score": None if report.score is None else round(report.score, 1),
        "legs": clip_legs(report),
        "flags": flag_counts(report),
        "warnings": [_one_line(w) for w in report.warnings],
        "message": _one_line(message),
        "seconds": round(time.perf_counter() - t0, 2),
        "duration_s": round(float(report.video.duration_s), 3),
        "report": paths["json"].name,
        "outputs": {k: p.relative_to(out).as_posix() for k, p in paths.items()},
        "retry": False,
    }


def clip_legs(report: Any) -> dict[str, dict[str, Any]]:
    """Per leg that kicked in the clip, its summary (``report.leg_dict``): what the batch pools
    into left against right over all its clips (``pool_legs``)."""
    from kickcheck.report import leg_dict
    from kickcheck.sets import leg_summary

    out = {}
    for side in ("left", "right"):
        reps = [r for r in report.reps if r.side == side]
        if reps:
            n_sets = sum(st.side == side for st in report.sets)
            out[side] = leg_dict(leg_summary(side, reps, n_sets))
    return out


def pool_legs(rows: list[dict[str, Any]]) -> Any:
    """Left against right over a batch (``sets.LegComparison``), when each leg kicked in at least
    ``sets.MIN_COMPARE_REPS`` reps over all the clips: each measure is the mean of the clips'
    means weighted by their reps (so, the mean over all the reps), the reps flagged are added up.
    None otherwise."""
    import math
    from collections import Counter

    from kickcheck.sets import MIN_COMPARE_REPS, compare
    from kickcheck.types import LegSummary

    per: dict[str, list[dict[str, Any]]] = {"left": [], "right": []}
    for row in rows:
        for side, leg in (row.get("legs") or {}).items():
            per[side].append(leg)
    if any(sum(leg["reps"] for leg in legs) < MIN_COMPARE_REPS for legs in per.values()):
        return None

    def pooled(side: str) -> LegSummary:
        legs = per[side]

        def mean(key: str) -> float:
            pairs = [(leg[key], leg["reps"]) for leg in legs if leg.get(key) is not None]
            weight = sum(w for _, w in pairs)
            return sum(v * w for v, w in pairs) / weight if weight else math.nan

        flags: Counter[str] = Counter()
        for leg in legs:
            flags.update(leg["flags"])
        score = mean("score")
        return LegSummary(
            side=side,
            sets=sum(leg["sets"] for leg in legs),
            reps=sum(leg["reps"] for leg in legs),
            range_of_motion_deg=mean("range_of_motion_deg"),
            top_hip_extension_deg=mean("top_hip_extension_deg"),
            hold_s=mean("hold_s"),
            lumbar_arch_deg=mean("lumbar_arch_deg"),
            flags=tuple(sorted(flags.items())),
            score=None if math.isnan(score) else score,
        )

    return compare(pooled("left"), pooled("right"))


# ----------------------------------------------------------------------------------------------
# Resume records
# ----------------------------------------------------------------------------------------------


def _record_path(out: Path, base: str) -> Path:
    return out / STATE_DIR / f"{base}.json"


def _load_record(out: Path, base: str, key: dict[str, str], extras: Sequence[str]) -> dict | None:
    """The finished row of this clip from an earlier run, if its key matches, it has every output
    asked for and they are all still there; else None."""
    try:
        rec = json.loads(_record_path(out, base).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(rec, dict) or rec.get("key") != key or not isinstance(rec.get("row"), dict):
        return None
    row = rec["row"]
    have = set(rec.get("extras", ()))
    if row.get("status") != STATUS_ERROR and not set(extras) <= have:
        return None
    if any(not (out / p).exists() for p in row.get("outputs", {}).values()):
        return None
    return row


def _save_record(
    out: Path, base: str, key: dict[str, str], extras: Sequence[str], row: dict
) -> None:
    from kickcheck.atomic import atomic_write_text

    (out / STATE_DIR).mkdir(exist_ok=True)
    rec = {"key": key, "extras": sorted(extras), "row": row}
    atomic_write_text(_record_path(out, base), json.dumps(rec, indent=1) + "\n")


# ----------------------------------------------------------------------------------------------
# Running the clips: in this process, or on Dask workers with timeouts
# ----------------------------------------------------------------------------------------------


@dataclass
class _Job:
    index: int
    path: str  #: absolute
    rel: str  #: relative to the folder, as shown
    base: str
    key: dict[str, str] | None = None  #: None when the clip could not be read
    timeout_s: float = 0.0


_DoneFn = Callable[[_Job, dict[str, Any]], None]


def _died_message(err: BaseException) -> str:
    if type(err).__name__ == "KilledWorker" or str(err) == "KilledWorker":
        return (
            "the worker process died while scoring this clip (a crash such as a segmentation "
            "fault, or killed for using too much memory)"
        )
    return f"the worker running this clip failed: {_unexpected(err)}"


@contextmanager
def _quiet_logs(verbose: bool) -> Iterator[None]:
    """Dask's log lines (worker restarts, failed tasks) and warnings (a port in use) only with
    ``verbose``."""
    if verbose:
        yield
        return
    loggers = [logging.getLogger(n) for n in ("distributed", "dask", "tornado", "asyncio")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"(distributed|dask)(\.|$)")
            yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


@contextmanager
def _dask_client(workers: int, scheduler: str | None, verbose: bool) -> Iterator[Any]:
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(
            "Dask is not installed: pip install 'kickcheck[batch]'",
            hint="or score in this process with --in-process",
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
    with local_client(workers, verbose) as client:
        yield client


@contextmanager
def local_client(workers: int, verbose: bool = False) -> Iterator[Any]:
    """A Dask client of a new ``LocalCluster`` of ``workers`` single-threaded processes on
    127.0.0.1, no dashboard, set up for scoring clips: one clip per worker at a time (saturation
    1.0 with one thread), and a task whose worker died fails at once (``allowed-failures`` 0), so
    a crash takes no other clip with it and is not retried elsewhere."""
    import dask
    from distributed import Client, LocalCluster

    settings = {
        "distributed.scheduler.allowed-failures": 0,
        "distributed.scheduler.worker-saturation": 1.0,
    }
    with (
        dask.config.set(settings),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=False if verbose else logging.CRITICAL + 1,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _warm_up_plugin() -> Any:
    """A Dask worker plugin: import the pipeline when a worker starts (also a restarted one), so
    that the import time does not count against the first clip's timeout."""
    from distributed import WorkerPlugin

    class WarmUp(WorkerPlugin):
        name = "kickcheck-warm-up"

        def setup(self, worker: Any) -> None:
            import kickcheck.pipeline  # noqa: F401
            import kickcheck.report  # noqa: F401

    return WarmUp()


def _run_in_process(jobs: list[_Job], args: tuple[Any, ...], done: _DoneFn, estimator: Any) -> None:
    out, config, extras = args
    for job in jobs:
        done(job, score_clip(job.path, out, job.base, config, job.rel, extras, estimator))


def _kill_worker_process(dask_worker: Any) -> None:
    """Runs on a nanny: SIGKILL its worker process (also one stuck in native code holding the
    GIL); the nanny then starts a fresh one."""
    import signal

    pid = dask_worker.pid
    if pid:
        os.kill(pid, signal.SIGKILL)


def _stop_worker(client: Any, addr: str) -> None:
    """Kill the worker at ``addr`` through its nanny. Its clip is still *processing* there when
    it dies, so the scheduler gives no other clip that worker's slot in between (a cancel first
    would: the next clip would die with the worker)."""
    from kickcheck.batch import _kill_worker_process as kill  # importable on the nanny

    try:
        client.run(kill, workers=[addr], nanny=True)
    except Exception:  # noqa: BLE001 - no nanny (a bare `dask worker --no-nanny`): restart it
        try:
            client.restart_workers([addr], timeout=_RESTART_TIMEOUT_S, raise_for_error=False)
        except Exception:  # noqa: BLE001, S110 - the clip's row says what happened either way
            pass
    # Until the scheduler has seen it go, it could still hand the dead worker another clip.
    deadline = time.monotonic() + _RESTART_TIMEOUT_S
    while addr in client.nthreads() and time.monotonic() < deadline:
        time.sleep(_POLL_S)


def _run_dask(
    client: Any, jobs: list[_Job], args: tuple[Any, ...], done: _DoneFn, estimator: Any
) -> None:
    """Submit every job; hand each row to ``done`` as it comes; stop a clip past its timeout by
    restarting its worker (through its nanny, so a hung or GIL-holding process dies too)."""
    from distributed import as_completed

    # By its importable name, also when this file runs as __main__ (`python -m`): cloudpickle
    # would otherwise ship __main__.score_clip by value, with its module's globals.
    from kickcheck.batch import score_clip as task

    out, config, extras = args
    client.register_plugin(_warm_up_plugin())
    run = uuid.uuid4().hex[:8]
    queue = list(jobs)
    pending: dict[str, tuple[_Job, Any]] = {}
    where: dict[str, str] = {}  # key -> the worker it was placed on
    started: dict[str, float] = {}  # key -> when it was first seen running there
    # Results are fetched as soon as each clip finishes (a background gather), so a worker that
    # dies right after finishing a clip does not take that clip's row with it.
    ready = as_completed(loop=client.loop, with_results=True, raise_errors=False)

    def finish(key: str, row: dict[str, Any]) -> None:
        job, fut = pending.pop(key)
        where.pop(key, None)
        started.pop(key, None)
        fut.release()
        done(job, row)

    def submit_more(threads: dict[str, int]) -> None:
        """Each clip is placed on a worker with a free thread, and only there: it starts at once
        (its timeout runs from its start), and a worker that dies takes only its own clip with
        it (left to itself, the scheduler may queue a second clip behind a hung one)."""
        for addr, n in threads.items():
            free = n - sum(w == addr for w in where.values())
            for _ in range(max(0, free)):
                if not queue:
                    return
                job = queue.pop(0)
                key = f"kickcheck-{run}-{job.index}-{uuid.uuid4().hex[:6]}"
                fut = client.submit(
                    task, job.path, out, job.base, config, job.rel, extras, estimator,
                    key=key, workers=[addr], allow_other_workers=False,
                )  # fmt: skip
                pending[key], where[key] = (job, fut), addr
                ready.add(fut)

    while pending or queue:
        while ready.has_ready():
            fut, result = next(ready)
            if fut.key not in pending:  # timed out or lost: its row is written already
                continue
            if fut.status == "error":
                row = _error_row(pending[fut.key][0].rel, _died_message(result[1]))
            elif isinstance(result, dict):
                row = result
            else:  # cancelled by the scheduler, or a lost connection
                row = _error_row(pending[fut.key][0].rel, _died_message(result))
            finish(fut.key, row)
        now = time.monotonic()
        threads = client.nthreads()
        for key, addr in list(where.items()):  # placed on a worker that is gone
            if addr not in threads:
                job, fut = pending[key]
                if key in started:  # it ran there: it died with its worker
                    fut.cancel()
                    finish(key, _error_row(job.rel, _died_message(RuntimeError("KilledWorker"))))
                else:  # never started: place it again
                    pending.pop(key), where.pop(key)
                    fut.cancel()
                    queue.insert(0, job)
        for keys in client.processing().values():
            for key in keys:
                if key in pending:
                    started.setdefault(key, now)
        for key, t0 in list(started.items()):
            job, fut = pending[key]
            if now - t0 > job.timeout_s:
                _stop_worker(client, where[key])
                fut.cancel()
                message = (
                    f"timed out after {job.timeout_s:.0f} s (the decoder or the model hung, "
                    "or the clip is far slower than its length); its worker was restarted"
                )
                finish(key, _error_row(job.rel, message, now - t0))
        submit_more(client.nthreads())
        time.sleep(_POLL_S)


def _sweep_temp_files(out: Path) -> None:
    """Remove the hidden temp files of writes that a killed worker left half-done."""
    for folder in (out, out / "plots", out / "thumbs", out / STATE_DIR):
        try:
            names = list(folder.iterdir())
        except OSError:
            continue
        for p in names:
            if p.name.startswith(".") and p.name.endswith(_TEMP_SUFFIXES) and p.is_file():
                _remove_quietly(p)


def _default_workers(n_clips: int) -> int:
    try:
        from dask.system import CPU_COUNT  # respects cgroup limits and CPU affinity

        cores = int(CPU_COUNT)
    except ImportError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, n_clips))


# ----------------------------------------------------------------------------------------------
# Summaries
# ----------------------------------------------------------------------------------------------


def totals(rows: list[dict[str, Any]], wall_s: float) -> dict[str, Any]:
    """Counts per status, total reps, wall time and speed (video seconds per wall second of the
    clips scored in this run; resumed clips are counted but not timed)."""
    fresh = [r for r in rows if not r.get("resumed")]
    video_s = sum(r["duration_s"] or 0.0 for r in fresh)
    counts = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
    return {
        "clips": len(rows),
        **counts,
        "resumed": len(rows) - len(fresh),
        "reps": sum(r["reps"] for r in rows),
        "sets": sum(r.get("sets", 0) for r in rows),
        "video_s": round(video_s, 3),
        "wall_s": round(wall_s, 3),
        "x_real_time": round(video_s / wall_s, 3) if wall_s > 0 and video_s > 0 else None,
    }


def csv_cell(value: Any) -> Any:
    """A value safe in a spreadsheet: text starting with ``= + - @``, a tab or a carriage return
    gets a leading apostrophe (shown as text, never run as a formula). Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def summary_csv(rows: list[dict[str, Any]]) -> str:
    """``summary.csv``: one row per clip, ``CSV_FIELDS``; warnings joined with `` | ``."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        flat = {k: ("" if r.get(k) is None else r[k]) for k in CSV_FIELDS if k in r}
        flat["warnings"] = " | ".join(r.get("warnings", []))
        flat["version"] = __version__
        for side in ("left", "right"):
            leg = (r.get("legs") or {}).get(side)
            flat[f"{side}_reps"] = leg["reps"] if leg else 0
            flat[f"{side}_score"] = "" if not leg or leg["score"] is None else leg["score"]
        flat.update({f"flags_{rid}": r["flags"].get(rid, 0) for rid in FLAG_IDS})
        w.writerow({k: csv_cell(v) for k, v in flat.items()})
    return buf.getvalue()


def _verdict(row: dict[str, Any]) -> str:
    if row["status"] in (STATUS_OK, STATUS_WARNING):
        flags = ", ".join(f"{k} ×{v}" for k, v in row["flags"].items()) or "no flags"
        legs = row.get("legs") or {}
        if len(legs) > 1:
            side = ", both legs"
        elif row.get("working_side"):
            side = f", {row['working_side']} side"
        else:
            side = ""
        text = f"{row['variant']}{side}: {flags}"
        return f"{text}; {row['message']}" if row["message"] else text
    return row["message"]


def render_index(rows: list[dict[str, Any]], out: Path, folder_name: str) -> str:
    """``index.html`` for a batch: one self-contained page (Jinja2, autoescape on; thumbnails
    inline) with a sortable table of the clips, linking each clip's page, overlay and JSON."""
    import base64
    from urllib.parse import quote

    from kickcheck.page import _environment

    labels = {"html": "page", "overlay": "overlay", "json": "JSON", "csv": "CSV"}
    items = []
    for r in rows:
        outputs = r.get("outputs") or {}
        thumb = None
        if "thumbnail" in outputs:
            try:
                data = (out / outputs["thumbnail"]).read_bytes()
                thumb = "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
            except OSError:
                thumb = None
        items.append(
            {
                "file": r["file"],
                "status": r["status"],
                "status_words": r["status"].replace("_", " "),
                "status_rank": STATUSES.index(r["status"]),
                "scored": r["status"] != STATUS_ERROR,
                "reps": r["reps"],
                "sets": r.get("sets", 0),
                "score": r.get("score"),
                "n_flags": sum(r["flags"].values()),
                "verdict": _verdict(r),
                "thumb": thumb,
                "links": [
                    {"href": quote(outputs[k]), "label": label}
                    for k, label in labels.items()
                    if k in outputs
                ],
            }
        )
    t = totals(rows, 0.0)
    counts = ", ".join(f"{t[s]} {s.replace('_', ' ')}" for s in STATUSES if t[s])
    from kickcheck.page import _legs_rows

    legs = pool_legs(rows)
    return (
        _environment()
        .get_template("batch_index.html.j2")
        .render(
            version=__version__,
            folder_name=folder_name,
            rows=items,
            counts=counts,
            legs=_legs_rows(legs),
        )
    )


# ----------------------------------------------------------------------------------------------
# The folder
# ----------------------------------------------------------------------------------------------


def _prepare(
    clips: list[Path], root: Path, config: Config, timeout_min_s: float, timeout_factor: float
) -> tuple[list[_Job], dict[int, dict[str, Any]]]:
    """A job per clip, keyed and with its timeout; error rows for clips that cannot be read."""
    from kickcheck.video import probe

    rels = [c.relative_to(root).as_posix() for c in clips]
    jobs: list[_Job] = []
    failed: dict[int, dict[str, Any]] = {}
    for i, (clip, rel, base) in enumerate(zip(clips, rels, _base_names(rels), strict=True)):
        job = _Job(i, str(clip), rel, base)
        try:
            job.key = clip_key(file_sha256(clip), config)
        except OSError as err:
            failed[i] = _error_row(rel, f"cannot read {rel}: {err.strerror or err}", retry=False)
        try:
            duration = probe(clip).duration_s
        except Exception:  # noqa: BLE001 - the worker says what is wrong with it
            duration = None
        job.timeout_s = timeout_for(duration, timeout_min_s, timeout_factor)
        jobs.append(job)
    return jobs, failed


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
    force: bool = False,
    extras: Sequence[str] = (),
    timeout_min_s: float = 60.0,
    timeout_factor: float = 10.0,
    in_process: bool = False,
    verbose: bool = False,
    estimator: Any = None,
    on_start: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """Score every video in ``folder``; write the outputs and summaries to ``out_dir``.

    Returns one row per clip in input order: ``file`` (path relative to ``folder``), ``status``
    (``STATUSES``), ``reps``, ``variant``, ``working_side``, ``flags`` (rule id -> count),
    ``warnings``, ``message`` (the warnings, why not a kickback, or the error), ``seconds``
    (processing time), ``duration_s`` (of the clip; None on error), ``report`` (the JSON's file
    name or None), ``outputs`` (kind -> path in ``out_dir``), ``sha256``, ``version`` and
    ``resumed`` (True when taken from an earlier run).

    ``extras``: any of ``EXTRAS``. ``on_start(n)``: called once the clips done earlier have been
    reported, with the number left to score. ``estimator``: a picklable ``PoseEstimator`` used instead of
    MediaPipe (tests). Raises InputFileError (missing or empty folder), OutputError (``out_dir``
    cannot be written) or ClusterError (Dask missing, scheduler unreachable) before any clip is
    scored; a bad clip only gives an error row. An interrupt (``KeyboardInterrupt``) stops the
    batch: every clip finished before it is kept for the next run.
    """
    from kickcheck.atomic import atomic_write_text, check_output_folder
    from kickcheck.config import load_config

    t0 = time.perf_counter()
    unknown = set(extras) - set(EXTRAS)
    if unknown:
        raise ValueError(f"unknown extras {sorted(unknown)}; choose from {EXTRAS}")
    root = Path(folder).resolve()
    clips = _clips(root, out_dir, pattern, recursive)
    out = check_output_folder(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create the output folder {out}: {_unexpected(err)}") from None
    cfg = config or load_config()
    n_workers = workers if workers is not None else _default_workers(len(clips))
    if n_workers < 1:
        raise ValueError(f"workers must be at least 1, got {n_workers}")
    jobs, unreadable = _prepare(clips, root, cfg, timeout_min_s, timeout_factor)
    extras = tuple(e for e in EXTRAS if e in extras)
    rows_by_index: dict[int, dict[str, Any]] = {}

    def done(job: _Job, row: dict[str, Any], resumed: bool = False) -> None:
        row = {**row, "sha256": job.key["sha256"] if job.key else None, "version": __version__}
        row["resumed"] = resumed
        if not resumed and job.key is not None and not row.get("retry"):
            _save_record(out, job.base, job.key, extras, row)
        rows_by_index[job.index] = row
        if progress is not None:
            progress(row, len(rows_by_index), len(jobs))

    todo = []
    for job in jobs:
        old = None if force or job.key is None else _load_record(out, job.base, job.key, extras)
        if job.index in unreadable:
            done(job, unreadable[job.index])
        elif old is not None:
            done(job, old, resumed=True)
        else:
            todo.append(job)
    if on_start is not None:
        on_start(len(todo))
    args = (str(out), cfg, extras)
    try:
        if todo and in_process:
            _run_in_process(todo, args, done, estimator)
        elif todo:
            n = min(n_workers, len(todo))
            with _quiet_logs(verbose), _dask_client(n, scheduler, verbose) as client:
                _run_dask(client, todo, args, done, estimator)
    finally:
        if not scheduler:  # every writer has stopped: none of these temp files is in use
            _sweep_temp_files(out)
    final = [rows_by_index[i] for i in range(len(jobs))]
    for row in final:
        row.pop("retry", None)
    from kickcheck.report import legs_dict

    doc = {
        "version": __version__,
        "folder": str(root),
        "workers": None if scheduler else (0 if in_process else n_workers),
        "scheduler": scheduler,
        "config": config_hash(cfg),
        "totals": totals(final, time.perf_counter() - t0),
        "legs": legs_dict(pool_legs(final)),
        "clips": final,
    }
    atomic_write_text(out / "summary.csv", summary_csv(final))
    atomic_write_text(out / "summary.json", json.dumps(doc, indent=2) + "\n")
    atomic_write_text(out / "index.html", render_index(final, out, root.name))
    return final


# ----------------------------------------------------------------------------------------------
# Command line: `kickcheck batch` (and the deprecated `kickcheck-batch`)
# ----------------------------------------------------------------------------------------------


def _row_line(row: dict[str, Any]) -> str:
    if row["status"] in (STATUS_OK, STATUS_WARNING):
        flags = ", ".join(f"{k}×{v}" for k, v in row["flags"].items()) or "no flags"
        legs = row.get("legs") or {}
        side = "both legs" if len(legs) > 1 else f"{row['working_side']} side"
        detail = f"{row['variant']}, {side}; {flags}"
        if row.get("score") is not None:
            sets = f"{row['sets']} sets, " if row.get("sets", 0) > 1 else ""
            detail += f"; {sets}score {row['score']:.0f}"
        if row["status"] == STATUS_WARNING:
            detail += f"; {row['message']}"
    else:
        detail = row["message"]
    reps = f"{row['reps']:3d}" if row["status"] != STATUS_ERROR else "  -"
    took = "  earlier" if row.get("resumed") else f"{row['seconds']:7.1f}s"
    return f"{row['status']:<12} {reps}  {took}  {row['file']}  {detail}"


def _closing_line(t: dict[str, Any]) -> str:
    speed = f" ({t['x_real_time']:.2f}× real time)" if t["x_real_time"] is not None else ""
    counts = ", ".join(f"{t[s]} {s.replace('_', ' ')}" for s in STATUSES)
    earlier = f" ({t['resumed']} from an earlier run)" if t["resumed"] else ""
    return (
        f"{t['clips']} clips{earlier}: {counts}; {t['reps']} reps;"
        f" {t['wall_s']:.1f} s wall for {t['video_s']:.1f} s of new video{speed}"
    )


def _batch_options(f: Callable[..., Any]) -> Callable[..., Any]:
    import click

    from kickcheck.console import shared_options

    options: list[Callable[[Any], Any]] = [
        click.argument("folder"),
        click.option(
            "--out",
            "out_dir",
            required=True,
            metavar="DIR",
            help="Folder for the outputs, summary.csv and summary.json (created if missing; "
            "checked before any clip is scored).",
        ),
        shared_options,
        click.option("--overlay", is_flag=True, help="Also write <clip>.overlay.mp4 per clip."),
        click.option("--html", is_flag=True, help="Also write the report page <clip>.html."),
        click.option("--plots", is_flag=True, help="Also write the charts into DIR/plots/."),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            metavar="N",
            help="Worker processes of a local Dask cluster (default: the number of cores, at "
            "most one per clip).",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            help="Use the Dask cluster at tcp://host:port instead of starting one. Its workers "
            "need kickcheck and must see FOLDER and --out at the same paths.",
        ),
        click.option(
            "--pattern",
            default="*",
            show_default=True,
            help="Only files whose name matches this glob (case-insensitive), e.g. '*.mp4'.",
        ),
        click.option("--recursive", is_flag=True, help="Look in subfolders too."),
        click.option(
            "--force", is_flag=True, help="Score every clip again, even those done earlier."
        ),
        click.option(
            "--timeout-min",
            type=click.FloatRange(min=0, min_open=True),
            default=60.0,
            show_default=True,
            metavar="SECONDS",
            help="A clip may always take this long before its worker is stopped...",
        ),
        click.option(
            "--timeout-factor",
            type=click.FloatRange(min=0),
            default=10.0,
            show_default=True,
            metavar="K",
            help="...or K times its duration, if longer.",
        ),
        click.option(
            "--in-process",
            is_flag=True,
            help="Score in this process, one clip after the other, without Dask (no isolation, "
            "no timeout; for a debugger).",
        ),
        click.option("--verbose", is_flag=True, help="Show Dask's log lines and warnings."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def run_batch(
    folder: str,
    out_dir: str,
    config_path: str | None,
    variant: str | None,
    side: str | None,
    quiet: bool,
    overlay: bool,
    html: bool,
    plots: bool,
    workers: int | None,
    scheduler: str | None,
    pattern: str,
    recursive: bool,
    force: bool,
    timeout_min: float,
    timeout_factor: float,
    in_process: bool,
    verbose: bool,
    prog: str = "kickcheck batch",
) -> int:
    """Score every kickback video (mp4, mov, m4v, avi, mkv, webm) in FOLDER.

    Writes per clip <clip>.json and <clip>.csv (and, when asked, the overlay, the report page
    and the charts), plus summary.csv and summary.json, into --out. Prints one line per clip as
    it finishes and a closing line. A bad, crashing or hanging clip never stops the others.
    Running the same command again skips the clips already done (same bytes, config and
    version) and scores the rest; --force redoes them. Exit codes: 0 every clip scored or
    judged, 1 some clips errored, 2 FOLDER missing or with no videos, 6 bad config, 8 cannot
    write --out, 9 Dask cluster unusable; interrupted: 128 + the signal (130 Ctrl-C).
    """
    import click

    from kickcheck.atomic import check_output_folder
    from kickcheck.config import load_config
    from kickcheck.console import progress_bar

    cfg = load_config(config_path, variant=variant, side=side)
    n = len(_clips(folder, out_dir, pattern, recursive))
    check_output_folder(out_dir)
    if not quiet:
        if in_process:
            how = "in this process"
        elif scheduler:
            how = f"on the Dask cluster at {scheduler}"
        else:
            w = min(workers or _default_workers(n), n)
            how = f"on a local Dask cluster of {w} worker{'s' if w > 1 else ''}"
        click.echo(f"{prog}: {n} clips, scored {how}", err=True)
    extras = [e for e, on in zip(EXTRAS, (overlay, html, plots)) if on]
    t0 = time.perf_counter()
    with ExitStack() as stack:
        bar: list[Any] = [None]  # the bar's update, once the clips to score are known

        def start(n_todo: int) -> None:  # after the resumed clips: the ETA is over the rest
            bar[0] = stack.enter_context(progress_bar(n_todo, "clips", enabled=not quiet))

        def show(row: dict[str, Any], _done: int, _total: int) -> None:
            update = bar[0]
            if update is not None:  # clear the bar's line; the next update draws it below
                click.echo("\r\033[K", err=True, nl=False)
            click.echo(_row_line(row))
            if update is not None and not row.get("resumed"):
                update(1)

        rows = score_folder(
            folder,
            out_dir,
            cfg,
            workers,
            scheduler,
            show,
            pattern=pattern,
            recursive=recursive,
            force=force,
            extras=extras,
            timeout_min_s=timeout_min,
            timeout_factor=timeout_factor,
            in_process=in_process,
            verbose=verbose,
            on_start=start,
        )
    click.echo(_closing_line(totals(rows, time.perf_counter() - t0)))
    return 1 if any(r["status"] == STATUS_ERROR for r in rows) else 0


def _commands() -> tuple[Any, Any]:
    import click

    from kickcheck.console import OneLineCommand

    settings = {"help_option_names": ["-h", "--help"]}
    batch = click.command("batch", cls=OneLineCommand, context_settings=settings)(
        _batch_options(run_batch)
    )
    batch.prog = "kickcheck batch"

    def deprecated(**kwargs: Any) -> int:
        click.echo(
            "kickcheck-batch: deprecated: use `kickcheck batch` (the same options)", err=True
        )
        return run_batch(**kwargs, prog="kickcheck-batch")

    alias = OneLineCommand(
        "kickcheck-batch",
        params=batch.params,
        callback=deprecated,
        help=(run_batch.__doc__ or "") + "\n\nDeprecated: use `kickcheck batch`.",
        context_settings=settings,
    )
    return batch, alias


#: ``kickcheck batch`` (a subcommand of ``kickcheck.cli.main``) and ``kickcheck-batch``.
batch_command, main = _commands()


if __name__ == "__main__":  # pragma: no cover
    main()
