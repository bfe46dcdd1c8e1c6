"""Annotated overlay: the report drawn onto the video's own frames.

Pure drawing on a frame (``draw_frame``), plus one thin writer (``write_overlay``) that decodes the
clip again and encodes the annotated frames through ``video.VideoSink``.

What a frame shows:

- **Header bar** (always, also on frames with no person): the rep counter ("rep 2/5": the latest
  counted rep that has started), the phase of the current rep ("up", "top", "down"; "rest" between
  reps) and the working leg. While a rep is on screen (from its start to its end) and for
  ``FLAG_HOLD_S`` after it (or until the next rep starts), a second line lists its findings in
  plain words, coloured by severity (fault red, warning amber, info blue), and a stripe under the
  header takes the worst colour (green for a rep without faults or warnings). A clip that is not a
  kickback shows "not a kickback" and the gate's reason instead.
- **Skeleton** (frames with a person): ``SKELETON_EDGES`` with the working leg highlighted and the
  other side of the body dimmer; the working hip's extension and knee's flexion (the report's
  kinematics, see ``kinematics.py`` for the conventions) as numbers beside those joints.
- **Sparkline** (frames with a person, kickbacks only): the working hip's extension over the whole
  clip along the bottom, the rep tops marked in their severity colour, and a cursor at the current
  time.

Coordinates: landmarks are in pixels of the upright frame at ``report.pose.width/height`` (the
``VideoInfo`` size). An image of another size (a downscaled frame) is drawn on with the landmarks
scaled to it. Line widths and fonts scale with the image's shorter side (``_Style``), so the same
overlay reads at 360p and at 1080p.
"""

from __future__ import annotations

import math
import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from kickcheck.cleaning import repair_lr_swaps
from kickcheck.kinematics import per_leg, working_leg
from kickcheck.landmarks import SKELETON_EDGES
from kickcheck.landmarks import Landmark as L
from kickcheck.rules import rule
from kickcheck.types import Finding, Report

__all__ = ["FLAG_HOLD_S", "SEVERITY_BGR", "draw_frame", "overlay_data", "write_overlay"]

ProgressFn = Callable[[int], None]

#: How long a rep's findings stay on screen after the rep ends (cut short by the next rep).
FLAG_HOLD_S = 1.0

#: BGR colours. Severity colours are shared by the header stripe, flag text and sparkline marks.
SEVERITY_BGR: dict[str, tuple[int, int, int]] = {
    "fault": (40, 40, 235),  # red
    "warning": (0, 175, 255),  # amber
    "info": (235, 180, 90),  # light blue
    "ok": (80, 200, 80),  # green
}
_SEVERITY_RANK = {"ok": 0, "info": 1, "warning": 2, "fault": 3}
_WORKING_BGR = (255, 220, 0)  # cyan: the working leg
_BODY_BGR = (235, 235, 235)  # the near side and the centre line
_DIM_BGR = (150, 150, 150)  # the other side
_NEUTRAL_BGR = (210, 210, 210)  # skeleton when the clip is not a kickback
_TEXT_BGR = (255, 255, 255)
_PANEL_GREY = 25  #: panel background (a grey, so blending it is one scalar)
_PANEL_BGR = (_PANEL_GREY,) * 3
_PANEL_ALPHA = 0.62  #: opacity of the header and sparkline backgrounds
_FONT = cv2.FONT_HERSHEY_SIMPLEX
_DEG = "\N{DEGREE SIGN}"

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
class OverlayData:
    """Per-frame arrays derived from a report (see ``overlay_data``)."""

    n_frames: int
    size_wh: tuple[int, int]  #: the pixel grid the landmarks are in
    is_kickback: bool
    reason: str
    side_label: str
    xy: np.ndarray  #: float32 [T,33,2], left/right swaps repaired; NaN rows where no person
    detected: np.ndarray  #: bool [T]
    right: np.ndarray  #: bool [T]: the working leg is the right one
    hip_ext_deg: np.ndarray  #: float64 [T], working leg (NaN where unmeasured)
    knee_flex_deg: np.ndarray  #: float64 [T], working leg
    t_s: np.ndarray  #: float64 [T]
    reps: tuple[_RepSpan, ...]
    rep_of_frame: np.ndarray  #: int [T]: index into ``reps`` of the rep containing the frame, -1
    flag_rep_of_frame: np.ndarray  #: int [T]: rep whose findings are on screen, -1
    started: np.ndarray  #: int [T]: how many reps have started by this frame
    _panels: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, tuple[int, int, int, int]]] = (
        field(default_factory=dict, compare=False, repr=False)
    )


