"""``--jobs N``: one clip's pose pass on N processes, each on a time chunk, stitched into one.

The pose model is the only expensive stage and one MediaPipe process uses about one core, so a
clip is cut into N chunks of frames, and each chunk runs in its own process with its own model in
video mode. Chunk k starts WARMUP_S before its first frame: over those frames its tracker and
MediaPipe's landmark smoothing settle, and they overlap the end of chunk k-1. The two landmark
sequences are stitched inside the second half of that overlap, at the frame where they agree best
(``stitch``); the rest of the analysis (filters, gate, reps, rules) then runs once on the whole
clip, exactly as for a single process.

Chunks need frame-exact seeking, so ``chunk_plan`` reads every packet's timestamp first (no
decoding; well under a second for ten minutes of video) and declines - the caller then runs one
process - for a file that is cut short, has frames without times, or is too short to gain from a
second process (less than MIN_CHUNK_S per chunk). After the run the frame times of the stitched
sequence must be the planned ones, or the clip is analysed again in one process.

Workers are forked from a fork server (``_context``: never from a process that has run the
model) and each loads its own model; they ignore Ctrl-C (the parent stops them) and are killed by the kernel if the
parent dies (``PR_SET_PDEATHSIG``); an interrupted parent kills them before it exits. As with any
``multiprocessing`` code, a script that calls ``analyze_video(..., jobs=2)`` needs the
``if __name__ == "__main__":`` guard (the fork server imports the main script); without it the
workers die at once and the clip is analysed in one process.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import queue
import signal
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import av
import numpy as np

from kickcheck.landmarks import Landmark
from kickcheck.shots import person_jumps, shot_ids
from kickcheck.types import PoseSequence

ProgressFn = Callable[[int], None]

#: Each chunk has at least this much video: shorter chunks lose more to starting a process and a
#: model (about a second) than a second core gains.
MIN_CHUNK_S = 8.0
#: Frames a chunk reads before its own first frame, for the tracker and the landmark smoothing to
#: settle. They never settle to the very same numbers (the tracker's crop feeds back into the next
#: frame): after a second two runs still differ by ~1 px, and an ambiguous joint at the top of a
#: kick can land elsewhere, so the seam is placed where the two agree on every joint.
WARMUP_S = 2.0
#: The seam is looked for in the last part of the warm-up: its first frames are never used.
SEAM_FRACTION = 0.5
#: Landmarks compared at the seam: the body's joints (the face's are left out).
_SEAM_LANDMARKS = [
    int(Landmark[f"{side}_{j}"])
    for side in ("LEFT", "RIGHT")
    for j in ("SHOULDER", "ELBOW", "WRIST", "HIP", "KNEE", "ANKLE")
]


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class ChunkPlan:
    times_s: np.ndarray  #: every frame's time in the clip's time (first frame at 0)
    starts: tuple[int, ...]  #: first frame of each chunk (the first is 0)
    warmup: int  #: frames each chunk after the first reads before its start


def chunk_plan(reader: Any, jobs: int, min_chunk_s: float | None = None) -> ChunkPlan | None:
    """How to cut ``reader``'s clip into up to ``jobs`` chunks of at least ``min_chunk_s``
    (default MIN_CHUNK_S), or None to use one process."""
    info = reader.info
    min_chunk_s = MIN_CHUNK_S if min_chunk_s is None else min_chunk_s
    t0 = getattr(reader, "_first_time_s", None)
    if jobs < 2 or t0 is None or info.duration_s < 2 * min_chunk_s:
        return None
    times: list[float] = []
    try:
        from kickcheck.video import _bytes_missing, _video_stream

        with av.open(str(reader.path)) as container:
            stream = _video_stream(container)
            if _bytes_missing(stream, reader.path.stat().st_size):
                return None
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue
                if packet.pts is None or packet.time_base is None:
                    return None
                times.append(float(packet.pts * packet.time_base))
    except (av.FFmpegError, OSError, StopIteration):
        return None
    t = np.sort(np.asarray(times)) - t0
    if len(t) < 2 or abs(t[0]) > 1e-6 or not np.all(np.diff(t) > 0):
        return None
    n_chunks = int(min(jobs, (t[-1] - t[0]) // min_chunk_s))
    if n_chunks < 2:
        return None
    stride = max(1, getattr(reader, "stride", 1))
    warmup = int(round(WARMUP_S * info.fps))
    n = len(t)
    # Equal work per process: every chunk after the first also reads its warm-up, so the first
    # takes that many frames more of its own. (Equal frames per chunk left the first process idle
    # for a warm-up's time at the end: a ninth of an 18-s clip on two.) Where the warm-up is a
    # large part of the clip, the chunks are equal instead.
    own = (n - warmup) / n_chunks
    if own < n / n_chunks / 2:
        own, first = n / n_chunks, n / n_chunks
    else:
        first = own + warmup
    starts = [0] + [
        int(round((first + (k - 1) * own) / stride)) * stride for k in range(1, n_chunks)
    ]
    return ChunkPlan(times_s=t, starts=tuple(starts), warmup=warmup)


# --- the worker side ---

_progress_queue: Any = None


def _init_worker(progress_queue: Any) -> None:
    """In each worker: Ctrl-C is the parent's to handle; die with the parent."""
    global _progress_queue
    _progress_queue = progress_queue
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)
    except OSError:  # pragma: no cover - not Linux
        pass


