"""How well can kickcheck tell a locked working knee from a slightly bent one?

Renders small clips with ``kickrender`` of the two straight-leg kickbacks (on all fours with a
straight leg, and standing) with the working knee posed at 0, 5, 10 and 15 degrees of flexion at the
top, in the side view (two bodies) and turned 30 degrees toward and away from the camera, runs the real
pipeline (MediaPipe included) on the H.264 files and prints, per variant, view and posed knee, the
knee flexion kickcheck reads at the top of each rep (``RepResult.knee_flexion_deg``: the median over
the hold). Then, for each candidate "locked" bar, how many reps posed at 0 deg it calls locked and
how many posed at 10 or 15 deg it wrongly calls locked.

    nice -n 10 .venv/bin/python benchmarks/knee_lock.py --out /tmp/knee           # 32 clips, ~40 min on 2 busy cores
    .venv/bin/python benchmarks/knee_lock.py --out /tmp/knee --reuse               # re-score only

With ``--reuse`` the clips and their landmarks (``.pose.npz``) from an earlier run in the same
folder are re-scored in seconds. Clips go to ``--out`` (never into the repository).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
os.environ.setdefault("GLOG_minloglevel", "2")

from kickcheck.config import load_config  # noqa: E402
from kickcheck.pipeline import analyze_pose, analyze_video  # noqa: E402
from kickcheck.pose import load_pose_npz, save_pose_npz  # noqa: E402
from kickcheck.types import Report, VideoInfo  # noqa: E402
from kickrender import ClipSpec, render_clip  # noqa: E402

KNEES = (0.0, 5.0, 10.0, 15.0)
VARIANTS = ("quadruped_straight", "standing")
#: (view label, yaw, body shape, working side, facing, seed): two bodies side on, one turned 30 deg
#: toward the camera (the person's front: +30) and one turned 30 deg away (-30).
VIEWS = (
    ("side", 0.0, "average", "right", "left", 0),
    ("side", 0.0, "female", "left", "left", 1),
    ("yaw+30", 30.0, "male", "right", "right", 2),
    ("yaw-30", -30.0, "average", "left", "right", 3),
)
BARS = (1.5, 3.0, 4.0, 5.0, 6.0, 8.0)


def specs() -> list[tuple[str, str, float, ClipSpec]]:
    out = []
    for variant in VARIANTS:
        for knee in KNEES:
            for view, yaw, shape, side, facing, seed in VIEWS:
                spec = ClipSpec(
                    variant=variant,
                    side=side,
                    facing=facing,
                    reps=3,
                    knee_top=knee,
                    yaw=yaw,
                    shape=shape,
                    seed=seed,
                    width=640,
                    height=360,
                )
                name = f"{variant}_k{knee:02.0f}_{view.replace('+', '')}_{shape}"
                out.append((name, view, knee, spec))
    return out


def run_clip(name: str, spec: ClipSpec, out: str, reuse: bool) -> tuple[Report, dict]:
    path = os.path.join(out, name + ".mp4")
    truth_path = path[: -len(".mp4")] + ".truth.json"
    pose_path = path[: -len(".mp4")] + ".pose.npz"
    cfg = load_config()
    if reuse and os.path.exists(truth_path) and os.path.exists(pose_path):
        with open(truth_path, encoding="utf-8") as fh:
            truth = json.load(fh)
        pose, _ = load_pose_npz(pose_path)
        info = VideoInfo(
            path, float(truth["fps"]), len(pose), pose.width, pose.height, truth["duration_s"]
        )
        return analyze_pose(pose, info, cfg), truth
    truth = render_clip(spec, path)
    report = analyze_video(path, cfg)
    save_pose_npz(pose_path, report.pose)
    return report, truth


def truth_knee_at_tops(truth: dict, report: Report) -> list[float]:
    """The rendered body's exact knee flexion, median over each counted rep's hold."""
    k = np.array([f["knee_flexion_deg"] for f in truth["frames"]], float)
    out = []
    for r in report.reps:
        lo, hi = r.rep.top_frame - 3, r.rep.top_frame + 4
        out.append(float(np.median(k[max(lo, 0) : hi])))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="folder for the rendered clips and landmarks")
    ap.add_argument("--reuse", action="store_true", help="re-score earlier clips in --out")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    reads: dict[tuple[str, str, float], list[float]] = defaultdict(list)
    truths: dict[tuple[str, str, float], list[float]] = defaultdict(list)
    flags: dict[tuple[str, str, float], list[str]] = defaultdict(list)
    print(f"{'clip':42s} reps  knee read at the tops (deg)        truth      secs", flush=True)
    for name, view, knee, spec in specs():
        t0 = time.perf_counter()
        report, truth = run_clip(name, spec, a.out, a.reuse)
        got = [r.knee_flexion_deg for r in report.reps]
        tru = truth_knee_at_tops(truth, report)
        key = (spec.variant, view, knee)
        reads[key] += [g for g in got if np.isfinite(g)]
        truths[key] += tru
        flags[key] += [f.rule_id for r in report.reps for f in r.findings if "knee" in f.rule_id]
        print(
            f"{name:42s} {report.rep_count:4d}  {' '.join(f'{g:5.1f}' for g in got):34s}"
            f" {np.median(tru) if tru else float('nan'):5.1f}  {time.perf_counter() - t0:6.1f}",
            flush=True,
        )
    print()
    print(
        "| variant | view | posed knee | reps | read: median | read: min-max | truth | knee flags |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for key in sorted(reads):
        v = np.array(reads[key])
        if not v.size:
            continue
        fl = flags[key]
        print(
            f"| {key[0]} | {key[1]} | {key[2]:.0f}° | {v.size} | {np.median(v):.1f}° |"
            f" {v.min():.1f}–{v.max():.1f}° | {np.median(truths[key]):.1f}° |"
            f" {len(fl)} {','.join(sorted(set(fl)))} |"
        )
    print()
    print("Candidate 'locked' bars (read < bar): share of reps called locked, per posed knee")
    print("| variant | view | bar | 0° | 5° | 10° | 15° |")
    print("|---|---|---|---|---|---|---|")
    for variant in VARIANTS:
        for view in ("side", "yaw+30", "yaw-30"):
            for bar in BARS:
                cells = []
                for knee in KNEES:
                    v = np.array(reads.get((variant, view, knee), []))
                    cells.append(f"{np.mean(v < bar):.2f}" if v.size else "–")
                print(f"| {variant} | {view} | {bar:.1f}° | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
