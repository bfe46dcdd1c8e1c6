"""Speed and memory of kickcheck against the bare pose model, on the same rendered frames.

    python benchmarks/speed.py                       # ~10 min on two cores: 720p and 1080p, 18 s clips
    python benchmarks/speed.py --minutes 10          # plus the memory run on a 10-minute 1080p clip

Renders one kickback set with ``kickrender`` at 640x360 (5 reps, an arched and a straightening
rep), upscales its frames to 1280x720 and 1920x1080 and encodes them as H.264 at 30 fps (rendering
at 1080p directly runs at 2 frames/s). On each clip, in this order:

1. ``bare``: MediaPipe Pose full in video mode alone, on frames decoded beforehand at the analysis
   size (``video.max_side_px``) and already RGB, without the segmentation mask (the floor) and
   with it (``bare+mask``);
2. ``one process``: ``analyze_video(jobs=1)``, decoding included, no overlay;
3. ``both cores``: ``analyze_video(jobs=N)`` (``--jobs``, default: the cores);
4. ``+ overlay``: (3) and then ``write_overlay``;
5. ``fast``: ``analyze_video(fast=True, jobs=N)``, what ``kickcheck --fast`` runs.

With ``--rounds R`` the modes are run R times, interleaved, and each keeps its best round. Each
prints frames/s and the real-time factor for 30 fps input; the breakdown per stage gives
decoding alone (kickcheck's reader, frames at the analysis size), the model, the mask's extra
cost, the analysis after the pose pass (``analyze_pose``) and the overlay. Peak memory is the
largest sum of the resident set sizes of a run's process and its children (psutil, sampled every
50 ms); the memory run analyses a ``--minutes`` long 1080p clip (the rendered set looped) in a
fresh process, once with one process and once on N.

The machine is shared: compare the ratios printed in one run, not absolute figures across runs.
The closing lines have a fixed form, to be compared across runs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import psutil  # noqa: E402

FPS = 30.0
SIZES = {"720p": (1280, 720), "1080p": (1920, 1080)}


# --- clips ---


def render_base(out_dir: str) -> str:
    from kickrender import ClipSpec, render_clip

    path = os.path.join(out_dir, "base_360p.mp4")
    spec = ClipSpec(reps=5, arch_reps=(2,), straight_knee_reps=(4,), seed=7, crf=12)
    render_clip(spec, path)
    return path


def upscale(base: str, out: str, size: tuple[int, int], seconds: float, fast_encode: bool) -> int:
    """Write ``base``'s frames at ``size``, looped to ``seconds``; returns the frame count."""
    from kickcheck.video import FrameReader, VideoSink

    frames = [f.image_bgr for f in FrameReader(base)]
    n = int(round(seconds * FPS))
    rng = np.random.default_rng(0)
    preset = "ultrafast" if fast_encode else "veryfast"
    with VideoSink(out, FPS, size, preset=preset) as sink:
        for i in range(n):
            img = cv2.resize(frames[i % len(frames)], size, interpolation=cv2.INTER_CUBIC)
            if not fast_encode:  # sensor noise at the target size, as a phone's
                noise = rng.integers(-3, 4, size=(8, *img.shape), dtype=np.int16)[i % 8]
                img = np.clip(img.astype(np.int16) + noise, 0, 255).astype(np.uint8)
            sink.write(img, t_s=i / FPS)
    return n


# --- measuring ---


class PeakRSS:
    """Largest summed RSS of this process and its descendants while the block runs (MB)."""

    def __init__(self, pid: int | None = None) -> None:
        self.proc = psutil.Process(pid or os.getpid())
        self.peak = 0.0
        self._stop = threading.Event()

    def _sample(self) -> float:
        total = 0
        try:
            procs = [self.proc, *self.proc.children(recursive=True)]
        except psutil.Error:  # the process has ended
            return 0.0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total / 2**20

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(0.05)

    def __enter__(self) -> PeakRSS:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def timed(fn: Callable[[], Any]) -> tuple[float, Any, float]:
    """(wall seconds, result, peak RSS MB)."""
    with PeakRSS() as mem:
        t0 = time.perf_counter()
        out = fn()
        wall = time.perf_counter() - t0
    return wall, out, mem.peak