def _report(n: int) -> None:
    if _progress_queue is not None:
        _progress_queue.put(n)


def _pose_chunk(
    path: str, max_side: int | None, stride: int, start_s: float, end_s: float | None, first: int
) -> dict[str, Any]:
    """One chunk's pose pass (in a worker): the arrays of its PoseSequence and its frame times."""
    from kickcheck.pose import estimate_poses
    from kickcheck.video import FrameReader, prefetch

    reader = FrameReader(
        path, max_side=max_side, stride=stride, start_s=start_s, end_s=end_s, first_index=first
    )
    pending = [0]

    def progress(n: int) -> None:
        pending[0] += n * stride
        if pending[0] >= 10:
            _report(pending[0])
            pending[0] = 0

    pose = estimate_poses(
        prefetch(reader), reader.info.width, reader.info.height, progress=progress
    )
    _report(pending[0])
    st = reader.stats
    return {
        "xyzv": pose.xyzv,
        "world": pose.world,
        "t_s": pose.t_s,
        "back_sag": pose.back_sag,
        "starts": np.diff(pose.shot_id, prepend=pose.shot_id[:1]) > 0,
        "times_s": np.asarray(reader.times_s),
        "errors": st.decode_errors + st.timestamps_repaired + (st.stopped_by_error is not None),
        "wh": (pose.width, pose.height),
    }


# --- the parent side ---


def seam(a: dict[str, Any], b: dict[str, Any], start: int, times: np.ndarray, fps: float) -> int:
    """The frame where chunk ``b`` takes over from ``a``: in the later part of their overlap
    (SEAM_FRACTION of it, up to ``b``'s own first frame ``start``), where the worst of their body
    joints agree best; on a tie the latest such frame (``b``'s tracker has settled longest)."""
    ta, tb = a["t_s"], b["t_s"]
    lo = max(0, start - max(1, int(round(WARMUP_S * fps * SEAM_FRACTION))))
    cand = tb[(tb >= times[lo] - 1e-9) & (tb <= times[start] + 1e-9)]
    best, best_d = times[start], np.inf
    for t in cand:
        ia, ib = np.searchsorted(ta, t), np.searchsorted(tb, t)
        if ia >= len(ta) or abs(ta[ia] - t) > 1e-9:
            continue
        d = np.linalg.norm(
            a["xyzv"][ia, _SEAM_LANDMARKS, :2] - b["xyzv"][ib, _SEAM_LANDMARKS, :2], axis=1
        )
        worst = float(np.max(d)) if np.isfinite(d).all() else np.inf
        if worst <= best_d:
            best, best_d = t, worst
    return int(np.searchsorted(times, best - 1e-9))


