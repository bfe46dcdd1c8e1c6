"""The report page: one self-contained HTML file per clip (``kickcheck VIDEO --html PATH``).

The page is a Jinja2 template (``templates/report.html.j2``, autoescape on: a file name or any
other text can never become markup) filled from the report alone:

- the verdict: exercise, variant, working side, view, reps counted, the form score, and each rule
  that fired with the reps where it did and the findings' own messages; for a clip that is not a
  kickback, the gate's reason and the measured values it decided on (``exercise.decided_by``);
- the sets (trends, where form broke, what to do) and left against right (``report.sets``,
  ``report.legs``);
- the table of reps, the curves over time and the per-rep peaks (``plots``);
- evidence: the frame at the top of each rep, re-read from the video with ``video.FrameReader``
  and drawn with ``overlay.draw_frame`` (skeleton, angles, the rep's flags).

Images are inline base64 PNG and there is no script, stylesheet or font from elsewhere: the page
can be mailed or opened offline.
"""

from __future__ import annotations

import base64
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from kickcheck import __version__
from kickcheck.rules import RULES_BY_CODE, rep_ranges
from kickcheck.score import deduction_line
from kickcheck.sets import LEG_MEASURES, set_line
from kickcheck.types import Finding, LegComparison, Report, RepResult, SetResult

__all__ = ["EVIDENCE_MAX_SIDE", "evidence_frames", "render_page", "write_page"]

#: Long side of the evidence stills in pixels (keeps the page small enough to mail).
EVIDENCE_MAX_SIDE = 640

_SEVERITY_RANK = {"ok": 0, "info": 1, "warning": 2, "fault": 3}

#: Plain words for the gate's evidence (``gate.gate_features``), shown beside a rejection.
EVIDENCE_WORDS: dict[str, tuple[str, str]] = {
    "detected_frac": ("frames with a person found", "{:.0%}"),
    "hip_rom_deg": ("working hip's range of motion", "{:.0f}°"),
    "hip_top_deg": ("working hip's extension at the tops (past the trunk line)", "{:.0f}°"),
    "hip_rom3_deg": (
        "working hip's range of motion in the body's plane of a kick (3-D)",
        "{:.0f}°",
    ),
    "hip_top3_deg": ("working hip's extension at the tops (past the trunk line; 3-D)", "{:.0f}°"),
    "hip_top_height_deg": (
        "working thigh's height at the tops against the trunk line (3-D)",
        "{:.0f}°",
    ),
    "hip_abd_rom3_deg": ("thigh's sideways swing (abduction; 3-D)", "{:.0f}°"),
    "view_yaw_deg": ("camera angle off the side view (+ front, − back)", "{:+.0f}°"),
    "hand_rise": (
        "how far a hand rose toward the shoulders with the kick (trunk lengths; 3-D)",
        "{:.2f}",
    ),
    "arm_rise3_deg": ("arm's rise with the kick (angle to the trunk; 3-D)", "{:+.0f}°"),
    "thigh_line_gap3_deg": ("working thigh's closest approach to the trunk line (3-D)", "{:.0f}°"),
    "top_split_deg": ("how far the working thigh got behind the other one at the tops", "{:.0f}°"),
    "top_split3_deg": (
        "how far the working thigh got behind the other one at the tops (3-D)",
        "{:.0f}°",
    ),
    "other_hip_rom_deg": ("other hip's range of motion", "{:.0f}°"),
    "other_leg_follow": (
        "how far the other hip followed the working one (0 still, 1 together)",
        "{:.2f}",
    ),
    "trunk_follow": ("how far the trunk tipped with the kick (0 still, 1 with the leg)", "{:.2f}"),
    "side_lying3": (
        "how far the shoulders and hips were stacked one above the other (0 level, 1 stacked; 3-D)",
        "{:.2f}",
    ),
    "hand_forward": (
        "how far a hand moved forward along the body with the kick (trunk lengths)",
        "{:.2f}",
    ),
    "trunk_range_ratio": (
        "how far the trunk tipped, over the hip's range (0 still, 1 as far as the hip)",
        "{:.2f}",
    ),
    "trunk_pitch_deg": ("trunk pitch (0 horizontal, 90 upright)", "{:.0f}°"),
    "trunk_to_floor_deg": (
        "trunk pitch against the line from the support knee to the hands (0 along it)",
        "{:.0f}°",
    ),
    "trunk_rom_deg": ("trunk's range of motion", "{:.0f}°"),
    "thigh_rom_deg": ("working thigh's range of motion", "{:.0f}°"),
    "knee_rom_deg": ("working knee's range of motion", "{:.0f}°"),
    "elbow_rom_deg": ("elbows' range of motion", "{:.0f}°"),
    "arm_rom_deg": ("arms' range of motion at the shoulder", "{:.0f}°"),
    "arm_reach_top_deg": ("arm reach at the tops (shoulder flexion)", "{:.0f}°"),
    "arm_rise_deg": ("arm's rise with the kick (shoulder flexion, image)", "{:+.0f}°"),
    "thigh_turn_deg": ("working thigh's turn in the image with the kick", "{:+.0f}°"),
    "shank_turn_deg": ("working lower leg's turn in the image with the kick", "{:+.0f}°"),
    "knee_open3_deg": ("working knee's opening with the kick (3-D)", "{:+.0f}°"),
    "thigh_shortening": ("working thigh's shortening in the image at the tops", "{:.0%}"),
    "support_knee_flex_deg": ("support knee's bend", "{:.0f}°"),
    "support_knee_flex3_deg": ("support knee's bend (3-D)", "{:.0f}°"),
    "support_knee_rom_deg": (
        "how far the support knee bent and straightened (10th to 90th percentile)",
        "{:.0f}°",
    ),
    "support_thigh_pitch_deg": ("support thigh's tilt from vertical", "{:.0f}°"),
    "support_knee_drop": ("support knee below the hip (trunk lengths)", "{:.2f}"),
    "support_ankle_drop": ("support ankle below the hip (trunk lengths)", "{:.2f}"),
    "hand_drop": ("hands below the shoulders (trunk lengths)", "{:.2f}"),
    "face_up": ("nose above the ears (trunk lengths; positive: face up)", "{:.2f}"),
    "shoulder_width_ratio": ("shoulder width / trunk length (small: side view)", "{:.2f}"),
    "right_leg_share_at_tops": ("share of the tops where the right leg kicked", "{:.0%}"),
}


