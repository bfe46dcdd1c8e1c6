"""Real-clip benchmark: run kickcheck's real pipeline on a folder of labelled clips.

    python benchmarks/realclips.py LABELS.json CLIPS_DIR [--cache DIR] [--only SUBSTR]

LABELS.json format (see README, "Checking kickcheck on your own clips"):

    {"positives": {"clip.mp4": {"reps": 10, "partial": 2, "variant": "quadruped",
                                "side": "right",            # optional, the person's own side
                                "expect_flags": [], "forbid_flags": ["knee_straightened"]}},
     "negatives": ["squat.mp4", ...]}

A positive's count is exact when it lies in [reps, reps + partial], within one (OBO) when it lies
within one of that range. A negative passes when kickcheck reports no reps. An expected flag must
be on at least half of the counted reps; a forbidden flag on fewer than half.

``--cache DIR`` stores each clip's pose landmarks (``.npz``) and reuses them on the next run, so
the judgement (gate, reps, rules) can be re-run in seconds. Keep that folder out of the repository:
landmarks taken from clips without a licence must never be committed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from kickcheck.config import load_config  # noqa: E402
from kickcheck.errors import KickcheckError  # noqa: E402
from kickcheck.pipeline import analyze_pose, analyze_video, kicks_in_shot  # noqa: E402
from kickcheck.pose import (  # noqa: E402
    estimate_poses,
    load_pose_npz,
    look_for_exerciser,
    save_pose_npz,
)
from kickcheck.report import flag_counts  # noqa: E402
from kickcheck.types import VideoInfo  # noqa: E402
from kickcheck.video import FrameReader  # noqa: E402


def run_clip(path: str, cache: str | None, cfg):
    """(report, seconds of video) for one clip; with ``cache``, reuse or store its pose landmarks."""
    if not cache:
        report = analyze_video(path, cfg)
        return report, report.video.duration_s
    npz = os.path.join(cache, os.path.basename(path) + ".npz")
    if not os.path.exists(npz):
        reader = FrameReader(path, max_side=cfg.video.max_side_px)
        info = reader.info
        pose = estimate_poses(reader, info.width, info.height)
        os.makedirs(cache, exist_ok=True)
        save_pose_npz(npz, pose, info.fps)
    # The search for the exerciser among several people (``people.py``) reads the clip again:
    # its result is cached apart, so that a change there is measured without the first pass.
    found = npz[: -len(".npz")] + ".people.npz"
    if not os.path.exists(found):
        pose, fps = load_pose_npz(npz)

        def read_window(start_s, end_s):
            return FrameReader(path, max_side=cfg.video.max_side_px, start_s=start_s, end_s=end_s)

        info = VideoInfo(path, fps or 30.0, len(pose), pose.width, pose.height, 0.0, 0)
        kicks = kicks_in_shot(info, cfg)
        pose, _ = look_for_exerciser(pose, read_window, cfg.gate.min_hip_rom_deg, None, kicks)
        save_pose_npz(found, pose, fps)
    pose, fps = load_pose_npz(found)
    fps = fps or 30.0
    info = VideoInfo(
        path, fps, len(pose), pose.width, pose.height, float(pose.t_s[-1]) + 1 / fps, 0
    )
    return analyze_pose(pose, info, cfg), info.duration_s


def flag_share(report, code: str) -> float:
    if not report.reps:
        return 0.0
    return sum(any(f.rule_id == code for f in r.findings) for r in report.reps) / len(report.reps)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("labels")
    ap.add_argument("clips_dir")
    ap.add_argument("--cache", help="folder for cached pose landmarks (never commit it)")
    ap.add_argument("--only", help="run only clips whose name contains this")
    ap.add_argument("--config", help="kickcheck TOML config")
    ap.add_argument("--verbose", action="store_true", help="print gate evidence per clip")
    ap.add_argument(
        "--manifest",
        help="a MANIFEST.tsv with an 'added' column: print a SUMMARY line per batch of rows too",
    )
    args = ap.parse_args(argv)
    with open(args.labels, encoding="utf-8") as fh:
        labels = json.load(fh)
    cfg = load_config(args.config)
    items = [(n, lab) for n, lab in labels.get("positives", {}).items()]
    items += [(n, None) for n in labels.get("negatives", [])]
    if args.only:
        items = [(n, lab) for n, lab in items if args.only in n]
    print(
        f"{'clip':58s} {'reps':>5s} {'want':>6s} {'variant':>10s} {'side':>11s} {'flags':22s} {'sec':>5s}  verdict"
    )
    added = _batches(args.manifest) if args.manifest else {}
    groups = sorted(set(added.values()))
    tots = {g: _new_tot() for g in ["all", *groups]}
    for name, lab in items:
        path = os.path.join(args.clips_dir, name)
        keys = ["all"] + ([added[name]] if name in added else [])
        _run_one(name, lab, path, args, cfg, [tots[k] for k in keys])
    for g in groups:
        _summary(tots[g], args, f"SUMMARY[added {g}]")
    _summary(tots["all"], args, "SUMMARY")
    return 0


def _batches(manifest: str) -> dict[str, str]:
    """clip file name -> its 'added' date, from a MANIFEST.tsv."""
    with open(manifest, encoding="utf-8") as fh:
        head, *rows = [line.rstrip("\n").split("\t") for line in fh if line.strip()]
    i = head.index("added")
    return {r[0]: r[i] for r in rows if len(r) > i}


def _new_tot() -> dict:
    return dict(
        pos=0,
        exact=0,
        obo=0,
        neg=0,
        neg_ok=0,
        side_n=0,
        side_ok=0,
        var_ok=0,
        flag_n=0,
        flag_ok=0,
        tb=0,
        video_s=0.0,
        wall_s=0.0,
        cannot=0,
    )


def _run_one(name, lab, path, args, cfg, tots: list[dict]) -> None:
    """Score one clip, print its row and add it to every total in ``tots``."""
    tot: dict = {k: 0 for k in tots[0]}
    t0 = time.perf_counter()
    report, err = None, ""
    try:
        report, dur = run_clip(path, args.cache, cfg)
        tot["video_s"] += dur
    except KickcheckError as exc:
        err = f"error: {exc}"
    except Exception:  # noqa: BLE001 - a benchmark counts tracebacks instead of dying
        tot["tb"] += 1
        err = "TRACEBACK " + traceback.format_exc().strip().splitlines()[-1]
    sec = time.perf_counter() - t0
    tot["wall_s"] += sec
    n = report.rep_count if report else 0
    ex = report.exercise if report else None
    flags = ",".join(f"{k}:{v}" for k, v in flag_counts(report).items()) if report else ""
    why = err or (ex.reason if ex else "")
    if lab is not None:
        tot["pos"] += 1
        lo, hi = lab["reps"], lab["reps"] + lab.get("partial", 0)
        exact = lo <= n <= hi
        obo = lo - 1 <= n <= hi + 1
        tot["exact"] += exact
        tot["obo"] += obo
        var = ex.variant if ex else None
        tot["var_ok"] += var == lab.get("variant")
        side = ex.working_side if ex else None
        side_s = f"{side}/{lab.get('side', '?')}"
        if "side" in lab:
            tot["side_n"] += 1
            tot["side_ok"] += side == lab["side"]
        for code in lab.get("expect_flags", []):
            tot["flag_n"] += 1
            tot["flag_ok"] += bool(report) and flag_share(report, code) >= 0.5
        for code in lab.get("forbid_flags", []):
            tot["flag_n"] += 1
            tot["flag_ok"] += (not report) or flag_share(report, code) < 0.5
        mark = "ok " if exact else ("obo" if obo else "MISS")
        want = f"{lo}-{hi}" if hi != lo else str(lo)
        print(
            f"{name[:58]:58s} {n:5d} {want:>6s} {str(var) + '/' + lab.get('variant', '?'):>10s} {side_s:>11s} {flags[:22]:22s} {sec:5.1f}  {mark} {why}"
        )
    else:
        tot["neg"] += 1
        ok = n == 0
        tot["neg_ok"] += ok
        print(
            f"{name[:58]:58s} {n:5d} {'0':>6s} {str(ex.variant if ex else None):>10s} {'':>11s} {flags[:22]:22s} {sec:5.1f}  {'ok ' if ok else 'MISS'} {why}"
        )
    tot["cannot"] += bool(ex is not None and getattr(ex, "outcome", "") == "cannot_tell")
    if args.verbose and ex is not None:
        print("    " + " ".join(f"{k}={v:.2f}" for k, v in ex.evidence.items()))
    for t in tots:
        for k, v in tot.items():
            t[k] += v


def _summary(tot: dict, args, label: str) -> None:
    speed = tot["video_s"] / tot["wall_s"] if tot["wall_s"] else 0.0
    print(
        f"{label} exact {tot['exact']}/{tot['pos']}, OBO {tot['obo']}/{tot['pos']}; "
        f"negatives with no reps {tot['neg_ok']}/{tot['neg']}; side {tot['side_ok']}/{tot['side_n']}; "
        f"variant {tot['var_ok']}/{tot['pos']}; flags {tot['flag_ok']}/{tot['flag_n']}; "
        f"tracebacks {tot['tb']}; cannot tell {tot['cannot']}; speed {speed:.2f}x real time"
        + (" (from cached poses)" if args.cache else "")
    )


if __name__ == "__main__":
    raise SystemExit(main())
