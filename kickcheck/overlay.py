"""Annotated overlay: the report drawn onto the video's own frames.

Pure drawing on a frame (``draw_frame``), plus one thin writer (``write_overlay``) that decodes the
clip again and encodes the annotated frames through ``video.VideoSink``. Everything drawn comes from
the report (``report.pose``, ``report.track``, ``report.reps``, ``report.rules``); the words come
from the rule table (``rules.py``).

What a frame shows:

- **Header bar** (always, also on frames with no person): the rep counter ("rep 2/5": the latest
  counted rep that has started), the phase of the current rep ("up", "top", "down"; "rest" between
  reps) and the working leg. While a rep is on screen (from its start to its end) and for
  ``FLAG_HOLD_S`` after it (or until the next rep starts), a second line lists its findings in
  plain words, coloured by severity (fault red, warning amber, info blue), and a stripe under the
  header takes the worst colour (green for a rep without faults or warnings). A clip that is not a
  kickback shows "not a kickback" (or "cannot tell") and the gate's reason instead.
- **The body part at fault** (frames of a flagged rep, from its start to its end, strongest over
  the hold at the top): a rule whose row ``marks`` the trunk (an arched lower back) gets a band
  along the shoulder-hip line, thickest over the lower back, and an arc bowed toward the belly; one
  that marks the knee (opened or locked) gets a ring around the working knee. Colour: the finding's
  severity.
- **Skeleton** (frames with a person): ``SKELETON_EDGES`` with the working leg highlighted and the
  other side of the body dimmer; the working hip's extension and knee's flexion (``report.track``)
  as numbers beside those joints, each placed where it covers the fewest limbs (and kept where it
  was on the frame drawn just before, until a limb comes, so that it does not hop about).
- **Curve strip** (frames with a person, kickbacks only): the working hip's extension over the
  whole clip, with a degree scale, the hip-extension limit the reps were judged against
  (``report.rules``) dashed, the rep tops marked and numbered in their severity colour, and a
  cursor at the current time.
- **Summary card** over the last ``CARD_S`` seconds: the reps (and sets) counted and the form
  score, each set's score and the rep where its form broke, each rule that fired with its reps,
  left against right (when both legs kicked), and the one cue that matters most (the most severe,
  then most frequent, finding's); for a clip that is not a kickback, the reason.

Placement: the header and the strip go where the body is not. Where the skeleton lies over the
whole clip is rasterised once; each image size then picks, among a few placements (header at the
top or bottom, full width or compact in a corner; strip full width, shorter or half width), the one
covering the least of the body.

Coordinates: landmarks are in pixels of the upright frame at ``report.pose.width/height`` (the
``VideoInfo`` size). An image of another size (a downscaled frame) is drawn on with the landmarks
scaled to it. Line widths and fonts scale with the image's shorter side (``_Style``), so the same
overlay reads from 360p to 4K.
"""

from __future__ import annotations

import math
import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from kickcheck.draw import (
    DEG as _DEG,
)
from kickcheck.draw import (
    PANEL_BGR as _PANEL_BGR,
)
from kickcheck.draw import (
    Box,
    _darken,
    _fit_scale,
    _overlaps,
    _pt,
    _text,
    _text_h,
    _text_w,
    _wrap,
)
from kickcheck.draw import (
    Style as _Style,
)
from kickcheck.landmarks import SKELETON_EDGES, SWAP_LR
from kickcheck.landmarks import Landmark as L
from kickcheck.rules import RULES, TO_FIX, rep_ranges, rule
from kickcheck.types import Finding, LegComparison, Report, SetResult

__all__ = ["CARD_S", "FLAG_HOLD_S", "SEVERITY_BGR", "draw_frame", "overlay_data", "write_overlay"]

ProgressFn = Callable[[int], None]

#: How long a rep's findings stay on screen after the rep ends (cut short by the next rep).
FLAG_HOLD_S = 1.0
#: The summary card covers the last this many seconds of the clip.
CARD_S = 1.0
#: A fault marker's strength at the rep's start and end (1.0 over the hold at the top).
MARK_EDGE = 0.35

#: BGR colours. Severity colours are shared by the header stripe, flag text, body markers, the
#: summary card and the strip's marks.
SEVERITY_BGR: dict[str, tuple[int, int, int]] = {
    "fault": (40, 40, 235),  # red
    "warning": (0, 175, 255),  # amber
    "info": (235, 180, 90),  # light blue
    "ok": (80, 200, 80),  # green
}
_SEVERITY_RANK = {"ok": 0, "info": 1, "warning": 2, "fault": 3}
_RANK_SEVERITY = {v: k for k, v in _SEVERITY_RANK.items()}
_WORKING_BGR = (255, 220, 0)  # cyan: the working leg
_BODY_BGR = (235, 235, 235)  # the near side and the centre line
_DIM_BGR = (150, 150, 150)  # the other side
_NEUTRAL_BGR = (210, 210, 210)  # skeleton when the clip is not a kickback
_TEXT_BGR = (255, 255, 255)
_SCALE_BGR = (170, 170, 170)  # the strip's scale
_LIMIT_BGR = (120, 150, 255)  # the strip's limit line (a light red)
_CARD_ALPHA = 0.86  #: opacity of the summary card's background

_LEG_JOINTS = ("HIP", "KNEE", "ANKLE", "HEEL", "FOOT_INDEX")


# ----------------------------------------------------------------------------------------------
# What to draw, computed once per report
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RepSpan:
    number: int  #: 1-based rep number
    start: int
    top_lo: int  #: first frame of the top (hold) phase
    top_hi: int  #: last frame of the top phase
    end: int
    flags_until: int  #: last frame on which this rep's findings are shown
    top: int
    severity: str  #: worst of "ok", "info", "warning", "fault"
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class _CardLine:
    text: str
    color: tuple[int, int, int]
    big: bool = False


@dataclass(frozen=True)
class _Layout:
    """Where the header and the strip go on one image size."""

    header_top: bool  #: the header hangs from the top edge (else it stands on the bottom edge)
    header_x: tuple[int, int]  #: its horizontal extent
    strip: Box  #: the curve strip's box