@dataclass(frozen=True)
class _Fault:
    rule_id: str
    severity: str  #: the worst among its findings
    where: str  #: "rep 2" / "reps 1, 3–5"
    why: str
    findings: tuple[tuple[int, Finding], ...]  #: (rep number, finding), in rep order


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _deg(x: float, nd: int = 0) -> str:
    return f"{x:.{nd}f}°" if math.isfinite(x) else "–"


def _num(x: float, nd: int = 2) -> str:
    return f"{x:+.{nd}f}" if math.isfinite(x) else "–"


def _why(code: str) -> str:
    """Why a rule matters, in the rule table's words."""
    row = RULES_BY_CODE.get(code)
    return row.why if row else ""


def _worst(findings: Iterable[Finding]) -> str:
    return max((f.severity for f in findings), key=_SEVERITY_RANK.__getitem__, default="ok")


def _groups(report: Report, severities: tuple[str, ...]) -> list[_Fault]:
    """The findings of the given severities, grouped by rule in order of first appearance."""
    by_rule: dict[str, list[tuple[int, Finding]]] = {}
    for r in report.reps:
        for f in r.findings:
            if f.severity in severities:
                by_rule.setdefault(f.rule_id, []).append((r.rep.index, f))
    out = []
    for rule, items in by_rule.items():
        idx = [i for i, _ in items]
        where = f"rep {idx[0]}" if len(idx) == 1 else f"reps {rep_ranges(idx)}"
        out.append(_Fault(rule, _worst(f for _, f in items), where, _why(rule), tuple(items)))
    return out