def bare_model(frames_rgb: list[np.ndarray], mask: bool) -> float:
    """Seconds for MediaPipe Pose full in video mode on the frames (model start excluded)."""
    import mediapipe as mp

    from kickcheck.quiet import quiet_native_stderr

    with quiet_native_stderr():
        pose = mp.solutions.pose.Pose(
            static_image_mode=False,
            model_complexity=1,
            enable_segmentation=mask,
            smooth_landmarks=True,
            smooth_segmentation=True,
        )
        pose.process(frames_rgb[0])  # the model's first run allocates: not counted
        t0 = time.perf_counter()
        for f in frames_rgb:
            pose.process(f)
        wall = time.perf_counter() - t0
        pose.close()
    return wall


def one_size(path: str, n: int, jobs: int, out_dir: str, rounds: int = 1) -> dict[str, float]:
    from kickcheck.config import load_config
    from kickcheck.overlay import write_overlay
    from kickcheck.pipeline import analyze_pose, analyze_video
    from kickcheck.quiet import quiet_native_stderr
    from kickcheck.video import FrameReader

    cfg = load_config()
    fps: dict[str, float] = {}
    rss: dict[str, float] = {}
    reader = FrameReader(path, max_side=cfg.video.max_side_px)
    wall, _, _ = timed(lambda: sum(1 for _ in reader))
    fps["decode"] = n / wall
    frames = [cv2.cvtColor(f.image_bgr, cv2.COLOR_BGR2RGB) for f in reader]

    def run(**kw: Any) -> Any:
        with quiet_native_stderr():
            return analyze_video(path, cfg, **kw)

    # Rounds interleave the modes; each keeps its fastest round (the least disturbed by others).
    reports = {}
    for _ in range(rounds):
        for name, mask in (("bare", False), ("bare+mask", True)):
            fps[name] = max(fps.get(name, 0.0), n / bare_model(frames, mask=mask))
        for name, kw in (
            ("one process", {"jobs": 1}),
            ("both cores", {"jobs": jobs}),
            ("fast", {"jobs": jobs, "fast": True}),
        ):
            wall, reports[name], peak = timed(lambda kw=kw: run(**kw))
            fps[name] = max(fps.get(name, 0.0), n / wall)
            rss[name] = max(rss.get(name, 0.0), peak)
    del frames
    base = reports["one process"]
    wall, _, _ = timed(lambda: analyze_pose(base.pose, base.video, cfg))
    fps["analysis after pose"] = n / wall
    overlay_path = os.path.join(out_dir, "overlay.mp4")
    wall_ov, _, rss["+ overlay"] = timed(lambda: write_overlay(path, base, overlay_path))
    fps["overlay alone"] = n / wall_ov
    fps["+ overlay"] = n / (n / fps["both cores"] + wall_ov)
    reps = {
        k: (
            r.rep_count,
            [sorted(f.rule_id for f in x.findings if f.severity != "info") for x in r.reps],
        )
        for k, r in reports.items()
    }
    same = len({str(v) for v in reps.values()}) == 1
    print(f"  reps and flags the same in every mode: {same} {reps['one process']}")
    for k in ("both cores", "fast"):
        a, b = base.kinematics, reports[k].kinematics
        d = [np.nanmedian(np.abs(a[c] - b[c])) for c in ("hip_ext_right", "knee_flex_right")]
        print(f"  {k}: median |angle - one process| hip {d[0]:.2f} deg, knee {d[1]:.2f} deg")
    print(f"  {'mode':<22}{'frames/s':>10}{'x real time':>13}{'peak RSS MB':>13}")
    for k in ("bare", "bare+mask", "one process", "both cores", "+ overlay", "fast"):
        mem = f"{rss[k]:13.0f}" if k in rss else f"{'':13}"
        print(f"  {k:<22}{fps[k]:10.1f}{fps[k] / FPS:12.2f}x{mem}")
    per_frame = {
        "decode + scale (reader alone)": 1000 / fps["decode"],
        "model, no mask (bare)": 1000 / fps["bare"],
        "mask's extra (bare+mask - bare)": 1000 / fps["bare+mask"] - 1000 / fps["bare"],
        "analysis after the pose pass": 1000 / fps["analysis after pose"],
        "whole, one process": 1000 / fps["one process"],
        "overlay (decode, draw, encode)": 1000 / fps["overlay alone"],
    }
    print("  per stage, ms per frame (decoding overlaps the model in the whole run):")
    for k, v in per_frame.items():
        print(f"    {k:<34}{v:8.2f}")
    return fps


