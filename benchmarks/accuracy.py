"""Accuracy benchmark: render a grid of clips with exact ground truth and run the real pipeline.

    python benchmarks/accuracy.py [--quick] [--out DIR] [--keep]

The grid crosses kickback variant, working side and facing (two of the four combinations per
variant and yaw, cycling through all four), camera yaw (side view and 30 degrees
toward the front or back), faults (an arched back on one rep, a straightening knee on another,
clean reps), body shape and background, sensor noise, and the look-alike exercises. For every clip
the real pipeline (video decoding, MediaPipe, kinematics, gate, reps, rules) runs on the rendered
H.264 file, and the report is compared with the renderer's truth. Printed per condition and overall:

- hip and knee angle MAE (deg) over the frames where a person was found, and the lumbar arch MAE
  at the rep tops (landmark measure against the true lumbar arch);
- rep count exact and within one; working side and variant right; look-alikes with no reps;
- precision (P), recall (R) and false-flag rate (FF: flagged among reps without that fault) of each
  fault flag, per rep (reps matched by their top time; a warning or a fault counts as flagged);
- MediaPipe's detection rate and the median joint error (px) of the near-side shoulder, hip, knee
  and ankle against the truth projection, so the renderer's faithfulness is on record;
- the silhouette measure's change on reps with and without an arched back.

Clips of several sets (labels "sets: ..."; ``kickrender.sets``): a set that tires (its range
shrinks, then its back arches), one leg then the other (kneeling up and turning round between them,
or staying put and kicking with the far leg), the same leg after a rest, standing and on all fours.
For them it also reports the sets found, the working side and the rep count of each set, the rep
where form broke (within one rep of the truth's), the left/right asymmetry of the range of motion
against the posed one (percentage points), and any rep counted during a change of position.
``--only sets`` runs just these (about 8 minutes).

``--quick`` runs a small subset (a few minutes; the first nine look-alikes and two clips of sets);
the full grid (32 kickbacks, every look-alike of ``kickrender.catalog`` and 5 clips of sets, 58
clips) takes about 35 minutes on two cores.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import sys
import tempfile
import time
from collections import defaultdict

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
os.environ.setdefault("GLOG_minloglevel", "2")

from kickcheck.config import load_config  # noqa: E402
from kickcheck.kinematics import per_leg, working_leg  # noqa: E402
from kickcheck.landmarks import Landmark  # noqa: E402
from kickcheck.pipeline import analyze_pose, analyze_video  # noqa: E402
from kickcheck.pose import load_pose_npz, save_pose_npz  # noqa: E402
from kickcheck.types import VideoInfo  # noqa: E402
from kickrender import ClipSpec, SetSpec, render_clip  # noqa: E402
from kickrender.catalog import (  # noqa: E402
    FIRST_LOOKALIKES,
    KICKBACK_VARIANT_NAMES,
    LOOKALIKE_NAMES,
)

FAULTS = ("lumbar_hyperextension", "knee_straightened")


def grid(quick: bool) -> list[tuple[str, ClipSpec]]:
    """(condition label, spec) pairs."""
    shapes = ("average", "female", "male")
    backgrounds = ("plain", "textured", "cluttered")
    out: list[tuple[str, ClipSpec]] = []
    k = 0
    variants = KICKBACK_VARIANT_NAMES
    yaws = (0.0, 30.0, -30.0)
    combos = (("left", "left"), ("right", "left"), ("left", "right"), ("right", "right"))
    for variant in variants:
        for yaw in yaws:
            for _ in range(2):
                side, facing = combos[k % 4]
                k += 1
                if not quick or yaw == 0.0:
                    straight = variant in ("quadruped_straight", "standing")
                    spec = ClipSpec(
                        exercise="kickback",
                        variant=variant,
                        side=side,
                        facing=facing,
                        reps=4,
                        arch_reps=(2,) if k % 3 != 0 else (),
                        straight_knee_reps=(3,) if (k % 2 == 0 and not straight) else (),
                        yaw=yaw,
                        shape=shapes[k % 3],
                        background=backgrounds[(k // 3) % 3],
                        noise=(1.0, 3.0)[k % 2],
                        seed=k,
                        width=640,
                        height=360,
                    )
                    out.append((f"{variant} yaw{yaw:+.0f}", spec))
    conditions = {
        "foot leaves the frame": dict(foot_exit=True),
        "subtitle over the body": dict(banner_text="SUBSCRIBE FOR MORE WORKOUTS"),
        "black frames and fades": dict(black_frames=10, fade_in_s=1.0, fade_out_s=1.0),
        "jittered frame timing": dict(jitter_pts=0.4),
        "partial reps at both edges": dict(partial_start=0.6, partial_end=0.5),
        "motion blur, 24 fps": dict(motion_blur=3, fps=24.0),
        "rotated 90 (phone)": dict(rotate90=True),
        "1280x720": dict(width=1280, height=720),
    }
    for name, extra in conditions.items():
        if quick and name not in ("foot leaves the frame", "subtitle over the body"):
            continue
        side, facing = combos[k % 4]
        k += 1
        out.append(
            (
                f"condition: {name}",
                ClipSpec(
                    exercise="kickback",
                    variant=("quadruped", "standing")[k % 2],
                    side=side,
                    facing=facing,
                    reps=4,
                    arch_reps=(2,),
                    seed=k,
                    shape=shapes[k % 3],
                    background=backgrounds[k % 3],
                    **extra,
                ),
            )
        )
    for n_la, name in enumerate(FIRST_LOOKALIKES if quick else LOOKALIKE_NAMES):
        for facing in (("left", "right")[n_la % 2],):
            k += 1
            out.append(
                (
                    f"look-alike {name}",
                    ClipSpec(
                        exercise=name,
                        side="right",
                        facing=facing,
                        reps=4,
                        seed=k,
                        shape=shapes[k % 3],
                        background=backgrounds[k % 3],
                    ),
                )
            )
    sets = sets_grid()
    out.extend(sets[:2] if quick else sets)
    return out


def sets_grid() -> list[tuple[str, ClipSpec]]:
    """The clips of several sets (see the module docstring)."""
    common = dict(exercise="kickback", fps=24.0, width=640, height=360)
    return [
        (
            "sets: one leg then the other, kneel and turn",
            ClipSpec(
                variant="quadruped",
                sets=(
                    SetSpec(side="right", facing="right", reps=6, hip_ext=18.0),
                    SetSpec(side="left", facing="left", reps=6, hip_ext=6.0),
                ),
                between="kneel",
                between_s=6.0,
                seed=101,
                shape="female",
                background="textured",
                **common,
            ),
        ),
        (
            "sets: a set that tires",
            ClipSpec(
                variant="quadruped",
                sets=(
                    SetSpec(
                        side="left",
                        facing="left",
                        reps=10,
                        hip_ext=15.0,
                        fatigue_from=6,
                        fatigue_step_deg=10.0,
                        arch_from=9,
                    ),
                ),
                seed=102,
                shape="male",
                background="plain",
                **common,
            ),
        ),
        (
            "sets: the same leg after a rest",
            ClipSpec(
                variant="quadruped",
                sets=(
                    SetSpec(side="right", facing="left", reps=5),
                    SetSpec(side="right", facing="left", reps=6, arch_from=4),
                ),
                between="rest",
                between_s=12.0,
                seed=103,
                shape="average",
                background="cluttered",
                **common,
            ),
        ),
        (
            "sets: near leg then far leg, no turn",
            ClipSpec(
                variant="quadruped",
                sets=(
                    SetSpec(side="left", facing="left", reps=5, hip_ext=16.0),
                    SetSpec(
                        side="right",
                        facing="left",
                        reps=6,
                        hip_ext=8.0,
                        fatigue_from=4,
                        fatigue_step_deg=12.0,
                    ),
                ),
                between="rest",
                between_s=4.0,
                seed=104,
                shape="female",
                background="textured",
                **common,
            ),
        ),
        (
            "sets: standing, one leg then the other",
            ClipSpec(
                variant="standing",
                sets=(
                    SetSpec(side="left", facing="right", reps=6, hip_ext=22.0),
                    SetSpec(side="right", facing="left", reps=6, hip_ext=12.0, arch_from=4),
                ),
                between="kneel",
                between_s=6.0,
                seed=105,
                shape="male",
                background="textured",
                **common,
            ),
        ),
    ]


def score_sets(report, truth: dict) -> dict:
    """The sets of ``report`` against the truth's: each truth set is matched with the found set
    that overlaps it most in time."""
    found = list(report.sets)
    rows = []
    for ts in truth["sets"]:

        def overlap(s, ts=ts):
            return min(s.end_s, ts["end_s"]) - max(s.start_s, ts["start_s"])

        best = max(found, key=overlap, default=None)
        if best is None or overlap(best) <= 0:
            rows.append({"found": False})
            continue
        want_break = ts["form_break_rep"]
        got_break = best.break_rep
        # within the set: the found set's k-th rep against the truth set's k-th rep
        want_k = None if want_break is None else ts["reps"].index(want_break)
        got_k = None if got_break is None else best.rep_indices.index(got_break)
        rows.append(
            {
                "found": True,
                "side_ok": best.side == ts["working_side"],
                "reps": len(best.rep_indices),
                "reps_truth": ts["rep_count"],
                "break_truth": want_k,
                "break_found": got_k,
                "break_ok": (want_k is None and got_k is None)
                or (want_k is not None and got_k is not None and abs(want_k - got_k) <= 1),
            }
        )
    in_change = 0
    for c in truth.get("changes", []):
        in_change += sum(c["start_s"] <= r.rep.top_s <= c["end_s"] for r in report.reps)
    posed = truth["asymmetry"]["range_of_motion_pct"]
    got = None
    if report.legs is not None:
        a = next(x for x in report.legs.asymmetry if x.measure == "range_of_motion_deg")
        got = a.pct
    return {
        "n_truth": len(truth["sets"]),
        "n_found": len(found),
        "per_set": rows,
        "reps_in_change": in_change,
        "asym_truth": posed,
        "asym_found": got,
    }


def _near_side(truth: dict) -> str:
    return truth["facing"]  # facing right shows the right side


def _same_spec(stored: dict | None, want: dict) -> bool:
    """Whether a cached clip was rendered from ``want``. A field the stored spec lacks was added to
    ``ClipSpec`` after it was rendered, with a default that changes nothing (e.g. ``sets``)."""
    return stored is not None and all(stored[k] == v for k, v in want.items() if k in stored)


_CACHED: dict[str, list[tuple[dict, str]]] = {}


def _cached_clip(folder: str, want: dict) -> str | None:
    """The ``.mp4`` in ``folder`` whose truth was rendered from ``want``, if any."""
    if folder not in _CACHED:
        found = []
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if name.endswith(".truth.json"):
                try:
                    with open(os.path.join(folder, name), encoding="utf-8") as fh:
                        stored = json.load(fh).get("spec")
                except (OSError, ValueError):
                    continue
                found.append((stored, os.path.join(folder, name[: -len(".truth.json")] + ".mp4")))
        _CACHED[folder] = found
    for stored, mp4 in _CACHED[folder]:
        if _same_spec(stored, want) and os.path.exists(mp4):
            return mp4
    return None


def evaluate(spec: ClipSpec, path: str, cfg, reuse: bool = False, fast: bool = False) -> dict:
    """Render (or, with ``reuse``, load) one clip and its truth, run the pipeline, compare.

    With ``reuse`` the clip, its truth and its pose landmarks (``.pose.npz``) are taken from an
    earlier run with the same ``--out`` folder when present, so the judgement can be re-scored in
    seconds after a change to the gate, reps or rules.
    """
    want = json.loads(json.dumps(dataclasses.asdict(spec)))
    if reuse:  # the same clip may sit under another number after the grid changed
        cached = _cached_clip(os.path.dirname(path), want)
        if cached is not None:
            path = cached
        elif os.path.exists(path):  # keep the other clip there for the spec it belongs to
            key = hashlib.sha1(json.dumps(want, sort_keys=True).encode()).hexdigest()[:8]
            path = path[: -len(".mp4")] + f"-{key}.mp4"
    truth_path = path[: -len(".mp4")] + ".truth.json"
    pose_path = path[: -len(".mp4")] + (".fast" if fast else "") + ".pose.npz"
    truth = None
    if reuse and os.path.exists(truth_path) and os.path.exists(path):
        with open(truth_path, encoding="utf-8") as fh:
            truth = json.load(fh)
        if not _same_spec(truth.get("spec"), want):  # this file holds another clip
            truth = None
    if truth is None:
        truth = render_clip(spec, path)
        if os.path.exists(pose_path):
            os.remove(pose_path)
    t0 = time.perf_counter()
    if reuse and os.path.exists(pose_path):
        pose, _ = load_pose_npz(pose_path)
        info = VideoInfo(
            path,
            float(truth["fps"]),
            len(pose),
            pose.width,
            pose.height,
            float(truth["duration_s"]),
            int(truth["rotation_deg"]),
        )
        report = analyze_pose(pose, info, cfg)
    else:
        report = analyze_video(path, cfg, fast=fast)
        save_pose_npz(pose_path, report.pose)
    secs = time.perf_counter() - t0
    frames = truth["frames"]
    n = min(len(frames), len(report.pose))
    pose = report.pose
    det = pose.detected[:n]
    res: dict = {
        "is_kickback_truth": truth["is_kickback"],
        "secs": secs,
        "video_s": truth["duration_s"],
        "detect_rate": float(det.mean()),
    }
    # Joint error (near side) in pixels.
    near = _near_side(truth)
    errs = []
    for j in ("shoulder", "hip", "knee", "ankle"):
        lm = Landmark[f"{near.upper()}_{j.upper()}"]
        tru = np.array([frames[i]["joints_2d"][f"{near}_{j}"] for i in range(n)], float)
        est = pose.xyzv[:n, lm, :2]
        e = np.hypot(*(est - tru).T)
        errs.append(e[np.isfinite(e)])
    res["joint_err_px"] = float(np.median(np.concatenate(errs))) if errs else float("nan")
    res["reps_found"] = report.rep_count
    res["exercise"] = dataclasses.asdict(report.exercise) | {"evidence": None}
    if not truth["is_kickback"]:
        return res
    kin = report.kinematics
    right = working_leg(kin)  # the pipeline's own choice of leg, as a user gets it
    hip = per_leg(kin, "hip_ext", right)[:n]
    knee = per_leg(kin, "knee_flex", right)[:n]
    th = np.array([f["hip_extension_deg"] for f in frames[:n]])
    tk = np.array([f["knee_flexion_deg"] for f in frames[:n]])
    ok = np.isfinite(hip) & np.isfinite(th)
    res["hip_mae"] = float(np.mean(np.abs(hip[ok] - th[ok]))) if ok.any() else float("nan")
    ok = np.isfinite(knee) & np.isfinite(tk)
    res["knee_mae"] = float(np.mean(np.abs(knee[ok] - tk[ok]))) if ok.any() else float("nan")
    true_reps = [r for r in truth["reps"] if not r["partial"]]
    res["reps_truth"] = len(true_reps)
    res["side_ok"] = report.exercise.working_side == truth["working_side"]
    res["variant_ok"] = report.exercise.variant == truth["variant"]
    # Per-rep fault matching by top time.
    flags = {f: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for f in FAULTS}
    arch_err, sag_arch, sag_clean = [], [], []
    for tr in true_reps:
        match = min(report.reps, key=lambda r: abs(r.rep.top_s - tr["top_s"]), default=None)
        if match is None or abs(match.rep.top_s - tr["top_s"]) > 0.6:
            for f in tr["faults"]:
                flags[f]["fn"] += 1
            continue
        got = {f.rule_id for f in match.findings if f.severity in ("warning", "fault")}
        for f in FAULTS:
            want = f in tr["faults"]
            if want and f in got:
                flags[f]["tp"] += 1
            elif want:
                flags[f]["fn"] += 1
            elif f in got:
                flags[f]["fp"] += 1
            else:
                flags[f]["tn"] += 1
        res.setdefault("rep_measures", []).append(
            {
                "faults": tr["faults"],
                "arch_deg": match.lumbar_arch_deg,
                "sag": match.back_sag_change,
                "knee_top": match.knee_flexion_deg,
                "knee_start": match.knee_flexion_start_deg,
                "hip_top": match.hip_extension_deg,
                "flags": sorted(got),
            }
        )
        arch_true = tr["target"]["lumbar_arch_deg"]
        if np.isfinite(match.lumbar_arch_deg):
            arch_err.append(abs(match.lumbar_arch_deg - arch_true))
        (sag_arch if "lumbar_hyperextension" in tr["faults"] else sag_clean).append(
            match.back_sag_change
        )
    res["flags"] = flags
    if "sets" in truth:
        res["sets"] = score_sets(report, truth)
    res["arch_mae"] = float(np.mean(arch_err)) if arch_err else float("nan")
    res["sag_arch"], res["sag_clean"] = sag_arch, sag_clean
    return res


def summarise(label: str, rows: list[dict]) -> str:
    kb = [r for r in rows if r["is_kickback_truth"]]
    la = [r for r in rows if not r["is_kickback_truth"]]

    def mean(key, rs):
        v = [r[key] for r in rs if key in r and np.isfinite(r[key])]
        return f"{np.mean(v):5.1f}" if v else "    -"

    parts = [
        f"{label:34s} n={len(rows):3d}",
        f"det {np.mean([r['detect_rate'] for r in rows]):.3f}",
        f"joint {np.median([r['joint_err_px'] for r in rows]):4.1f}px",
    ]
    if kb:
        exact = sum(r["reps_found"] == r["reps_truth"] for r in kb)
        obo = sum(abs(r["reps_found"] - r["reps_truth"]) <= 1 for r in kb)
        parts += [
            f"hip {mean('hip_mae', kb)}",
            f"knee {mean('knee_mae', kb)}",
            f"arch {mean('arch_mae', kb)}",
            f"reps {exact}/{len(kb)} obo {obo}/{len(kb)}",
            f"side {sum(r['side_ok'] for r in kb)}/{len(kb)}",
            f"variant {sum(r['variant_ok'] for r in kb)}/{len(kb)}",
        ]
        for f in FAULTS:
            c = {k: sum(r["flags"][f].get(k, 0) for r in kb) for k in ("tp", "fp", "fn", "tn")}
            prec = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else float("nan")
            rec = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else float("nan")
            short = "arch" if f.startswith("lumbar") else "knee"
            fpr = c["fp"] / (c["fp"] + c["tn"]) if c["fp"] + c["tn"] else float("nan")
            parts.append(f"{short} P {prec:.2f} R {rec:.2f} FF {fpr:.2f}")
    if la:
        parts.append(f"look-alikes no reps {sum(r['reps_found'] == 0 for r in la)}/{len(la)}")
    return "  ".join(parts)


def summarise_sets(label: str, rows: list[dict]) -> str:
    """The sets' figures over clips of several sets."""
    rs = [r["sets"] for r in rows if "sets" in r]
    if not rs:
        return ""
    sets = [s for r in rs for s in r["per_set"]]
    matched = [s for s in sets if s["found"]]
    breaks = [s for s in matched if s["break_truth"] is not None or s["break_found"] is not None]
    asym = [
        (r["asym_found"], r["asym_truth"])
        for r in rs
        if r["asym_truth"] is not None and r["asym_found"] is not None
    ]
    two_legs = sum(r["asym_truth"] is not None for r in rs)
    errs = [abs(a - b) for a, b in asym if np.isfinite(a)]
    parts = [
        f"{label:34s} n={len(rs):3d}",
        f"sets found {sum(r['n_found'] == r['n_truth'] for r in rs)}/{len(rs)} clips "
        f"({sum(r['n_found'] for r in rs)} of {sum(r['n_truth'] for r in rs)} sets)",
        f"side per set {sum(s['side_ok'] for s in matched)}/{len(sets)}",
        f"reps per set exact {sum(s['reps'] == s['reps_truth'] for s in matched)}/{len(sets)}",
        f"form break within 1 rep {sum(s['break_ok'] for s in breaks)}/{len(breaks)}",
        f"ROM asymmetry error {max(errs):.1f} pp max over {len(errs)}/{two_legs} two-leg clips"
        if errs
        else f"ROM asymmetry measured 0/{two_legs}",
        f"reps counted in a change of position {sum(r['reps_in_change'] for r in rs)}",
    ]
    return "  ".join(parts)