def _rep_row(r: RepResult, set_of: dict[int, int] | None = None) -> dict[str, Any]:
    return {
        "index": r.rep.index,
        "leg": r.side or "",
        "set": (set_of or {}).get(r.rep.index, ""),
        "score": f"{r.score:.0f}" if r.score is not None else "–",
        "deductions": [deduction_line(d) for d in r.deductions],
        "top_s": f"{r.rep.top_s:.2f}",
        "span": f"{r.rep.start_s:.2f}–{r.rep.end_s:.2f}",
        "hip": _deg(r.hip_extension_deg),
        "rom": _deg(r.rom_deg),
        "knee": _deg(r.knee_flexion_deg),
        "knee_start": _deg(r.knee_flexion_start_deg),
        "arch": _deg(r.lumbar_arch_deg),
        "sag": _num(r.back_sag_change, 3),
        "tempo": f"{r.tempo.up_s:.1f} / {r.tempo.hold_s:.1f} / {r.tempo.down_s:.1f}",
        "scorable": r.scorable,
        "severity": _worst(r.findings),
        "flags": [
            {"code": f.rule_id, "severity": f.severity, "message": f.message} for f in r.findings
        ],
    }


def _set_card(st: SetResult) -> dict[str, Any]:
    from kickcheck.report import set_lines

    if st.break_rep is not None:
        severity = "fault" if st.fault_rep == st.break_rep else "warning"
    elif st.faults_from_start or st.verdict:
        severity = "warning"
    else:
        severity = "ok"
    return {
        "index": st.index,
        "title": set_line(st),
        "side": st.side,
        "severity": severity,
        "score": f"{st.score:.0f}" if st.score is not None else "–",
        "break_rep": st.break_rep or "",
        "lines": set_lines(st),
        "advice": st.advice,
        "verdict": list(st.verdict),
    }


def _legs_rows(legs: LegComparison | None) -> list[dict[str, str]]:
    if legs is None:
        return []
    rows = []
    for a in legs.asymmetry:
        words, unit, _ = LEG_MEASURES[a.measure]
        nd = 2 if unit == " s" else 0

        def fmt(v: float, unit: str = unit, nd: int = nd) -> str:
            return f"{v:.{nd}f}{unit}" if math.isfinite(v) else "–"

        if math.isfinite(a.pct):
            asym = f"{a.pct:.0f} %" + (f" ({a.lower} lower)" if a.lower and a.pct >= 0.5 else "")
        elif a.lower is not None:
            asym = f"{abs(a.difference):.{nd}f}{unit} ({a.lower} lower)"
        else:
            asym = "–"
        rows.append({"measure": words, "left": fmt(a.left), "right": fmt(a.right), "asym": asym})

    def flagged(flags: tuple[tuple[str, int], ...]) -> str:
        return ", ".join(f"{code} ×{n}" for code, n in flags) or "none"

    rows.append(
        {
            "measure": "reps with form to fix",
            "left": flagged(legs.left.flags),
            "right": flagged(legs.right.flags),
            "asym": "",
        }
    )
    rows.append(
        {
            "measure": "reps (sets)",
            "left": f"{legs.left.reps} ({legs.left.sets})",
            "right": f"{legs.right.reps} ({legs.right.sets})",
            "asym": "",
        }
    )
    return rows


def _evidence_rows(report: Report) -> list[dict[str, str]]:
    ev = report.exercise.evidence
    rows = []
    for key in report.exercise.decided_by:
        if key not in ev:
            continue
        label, fmt = EVIDENCE_WORDS.get(key, (key.replace("_", " "), "{:.2f}"))
        v = float(ev[key]) + 0.0  # no "-0"
        rows.append(
            {"key": key, "label": label, "value": fmt.format(v) if math.isfinite(v) else "–"}
        )
    return rows


