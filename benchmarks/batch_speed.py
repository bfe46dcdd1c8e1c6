"""Batch throughput with 1 and 2 Dask workers, and each worker's peak memory, measured.

    python benchmarks/batch_speed.py N [--workers 2] [--sample samples/kickback_sample.mp4]

Makes N copies of the sample (each with one different byte in a trailing ``free`` box, so every
clip has its own content hash and nothing is resumed), scores the folder with
``kickcheck.batch.score_folder`` on a ``LocalCluster`` of 1 and then of ``--workers``
single-threaded processes on 127.0.0.1 (the real MediaPipe model), and prints clips per minute
for each, the ratio, the peak resident memory of each worker process (``ru_maxrss``), the number
of cores and the load average before each run. Wall time is end to end from the first clip
submitted (the clusters are started first), including each worker's first model load. Every clip
must come back ``ok`` with the same rep count in both runs, or the figures are not printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from kickcheck.batch import local_client, score_folder  # noqa: E402


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _copy_with_own_bytes(src: str, dst: str, i: int) -> None:
    """A copy whose bytes differ: an MP4 ``free`` box holding ``i`` appended at the end."""
    shutil.copy(src, dst)
    with open(dst, "ab") as fh:
        fh.write(struct.pack(">I4sI", 12, b"free", i))


def _run(folder: str, out: str, workers: int) -> tuple[float, list[dict], list[float]]:
    with local_client(workers) as client:
        t0 = time.perf_counter()
        rows = score_folder(folder, out, scheduler=client.scheduler.address)
        wall = time.perf_counter() - t0
        peaks = sorted(client.run(_peak_rss_mb).values())
    return wall, rows, peaks


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="how many clips to score (copies of the sample)")
    ap.add_argument("--workers", type=int, default=2, help="workers of the second run (2)")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--sample", default=os.path.join(here, "..", "samples", "kickback_sample.mp4"))
    args = ap.parse_args()
    if args.n < 1 or args.workers < 2:
        ap.error("N must be at least 1 and --workers at least 2")
    with tempfile.TemporaryDirectory(prefix="kickcheck-bench-") as tmp:
        folder = os.path.join(tmp, "clips")
        os.mkdir(folder)
        for i in range(args.n):
            _copy_with_own_bytes(args.sample, os.path.join(folder, f"clip_{i:03d}.mp4"), i)
        results = {}
        for workers in (1, args.workers):
            load = os.getloadavg()[0]
            wall, rows, peaks = _run(folder, os.path.join(tmp, f"out_{workers}"), workers)
            bad = [r for r in rows if r["status"] != "ok"]
            if bad:
                print(f"{workers} workers: {len(bad)} clips not ok, e.g. {bad[0]}", file=sys.stderr)
                return 1
            per_min = 60.0 * args.n / wall
            results[workers] = (per_min, [r["reps"] for r in rows])
            mem = ", ".join(f"{p:.0f}" for p in peaks)
            print(
                f"{workers} worker{'s' if workers > 1 else ' '}: {args.n} clips in {wall:6.1f} s: "
                f"{per_min:5.2f} clips/min; peak memory per worker {mem} MB "
                f"(load before {load:.1f})",
                flush=True,
            )
        (one, reps1), (many, repsn) = results[1], results[args.workers]
        if reps1 != repsn:
            print(f"rep counts differ between runs: {reps1} vs {repsn}", file=sys.stderr)
            return 1
        print(
            f"ratio {args.workers} workers / 1 worker: {many / one:.2f} "
            f"({os.cpu_count()} cores, load now {os.getloadavg()[0]:.1f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