def _frame_at(t_s: np.ndarray, t: float) -> int:
    return int(np.clip(np.searchsorted(t_s, t, side="right") - 1, 0, len(t_s) - 1))


def overlay_data(report: Report) -> OverlayData:
    """Everything ``draw_frame`` needs from ``report``, computed once (``draw_frame`` caches it)."""
    pose, kin, ex = report.pose, report.kinematics, report.exercise
    if pose is None:
        n = 0
        xy = np.zeros((0, 33, 2), np.float32)
        t_s = np.zeros(0)
        size = (report.video.width, report.video.height)
    else:
        n = len(pose)
        xy = repair_lr_swaps(pose.xyzv)[0][:, :, :2]
        t_s = np.asarray(pose.t_s, np.float64)
        size = (pose.width, pose.height)
    detected = np.isfinite(xy[:, :, 0]).any(axis=1) if n else np.zeros(0, bool)
    if kin is not None and len(kin.t_s) == n and n:
        right = working_leg(kin)
        if ex.working_side in ("left", "right"):
            # A side forced by the user (or a clip-level verdict the per-frame reading mostly
            # contradicts) wins.
            want = ex.working_side == "right"
            if np.mean(right == want) < 0.5:
                right = np.full(n, want)
        hip = per_leg(kin, "hip_ext", right)
        knee = per_leg(kin, "knee_flex", right)
    else:
        right = np.full(n, ex.working_side == "right")
        hip = knee = np.full(n, np.nan)
    spans = []
    rep_results = list(report.reps) if ex.is_kickback else []
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
        worst = max(
            (f.severity for f in r.findings), key=lambda sev: _SEVERITY_RANK[sev], default="ok"
        )
        spans.append(
            _RepSpan(
                rep.index,
                s,
                max(s, top_lo),
                min(e, max(top_lo, top_hi)),
                e,
                max(e, until),
                rep.top_frame,
                worst,
                r.findings,
            )
        )
    rep_of = np.full(n, -1)
    flag_of = np.full(n, -1)
    started = np.zeros(n, int)
    for k, sp in enumerate(spans):
        rep_of[sp.start : sp.end + 1] = k
        flag_of[sp.start : sp.flags_until + 1] = k
        started[sp.start :] = k + 1
    side = ex.working_side
    return OverlayData(
        n_frames=n,
        size_wh=(int(size[0]), int(size[1])),
        is_kickback=ex.is_kickback,
        reason=ex.reason,
        side_label=f"{side} leg" if side and ex.is_kickback else "",
        xy=xy.astype(np.float32),
        detected=detected,
        right=np.asarray(right, bool),
        hip_ext_deg=np.asarray(hip, np.float64),
        knee_flex_deg=np.asarray(knee, np.float64),
        t_s=t_s,
        reps=tuple(spans),
        rep_of_frame=rep_of,
        flag_rep_of_frame=flag_of,
        started=started,
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


@dataclass(frozen=True)
class _Style:
    """Sizes for one image size: everything scales with the shorter side (1.0 at 360 px)."""

    s: float
    line: int
    dim_line: int
    joint_r: int
    font: float
    small_font: float
    thick: int
    pad: int

    @classmethod
    def for_size(cls, w: int, h: int) -> _Style:
        s = max(0.5, min(w, h) / 360.0)
        return cls(
            s=s,
            line=max(2, round(2.5 * s)),
            dim_line=max(1, round(1.6 * s)),
            joint_r=max(2, round(3.0 * s)),
            font=0.55 * s,
            small_font=0.42 * s,
            thick=max(1, round(1.4 * s)),
            pad=max(3, round(6 * s)),
        )


def _text_w(text: str, scale: float, thick: int) -> int:
    """Width of ``text`` as ``_text`` draws it (a degree sign is a small drawn ring)."""
    parts = text.split(_DEG)
    w = sum(cv2.getTextSize(p, _FONT, scale, thick)[0][0] for p in parts if p)
    return w + (len(parts) - 1) * _deg_w(scale, thick)


def _deg_w(scale: float, thick: int) -> int:
    return max(3, round(9 * scale)) + thick


def _text_h(scale: float, thick: int) -> int:
    return cv2.getTextSize("Ag", _FONT, scale, thick)[0][1]


def _text(
    img: np.ndarray,
    org: tuple[int, int],
    text: str,
    scale: float,
    color: tuple[int, int, int],
    thick: int,
    outline: bool = True,
) -> int:
    """Draw ``text`` with its baseline-left at ``org`` (Hershey fonts have no degree sign: it is
    drawn as a ring). A dark outline keeps it legible on any background. Returns its width."""
    passes = (
        [((0, 0, 0), thick + max(2, thick + 1)), (color, thick)] if outline else [(color, thick)]
    )
    x0, y = org
    cap = _text_h(scale, thick)
    for col, th in passes:
        x = x0
        for k, part in enumerate(text.split(_DEG)):
            if k:
                r = max(2, round(3 * scale))
                cv2.circle(img, (x + r + thick, y - cap + r), r, col, max(1, th - 1), cv2.LINE_AA)
                x += _deg_w(scale, thick)
            if part:
                cv2.putText(img, part, (x, y), _FONT, scale, col, th, cv2.LINE_AA)
                x += cv2.getTextSize(part, _FONT, scale, thick)[0][0]
    return _text_w(text, scale, thick)


def _fit_scale(text: str, scale: float, thick: int, max_w: int) -> float:
    w = _text_w(text, scale, thick)
    return scale if w <= max_w else max(0.3, scale * max_w / w)


def _wrap(text: str, scale: float, thick: int, max_w: int, max_lines: int) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for word in words:
        trial = f"{cur} {word}".strip()
        if cur and _text_w(trial, scale, thick) > max_w:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    if cur:
        lines.append(cur)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1 :])]
    return lines