def _sets_line(r: dict) -> str:
    """One clip's sets against the truth: "sets 2/2; set 1 right ok 6/6 break -/-; ..."."""
    out = [f"sets {r['n_found']}/{r['n_truth']}"]
    for k, s in enumerate(r["per_set"], start=1):
        if not s["found"]:
            out.append(f"set {k} not found")
            continue

        def rep(x):
            return "-" if x is None else str(x + 1)

        out.append(
            f"set {k}: side {'ok' if s['side_ok'] else 'WRONG'}, reps {s['reps']}/{s['reps_truth']}"
            f", break at its rep {rep(s['break_found'])} (truth {rep(s['break_truth'])})"
        )
    if r["asym_truth"] is not None:
        got = "-" if r["asym_found"] is None else f"{r['asym_found']:.1f}"
        out.append(f"ROM asymmetry {got} % (posed {r['asym_truth']:.1f} %)")
    out.append(f"reps in a change of position {r['reps_in_change']}")
    return "; ".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="a small subset")
    ap.add_argument("--out", help="keep the rendered clips and a results JSON here")
    ap.add_argument("--only", help="only conditions whose label contains this")
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="with --out: reuse clips, truth and landmarks of an earlier run there",
    )
    ap.add_argument("--config", help="kickcheck TOML config to score with")
    ap.add_argument(
        "--fast", action="store_true", help="score with kickcheck's --fast mode (a frame stride)"
    )
    args = ap.parse_args(argv)
    cfg = load_config(args.config)
    items = grid(args.quick)
    if args.only:
        items = [(c, s) for c, s in items if args.only in c]
    out = args.out or tempfile.mkdtemp(prefix="kickcheck-accuracy-")
    os.makedirs(out, exist_ok=True)
    by_cond: dict[str, list[dict]] = defaultdict(list)
    all_rows = []
    t_start = time.perf_counter()
    for i, (cond, spec) in enumerate(items):
        path = os.path.join(out, f"clip{i:03d}.mp4")
        try:
            r = evaluate(spec, path, cfg, reuse=args.reuse and bool(args.out), fast=args.fast)
        except Exception as exc:  # noqa: BLE001 - a benchmark reports and goes on
            print(f"[{i + 1}/{len(items)}] {cond}: ERROR {type(exc).__name__}: {exc}", flush=True)
            continue
        r["condition"] = cond
        by_cond[cond].append(r)
        all_rows.append(r)
        got = r["reps_found"]
        want = r.get("reps_truth", 0)
        print(
            f"[{i + 1}/{len(items)}] {cond:34s} reps {got}/{want} "
            f"{'' if r['is_kickback_truth'] else r['exercise']['reason'][:70]}",
            flush=True,
        )
        if "sets" in r:
            print("    " + _sets_line(r["sets"]), flush=True)
        if not args.out:
            os.remove(path)
    print()
    for cond in by_cond:
        print(summarise(cond, by_cond[cond]))
    conds = [r for r in all_rows if r["condition"].startswith("condition")]
    side0 = [r for r in all_rows if "yaw+0" in r["condition"]]
    yaw30 = [r for r in all_rows if "yaw+30" in r["condition"] or "yaw-30" in r["condition"]]
    print()
    if side0:
        print(summarise("ALL side view (yaw 0)", side0))
    if yaw30:
        print(summarise("ALL yaw 30 (front and back)", yaw30))
    if conds:
        print(summarise("ALL phone-clip conditions", conds))
    print(summarise("ALL", all_rows))
    with_sets = [r for r in all_rows if "sets" in r]
    if with_sets:
        print(summarise_sets("ALL clips of several sets", with_sets))
    sa = [x for r in all_rows for x in r.get("sag_arch", []) if np.isfinite(x)]
    sc = [x for r in all_rows for x in r.get("sag_clean", []) if np.isfinite(x)]
    if sa and sc:
        print(
            f"silhouette back-sag change at the top: arched reps median {np.median(sa):.3f} "
            f"(10th pct {np.percentile(sa, 10):.3f}), clean reps median {np.median(sc):.3f} "
            f"(90th pct {np.percentile(sc, 90):.3f})"
        )
    secs = sum(r["secs"] for r in all_rows)
    vid = sum(r["video_s"] for r in all_rows)
    print(
        f"pipeline speed {vid / secs:.2f}x real time over {vid:.0f} s of video; "
        f"benchmark wall time {time.perf_counter() - t_start:.0f} s"
    )
    if args.out:
        with open(os.path.join(out, "results.json"), "w") as fh:
            json.dump(all_rows, fh, indent=1, default=float)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
