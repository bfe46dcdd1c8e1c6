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
from kickcheck.types import Report, RepResult


def _num(x: float, nd: int = 1) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), nd)


def _rep_dict(r: RepResult) -> dict[str, Any]:
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
    }


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
        },
        "reps": [_rep_dict(r) for r in report.reps],
        "partial_reps": [
            {"start_s": _num(p.start_s, 3), "top_s": _num(p.top_s, 3), "end_s": _num(p.end_s, 3)}
            for p in report.partial_reps
        ],
        "summary": {
            "rep_count": report.rep_count,
            "partial_rep_count": len(report.partial_reps),
            "flag_counts": flag_counts(report),
            "verdict": verdict_lines(report),
            "notes": note_lines(report),
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
)


def reps_csv(report: Report) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    for r in report.reps:
        d = _rep_dict(r)
        w.writerow(
            {
                **{k: d[k] for k in CSV_FIELDS if k in d},
                **d["tempo"],
                "flags": ";".join(f"{f['code']}:{f['severity']}" for f in d["flags"]),
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
    out.append(
        f"Exercise: glute kickback, {e.variant} variant"
        + (f" ({e.style.replace('_', ' ')})" if e.style else "")
        + f", working side {e.working_side}, "
        f"facing {e.facing}, {_view(e)}"
    )
    if not report.reps:
        out.append("No complete reps found.")
    else:
        # past_hip: the landmark lumbar measure (degrees past the hip's own range), not a spine angle
        out.append(" rep   top_s  hip_ext  knee_flex  past_hip  up/hold/down s  flags")
    for r in report.reps:
        flags = ", ".join(f"{f.rule_id}({f.severity})" for f in r.findings) or "ok"
        arch = _deg(r.lumbar_arch_deg, 7)
        out.append(
            f"{r.rep.index:4d} {r.rep.top_s:7.2f} {_deg(r.hip_extension_deg, 7)} {_deg(r.knee_flexion_deg, 9)}"
            f" {arch}  {r.tempo.up_s:4.1f}/{r.tempo.hold_s:4.1f}/{r.tempo.down_s:4.1f}  {flags}"
        )
    if report.partial_reps:
        out.append(
            f"({len(report.partial_reps)} partial rep(s) at the clip's edges or cuts, not counted)"
        )
    fix, notes = verdict(f for r in report.reps for f in r.findings)
    reps = f"{report.rep_count} rep" + ("" if report.rep_count == 1 else "s")
    out.append(f"Verdict: {reps}; " + ("form to fix:" if fix else "good form."))
    out.extend(f"  - {line}" for line in fix)
    if notes:
        out.append("Notes:")
        out.extend(f"  - {line}" for line in notes)
    return "\n".join(out) + "\n"