def _darken(img: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> None:
    roi = img[y0:y1, x0:x1]
    if roi.size:
        gamma = _PANEL_GREY * _PANEL_ALPHA
        cv2.addWeighted(roi, 1.0 - _PANEL_ALPHA, roi, 0.0, gamma, dst=roi)


def _flag_words(f: Finding) -> str:
    """A finding's severity and its label, both as the rule table words them."""
    return f"{f.severity}: {rule(f.rule_id).overlay_label(f)}"


# ----------------------------------------------------------------------------------------------
# The layers
# ----------------------------------------------------------------------------------------------


def _header(img: np.ndarray, i: int, d: OverlayData, st: _Style, draw: bool = True) -> int:
    """Draw the header bar (only measure it if not ``draw``); returns its height in pixels."""
    h, w = img.shape[:2]
    p = st.pad
    line_h = _text_h(st.font, st.thick) + p + p // 2
    lines: list[list[tuple[str, tuple[int, int, int]]]] = []
    right_text = ""
    stripe: tuple[int, int, int] | None = None
    if not d.is_kickback:
        lines.append([("not a kickback", SEVERITY_BGR["warning"])])
        reason = d.reason[:1].upper() + d.reason[1:] if d.reason else "no kickbacks found"
        for ln in _wrap(reason, st.font * 0.85, st.thick, w - 2 * p, 3):
            lines.append([(ln, _TEXT_BGR)])
    else:
        k = d.rep_of_frame[i] if 0 <= i < d.n_frames else -1
        done = int(d.started[i]) if 0 <= i < d.n_frames else 0
        counter = f"rep {done}/{len(d.reps)}"
        if k >= 0:
            sp = d.reps[k]
            phase = "up" if i < sp.top_lo else "top" if i <= sp.top_hi else "down"
        else:
            phase = "rest"
        lines.append(
            [(counter, _TEXT_BGR), (phase, SEVERITY_BGR["info"] if phase == "top" else _TEXT_BGR)]
        )
        right_text = d.side_label
        f = d.flag_rep_of_frame[i] if 0 <= i < d.n_frames else -1
        if f >= 0:
            sp = d.reps[f]
            stripe = SEVERITY_BGR[sp.severity if sp.severity != "info" else "ok"]
            if sp.findings:
                lines.append([(_flag_words(x), SEVERITY_BGR[x.severity]) for x in sp.findings])
            elif k == f:
                lines.append([("good rep", SEVERITY_BGR["ok"])])
    stripe_h = max(3, round(4 * st.s)) if stripe else 0
    # Flags that do not fit side by side go one per line.
    laid: list[tuple[list[tuple[str, tuple[int, int, int]]], float]] = []
    gap = 3 * p
    for segs in lines:
        width = sum(_text_w(t, st.font, st.thick) for t, _ in segs) + gap * (len(segs) - 1)
        if len(segs) > 1 and width > w - 2 * p and segs is not lines[0]:
            for seg in segs:
                laid.append(([seg], _fit_scale(seg[0], st.font, st.thick, w - 2 * p)))
        else:
            laid.append((segs, st.font if width <= w - 2 * p else st.font * (w - 2 * p) / width))
    bar_h = min(h, len(laid) * line_h + p // 2 + stripe_h)
    if not draw:
        return bar_h
    _darken(img, 0, 0, w, bar_h)
    if stripe is not None:
        cv2.rectangle(img, (0, bar_h - stripe_h), (w - 1, bar_h - 1), stripe, -1)
    y = 0
    for n, (segs, scale) in enumerate(laid):
        y += line_h
        x = p
        th = st.thick + (1 if n == 0 and d.is_kickback else 0)
        for text, col in segs:
            x += _text(img, (x, y - p // 2 - p // 4), text, scale, col, th) + gap
        if n == 0 and right_text:
            rw = _text_w(right_text, st.small_font, st.thick)
            if x + rw < w - p:
                _text(
                    img,
                    (w - p - rw, y - p // 2 - p // 4),
                    right_text,
                    st.small_font,
                    _WORKING_BGR,
                    st.thick,
                )
    return bar_h


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


def _joint_label(
    img: np.ndarray,
    xy: np.ndarray,
    joint: int,
    text: str,
    away: np.ndarray,
    st: _Style,
    top: int,
    bottom: int,
) -> None:
    """Put ``text`` beside landmark ``joint``, pushed along ``away`` (a unit vector)."""
    q = xy[joint]
    if not np.isfinite(q).all():
        return
    h, w = img.shape[:2]
    tw, th = _text_w(text, st.font, st.thick), _text_h(st.font, st.thick)
    off = 10 * st.s + 0.5 * math.hypot(tw, th)
    cx, cy = float(q[0] + away[0] * off), float(q[1] + away[1] * off)
    x = int(np.clip(cx - tw / 2, 2, max(2, w - tw - 2)))
    y = int(np.clip(cy + th / 2, top + th + 2, max(top + th + 2, bottom - 2)))
    _text(img, (x, y), text, st.font, _WORKING_BGR, st.thick)


def _angles(
    img: np.ndarray, i: int, d: OverlayData, xy: np.ndarray, st: _Style, top: int, bottom: int
) -> None:
    if not d.is_kickback:
        return
    side = "RIGHT_" if d.right[i] else "LEFT_"
    hip, knee, ankle = (int(L[side + j]) for j in ("HIP", "KNEE", "ANKLE"))
    sh = (xy[int(L.LEFT_SHOULDER)] + xy[int(L.RIGHT_SHOULDER)]) / 2
    # Hip label: on the far side of the hip from the shoulders and the knee (above the buttocks).
    for joint, value, name, ref in (
        (hip, d.hip_ext_deg[i], "hip", [sh, xy[knee]]),
        (knee, d.knee_flex_deg[i], "knee", [xy[hip], xy[ankle]]),
    ):
        if not math.isfinite(value):
            continue
        refs = [r for r in ref if np.isfinite(r).all()]
        v = sum((xy[joint] - r) / max(1e-6, float(np.hypot(*(xy[joint] - r)))) for r in refs)
        n = float(np.hypot(*v)) if refs else 0.0
        away = v / n if n > 1e-3 else np.array([0.0, -1.0])
        sign = "+" if name == "hip" and value > 0 else ""
        _joint_label(img, xy, joint, f"{name} {sign}{value:.0f}{_DEG}", away, st, top, bottom)


def _spark_box(w: int, h: int, st: _Style) -> tuple[int, int, int, int]:
    m = st.pad
    ph = max(24, int(round(0.12 * min(h, w) + 0.01 * h)))
    return m, h - m - ph, w - m, h - m


def _spark_panel(
    d: OverlayData, w: int, h: int, st: _Style
) -> tuple[np.ndarray, np.ndarray, tuple[int, int, int, int]]:
    """The sparkline panel for one image size: (its pixels, mask of the drawn ones, box)."""
    key = (w, h)
    if key in d._panels:
        return d._panels[key]
    x0, y0, x1, y1 = _spark_box(w, h, st)
    pw, ph = x1 - x0, y1 - y0
    panel = np.empty((ph, pw, 3), np.uint8)
    panel[:] = _PANEL_BGR
    drawn = np.zeros((ph, pw), np.uint8)
    label = "hip extension"
    lab_h = _text_h(st.small_font, st.thick)
    xs, ys = _spark_xy(d, pw, ph, st)
    finite = np.isfinite(ys)
    runs = np.split(np.flatnonzero(finite), np.flatnonzero(np.diff(np.flatnonzero(finite)) > 1) + 1)
    for run in runs:
        if len(run) > 1:
            poly = np.stack([xs[run], ys[run]], 1).round().astype(np.int32)
            cv2.polylines(
                panel, [poly], False, _WORKING_BGR, max(1, round(1.5 * st.s)), cv2.LINE_AA
            )
            cv2.polylines(drawn, [poly], False, (255,), max(1, round(1.5 * st.s)) + 2)
    for sp in d.reps:
        if 0 <= sp.top < len(ys) and math.isfinite(ys[sp.top]):
            c = (int(round(xs[sp.top])), int(round(ys[sp.top])))
            r = max(3, round(4 * st.s))
            col = SEVERITY_BGR[sp.severity]
            cv2.circle(panel, c, r + 1, (0, 0, 0), -1, cv2.LINE_AA)
            cv2.circle(panel, c, r, col, -1, cv2.LINE_AA)
            cv2.circle(drawn, c, r + 2, (255,), -1)
            num = str(sp.number)
            nw = cv2.getTextSize(num, _FONT, st.small_font, st.thick)[0][0]
            ty = max(lab_h + 2, c[1] - r - 3)
            _text(panel, (c[0] - nw // 2, ty), num, st.small_font, col, st.thick, outline=False)
            cv2.putText(
                drawn, num, (c[0] - nw // 2, ty), _FONT, st.small_font, (255,), st.thick + 2
            )
    # The label last, outlined, so the curve never hides it.
    _text(panel, (st.pad, st.pad + lab_h), label, st.small_font, (200, 200, 200), st.thick)
    lab_w = _text_w(label, st.small_font, st.thick)
    cv2.rectangle(drawn, (st.pad - 2, 0), (st.pad + lab_w + 4, st.pad + lab_h + 4), 255, -1)
    out = (panel, drawn > 0, (x0, y0, x1, y1))
    d._panels[key] = out
    return out


def _spark_xy(d: OverlayData, pw: int, ph: int, st: _Style) -> tuple[np.ndarray, np.ndarray]:
    """x, y in panel pixels of every frame's working-hip extension (y NaN where unmeasured)."""
    t = d.t_s
    m = st.pad
    # Room above the curve for the rep numbers over the top marks.
    lab = m + _text_h(st.small_font, st.thick) + max(3, round(4 * st.s)) + 4
    span = float(t[-1] - t[0]) if len(t) > 1 else 1.0
    xs = m + (t - t[0]) / max(span, 1e-9) * (pw - 2 * m)
    v = d.hip_ext_deg
    fin = np.isfinite(v)
    if not fin.any():
        return xs, np.full(len(t), np.nan)
    lo, hi = float(v[fin].min()), float(v[fin].max())
    if hi - lo < 10.0:
        lo, hi = (lo + hi) / 2 - 5.0, (lo + hi) / 2 + 5.0
    ys = lab + (hi - v) / (hi - lo) * (ph - lab - max(3, m // 2) - 2)
    return xs, ys


def _sparkline(img: np.ndarray, i: int, d: OverlayData, st: _Style) -> int:
    """Blend the pre-rendered panel in and draw the time cursor; returns the panel's top y."""
    h, w = img.shape[:2]
    if d.n_frames < 2 or h < 120:
        return h
    panel, drawn, (x0, y0, x1, y1) = _spark_panel(d, w, h, st)
    _darken(img, x0, y0, x1, y1)
    np.copyto(img[y0:y1, x0:x1], panel, where=drawn[:, :, None])
    xs, ys = _spark_xy(d, x1 - x0, y1 - y0, st)
    cx = int(round(xs[i])) + x0
    cv2.line(img, (cx, y0 + st.pad), (cx, y1 - 2), _TEXT_BGR, max(1, round(st.s)), cv2.LINE_AA)
    if math.isfinite(ys[i]):
        cv2.circle(
            img, (cx, int(round(ys[i])) + y0), max(3, round(3.5 * st.s)), _TEXT_BGR, -1, cv2.LINE_AA
        )
    return y0


# ----------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------


def draw_frame(image_bgr: np.ndarray, frame_index: int, report: Report) -> np.ndarray:
    """A copy of ``image_bgr`` (uint8 HxWx3) with frame ``frame_index`` of ``report`` drawn on it.

    Frames with no person (or an index outside the report) get the header only.
    """
    if image_bgr.dtype != np.uint8 or image_bgr.ndim != 3 or image_bgr.shape[2] != 3:
        raise ValueError(
            f"image_bgr must be uint8 [H, W, 3], got {image_bgr.dtype} {list(image_bgr.shape)}"
        )
    d = _data_for(report)
    img = image_bgr.copy()
    h, w = img.shape[:2]
    st = _Style.for_size(w, h)
    if not (0 <= frame_index < d.n_frames) or not d.detected[frame_index]:
        _header(img, frame_index, d, st)
        return img
    top = _header(img, frame_index, d, st, draw=False)
    sx, sy = w / d.size_wh[0], h / d.size_wh[1]
    xy = d.xy[frame_index] * np.array([sx, sy], np.float32)
    bottom = _sparkline(img, frame_index, d, st) if d.is_kickback else h
    _skeleton(img, xy, bool(d.right[frame_index]), d.is_kickback, st)
    _angles(img, frame_index, d, xy, st, top, bottom)
    _header(img, frame_index, d, st)  # last: a raised foot never hides the flags
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