def stitch(
    parts: list[dict[str, Any]], plan: ChunkPlan, fps: float
) -> tuple[PoseSequence, np.ndarray]:
    """One PoseSequence (and the time of every decoded frame) from the chunks' results."""
    times = plan.times_s
    cut_frames = [0] + [
        seam(parts[k - 1], parts[k], plan.starts[k], times, fps) for k in range(1, len(parts))
    ]
    pieces: list[dict[str, np.ndarray]] = []
    all_times = []
    for k, part in enumerate(parts):
        lo_t = times[cut_frames[k]] - 1e-9
        hi_t = times[cut_frames[k + 1]] - 1e-9 if k + 1 < len(parts) else np.inf
        keep = (part["t_s"] >= lo_t) & (part["t_s"] < hi_t)
        pieces.append(
            {key: part[key][keep] for key in ("xyzv", "world", "t_s", "back_sag", "starts")}
        )
        tt = part["times_s"]
        all_times.append(tt[(tt >= lo_t) & (tt < hi_t)])
    cat = {key: np.concatenate([p[key] for p in pieces]) for key in pieces[0]}
    w, h = parts[0]["wh"]
    cuts = cat["starts"]
    pose = PoseSequence(
        xyzv=cat["xyzv"],
        world=cat["world"],
        t_s=cat["t_s"],
        width=w,
        height=h,
        back_sag=cat["back_sag"],
        shot_id=shot_ids(cuts, person_jumps(cat["xyzv"], w, h, cuts)),
    )
    return pose, np.concatenate(all_times)


class ChunksDisagree(RuntimeError):
    """The chunks cannot be used (the stitched frame times are not the planned ones, or a worker
    died): the caller analyses the clip in one process."""


def run_chunks(
    path: str,
    plan: ChunkPlan,
    *,
    max_side: int | None,
    stride: int,
    fps: float,
    progress: ProgressFn | None = None,
) -> tuple[PoseSequence, np.ndarray]:
    """Run every chunk on its own process and stitch them (see the module's docstring)."""
    times = plan.times_s
    jobs = []
    for k, start in enumerate(plan.starts):
        first = max(0, start - plan.warmup) if k else 0
        end = plan.starts[k + 1] if k + 1 < len(plan.starts) else None
        jobs.append(
            (
                path,
                max_side,
                stride,
                float(times[first]) if k else 0.0,
                float(times[end]) if end is not None else None,
                first,
            )
        )
    ctx = _context()
    progress_queue = ctx.Queue()
    ex = ProcessPoolExecutor(
        max_workers=len(jobs), mp_context=ctx, initializer=_init_worker, initargs=(progress_queue,)
    )
    ok = False
    try:
        futures = [ex.submit(_pose_chunk, *job) for job in jobs]
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            _drain(progress_queue, progress)
            for f in done:
                f.result()  # a worker's error, raised here
        _drain(progress_queue, progress)
        parts = [f.result() for f in futures]
        ok = True
    except BrokenProcessPool as err:
        # A worker died before its chunk was done (out of memory, killed, or a script without
        # ``if __name__ == "__main__":`` that the fork server re-imports): one process instead.
        raise ChunksDisagree(f"a worker process died ({err})") from None
    finally:
        if not ok:  # interrupted or failed: stop the others now, not after their chunk
            for proc in list((getattr(ex, "_processes", None) or {}).values()):
                proc.kill()
        ex.shutdown(wait=ok, cancel_futures=True)
        progress_queue.close()
    if any(p["errors"] for p in parts):
        raise ChunksDisagree("a chunk met a damaged packet or a repaired timestamp")
    pose, all_times = stitch(parts, plan, fps)
    if len(all_times) != len(times) or not np.allclose(all_times, times, atol=1e-6):
        raise ChunksDisagree("the chunks' frames are not the clip's frames")
    return pose, all_times


def _context() -> Any:
    """``forkserver`` where there is one: a worker forked from a process that has run MediaPipe
    dies at once (its graph's threads do not survive the fork), and the fork server never runs
    it; it imports kickcheck and mediapipe once, so each worker starts in milliseconds."""
    if "forkserver" not in mp.get_all_start_methods():  # pragma: no cover - not POSIX
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["kickcheck.parallel", "kickcheck.pose", "mediapipe"])
    return ctx


def _drain(q: Any, progress: ProgressFn | None) -> None:
    while True:
        try:
            n = q.get_nowait()
        except (queue.Empty, OSError, ValueError):
            return
        if progress is not None and n:
            progress(n)