def memory_child(path: str, jobs: int) -> None:
    from kickcheck.pipeline import analyze_video
    from kickcheck.quiet import quiet_native_stderr

    with quiet_native_stderr():
        r = analyze_video(path, jobs=jobs)
    print(f"{r.rep_count} reps, {len(r.pose)} frames")


def memory_run(path: str, jobs: int) -> float:
    """Peak summed RSS (MB) of a fresh process analysing ``path`` with ``jobs``."""
    cmd = [sys.executable, os.path.abspath(__file__), "--memory-child", path, "--jobs", str(jobs)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    with PeakRSS(proc.pid) as mem:
        out, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"the memory run failed (exit {proc.returncode})")
    print(f"  jobs={jobs}: {out.strip()}, {time.perf_counter() - t0:.0f} s, peak {mem.peak:.0f} MB")
    return mem.peak


def main() -> int:
    from kickcheck.parallel import default_jobs

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=18.0, help="clip length (default 18 s)")
    ap.add_argument("--sizes", default="720p,1080p", help="of 720p, 1080p (default both)")
    ap.add_argument("--jobs", type=int, default=default_jobs(), help="processes (default: cores)")
    ap.add_argument(
        "--minutes", type=float, default=1.0, help="length of the memory run's clip (default 1)"
    )
    ap.add_argument(
        "--rounds", type=int, default=1, help="repeat the modes, keep each one's best (default 1)"
    )
    ap.add_argument("--memory-child", metavar="PATH", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.jobs)
        return 0
    sizes = [s for s in args.sizes.split(",") if s]
    if any(s not in SIZES for s in sizes) or args.jobs < 1 or args.rounds < 1:
        ap.error("--sizes takes 720p and/or 1080p; --jobs and --rounds at least 1")
    load = os.getloadavg()[0]
    print(
        f"{os.cpu_count()} cores, load {load:.1f}; --jobs {args.jobs}; {args.seconds:g} s clips; "
        f"{args.rounds} round(s)"
    )
    results = {}
    with tempfile.TemporaryDirectory(prefix="kickcheck-speed-") as tmp:
        base = render_base(tmp)
        for size in sizes:
            path = os.path.join(tmp, f"{size}.mp4")
            n = upscale(base, path, SIZES[size], args.seconds, fast_encode=False)
            print(f"{size} ({SIZES[size][0]}x{SIZES[size][1]}, {n} frames at 30 fps):")
            results[size] = one_size(path, n, args.jobs, tmp, args.rounds)
        peak = None
        if args.minutes > 0:
            path = os.path.join(tmp, "long_1080p.mp4")
            upscale(base, path, SIZES["1080p"], args.minutes * 60, fast_encode=True)
            print(f"memory, a {args.minutes:g}-minute 1080p clip:")
            memory_run(path, 1)
            peak = memory_run(path, args.jobs)
    print(f"load at the end {os.getloadavg()[0]:.1f}")
    f = results.get("1080p") or results[sizes[-1]]
    tag = "1080p" if "1080p" in results else sizes[-1]
    print(f"ratio_pipeline_vs_bare: {f['one process'] / f['bare']:.2f}")
    print(f"speedup_both_cores: {f['both cores'] / f['one process']:.2f}")
    print(f"ratio_both_cores_vs_bare: {f['both cores'] / f['bare']:.2f}")
    print(f"realtime_{tag}30_default: {f['both cores'] / FPS:.1f}x")
    print(f"realtime_{tag}30_fast: {f['fast'] / FPS:.1f}x")
    if peak is not None:
        print(f"peak_rss_{args.minutes:g}min_1080p_mb: {peak:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
