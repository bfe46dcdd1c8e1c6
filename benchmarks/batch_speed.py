"""Batch throughput: in this process vs a Dask LocalCluster, measured rather than assumed.

    python benchmarks/batch_speed.py N [--workers 2] [--sample samples/kickback_sample.mp4]

Copies the sample N times into a temporary folder, scores the folder with
``kickcheck.batch.score_folder`` once in this process (``workers=1``, no Dask) and once on a
``LocalCluster`` of ``--workers`` single-threaded processes on 127.0.0.1, and prints clips/s and
speed as a multiple of real time (seconds of video per wall-clock second) for each, plus the
speed-up. Wall time is end to end, including the cluster's start-up and each worker's first
model load, because that is what a user waits for. Every clip must come back ``ok`` with the same
rep count in both runs, or the figures are not printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from kickcheck.batch import score_folder, totals  # noqa: E402


def _run(folder: str, out: str, workers: int) -> tuple[float, list[dict]]:
    t0 = time.perf_counter()
    rows = score_folder(folder, out, workers=workers)
    return time.perf_counter() - t0, rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="how many copies of the sample to score")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster workers (default 2)")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--sample", default=os.path.join(here, "..", "samples", "kickback_sample.mp4"))
    args = ap.parse_args()
    if args.n < 1 or args.workers < 2:
        ap.error("N must be at least 1 and --workers at least 2")
    with tempfile.TemporaryDirectory(prefix="kickcheck-bench-") as tmp:
        folder = os.path.join(tmp, "clips")
        os.mkdir(folder)
        for i in range(args.n):
            shutil.copy(args.sample, os.path.join(folder, f"clip_{i:03d}.mp4"))
        results = {}
        for label, workers in (("in-process", 1), (f"LocalCluster x{args.workers}", args.workers)):
            wall_s, rows = _run(folder, os.path.join(tmp, f"out_{workers}"), workers)
            bad = [r for r in rows if r["status"] != "ok"]
            if bad:
                print(f"{label}: {len(bad)} clips not ok, e.g. {bad[0]}", file=sys.stderr)
                return 1
            t = totals(rows, wall_s)
            results[label] = (wall_s, t, [r["reps"] for r in rows])
            print(
                f"{label:<17} {args.n} clips, {t['video_s']:.1f} s of video, {wall_s:6.1f} s wall: "
                f"{args.n / wall_s:.3f} clips/s, {t['x_real_time']:.2f}x real time",
                flush=True,
            )
        (w1, _, reps1), (wn, _, repsn) = results.values()
        if reps1 != repsn:
            print(f"rep counts differ between runs: {reps1} vs {repsn}", file=sys.stderr)
            return 1
        cores = os.cpu_count()
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"speed-up x{args.workers} workers: {w1 / wn:.2f} ({cores} cores, load {load:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