def evidence_frames(
    video_path: str | os.PathLike[str], report: Report, max_side: int = EVIDENCE_MAX_SIDE
) -> dict[int, bytes]:
    """PNG of the frame at the top of each counted rep with the overlay drawn on it, keyed by rep
    number. The video is decoded once, up to the last top (kickcheck's own ``FrameReader``)."""
    import cv2

    from kickcheck.overlay import draw_frame
    from kickcheck.video import FrameReader

    want = {r.rep.top_frame: r.rep.index for r in report.reps}
    if not want:
        return {}
    last = max(want)
    out: dict[int, bytes] = {}
    for frame in FrameReader(video_path, max_side=max_side):
        if frame.index in want:
            img = draw_frame(frame.image_bgr, frame.index, report)
            ok, buf = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, 9])
            if ok:
                out[want[frame.index]] = np.asarray(buf).tobytes()
        if frame.index >= last:
            break
    return out


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("kickcheck", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(report: Report, frames: dict[int, bytes] | None = None) -> str:
    """The HTML page for ``report``; ``frames`` are the evidence stills (``evidence_frames``)."""
    from kickcheck.plots import curves_figure, peaks_figure, png_bytes, sets_figure
    from kickcheck.report import set_of_rep

    v, e = report.video, report.exercise
    frames = frames or {}
    charts = [
        {
            "title": "Measures over time",
            "alt": "hip extension, knee flexion and the lumbar measures over time, reps shaded",
            "src": _data_uri(png_bytes(curves_figure(report))),
        }
    ]
    if report.reps:
        charts.append(
            {
                "title": "Per rep, at the top",
                "alt": "peak values per rep",
                "src": _data_uri(png_bytes(peaks_figure(report))),
            }
        )
        charts.append(
            {
                "title": "Sets: the range of motion and the form score per rep",
                "alt": "range of motion per rep with each set's trend and its clear-drop line, "
                "and each rep's form score",
                "src": _data_uri(png_bytes(sets_figure(report))),
            }
        )
    stills = []
    for r in report.reps:
        png = frames.get(r.rep.index)
        if png is None:
            continue
        stills.append(
            {
                "index": r.rep.index,
                "top_s": f"{r.rep.top_s:.2f}",
                "severity": _worst(r.findings),
                "flags": [f"{f.severity}: {f.rule_id}" for f in r.findings],
                "src": _data_uri(png),
            }
        )
    reason = e.reason[:1].upper() + e.reason[1:] if e.reason else ""
    ctx = {
        "version": __version__,
        "name": os.path.basename(v.path) or v.path,
        "video": {
            "path": v.path,
            "size": f"{v.width}×{v.height}",
            "fps": f"{v.fps:.1f}",
            "duration": f"{v.duration_s:.1f}",
            "rotation": v.rotation_deg,
        },
        "ex": {
            "is_kickback": e.is_kickback,
            "variant": e.variant or "",
            "style": (e.style or "").replace("_", " "),
            "side": e.working_side or "",
            "facing": e.facing or "",
            "view": e.view,
            "reason": reason,
        },
        "rep_count": report.rep_count,
        "partial_count": len(report.partial_reps),
        "faults": _groups(report, ("fault", "warning")),
        "notes": _groups(report, ("info",)),
        "reps": [_rep_row(r, set_of_rep(report)) for r in report.reps],
        "sets": [_set_card(st) for st in report.sets],
        "legs": _legs_rows(report.legs),
        "score": f"{report.score:.0f}" if report.score is not None else "",
        "leg_scores": _leg_scores(report),
        "evidence_rows": _evidence_rows(report),
        "charts": charts,
        "stills": stills,
        "warnings": list(report.warnings),
    }
    return _environment().get_template("report.html.j2").render(**ctx)


def _leg_scores(report: Report) -> str:
    legs = report.legs
    if legs is None:
        return ""
    return ", ".join(
        f"{leg.side} {leg.score:.0f}" for leg in (legs.left, legs.right) if leg.score is not None
    )


def write_page(
    video_path: str | os.PathLike[str], report: Report, out_path: str | os.PathLike[str]
) -> None:
    """Render the page for ``report`` (re-reading the rep tops from ``video_path``) and write it
    to ``out_path`` atomically. Raises ``OutputError`` when it cannot be written."""
    from kickcheck.video import atomic_write_text

    html = render_page(report, evidence_frames(video_path, report))
    atomic_write_text(out_path, html)
