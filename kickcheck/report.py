"""Report -> plain dict (the JSON document), CSV rows and terminal text (per-frame exports: ``export``).

Pure functions: writing files is the caller's job (``cli`` uses ``video.atomic_write_text``).
The JSON document's schema is ``kickcheck/report.schema.json``, generated from the typed models
in ``document.py``; bump ``SCHEMA_VERSION`` there on any incompatible change.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from typing import Any

from kickcheck import __version__
from kickcheck.document import SCHEMA_VERSION
from kickcheck.rules import verdict
from kickcheck.score import deduction_line
from kickcheck.sets import set_line
from kickcheck.types import LegComparison, LegSummary, Report, RepResult, SetResult, Trend


def _num(x: float, nd: int = 1) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), nd)


def _rep_dict(r: RepResult, set_of: dict[int, int] | None = None) -> dict[str, Any]:
    return {
        "index": r.rep.index,
        "start_s": _num(r.rep.start_s, 3),
        "top_s": _num(r.rep.top_s, 3),
        "end_s": _num(r.rep.end_s, 3),
        "start_frame": r.rep.start_frame,
        "top_frame": r.rep.top_frame,
        "end_frame": r.rep.end_frame,
        "hip_extension_deg": _num(r.hip_extension_deg),
        "range_of_motion_deg": _num(r.rom_deg),
        "knee_flexion_deg": _num(r.knee_flexion_deg),
        "knee_flexion_start_deg": _num(r.knee_flexion_start_deg),
        "lumbar_arch_deg": _num(r.lumbar_arch_deg),
        "lumbar_source": r.lumbar_source,
        "back_sag_change": _num(r.back_sag_change, 3),
        "tempo": {
            "up_s": _num(r.tempo.up_s, 2),
            "hold_s": _num(r.tempo.hold_s, 2),
            "down_s": _num(r.tempo.down_s, 2),
        },
        "scorable": r.scorable,
        "flags": [
            {
                "code": f.rule_id,
                "severity": f.severity,
                "value": _num(f.value, 2),
                "threshold": _num(f.threshold, 2),
                "message": f.message,
            }
            for f in r.findings
        ],
        "side": r.side,
        "set": (set_of or {}).get(r.rep.index),
        "score": _num(r.score, 1) if r.score is not None else None,
        "deductions": [
            {
                "code": d.code,
                "severity": d.severity,
                "points": _num(d.points, 1),
                "value": _num(d.value, 2),
                "threshold": _num(d.threshold, 2),
                "words": d.words,
            }
            for d in r.deductions
        ],
    }


def _trend_dict(t: Trend, nd: int) -> dict[str, Any]:
    return {
        "values": [_num(v, nd) for v in t.values],
        "slope_per_rep": _num(t.slope_per_rep, nd + 1),
        "first": _num(t.first, nd),
        "last": _num(t.last, nd),
        "change": _num(t.change, nd),
        "change_pct": _num(t.change_pct, 1),
        "spread": _num(t.spread, nd),
    }


def _set_dict(s: SetResult) -> dict[str, Any]:
    return {
        "index": s.index,
        "working_side": s.side,
        "facing": s.facing,
        "variant": s.variant,
        "reps": list(s.rep_indices),
        "rep_count": len(s.rep_indices),
        "start_s": _num(s.start_s, 3),
        "end_s": _num(s.end_s, 3),
        "split_by": s.split_by,
        "rest_before_s": _num(s.rest_before_s, 2),
        "score": _num(s.score, 1) if s.score is not None else None,
        "trends": {
            "top_hip_extension_deg": _trend_dict(s.top_hip_extension, 1),
            "range_of_motion_deg": _trend_dict(s.range_of_motion, 1),
            "hold_s": _trend_dict(s.hold, 2),
            "duration_s": _trend_dict(s.duration, 2),
        },
        "consistency": {
            "top_spread_deg": _num(s.top_hip_extension.spread, 1),
            "tempo_spread_pct": _num(s.tempo_spread_pct, 1),
        },
        "form_break": {
            "rep": s.break_rep,
            "opening_range_deg": _num(s.opening_range_deg, 1),
            "range_bar_deg": _num(s.range_bar_deg, 1),
            "range_drop_rep": s.range_drop_rep,
            "range_drop_pct": _num(s.range_drop_pct, 1),
            "fault_rep": s.fault_rep,
            "fault_codes": list(s.fault_codes),
            "fault_persists": s.fault_persists,
            "faults_from_start": s.faults_from_start,
        },
        "verdict": list(s.verdict),
        "notes": list(s.notes),
        "advice": s.advice,
    }


def leg_dict(leg: LegSummary) -> dict[str, Any]:
    """One leg's summary as the JSON's ``legs.left`` / ``legs.right`` (and a batch row's)."""
    return {
        "sets": leg.sets,
        "reps": leg.reps,
        "range_of_motion_deg": _num(leg.range_of_motion_deg, 1),
        "top_hip_extension_deg": _num(leg.top_hip_extension_deg, 1),
        "hold_s": _num(leg.hold_s, 2),
        "lumbar_arch_deg": _num(leg.lumbar_arch_deg, 1),
        "flags": dict(leg.flags),
        "score": _num(leg.score, 1) if leg.score is not None else None,
    }


def legs_dict(legs: LegComparison | None) -> dict[str, Any] | None:
    """The JSON's ``legs``: left against right (also the batch summary's)."""
    if legs is None:
        return None
    return {
        "left": leg_dict(legs.left),
        "right": leg_dict(legs.right),
        "asymmetry": [
            {
                "measure": a.measure,
                "left": _num(a.left, 2),
                "right": _num(a.right, 2),
                "difference": _num(a.difference, 2),
                "pct": _num(a.pct, 1),
                "lower": a.lower,
            }
            for a in legs.asymmetry
        ],
        "words": list(legs.words),
    }


def set_of_rep(report: Report) -> dict[int, int]:
    """Rep number -> the number of its set."""
    return {k: s.index for s in report.sets for k in s.rep_indices}


def flag_counts(report: Report) -> dict[str, int]:
    c: Counter[str] = Counter(f.rule_id for r in report.reps for f in r.findings)
    return dict(sorted(c.items()))


def verdict_lines(report: Report) -> list[str]:
    """The form to fix: one coaching line per rule that gave a warning or a fault (worded by the rule
    table, ``rules.Rule.verdict_line``): what to do, what was measured on which reps, and why."""
    return verdict(f for r in report.reps for f in r.findings)[0]


def note_lines(report: Report) -> list[str]:
    """Notes: one line per rule that gave only info findings (never called form to fix)."""
    return verdict(f for r in report.reps for f in r.findings)[1]


def to_dict(report: Report) -> dict[str, Any]:
    v, e = report.video, report.exercise
    return {
        "schema_version": SCHEMA_VERSION,
        "kickcheck_version": __version__,
        "video": {
            "path": v.path,
            "fps": _num(v.fps, 3),
            "frames": v.frame_count,
            "width": v.width,
            "height": v.height,
            "duration_s": _num(v.duration_s, 3),
            "rotation_deg": v.rotation_deg,
        },
        "exercise": {
            "is_kickback": e.is_kickback,
            "variant": e.variant,
            "style": e.style,
            "working_side": e.working_side,
            "facing": e.facing,
            "view": e.view,
            "reason": e.reason,
            "outcome": e.outcome,
            "view_yaw_deg": _num(e.view_yaw_deg, 1),
            "overruled": e.overruled or None,
        },
        "reps": [_rep_dict(r, set_of_rep(report)) for r in report.reps],
        "partial_reps": [
            {"start_s": _num(p.start_s, 3), "top_s": _num(p.top_s, 3), "end_s": _num(p.end_s, 3)}
            for p in report.partial_reps
        ],
        "sets": [_set_dict(s) for s in report.sets],
        "legs": legs_dict(report.legs),
        "summary": {
            "rep_count": report.rep_count,
            "partial_rep_count": len(report.partial_reps),
            "flag_counts": flag_counts(report),
            "verdict": verdict_lines(report),
            "notes": note_lines(report),
            "set_count": len(report.sets),
            "score": _num(report.score, 1) if report.score is not None else None,
        },
        "warnings": list(report.warnings),
    }


CSV_FIELDS = (
    "index",
    "start_s",
    "top_s",
    "end_s",
    "hip_extension_deg",
    "range_of_motion_deg",
    "knee_flexion_deg",
    "knee_flexion_start_deg",
    "lumbar_arch_deg",
    "back_sag_change",
    "up_s",
    "hold_s",
    "down_s",
    "flags",
    "side",
    "set",
    "score",
    "deductions",
)


def reps_csv(report: Report) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    set_of = set_of_rep(report)
    for r in report.reps:
        d = _rep_dict(r, set_of)
        w.writerow(
            {
                **{k: d[k] for k in CSV_FIELDS if k in d},
                **d["tempo"],
                "flags": ";".join(f"{f['code']}:{f['severity']}" for f in d["flags"]),
                "deductions": ";".join(f"{x['code']}:-{x['points']:g}" for x in d["deductions"]),
            }
        )
    return buf.getvalue()


def _deg(x: float, width: int) -> str:
    """An angle right-aligned in ``width`` characters plus "°", or "-" when it was not measured."""
    return f"{x:{width}.0f}°" if math.isfinite(x) else f"{'-':>{width}s} "


def _view(e) -> str:
    """The view in words, with the camera's estimated yaw: "side view (camera 8° to the front)"."""
    if e.view == "unknown" or not math.isfinite(e.view_yaw_deg):
        return f"{e.view} view"
    where = "front" if e.view_yaw_deg >= 0 else "back"
    return f"{e.view} view (camera {abs(e.view_yaw_deg):.0f}° toward the {where})"


def to_text(report: Report) -> str:
    v, e = report.video, report.exercise
    out = [
        f"{v.path}: {v.width}x{v.height}, {v.fps:.1f} fps, {v.duration_s:.1f} s"
        + (f", rotated {v.rotation_deg}°" if v.rotation_deg else "")
    ]
    for w in report.warnings:
        out.append(f"warning: {w}")
    if not e.is_kickback:
        out.append(e.reason[0].upper() + e.reason[1:] + ".")
        if e.outcome == "cannot_tell":
            out.append(f"Seen: {_view(e)}. Film from the side, the phone level with the hips.")
        return "\n".join(out) + "\n"
    sides = [st.side for st in report.sets]
    both = len(set(sides)) > 1
    out.append(
        f"Exercise: glute kickback, {e.variant} variant"
        + (f" ({e.style.replace('_', ' ')})" if e.style else "")
        + f", working side {e.working_side}"
        + (f" (sets: {', '.join(sides)})" if both else "")
        + f", facing {e.facing}, {_view(e)}"
    )
    if not report.reps:
        out.append("No complete reps found.")
    else:
        # past_hip: the landmark lumbar measure (degrees past the hip's own range), not a spine angle
        out.append(" rep  leg   top_s  hip_ext  knee_flex  past_hip  up/hold/down s  score  flags")
    for r in report.reps:
        flags = ", ".join(f"{f.rule_id}({f.severity})" for f in r.findings) or "ok"
        arch = _deg(r.lumbar_arch_deg, 7)
        leg = (r.side or "?")[0].upper()
        score = f"{r.score:5.0f}" if r.score is not None else f"{'-':>5s}"
        out.append(
            f"{r.rep.index:4d}  {leg:3s} {r.rep.top_s:7.2f} {_deg(r.hip_extension_deg, 7)} {_deg(r.knee_flexion_deg, 9)}"
            f" {arch}  {r.tempo.up_s:4.1f}/{r.tempo.hold_s:4.1f}/{r.tempo.down_s:4.1f}  {score}  {flags}"
        )
    if report.partial_reps:
        out.append(
            f"({len(report.partial_reps)} partial rep(s) at the clip's edges or cuts, not counted)"
        )
    for st in report.sets:
        out.extend(set_text(st))
    if report.legs is not None:
        out.append("Left vs right:")
        out.extend(f"  {line}" for line in report.legs.words)
    out.extend(score_text(report))
    fix, notes = verdict(f for r in report.reps for f in r.findings)
    reps = f"{report.rep_count} rep" + ("" if report.rep_count == 1 else "s")
    if len(report.sets) > 1:
        reps += f" in {len(report.sets)} sets"
    out.append(f"Verdict: {reps}; " + ("form to fix:" if fix else "good form."))
    out.extend(f"  - {line}" for line in fix)
    if notes:
        out.append("Notes:")
        out.extend(f"  - {line}" for line in notes)
    return "\n".join(out) + "\n"


def _signed(x: float, nd: int) -> str:
    """``x`` with its sign, never "-0"."""
    return f"{round(x, nd) + 0.0:+.{nd}f}"


def _change(t: Trend, unit: str, nd: int = 0) -> str:
    """ "99° → 80° (-19 %, -2.7° per rep)": a trend's first and last means, its change and slope."""
    if not (math.isfinite(t.first) and math.isfinite(t.last)) or len(t.values) <= 1:
        v = t.first
        return f"{v:.{nd}f}{unit}" if math.isfinite(v) else "–"
    parts = []
    if math.isfinite(t.change_pct):
        parts.append(f"{_signed(t.change_pct, 0)} %")
    if math.isfinite(t.slope_per_rep):
        parts.append(f"{_signed(t.slope_per_rep, nd + 1)}{unit} per rep")
    tail = f" ({', '.join(parts)})" if parts else ""
    return f"{t.first:.{nd}f}{unit} → {t.last:.{nd}f}{unit}{tail}"


def set_lines(st: SetResult) -> list[str]:
    """A set's trends and consistency in words (the text report and the page): each measure's mean
    over the opening reps → over as many closing reps (change, least-squares slope per rep)."""
    top = st.top_hip_extension
    spread = f"; spread ±{top.spread:.0f}°" if math.isfinite(top.spread) else ""
    tempo_spread = (
        f"; spread {st.tempo_spread_pct:.0f} %" if math.isfinite(st.tempo_spread_pct) else ""
    )
    return [
        f"range of motion {_change(st.range_of_motion, '°')}",
        f"top hip extension {_change(top, '°')}{spread}",
        f"rep duration {_change(st.duration, ' s', 1)}{tempo_spread}",
        f"hold at the top {_change(st.hold, ' s', 2)}",
    ]


def set_text(st: SetResult) -> list[str]:
    score = f"score {st.score:.0f}. " if st.score is not None else ""
    return [
        set_line(st),
        *(f"  {line}" for line in set_lines(st)),
        f"  {score}{st.advice}",
    ]


def score_text(report: Report) -> list[str]:
    """The clip's score, each leg's, and every point lost, rep by rep."""
    if report.score is None:
        return []
    legs = ""
    if report.legs is not None:
        lf, rt = report.legs.left.score, report.legs.right.score
        legs = (
            " ("
            + ", ".join(
                f"{name} {v:.0f}" for name, v in (("left", lf), ("right", rt)) if v is not None
            )
            + ")"
        )
    lost = [(r.rep.index, d) for r in report.reps for d in r.deductions]
    out = [f"Form score: {report.score:.0f}/100{legs}" + ("; points lost:" if lost else ".")]
    out.extend(f"  rep {k}: {deduction_line(d)}" for k, d in lost)
    return out