@dataclass(frozen=True)
class OverlayData:
    """Per-frame arrays derived from a report (see ``overlay_data``)."""

    n_frames: int
    size_wh: tuple[int, int]  #: the pixel grid the landmarks are in
    is_kickback: bool
    title: str  #: "not a kickback" / "cannot tell" (clips that are not kickbacks)
    reason: str
    side_label: str
    facing: str | None  #: where the person's front points in the image ("left"/"right")
    xy: np.ndarray  #: float32 [T,33,2]; NaN rows where no person
    detected: np.ndarray  #: bool [T]
    right: np.ndarray  #: bool [T]: the working leg is the right one
    hip_ext_deg: np.ndarray  #: float64 [T], working leg (NaN where unmeasured)
    knee_flex_deg: np.ndarray  #: float64 [T], working leg
    hip_limit_deg: float  #: the hip-extension limit of the rules in use (NaN: none)
    t_s: np.ndarray  #: float64 [T]
    reps: tuple[_RepSpan, ...]
    rep_of_frame: np.ndarray  #: int [T]: index into ``reps`` of the rep containing the frame, -1
    flag_rep_of_frame: np.ndarray  #: int [T]: rep whose findings are on screen, -1
    started: np.ndarray  #: int [T]: how many reps have started by this frame
    #: body markers per frame: {"trunk"/"knee": (severity rank int8 [T], strength float32 [T])}
    marks: dict[str, tuple[np.ndarray, np.ndarray]]
    card_from: int  #: first frame of the summary card
    card: tuple[_CardLine, ...]
    #: the header's right-hand words per frame: the working leg, and the set when there are
    #: several ("set 2 | left leg"); the set of the rep last started (the first set before it)
    set_label_of_frame: tuple[str, ...]
    occupancy: np.ndarray  #: float32 [gh, gw]: share of frames the body covers each cell
    _cache: dict[object, object] = field(default_factory=dict, compare=False, repr=False)


def _frame_at(t_s: np.ndarray, t: float) -> int:
    return int(np.clip(np.searchsorted(t_s, t, side="right") - 1, 0, len(t_s) - 1))


def _worst(findings: tuple[Finding, ...] | list[Finding]) -> str:
    return max((f.severity for f in findings), key=_SEVERITY_RANK.__getitem__, default="ok")


def _rep_spans(report: Report, t_s: np.ndarray) -> list[_RepSpan]:
    n = len(t_s)
    rep_results = list(report.reps) if report.exercise.is_kickback else []
    spans = []
    for k, r in enumerate(rep_results):
        rep = r.rep
        s, e = rep.start_frame, rep.end_frame
        if n:
            t0 = t_s[min(s, n - 1)]
            top_lo = _frame_at(t_s, t0 + r.tempo.up_s + 1e-6)
            top_hi = _frame_at(t_s, t0 + r.tempo.up_s + r.tempo.hold_s + 1e-6)
            until = _frame_at(t_s, t_s[min(e, n - 1)] + FLAG_HOLD_S)
        else:
            top_lo = top_hi = rep.top_frame
            until = e
        if k + 1 < len(rep_results):
            until = min(until, rep_results[k + 1].rep.start_frame - 1)
        spans.append(
            _RepSpan(
                rep.index,
                s,
                max(s, top_lo),
                min(e, max(top_lo, top_hi)),
                e,
                max(e, until),
                rep.top_frame,
                _worst(r.findings),
                r.findings,
            )
        )
    return spans


