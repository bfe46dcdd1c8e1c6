"""Drawing primitives for the overlay: sizes that scale with the image, text with a drawn degree
sign and an outline, wrapped and fitted text, dimmed panels and boxes. Pure OpenCV on an image;
nothing here knows about reports, reps or layout (``overlay.py`` lays out what to draw)."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

Box = tuple[int, int, int, int]  #: x0, y0, x1, y1 (exclusive ends)

PANEL_GREY = 25  #: panel background (a grey, so blending it is one scalar)
PANEL_BGR = (PANEL_GREY,) * 3
PANEL_ALPHA = 0.62  #: opacity of the header and strip backgrounds
FONT = cv2.FONT_HERSHEY_SIMPLEX
DEG = "\N{DEGREE SIGN}"
_FONT, _DEG, _PANEL_GREY, _PANEL_ALPHA = FONT, DEG, PANEL_GREY, PANEL_ALPHA
#: Hershey fonts draw only ASCII (anything else is a "?"): the few other characters the report's
#: words use are drawn as their nearest ASCII (the degree sign is drawn as a ring).
_ASCII = str.maketrans(
    {
        "\N{EN DASH}": "-",
        "\N{MINUS SIGN}": "-",
        "\N{MULTIPLICATION SIGN}": "x",
        "\N{RIGHTWARDS ARROW}": "->",
        "\N{MIDDLE DOT}": "|",
    }
)


@dataclass(frozen=True)
class Style:
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
    def for_size(cls, w: int, h: int) -> Style:
        s = max(0.5, min(w, h) / 360.0)
        return cls(
            s=s,
            line=max(2, round(2.5 * s)),
            dim_line=max(1, round(1.6 * s)),
            joint_r=max(2, round(3.0 * s)),
            font=0.55 * s,
            small_font=0.45 * s,
            thick=max(1, round(1.4 * s)),
            pad=max(3, round(6 * s)),
        )


def _text_w(text: str, scale: float, thick: int) -> int:
    """Width of ``text`` as ``_text`` draws it (a degree sign is a small drawn ring)."""
    parts = text.translate(_ASCII).split(_DEG)
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
    text = text.translate(_ASCII)
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


#: A block of wrapped text may shrink to this share of its font scale to fit its lines; beyond
#: that its last line is cut short ("...").
_MIN_SHRINK = 0.7


def _greedy_lines(text: str, scale: float, thick: int, max_w: int) -> list[str]:
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
    return lines


def _wrap(text: str, scale: float, thick: int, max_w: int, max_lines: int) -> tuple[list[str], float]:
    """``text`` in at most ``max_lines`` lines of at most ``max_w`` pixels, and the one font scale to
    draw them all at: ``scale``, or smaller (down to ``_MIN_SHRINK`` of it) where that fits the
    text in; past that the last line is cut short with "..." (the full text is in the report)."""
    floor = scale * _MIN_SHRINK
    s = scale
    lines = _greedy_lines(text, s, thick, max_w)
    while len(lines) > max_lines and s > floor:
        s = max(floor, s * 0.93)
        lines = _greedy_lines(text, s, thick, max_w)
    if len(lines) > max_lines:
        words = lines[max_lines - 1].split()
        while len(words) > 1 and _text_w(" ".join(words) + " ...", s, thick) > max_w:
            words.pop()
        lines = lines[: max_lines - 1] + [" ".join(words) + " ..."]
    return lines, s


def _darken(img: np.ndarray, box: Box, alpha: float = _PANEL_ALPHA) -> None:
    x0, y0, x1, y1 = box
    roi = img[max(0, y0) : y1, max(0, x0) : x1]
    if roi.size:
        cv2.addWeighted(roi, 1.0 - alpha, roi, 0.0, _PANEL_GREY * alpha, dst=roi)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _pt(p: np.ndarray) -> tuple[int, int]:
    return (int(round(float(p[0]))), int(round(float(p[1]))))