def _marks(spans: list[_RepSpan], n: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per body part: the worst severity rank marked on each frame and the marker's strength
    (``MARK_EDGE`` at a flagged rep's start and end, rising to 1 over its hold)."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for sp in spans:
        for f in sp.findings:
            part = rule(f.rule_id).marks
            if not part or f.severity not in TO_FIX:
                continue
            rank, strength = out.setdefault(part, (np.zeros(n, np.int8), np.zeros(n, np.float32)))
            i = np.arange(max(0, sp.start), min(n, sp.end + 1))
            w = np.ones(len(i), np.float32)
            up, down = i < sp.top_lo, i > sp.top_hi
            w[up] = MARK_EDGE + (1 - MARK_EDGE) * (i[up] - sp.start) / max(1, sp.top_lo - sp.start)
            w[down] = MARK_EDGE + (1 - MARK_EDGE) * (sp.end - i[down]) / max(1, sp.end - sp.top_hi)
            r = _SEVERITY_RANK[f.severity]
            take = r >= rank[i]
            rank[i[take]] = r
            strength[i[take]] = np.maximum(strength[i[take]], w[take])
    return out


def _set_card_line(st: SetResult, several: bool) -> _CardLine:
    """ "set 2 (left, 6 reps): 95/100, form broke at rep 5", in the colour of the set."""
    head = f"set {st.index} ({st.side}, {len(st.rep_indices)} reps): " if several else "set: "
    score = f"{st.score:.0f}/100" if st.score is not None else "not scored"
    if st.break_rep is not None:
        sev = "fault" if st.fault_rep == st.break_rep else "warning"
        tail = f", form broke at rep {st.break_rep}"
    elif st.faults_from_start:
        sev, tail = "warning", ", form to fix from its first rep"
    else:
        sev, tail = "ok", ", range and form held"
    return _CardLine(head + score + tail, SEVERITY_BGR[sev])


def _legs_card_line(legs: LegComparison) -> _CardLine:
    """ "left vs right: range 89 vs 93 deg (left 4 % lower), score 100 vs 95"."""
    rom = next(a for a in legs.asymmetry if a.measure == "range_of_motion_deg")
    text = f"left vs right: range {rom.left:.0f}{_DEG} vs {rom.right:.0f}{_DEG}"
    if math.isfinite(rom.pct) and rom.lower is not None and round(rom.pct) >= 1:
        text += f" ({rom.lower} {rom.pct:.0f} % lower)"
    lf, rt = legs.left.score, legs.right.score
    if lf is not None and rt is not None:
        text += f", score {lf:.0f} vs {rt:.0f}"
    return _CardLine(text, _TEXT_BGR)


def _card(report: Report, spans: list[_RepSpan]) -> tuple[_CardLine, ...]:
    """The summary card's lines: the reps (and sets, and the form score), each set's score and
    where its form broke, each rule that fired with its reps (table order), left against right,
    and the cue of the most severe, then most frequent, rule (table order breaks ties)."""
    ex = report.exercise
    if not ex.is_kickback:
        outcome = getattr(ex, "outcome", "not_kickback")
        title = "cannot tell" if outcome == "cannot_tell" else "not a kickback"
        reason = ex.reason[:1].upper() + ex.reason[1:] if ex.reason else "no kickbacks found"
        return (_CardLine(title, SEVERITY_BGR["warning"], True), _CardLine(reason, _TEXT_BGR))
    n = len(spans)
    head = f"{n} rep{'s' if n != 1 else ''}"
    if len(report.sets) > 1:
        head += f" in {len(report.sets)} sets"
    if report.score is not None:
        head += f" | form score {report.score:.0f}/100"
    lines = [_CardLine(head, _TEXT_BGR, True)]
    several = len(report.sets) > 1
    lines.extend(_set_card_line(st, several) for st in report.sets)
    by_rule: dict[str, list[tuple[int, Finding]]] = {}
    for sp in spans:
        for f in sp.findings:
            by_rule.setdefault(f.rule_id, []).append((sp.number, f))
    ranked = []
    for order, row in enumerate(RULES):
        items = by_rule.get(row.code)
        if not items:
            continue
        sev = _worst([f for _, f in items])
        idx = [k for k, _ in items]
        where = f"rep {idx[0]}" if len(idx) == 1 else f"reps {rep_ranges(idx)}"
        lines.append(_CardLine(f"{sev}: {row.title} ({where})", SEVERITY_BGR[sev]))
        ranked.append(((_SEVERITY_RANK[sev], len(items), -order), row.cue, sev))
    if not any(sev in TO_FIX for *_, sev in ranked):
        lines.insert(1, _CardLine("no form faults", SEVERITY_BGR["ok"]))
    if report.legs is not None:
        lines.append(_legs_card_line(report.legs))
    if ranked:
        _, cue, sev = max(ranked)
        lines.append(_CardLine(f"Cue: {cue}", _TEXT_BGR, True))
    return tuple(lines)


def _set_labels(report: Report, spans: list[_RepSpan], n: int) -> tuple[str, ...]:
    """The header's right-hand words per frame (see ``OverlayData.set_label_of_frame``)."""
    ex = report.exercise
    side = ex.working_side
    if not ex.is_kickback or not side:
        return ("",) * n
    if not report.sets:
        return (f"{side} leg",) * n
    several = len(report.sets) > 1
    start_of = {sp.number: sp.start for sp in spans}
    out = [""] * n
    for k, st in enumerate(report.sets):
        a = 0 if k == 0 else start_of.get(st.rep_indices[0], n)
        nxt = report.sets[k + 1] if k + 1 < len(report.sets) else None
        b = n if nxt is None else start_of.get(nxt.rep_indices[0], n)
        label = f"set {st.index} | {st.side} leg" if several else f"{st.side} leg"
        out[a:b] = [label] * max(0, min(b, n) - a)
    return tuple(out)


#: The occupancy grid's shorter side in cells.
_GRID = 96
#: Weight of the head and the feet in the occupancy grid (the rest of the body: 1).
_EXTREMITY = 3
_FOOT = ("ANKLE", "HEEL", "FOOT_INDEX")


def _occupancy(xy: np.ndarray, detected: np.ndarray, size_wh: tuple[int, int]) -> np.ndarray:
    """float32 [gh, gw]: the share of the frames with a person in which the body (the skeleton's
    limbs widened to a body's thickness, and the head) covers each cell of a coarse grid, the head
    and the feet weighted ``_EXTREMITY`` times."""
    w, h = size_wh
    g = _GRID / max(1, min(w, h))
    gw, gh = max(1, round(w * g)), max(1, round(h * g))
    acc = np.zeros((gh, gw), np.float32)
    idx = np.flatnonzero(detected)
    if not idx.size:
        return acc
    idx = idx[:: max(1, len(idx) // 150)]
    thick = max(2, round(0.06 * _GRID))
    head = (L.NOSE, L.LEFT_EAR, L.RIGHT_EAR, L.LEFT_EYE, L.RIGHT_EYE)
    one = np.zeros((gh, gw), np.uint8)
    for i in idx:
        one[:] = 0
        p = xy[i] * g
        for a, b in SKELETON_EDGES:
            pa, pb = p[int(a)], p[int(b)]
            if np.isfinite(pa).all() and np.isfinite(pb).all():
                # The head and the feet count more: covering them is what a viewer notices.
                foot = a.name.endswith(_FOOT) and b.name.endswith(_FOOT)
                cv2.line(one, _pt(pa), _pt(pb), (_EXTREMITY if foot else 1,), thick)
        hp = p[[int(k) for k in head]]
        hp = hp[np.isfinite(hp).all(axis=1)]
        if len(hp):
            c = hp.mean(axis=0)
            r = max(thick, 1.6 * float(np.max(np.hypot(*(hp - c).T))) + thick / 2)
            cv2.circle(one, _pt(c), int(round(r)), (_EXTREMITY,), -1)
        acc += one
    return acc / len(idx)


def overlay_data(report: Report) -> OverlayData:
    """Everything ``draw_frame`` needs from ``report``, computed once (``draw_frame`` caches it)."""
    pose, ex, track = report.pose, report.exercise, report.track
    if pose is None:
        n = 0
        xy = np.zeros((0, 33, 2), np.float32)
        t_s = np.zeros(0)
        size = (report.video.width, report.video.height)
    else:
        n = len(pose)
        xy = np.asarray(pose.xyzv[:, :, :2], np.float32)
        if report.lr_swapped is not None and len(report.lr_swapped) == n:
            # the labels as the pipeline repaired them, so the working leg is drawn on its leg
            xy = xy.copy()
            xy[report.lr_swapped] = xy[report.lr_swapped][:, SWAP_LR]
        t_s = np.asarray(pose.t_s, np.float64)
        size = (pose.width, pose.height)
    detected = np.isfinite(xy[:, :, 0]).any(axis=1) if n else np.zeros(0, bool)
    if track is not None and len(track) == n and n:
        right = np.asarray(track.right, bool)
        hip = np.asarray(track.hip_extension_deg, np.float64)
        knee = np.asarray(track.knee_flexion_deg, np.float64)
    else:
        right = np.full(n, ex.working_side == "right")
        hip = knee = np.full(n, np.nan)
    spans = _rep_spans(report, t_s)
    rep_of = np.full(n, -1)
    flag_of = np.full(n, -1)
    started = np.zeros(n, int)
    for k, sp in enumerate(spans):
        rep_of[sp.start : sp.end + 1] = k
        flag_of[sp.start : sp.flags_until + 1] = k
        started[sp.start :] = k + 1
    side = ex.working_side
    limit = getattr(report.rules, "hip_extension_limit_deg", None)
    outcome = getattr(ex, "outcome", "not_kickback")
    return OverlayData(
        n_frames=n,
        size_wh=(int(size[0]), int(size[1])),
        is_kickback=ex.is_kickback,
        title="cannot tell" if outcome == "cannot_tell" else "not a kickback",
        reason=ex.reason,
        side_label=f"{side} leg" if side and ex.is_kickback else "",
        facing=ex.facing,
        xy=xy,
        detected=detected,
        right=right,
        hip_ext_deg=hip,
        knee_flex_deg=knee,
        hip_limit_deg=float(limit) if limit is not None else math.nan,
        t_s=t_s,
        reps=tuple(spans),
        rep_of_frame=rep_of,
        flag_rep_of_frame=flag_of,
        started=started,
        marks=_marks(spans, n),
        card_from=_frame_at(t_s, float(t_s[-1]) - CARD_S + 1e-6) if n else 0,
        card=_card(report, spans),
        set_label_of_frame=_set_labels(report, spans, n),
        occupancy=_occupancy(xy, detected, (int(size[0]), int(size[1]))),
    )


# One-slot cache: ``write_overlay`` draws every frame of one report in turn.
_cache: tuple[weakref.ref[Report], OverlayData] | None = None


def _data_for(report: Report) -> OverlayData:
    global _cache
    if _cache is not None and _cache[0]() is report:
        return _cache[1]
    data = overlay_data(report)
    _cache = (weakref.ref(report), data)
    return data


# ----------------------------------------------------------------------------------------------
# Drawing primitives
# ----------------------------------------------------------------------------------------------


def _flag_words(f: Finding) -> str:
    """A finding's severity and its label, both as the rule table words them."""
    return f"{f.severity}: {rule(f.rule_id).overlay_label(f)}"


# ----------------------------------------------------------------------------------------------
# The header
# ----------------------------------------------------------------------------------------------

_Segs = list[tuple[str, tuple[int, int, int]]]


def _header_content(
    i: int, d: OverlayData, st: _Style, max_w: int
) -> tuple[list[_Segs], str, tuple[int, int, int] | None, float | None]:
    """The header's lines (each a list of coloured segments), its right-hand text, the colour
    of its stripe (None: no stripe) on frame ``i``, and the font scale of the lines after the first
    where they are a wrapped block of text (None: each line fits itself)."""
    lines: list[_Segs] = []
    right_text = ""
    stripe: tuple[int, int, int] | None = None
    if not d.is_kickback:
        lines.append([(d.title, SEVERITY_BGR["warning"])])
        reason = d.reason[:1].upper() + d.reason[1:] if d.reason else "no kickbacks found"
        wrapped, scale = _wrap(reason, st.font * 0.85, st.thick, max_w, 3)
        lines.extend([(ln, _TEXT_BGR)] for ln in wrapped)
        return lines, right_text, stripe, scale
    k = d.rep_of_frame[i] if 0 <= i < d.n_frames else -1
    done = int(d.started[i]) if 0 <= i < d.n_frames else 0
    if k >= 0:
        sp = d.reps[k]
        phase = "up" if i < sp.top_lo else "top" if i <= sp.top_hi else "down"
    else:
        phase = "rest"
    lines.append(
        [
            (f"rep {done}/{len(d.reps)}", _TEXT_BGR),
            (phase, SEVERITY_BGR["info"] if phase == "top" else _TEXT_BGR),
        ]
    )
    right_text = d.set_label_of_frame[i] if 0 <= i < d.n_frames else d.side_label
    f = d.flag_rep_of_frame[i] if 0 <= i < d.n_frames else -1
    if f >= 0:
        sp = d.reps[f]
        stripe = SEVERITY_BGR[sp.severity if sp.severity != "info" else "ok"]
        if sp.findings:
            lines.append([(_flag_words(x), SEVERITY_BGR[x.severity]) for x in sp.findings])
        elif k == f:
            lines.append([("good rep", SEVERITY_BGR["ok"])])
    return lines, right_text, stripe, None


def _header_fit(
    lines: list[_Segs], st: _Style, max_w: int, block_scale: float | None = None
) -> list[tuple[_Segs, float]]:
    """Each line with its font scale; flags that do not fit side by side go one per line. Lines
    after the first that were wrapped as one block (``block_scale``) keep that block's scale."""
    laid: list[tuple[_Segs, float]] = []
    gap = 3 * st.pad
    for n, segs in enumerate(lines):
        if n > 0 and block_scale is not None:
            laid.append((segs, _fit_scale(segs[0][0], block_scale, st.thick, max_w)))
            continue
        width = sum(_text_w(t, st.font, st.thick) for t, _ in segs) + gap * (len(segs) - 1)
        if len(segs) > 1 and width > max_w and n > 0:
            for seg in segs:
                laid.append(([seg], _fit_scale(seg[0], st.font, st.thick, max_w)))
        else:
            laid.append((segs, st.font if width <= max_w else st.font * max_w / width))
    return laid


def _header_size(i: int, d: OverlayData, st: _Style, width: int) -> tuple[int, int]:
    """(height, the width its text needs) of the header on frame ``i`` when ``width`` wide."""
    p = st.pad
    lines, right_text, stripe, block = _header_content(i, d, st, width - 2 * p)
    laid = _header_fit(lines, st, width - 2 * p, block)
    gap = 3 * p
    need = 0
    for n, (segs, scale) in enumerate(laid):
        tw = sum(_text_w(t, scale, st.thick + 1) for t, _ in segs) + gap * (len(segs) - 1)
        if n == 0 and right_text:
            tw += gap + _text_w(right_text, st.small_font, st.thick)
        need = max(need, tw + 2 * p)
    line_h = _text_h(st.font, st.thick) + p + p // 2
    stripe_h = max(3, round(4 * st.s)) if stripe else 0
    return len(laid) * line_h + p // 2 + stripe_h, need


def _header(img: np.ndarray, i: int, d: OverlayData, st: _Style, lay: _Layout) -> Box:
    """Draw the header bar where ``lay`` puts it; returns its box."""
    h = img.shape[0]
    x0, x1 = lay.header_x
    p = st.pad
    lines, right_text, stripe, block = _header_content(i, d, st, x1 - x0 - 2 * p)
    laid = _header_fit(lines, st, x1 - x0 - 2 * p, block)
    line_h = _text_h(st.font, st.thick) + p + p // 2
    stripe_h = max(3, round(4 * st.s)) if stripe else 0
    bar_h = min(h, len(laid) * line_h + p // 2 + stripe_h)
    y0 = 0 if lay.header_top else h - bar_h
    _darken(img, (x0, y0, x1, y0 + bar_h))
    if stripe is not None:
        sy = y0 + bar_h - stripe_h if lay.header_top else y0
        cv2.rectangle(img, (x0, sy), (x1 - 1, sy + stripe_h - 1), stripe, -1)
    y = y0 + (0 if lay.header_top else stripe_h)
    gap = 3 * p
    for n, (segs, scale) in enumerate(laid):
        y += line_h
        x = x0 + p
        th = st.thick + (1 if n == 0 and d.is_kickback else 0)
        for text, col in segs:
            x += _text(img, (x, y - p // 2 - p // 4), text, scale, col, th) + gap
        if n == 0 and right_text:
            rw = _text_w(right_text, st.small_font, st.thick)
            if x + rw < x1 - p:
                org = (x1 - p - rw, y - p // 2 - p // 4)
                _text(img, org, right_text, st.small_font, _WORKING_BGR, st.thick)
    return x0, y0, x1, y0 + bar_h


# ----------------------------------------------------------------------------------------------
# Placement: the header and the strip where the body is not
# ----------------------------------------------------------------------------------------------


def _strip_height(w: int, h: int) -> int:
    return max(36, int(round(0.15 * min(h, w) + 0.01 * h)))


def _has_strip(d: OverlayData, h: int) -> bool:
    return d.is_kickback and d.n_frames >= 2 and h >= 120


def _covered(d: OverlayData, box: Box, w: int, h: int) -> float:
    """How much body (grid cells, averaged over the frames) ``box`` covers."""
    gh, gw = d.occupancy.shape
    # Grid cells, with a margin of one cell: a panel that touches a foot covers it.
    gx0, gx1 = int(box[0] * gw / w) - 1, math.ceil(box[2] * gw / w) + 1
    gy0, gy1 = int(box[1] * gh / h) - 1, math.ceil(box[3] * gh / h) + 1
    return float(d.occupancy[max(0, gy0) : gy1, max(0, gx0) : gx1].sum())


def _layout(d: OverlayData, w: int, h: int, st: _Style) -> _Layout:
    """The placement of the header and the strip covering the least body (ties: the usual one,
    header on top across the width and the strip along the bottom)."""
    key = ("layout", w, h)
    if key in d._cache:
        return d._cache[key]  # type: ignore[return-value]
    probe = sorted({0, d.n_frames - 1} | {sp.top for sp in d.reps})
    probe = [i for i in probe if i >= 0] or [0]
    need = min(w, max(_header_size(i, d, st, w)[1] for i in probe))
    xs = [(0, w)]
    if need < 0.8 * w:
        xs += [(0, need), (w - need, w)]
    m = st.pad
    ph = _strip_height(w, h)
    half, narrow = int(0.55 * w), int(0.45 * w)
    shapes = [
        (m, w - m, ph, 0.0),
        (m, w - m, max(36, int(0.75 * ph)), 1.5),
        (m, half, ph, 3.0),
        (w - half, w - m, ph, 3.0),
        (m, narrow, ph, 4.0),
        (w - narrow, w - m, ph, 4.0),
    ]
    best: tuple[float, _Layout] | None = None
    for top in (True, False):
        for hx0, hx1 in xs:
            bar_h = max(_header_size(i, d, st, hx1 - hx0)[0] for i in probe)
            hbox = (hx0, 0, hx1, bar_h) if top else (hx0, h - bar_h, hx1, h)
            base = 1.5 * _covered(d, hbox, w, h) + (0.0 if top else 2.0)
            base += 0.0 if hx1 - hx0 == w else 1.0
            # The strip along the bottom or the top edge, or stacked against the header.
            strips: list[tuple[Box, float]] = []
            for sx0, sx1, hh, cost in shapes if _has_strip(d, h) else []:
                stack = bar_h + m if top else h - bar_h - m - hh
                strips.append(((sx0, h - m - hh, sx1, h - m), cost))
                strips.append(((sx0, m, sx1, m + hh), cost + 2.0))
                strips.append(((sx0, stack, sx1, stack + hh), cost + 2.5))
            for sbox, cost in strips or [((0, h, w, h), 0.0)]:
                if strips and _overlaps(sbox, hbox):
                    continue
                score = base + cost + (_covered(d, sbox, w, h) if strips else 0.0)
                if best is None or score < best[0] - 1e-9:
                    best = (score, _Layout(top, (hx0, hx1), sbox))
    assert best is not None
    d._cache[key] = best[1]
    return best[1]


# ----------------------------------------------------------------------------------------------
# The body: fault markers, skeleton, angles
# ----------------------------------------------------------------------------------------------


def _mean_point(xy: np.ndarray, a: L, b: L) -> np.ndarray | None:
    pts = xy[[int(a), int(b)]]
    pts = pts[np.isfinite(pts).all(axis=1)]
    return pts.mean(axis=0) if len(pts) else None


def _trunk_mark(
    img: np.ndarray, xy: np.ndarray, col: tuple[int, int, int], st: _Style, facing: str | None
) -> None:
    """A band along the shoulder-hip line, thicker over the lower back, and an arc beside the lower
    back bowed toward the belly (the arch)."""
    sh = _mean_point(xy, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    hp = _mean_point(xy, L.LEFT_HIP, L.RIGHT_HIP)
    if sh is None or hp is None:
        return
    v = hp - sh
    length = float(np.hypot(*v))
    if length < 4:
        return
    band = max(6, round(8 * st.s))
    low = sh + 0.45 * v
    for a, b, wdt in ((sh, hp, band), (low, hp, round(band * 1.6))):
        cv2.line(img, _pt(a), _pt(b), (0, 0, 0), wdt + 2 * max(1, round(st.s)), cv2.LINE_AA)
        cv2.line(img, _pt(a), _pt(b), col, wdt, cv2.LINE_AA)
    if facing not in ("left", "right"):
        return
    u = v / length
    belly = np.array([-u[1], u[0]]) if facing == "left" else np.array([u[1], -u[0]])
    # The back's line from shoulder to hip, sagging toward the belly most over the lower back.
    t = np.linspace(0.0, 1.0, 32)[:, None]
    arc = sh + t * v + np.sin(np.pi * t**1.35) * 0.14 * length * belly
    poly = [np.round(arc).astype(np.int32)]
    cv2.polylines(img, poly, False, (0, 0, 0), st.line + 2 * max(1, round(st.s)), cv2.LINE_AA)
    cv2.polylines(img, poly, False, col, st.line + 1, cv2.LINE_AA)


def _knee_radius(st: _Style) -> int:
    return max(7, round(15 * st.s))


def _knee_mark(img: np.ndarray, knee: np.ndarray, col: tuple[int, int, int], st: _Style) -> None:
    """A ring around the working knee."""
    if not np.isfinite(knee).all():
        return
    r, wdt = _knee_radius(st), max(2, round(3 * st.s))
    cv2.circle(img, _pt(knee), r, (0, 0, 0), wdt + 2 * max(1, round(st.s)), cv2.LINE_AA)
    cv2.circle(img, _pt(knee), r, col, wdt, cv2.LINE_AA)


def _body_marks(img: np.ndarray, i: int, d: OverlayData, xy: np.ndarray, st: _Style) -> None:
    """The body part at fault on frame ``i`` of a flagged rep, faded in and out around the hold."""
    for part, (rank, strength) in d.marks.items():
        if rank[i] < _SEVERITY_RANK["warning"]:
            continue
        col = SEVERITY_BGR[_RANK_SEVERITY[int(rank[i])]]
        layer = img.copy()
        if part == "trunk":
            _trunk_mark(layer, xy, col, st, d.facing)
        elif part == "knee":
            _knee_mark(layer, xy[int(L.RIGHT_KNEE if d.right[i] else L.LEFT_KNEE)], col, st)
        a = float(strength[i])
        cv2.addWeighted(layer, a, img, 1.0 - a, 0.0, dst=img)


def _skeleton(img: np.ndarray, xy: np.ndarray, right: bool, kickback: bool, st: _Style) -> None:
    work = "RIGHT_" if right else "LEFT_"
    other = "LEFT_" if right else "RIGHT_"
    work_ids = {int(L[work + j]) for j in _LEG_JOINTS}
    other_ids = {int(lm) for lm in L if lm.name.startswith(other)}

    def pt(idx: int) -> tuple[int, int] | None:
        v = xy[idx]
        if not np.isfinite(v).all():
            return None
        return (int(round(float(v[0]))), int(round(float(v[1]))))

    # Dim first, then the body, then the working leg on top.
    layers: list[tuple[list[tuple[int, int]], tuple[int, int, int], int]] = [
        ([], _DIM_BGR, st.dim_line),
        ([], _BODY_BGR, st.line),
        ([], _WORKING_BGR, st.line + 1),
    ]
    for a, b in SKELETON_EDGES:
        ia, ib = int(a), int(b)
        if not kickback:
            layer = 0 if ia in other_ids or ib in other_ids else 1
        elif ia in work_ids and ib in work_ids:
            layer = 2
        elif ia in other_ids or ib in other_ids:
            layer = 0
        else:
            layer = 1
        layers[layer][0].append((ia, ib))
    for edges, col, width in layers:
        if not kickback and col == _WORKING_BGR:
            continue
        col = _NEUTRAL_BGR if not kickback and col == _BODY_BGR else col
        for ia, ib in edges:
            pa, pb = pt(ia), pt(ib)
            if pa is not None and pb is not None:
                cv2.line(img, pa, pb, (0, 0, 0), width + max(2, st.line), cv2.LINE_AA)
                cv2.line(img, pa, pb, col, width, cv2.LINE_AA)
    joints = ("SHOULDER", "ELBOW", "WRIST", "HIP", "KNEE", "ANKLE")
    for prefix in (other, work):
        for j in joints:
            idx = int(L[prefix + j])
            q = pt(idx)
            if q is None:
                continue
            is_work = kickback and idx in work_ids
            col = _WORKING_BGR if is_work else (_DIM_BGR if prefix == other else _BODY_BGR)
            r = st.joint_r + (1 if is_work else 0) if prefix == work else max(2, st.joint_r - 1)
            cv2.circle(img, q, r + 1, (0, 0, 0), -1, cv2.LINE_AA)
            cv2.circle(img, q, r, col, -1, cv2.LINE_AA)
    nose = pt(int(L.NOSE))
    if nose is not None:
        cv2.circle(img, nose, st.joint_r + 1, (0, 0, 0), -1, cv2.LINE_AA)
        cv2.circle(img, nose, st.joint_r, _BODY_BGR, -1, cv2.LINE_AA)


def _limb_points(xy: np.ndarray, step: float) -> np.ndarray:
    """[N,2]: points every ``step`` pixels along the skeleton's limbs, and the joints."""
    out = [xy[np.isfinite(xy).all(axis=1)]]
    for a, b in SKELETON_EDGES:
        pa, pb = xy[int(a)], xy[int(b)]
        if np.isfinite(pa).all() and np.isfinite(pb).all():
            k = max(2, int(np.hypot(*(pb - pa)) / step) + 1)
            out.append(pa + np.linspace(0.0, 1.0, k)[:, None] * (pb - pa))
    return np.concatenate(out) if out else np.zeros((0, 2))


#: How much a label's spot on the previous frame is preferred (a limb point under it costs 4).
_LABEL_STICK = 3.5
#: Directions tried around a joint for its angle label.
_DIRS = np.stack(
    [
        np.cos(np.linspace(0, 2 * np.pi, 16, endpoint=False)),
        np.sin(np.linspace(0, 2 * np.pi, 16, endpoint=False)),
    ],
    1,
)


def _place_label(
    joint: np.ndarray,
    size: tuple[int, int],
    prefer: np.ndarray,
    pts: np.ndarray,
    avoid: list[Box],
    img_wh: tuple[int, int],
    st: _Style,
    keep: tuple[int, int] | None = None,
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The top-left corner for a label of ``size`` near ``joint``: of the spots around it, the one
    covering the fewest limb points (``pts``), clear of the ``avoid`` boxes and inside the image,
    nearest the ``prefer`` direction; the spot ``keep`` (the previous frame's) wins ties by
    ``_LABEL_STICK``, so that a label moves only when a limb comes. Returns (corner, spot)."""
    tw, th = size
    w, h = img_wh
    e = max(2, round(3 * st.s))
    best: tuple[float, tuple[int, int], tuple[int, int]] | None = None
    for ring, rad in enumerate(
        (8 * st.s + 0.5 * math.hypot(tw, th), 16 * st.s + 0.7 * math.hypot(tw, th))
    ):
        for k, u in enumerate(_DIRS):
            cx, cy = joint + u * rad
            x0, y0 = int(round(cx - tw / 2)), int(round(cy - th / 2))
            box = (x0 - e, y0 - e, x0 + tw + e, y0 + th + e)
            if box[0] < 0 or box[1] < 0 or box[2] > w or box[3] > h:
                continue
            if any(_overlaps(box, b) for b in avoid):
                continue
            inside = (
                (pts[:, 0] >= box[0])
                & (pts[:, 0] < box[2])
                & (pts[:, 1] >= box[1])
                & (pts[:, 1] < box[3])
            )
            cost = 4.0 * float(inside.sum()) + 2.0 * (1.0 - float(u @ prefer)) + 3.0 * ring
            cost -= _LABEL_STICK if keep == (ring, k) else 0.0
            if best is None or cost < best[0]:
                best = (cost, (x0, y0), (ring, k))
    return None if best is None else (best[1], best[2])


def _angles(
    img: np.ndarray, i: int, d: OverlayData, xy: np.ndarray, st: _Style, avoid: list[Box]
) -> None:
    """The working hip's and knee's angles beside those joints, off the limbs."""
    if not d.is_kickback:
        return
    h, w = img.shape[:2]
    side = "RIGHT_" if d.right[i] else "LEFT_"
    hip, knee, ankle = (int(L[side + j]) for j in ("HIP", "KNEE", "ANKLE"))
    sh = (xy[int(L.LEFT_SHOULDER)] + xy[int(L.RIGHT_SHOULDER)]) / 2
    pts = _limb_points(xy, max(2.0, 3.0 * st.s))
    knee_marked = "knee" in d.marks and d.marks["knee"][0][i] >= _SEVERITY_RANK["warning"]
    if knee_marked and np.isfinite(xy[knee]).all():
        ang = np.linspace(0, 2 * np.pi, 24, endpoint=False)
        ring = xy[knee] + _knee_radius(st) * np.stack([np.cos(ang), np.sin(ang)], 1)
        pts = np.concatenate([pts, ring])
    placed = list(avoid)
    th = _text_h(st.font, st.thick)
    for joint, value, name, ref in (
        (hip, d.hip_ext_deg[i], "hip", [sh, xy[knee]]),
        (knee, d.knee_flex_deg[i], "knee", [xy[hip], xy[ankle]]),
    ):
        q = xy[joint]
        if not math.isfinite(value) or not np.isfinite(q).all():
            continue
        # Preferred side: away from the limbs that meet at the joint.
        refs = [r for r in ref if np.isfinite(r).all()]
        v = sum((q - r) / max(1e-6, float(np.hypot(*(q - r)))) for r in refs)
        n = float(np.hypot(*v)) if refs else 0.0
        prefer = v / n if n > 1e-3 else np.array([0.0, -1.0])
        sign = "+" if name == "hip" and value > 0 else ""
        text = f"{name} {sign}{value:.0f}{_DEG}"
        tw = _text_w(text, st.font, st.thick)
        key = ("label", name, w, h)
        last = d._cache.get(key)
        keep = last[1] if isinstance(last, tuple) and 0 < i - last[0] <= 2 else None
        got = _place_label(q, (tw, th), prefer, pts, placed, (w, h), st, keep)
        if got is None:
            continue
        (x0, y0), spot = got
        d._cache[key] = (i, spot)
        _text(img, (x0, y0 + th), text, st.font, _WORKING_BGR, st.thick)
        placed.append((x0, y0, x0 + tw, y0 + th))


# ----------------------------------------------------------------------------------------------
# The curve strip
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _StripGeom:
    xs: np.ndarray  #: x of every frame, panel pixels
    ys: np.ndarray  #: y of every frame's hip extension, panel pixels (NaN: unmeasured)
    to_y: Callable[[float], float]  #: degrees -> panel y
    plot: Box  #: the plotting area inside the panel
    num_y: int  #: baseline of the rep numbers
    ticks: tuple[float, ...]
    gutter: int


def _tick_step(span: float, max_ticks: int) -> float:
    for step in (5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0):
        if span / step < max_ticks - 1:
            return step
    return 180.0


def _strip_geom(d: OverlayData, pw: int, ph: int, st: _Style) -> _StripGeom:
    key = ("geom", pw, ph)
    if key in d._cache:
        return d._cache[key]  # type: ignore[return-value]
    m = max(2, st.pad // 2)
    lab_h = _text_h(st.small_font, st.thick)
    num_y = m + lab_h
    v = d.hip_ext_deg
    fin = np.isfinite(v)
    vals = list(v[fin]) + ([d.hip_limit_deg] if math.isfinite(d.hip_limit_deg) else [])
    lo, hi = (min(vals), max(vals)) if vals else (0.0, 10.0)
    if hi - lo < 10.0:
        lo, hi = (lo + hi) / 2 - 5.0, (lo + hi) / 2 + 5.0
    r = max(3, round(4 * st.s))
    py0, py1 = num_y + r + 3, ph - m - 1
    plot_h = max(4, py1 - py0)
    # As many ticks as fit with a label's height and a half between them (at least one).
    fit = max(1, int(plot_h / (1.5 * lab_h)))
    step = _tick_step(hi - lo, min(4, fit + 1))
    ticks = tuple(float(k * step) for k in range(math.ceil(lo / step), math.floor(hi / step) + 1))
    if len(ticks) > fit:
        ticks = tuple(t for t in ticks if t == 0.0)[:1] or ticks[-1:]
    shown = ticks + ((d.hip_limit_deg,) if math.isfinite(d.hip_limit_deg) else ())
    gutter = m + max(_text_w(f"{t:.0f}{_DEG}", st.small_font, st.thick) for t in shown or (0.0,))
    px0, px1 = gutter + m, pw - m - 1
    t = d.t_s
    span = float(t[-1] - t[0]) if len(t) > 1 else 1.0
    xs = px0 + (t - t[0]) / max(span, 1e-9) * (px1 - px0)

    def to_y(deg: float) -> float:
        return py0 + (hi - deg) / (hi - lo) * (py1 - py0)

    ys = py0 + (hi - v) / (hi - lo) * (py1 - py0)
    geom = _StripGeom(xs, ys, to_y, (px0, py0, px1, py1), num_y, ticks, gutter)
    d._cache[key] = geom
    return geom


def _strip_panel(d: OverlayData, box: Box, st: _Style) -> tuple[np.ndarray, np.ndarray]:
    """The strip panel for one box: (its pixels, mask of the drawn ones)."""
    key = ("panel", box)
    if key in d._cache:
        return d._cache[key]  # type: ignore[return-value]
    x0, y0, x1, y1 = box
    pw, ph = x1 - x0, y1 - y0
    panel = np.empty((ph, pw, 3), np.uint8)
    panel[:] = _PANEL_BGR
    g = _strip_geom(d, pw, ph, st)
    px0, py0, px1, py1 = g.plot
    thin = max(1, round(st.s))
    lab_h = _text_h(st.small_font, st.thick)
    # The scale: a faint line and a label per tick; the limit the reps were judged against,
    # dashed and labelled in its colour (ticks too close to it give way).
    labels: list[tuple[float, tuple[int, int, int]]] = []
    if math.isfinite(d.hip_limit_deg):
        labels.append((d.hip_limit_deg, _LIMIT_BGR))
    for t in g.ticks:
        y = int(round(g.to_y(t)))
        cv2.line(panel, (px0, y), (px1, y), (70, 70, 70), thin)
        if all(abs(g.to_y(t) - g.to_y(v)) > 1.3 * lab_h for v, _ in labels):
            labels.append((t, _SCALE_BGR))
    if math.isfinite(d.hip_limit_deg):
        y = int(round(g.to_y(d.hip_limit_deg)))
        dash = max(4, round(6 * st.s))
        for x in range(px0, px1, 2 * dash):
            cv2.line(panel, (x, y), (min(px1, x + dash), y), _LIMIT_BGR, thin, cv2.LINE_AA)
    for v, col in labels:
        label = f"{v:.0f}{_DEG}"
        lw = _text_w(label, st.small_font, st.thick)
        ly = int(np.clip(g.to_y(v) + lab_h // 2, lab_h + 1, ph - 2))
        _text(panel, (g.gutter - lw, ly), label, st.small_font, col, st.thick, False)
    # The curve.
    finite = np.isfinite(g.ys)
    idx = np.flatnonzero(finite)
    for run in np.split(idx, np.flatnonzero(np.diff(idx) > 1) + 1):
        if len(run) > 1:
            poly = np.stack([g.xs[run], g.ys[run]], 1).round().astype(np.int32)
            cv2.polylines(
                panel, [poly], False, _WORKING_BGR, max(1, round(1.5 * st.s)), cv2.LINE_AA
            )
    # Rep tops and their numbers (in the row above the plot, where the cursor never goes).
    num_spans = []
    for sp in d.reps:
        if not (0 <= sp.top < len(g.ys)) or not math.isfinite(g.ys[sp.top]):
            continue
        c = (int(round(g.xs[sp.top])), int(round(g.ys[sp.top])))
        r = max(3, round(4 * st.s))
        col = SEVERITY_BGR[sp.severity]
        cv2.circle(panel, c, r + 1, (0, 0, 0), -1, cv2.LINE_AA)
        cv2.circle(panel, c, r, col, -1, cv2.LINE_AA)
        num = str(sp.number)
        nw = _text_w(num, st.small_font, st.thick)
        nx = int(np.clip(c[0] - nw // 2, px0, pw - nw - 1))
        _text(panel, (nx, g.num_y), num, st.small_font, col, st.thick, False)
        num_spans.append((nx, nx + nw))
    # The title where no rep number is (left, right, else left of the plot's middle).
    title = "hip extension"
    tw = _text_w(title, st.small_font, st.thick)
    gap = max(4, round(6 * st.s))
    for tx in (px0, px1 - tw, (px0 + px1 - tw) // 2):
        if all(tx + tw + gap <= a or b + gap <= tx for a, b in num_spans):
            _text(panel, (tx, g.num_y), title, st.small_font, (200, 200, 200), st.thick, False)
            break
    drawn = np.any(panel != np.array(_PANEL_BGR, np.uint8), axis=2)
    out = (panel, drawn)
    d._cache[key] = out
    return out


def _strip(img: np.ndarray, i: int, d: OverlayData, box: Box, st: _Style) -> None:
    """Blend the pre-rendered strip in and draw the time cursor."""
    x0, y0, x1, y1 = box
    panel, drawn = _strip_panel(d, box, st)
    _darken(img, box)
    np.copyto(img[y0:y1, x0:x1], panel, where=drawn[:, :, None])
    g = _strip_geom(d, x1 - x0, y1 - y0, st)
    cx = int(round(g.xs[i])) + x0
    top, bottom = y0 + g.plot[1] - max(2, round(2 * st.s)), y0 + g.plot[3]
    cv2.line(img, (cx, top), (cx, bottom), _TEXT_BGR, max(1, round(st.s)), cv2.LINE_AA)
    if math.isfinite(g.ys[i]):
        c = (cx, int(round(g.ys[i])) + y0)
        cv2.circle(img, c, max(3, round(3.5 * st.s)), _TEXT_BGR, -1, cv2.LINE_AA)


# ----------------------------------------------------------------------------------------------
# The summary card
# ----------------------------------------------------------------------------------------------


def _summary_card(img: np.ndarray, d: OverlayData, st: _Style, free: tuple[int, int]) -> None:
    """The card, centred in the rows ``free`` (between the header and the strip)."""
    h, w = img.shape[:2]
    p = st.pad
    max_w = int(0.86 * w) - 4 * p
    rows: list[tuple[str, tuple[int, int, int], float, int]] = []
    for ln in d.card:
        scale = st.font * (1.25 if ln.big else 1.0)
        th = st.thick + (1 if ln.big else 0)
        parts, fitted = _wrap(ln.text, scale, th, max_w, 4)
        rows.extend((part, ln.color, _fit_scale(part, fitted, th, max_w), th) for part in parts)
    heights = [_text_h(sc, th) + p for _, _, sc, th in rows]
    box_w = max(_text_w(t, sc, th) for t, _, sc, th in rows) + 4 * p
    box_h = sum(heights) + 2 * p
    top, bottom = free
    y0 = int(np.clip((top + bottom - box_h) // 2, 0, max(0, h - box_h)))
    x0 = (w - box_w) // 2
    box = (x0, y0, x0 + box_w, y0 + box_h)
    _darken(img, box, _CARD_ALPHA)
    border = (
        d.card[0].color
        if not d.is_kickback
        else SEVERITY_BGR[
            max((sp.severity for sp in d.reps), key=_SEVERITY_RANK.__getitem__, default="ok")
        ]
    )
    cv2.rectangle(img, box[:2], (box[2] - 1, box[3] - 1), border, max(2, round(2 * st.s)))
    y = y0 + p
    for (text, col, sc, th), rh in zip(rows, heights):
        y += rh
        _text(img, (x0 + 2 * p, y - p // 2), text, sc, col, th)


# ----------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------


def draw_frame(image_bgr: np.ndarray, frame_index: int, report: Report) -> np.ndarray:
    """A copy of ``image_bgr`` (uint8 HxWx3) with frame ``frame_index`` of ``report`` drawn on it.

    Frames with no person (or an index outside the report) get the header (and, in the last
    second, the summary card) only.
    """
    if image_bgr.dtype != np.uint8 or image_bgr.ndim != 3 or image_bgr.shape[2] != 3:
        raise ValueError(
            f"image_bgr must be uint8 [H, W, 3], got {image_bgr.dtype} {list(image_bgr.shape)}"
        )
    d = _data_for(report)
    img = image_bgr.copy()
    h, w = img.shape[:2]
    st = _Style.for_size(w, h)
    lay = _layout(d, w, h, st)
    i = frame_index
    person = 0 <= i < d.n_frames and bool(d.detected[i])
    strip = person and _has_strip(d, h)
    if person:
        sx, sy = w / d.size_wh[0], h / d.size_wh[1]
        xy = d.xy[i] * np.array([sx, sy], np.float32)
        if strip:
            _strip(img, i, d, lay.strip, st)
        _body_marks(img, i, d, xy, st)
        _skeleton(img, xy, bool(d.right[i]), d.is_kickback, st)
    hbox = _header(img, i, d, st, lay)  # after the body: a raised foot never hides the flags
    if person:
        _angles(img, i, d, xy, st, [hbox] + ([lay.strip] if strip else []))
    if d.n_frames and i >= d.card_from:
        top = hbox[3] if lay.header_top else 0
        bottom = hbox[1] if not lay.header_top else h
        if strip and lay.strip[1] > h // 2:
            bottom = min(bottom, lay.strip[1])
        elif strip:
            top = max(top, lay.strip[3])
        _summary_card(img, d, st, (top, bottom))
    return img


def write_overlay(
    video_path: str | os.PathLike[str],
    report: Report,
    out_path: str | os.PathLike[str],
    progress: ProgressFn | None = None,
) -> int:
    """Decode ``video_path`` again at full resolution, draw ``report`` on every frame and write an
    H.264 MP4 to ``out_path`` at the source timestamps. Returns the number of frames written.

    The file appears only when complete (``VideoSink``); on any error nothing is left at
    ``out_path``. Raises ``OutputError`` when it cannot be written, ``VideoOpenError`` when the
    video cannot be read. ``progress(1)`` is called after each frame.
    """
    from kickcheck.video import FrameReader, VideoSink

    reader = FrameReader(video_path)  # no max_side: frames at the VideoInfo size (scale 1.0)
    _data_for(report)  # prepare once, before the sink opens
    with VideoSink(out_path, fps=reader.info.fps, size_wh=reader.frame_size_wh) as sink:
        for frame in reader:
            sink.write(draw_frame(frame.image_bgr, frame.index, report), t_s=frame.t_s)
            if progress is not None:
                progress(1)
    return sink.frames_written
