"""Charts of a report (matplotlib, Agg): the measures over time and the per-rep peaks.

They present what the report holds and judge nothing: the curves are ``report.track`` (the working
leg's angles, the lumbar measures frame by frame), the spans and flags are ``report.reps``, the
threshold lines are ``report.rules`` (the config the reps were judged against). A clip that is not
a kickback gets both hips' extension and both knees' flexion over time (``report.kinematics``).

``curves_figure`` and ``peaks_figure`` return matplotlib ``Figure`` objects (no pyplot, so no
global state: safe in threads and in notebooks); ``png_bytes`` renders one; ``write_plots`` writes
the charts of a clip into a folder, each file atomically. ``sets_figure`` draws the sets: the range
of motion per rep with each set's trend, and each rep's form score.
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from kickcheck.config import QuadrupedRules
from kickcheck.sets import legs_words
from kickcheck.types import Finding, Report, RepResult

__all__ = [
    "CURVE_COLORS",
    "PRINT_DPI",
    "SEVERITY_COLORS",
    "curves_figure",
    "peaks_figure",
    "sets_figure",
    "png_bytes",
    "write_plots",
]

#: Resolution of ``--plots`` (print quality); the report page uses ``SCREEN_DPI``.
PRINT_DPI = 200
SCREEN_DPI = 100

SEVERITY_COLORS = {
    "fault": "#d62728",
    "warning": "#f39c12",
    "info": "#3b7dd8",
    "ok": "#2ca02c",
}
_SEVERITY_RANK = {"ok": 0, "info": 1, "warning": 2, "fault": 3}

#: One colour per curve (also what the tests look for in the PNG).
CURVE_COLORS = {
    "hip": "#1b4f72",
    "knee": "#7d3c98",
    "lumbar": "#a04000",
    "sag": "#117864",
    "other": "#909497",
}
#: The legs' colours in the sets chart.
LEG_COLORS = {"left": "#6c3483", "right": "#1f618d"}
_SPAN = "#d5d8dc"  # rep span shading
_GRID = "#eaecee"

#: Which panel a rule's flag belongs to.
_RULE_PANEL = {
    "lumbar_hyperextension": ("lumbar", "sag"),
    "knee_straightened": ("knee",),
    "knee_locked": ("knee",),
}


def _knee_bar(report: Report) -> tuple[float, str]:
    """The knee threshold the reps were judged against, and its label: the bent-knee kickback's
    "opened below" level, or the straight-leg sets' "locked below" level (see ``rules``)."""
    c = report.rules
    if c is None:
        return float("nan"), ""
    if isinstance(c, QuadrupedRules) and report.exercise.style != "straight_leg":
        return (
            c.knee_open_max_top_deg,
            f"an opened knee is flagged below {c.knee_open_max_top_deg:g}°",
        )
    return c.knee_locked_deg, f"a knee is locked below {c.knee_locked_deg:g}°"


def _worst(findings: tuple[Finding, ...] | list[Finding]) -> str:
    return max((f.severity for f in findings), key=_SEVERITY_RANK.__getitem__, default="ok")


def _panel_findings(r: RepResult, panel: str) -> list[Finding]:
    return [f for f in r.findings if panel in _RULE_PANEL.get(f.rule_id, ())]


def _style(ax: Axes, ylabel: str) -> None:
    ax.set_ylabel(ylabel, fontsize=9)
    ax.grid(True, color=_GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _threshold(ax: Axes, y: float, label: str, color: str, style: str = "--") -> None:
    if not math.isfinite(y):
        return
    ax.axhline(y, color=color, linestyle=style, linewidth=1.1, zorder=1)
    ax.annotate(
        label,
        xy=(1.0, y),
        xycoords=("axes fraction", "data"),
        xytext=(-3, 2),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=7,
        color=color,
        bbox={
            "boxstyle": "round,pad=0.15",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.85,
        },
        zorder=5,
    )


def _not_measured(ax: Axes, y: np.ndarray, what: str) -> None:
    if not np.isfinite(np.asarray(y, float)).any():
        ax.text(
            0.5,
            0.5,
            f"{what} not measured in this clip",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=8,
            color="#566573",
        )


def _shade_reps(ax: Axes, report: Report, t: np.ndarray) -> None:
    for r in report.reps:
        worst = _worst(r.findings)
        color = SEVERITY_COLORS[worst] if worst in ("fault", "warning") else _SPAN
        alpha = 0.13 if worst in ("fault", "warning") else 0.45
        ax.axvspan(r.rep.start_s, r.rep.end_s, color=color, alpha=alpha, linewidth=0, zorder=0)


def _finite_lim(
    *arrays: np.ndarray | list[float], pad: float = 0.08, at_least: float = 10.0
) -> tuple[float, float]:
    vals = np.concatenate([np.asarray(a, float).ravel() for a in arrays])
    vals = vals[np.isfinite(vals)]
    if not vals.size:
        return -1.0, 1.0
    lo, hi = float(vals.min()), float(vals.max())
    if hi - lo < at_least:
        mid = (hi + lo) / 2
        lo, hi = mid - at_least / 2, mid + at_least / 2
    span = hi - lo
    return lo - pad * span, hi + pad * span


def curves_figure(report: Report, width_in: float = 10.0) -> Figure:
    """The measures over time: hip extension, knee flexion and the two lumbar measures of the
    working leg, with the rep spans shaded (red/amber behind reps with a fault/warning), the
    thresholds in use drawn, and each rep's top marked in the colour of its findings."""
    tr, kin, c = report.track, report.kinematics, report.rules
    if tr is None or kin is None:
        return _other_curves_figure(report, width_in)
    t = kin.t_s
    fig = Figure(figsize=(width_in, 7.6), layout="constrained")
    axes = fig.subplots(4, 1, sharex=True, height_ratios=[1.4, 1.0, 1.0, 0.9])
    ax_hip, ax_knee, ax_arch, ax_sag = (axes[i] for i in range(4))
    panels = (
        (ax_hip, "hip", tr.hip_extension_deg, "hip extension (°)"),
        (ax_knee, "knee", tr.knee_flexion_deg, "knee flexion (°)"),
        (ax_arch, "lumbar", tr.lumbar_arch_deg, "past the hip's range (a) (°)"),
        (ax_sag, "sag", tr.back_sag_change, "back sag change (b)\n(trunk lengths)"),
    )
    for ax, key, y, label in panels:
        _shade_reps(ax, report, t)
        ax.plot(t, y, color=CURVE_COLORS[key], linewidth=1.6, zorder=3)
        _style(ax, label)
        _not_measured(ax, y, label.split(" (")[0])
    # Thresholds from the config the reps were judged against.
    if c is not None:
        _threshold(
            ax_hip,
            c.hip_extension_limit_deg,
            f"hip allowance {c.hip_extension_limit_deg:g}°: beyond it the lower back arches",
            "#566573",
        )
        _threshold(
            ax_arch,
            c.lumbar_arch_warning_deg,
            f"warning {c.lumbar_arch_warning_deg:g}°",
            SEVERITY_COLORS["warning"],
        )
        _threshold(
            ax_arch,
            c.lumbar_arch_fault_deg,
            f"fault {c.lumbar_arch_fault_deg:g}°",
            SEVERITY_COLORS["fault"],
        )
        _threshold(
            ax_sag,
            c.lumbar_confirm_sag,
            f"confirms an arch above {c.lumbar_confirm_sag:g}",
            "#566573",
        )
        _threshold(ax_knee, *_knee_bar(report), "#566573")
    ax_hip.set_ylim(*_finite_lim(tr.hip_extension_deg, [c.hip_extension_limit_deg] if c else []))
    ax_hip.set_ylim(ax_hip.get_ylim()[0], ax_hip.get_ylim()[1] + 0.12 * np.ptp(ax_hip.get_ylim()))
    ax_knee.set_ylim(*_finite_lim(tr.knee_flexion_deg, [_knee_bar(report)[0]] if c else []))
    arch_refs = [c.lumbar_arch_fault_deg] if c else []
    ax_arch.set_ylim(
        min(-1.0, _finite_lim(tr.lumbar_arch_deg, arch_refs)[0]),
        _finite_lim(tr.lumbar_arch_deg, arch_refs)[1],
    )
    ax_sag.set_ylim(
        *_finite_lim(tr.back_sag_change, [c.lumbar_confirm_sag, 0.0] if c else [0.0], at_least=0.06)
    )
    # Rep tops: the hip panel marks every rep in its worst colour with its number above; the other
    # panels mark the reps flagged by their own rule.
    for r in report.reps:
        i = r.rep.top_frame
        worst = _worst(r.findings)
        y = tr.hip_extension_deg[i]
        if math.isfinite(y):
            ax_hip.plot(
                r.rep.top_s,
                y,
                "o",
                ms=7,
                color=SEVERITY_COLORS[worst],
                mec="black",
                mew=0.6,
                zorder=4,
            )
        ax_hip.annotate(
            str(r.rep.index),
            xy=(r.rep.top_s, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, -2),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=9,
            fontweight="bold",
            color=SEVERITY_COLORS[worst] if worst != "ok" else "#566573",
        )
        for ax, key, series, _ in panels[1:]:
            fs = _panel_findings(r, key)
            if not fs:
                continue
            v = series[i]
            if key == "knee":
                v = r.knee_flexion_deg
            elif key == "lumbar":
                v = r.lumbar_arch_deg
            if math.isfinite(v):
                ax.plot(
                    r.rep.top_s,
                    v,
                    "v",
                    ms=8,
                    color=SEVERITY_COLORS[_worst(fs)],
                    mec="black",
                    mew=0.6,
                    zorder=4,
                )
    ax_sag.set_xlabel("time (s)", fontsize=9)
    if len(t):
        ax_sag.set_xlim(float(t[0]), float(t[-1]))
    e = report.exercise
    fig.suptitle(
        f"{os.path.basename(report.video.path)}: {legs_words(report.sets, e.working_side)}, "
        f"{e.variant} variant"
        " (shaded: reps; red/amber: a fault/warning; numbers: reps)",
        fontsize=10,
    )
    return fig


def _other_curves_figure(report: Report, width_in: float) -> Figure:
    """Not a kickback: both hips and both knees over time, so the reason can be checked."""
    fig = Figure(figsize=(width_in, 4.6), layout="constrained")
    kin = report.kinematics
    axes = fig.subplots(2, 1, sharex=True)
    if kin is None:
        return fig
    for ax, name, label in (
        (axes[0], "hip_ext", "hip extension (°)"),
        (axes[1], "knee_flex", "knee flexion (°)"),
    ):
        ax.plot(
            kin.t_s, kin[f"{name}_left"], color=CURVE_COLORS["hip"], linewidth=1.4, label="left"
        )
        ax.plot(
            kin.t_s,
            kin[f"{name}_right"],
            color=CURVE_COLORS["other"],
            linewidth=1.4,
            linestyle="--",
            label="right",
        )
        _style(ax, label)
        ax.set_ylim(*_finite_lim(kin[f"{name}_left"], kin[f"{name}_right"], at_least=20.0))
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    axes[1].set_xlabel("time (s)", fontsize=9)
    fig.suptitle(f"{os.path.basename(report.video.path)}: not a kickback, no reps", fontsize=10)
    return fig


def peaks_figure(report: Report, width_in: float = 10.0) -> Figure:
    """Per rep, the values at the top: hip extension, knee flexion and both lumbar measures, each
    bar in the colour of the rep's finding on that measure, thresholds in use as lines."""
    reps, c = report.reps, report.rules
    fig = Figure(figsize=(width_in, 3.4), layout="constrained")
    axes = fig.subplots(1, 4)
    idx = np.array([r.rep.index for r in reps])
    specs = (
        ("hip", "hip extension at the top (°)", [r.hip_extension_deg for r in reps]),
        ("knee", "knee flexion at the top (°)", [r.knee_flexion_deg for r in reps]),
        ("lumbar", "past the hip's range (a) (°)", [r.lumbar_arch_deg for r in reps]),
        ("sag", "back sag change (b)", [r.back_sag_change for r in reps]),
    )
    for ax, (key, title, vals) in zip(axes, specs):
        v = np.array(vals, float)
        colors = []
        for r in reps:
            fs = _panel_findings(r, key)
            colors.append(SEVERITY_COLORS[_worst(fs)] if fs else CURVE_COLORS[key])
        if len(reps):
            ax.bar(idx, np.nan_to_num(v, nan=0.0), color=colors, width=0.7, zorder=2)
            for x, y in zip(idx, v):
                if not math.isfinite(y):
                    ax.annotate(
                        "n/a", (x, 0), ha="center", va="bottom", fontsize=7, color="#566573"
                    )
        ax.set_title(title, fontsize=9)
        ax.set_xticks(idx if len(idx) <= 20 else idx[:: max(1, len(idx) // 10)])
        ax.set_xlabel("rep", fontsize=8)
        _style(ax, "")
        ax.axhline(0, color="#566573", linewidth=0.8)
    if c is not None:
        _threshold(
            axes[0],
            c.hip_extension_limit_deg,
            f"allowance {c.hip_extension_limit_deg:g}°",
            "#566573",
        )
        _threshold(
            axes[2],
            c.lumbar_arch_warning_deg,
            f"warning {c.lumbar_arch_warning_deg:g}°",
            SEVERITY_COLORS["warning"],
        )
        _threshold(
            axes[2],
            c.lumbar_arch_fault_deg,
            f"fault {c.lumbar_arch_fault_deg:g}°",
            SEVERITY_COLORS["fault"],
        )
        _threshold(axes[3], c.lumbar_confirm_sag, f"confirms {c.lumbar_confirm_sag:g}", "#566573")
        _threshold(axes[1], *_knee_bar(report), "#566573")
        for ax, top in (
            (axes[0], c.hip_extension_limit_deg),
            (axes[2], c.lumbar_arch_fault_deg),
            (axes[3], c.lumbar_confirm_sag),
        ):
            lo, hi = ax.get_ylim()
            ax.set_ylim(min(lo, 0.0), max(hi, 1.15 * top))
    fig.suptitle("per rep, at the top (coloured: flagged on that measure)", fontsize=10)
    return fig


def sets_figure(report: Report, width_in: float = 10.0) -> Figure:
    """Per rep, grouped by set: the range of motion in the colour of its leg, each set's
    least-squares trend and the line below which a rep's range is clearly lower than the opening
    reps' (``report.sets``); under it, each rep's form score in the colour of its worst loss."""
    fig = Figure(figsize=(width_in, 4.6), layout="constrained")
    ax_rom, ax_score = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    reps = {r.rep.index: r for r in report.reps}
    # one slot per rep, a gap of one slot between sets
    x_of: dict[int, float] = {}
    slot = 0.0
    bounds = []
    for st in report.sets:
        x0 = slot
        for k in st.rep_indices:
            x_of[k] = slot
            slot += 1.0
        bounds.append((st, x0, slot - 1.0))
        slot += 1.0
    for st, x0, x1 in bounds:
        xs = np.array([x_of[k] for k in st.rep_indices])
        rom = np.array(st.range_of_motion.values, float)
        color = LEG_COLORS.get(st.side, CURVE_COLORS["hip"])
        ax_rom.plot(xs, rom, color=color, linewidth=0.8, alpha=0.5, zorder=2)
        ax_rom.scatter(xs, rom, s=30, color=color, zorder=3)
        ok = np.isfinite(rom)
        if ok.sum() >= 2:
            a, b = np.polyfit(xs[ok] - x0, rom[ok], 1)
            ax_rom.plot([x0, x1], [b, b + a * (x1 - x0)], color="#17202a", linewidth=1.4, zorder=3)
        if math.isfinite(st.range_bar_deg):
            ax_rom.plot(
                [x0 - 0.4, x1 + 0.4],
                [st.range_bar_deg] * 2,
                color=SEVERITY_COLORS["warning"],
                linestyle="--",
                linewidth=1.1,
                zorder=3,
            )
        if st.break_rep is not None and st.break_rep in x_of:
            xb = x_of[st.break_rep] - 0.5
            for ax in (ax_rom, ax_score):
                ax.axvline(xb, color=SEVERITY_COLORS["fault"], linewidth=1.2, zorder=4)
            ax_rom.annotate(
                f"form broke: rep {st.break_rep}",
                xy=(xb, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(3, -15),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize=7,
                color=SEVERITY_COLORS["fault"],
            )
        ax_rom.annotate(
            f"set {st.index} · {st.side}",
            xy=(x0 - 0.4, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, -3),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=8,
            color=color,
            fontweight="bold",
        )
    for k, r in reps.items():
        if k not in x_of:
            continue
        if r.score is None:
            ax_score.annotate("n/a", (x_of[k], 0), ha="center", va="bottom", fontsize=7)
            continue
        worst = max(
            (d.severity for d in r.deductions), key=_SEVERITY_RANK.__getitem__, default="ok"
        )
        ax_score.bar(x_of[k], r.score, width=0.7, color=SEVERITY_COLORS[worst], zorder=2)
    lo, hi = _finite_lim(
        *[list(st.range_of_motion.values) for st in report.sets], [], at_least=20.0
    )
    bars = [st.range_bar_deg for st in report.sets if math.isfinite(st.range_bar_deg)]
    ax_rom.set_ylim(max(0.0, min([lo, *bars]) - 5.0), hi + 0.25 * (hi - lo))
    _style(ax_rom, "range of motion (°)")
    ax_score.set_ylim(0, 105)
    _style(ax_score, "form score")
    ticks = sorted(x_of.items(), key=lambda kv: kv[1])
    step = max(1, len(ticks) // 25)
    ax_score.set_xticks([x for _, x in ticks[::step]], [str(k) for k, _ in ticks[::step]])
    ax_score.set_xlabel("rep", fontsize=9)
    handles: list[Artist] = [
        Line2D([], [], marker="o", linestyle="", color=LEG_COLORS[sd], label=f"{sd} leg")
        for sd in ("left", "right")
        if any(st.side == sd for st in report.sets)
    ]
    handles.append(Line2D([], [], color="#17202a", linewidth=1.4, label="trend"))
    handles.append(
        Line2D(
            [],
            [],
            color=SEVERITY_COLORS["warning"],
            linestyle="--",
            label="clearly below the opening reps",
        )
    )
    ax_rom.legend(
        handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False
    )
    fig.suptitle("sets: range of motion and form score per rep", fontsize=10)
    return fig


def png_bytes(fig: Figure, dpi: int = SCREEN_DPI) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


def write_plots(report: Report, folder: str | os.PathLike[str], dpi: int = PRINT_DPI) -> list[Path]:
    """Write ``<clip>_curves.png``, ``<clip>_peaks.png`` and ``<clip>_sets.png`` into ``folder`` (created if its parent
    exists), each atomically. Returns the paths. Raises ``OutputError`` when they cannot be written."""
    from kickcheck.errors import OutputError
    from kickcheck.video import atomic_write_bytes

    out = Path(folder)
    try:
        out.mkdir(exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create the plots folder {out}: {err.strerror or err}") from None
    stem = Path(report.video.path).stem or "clip"
    paths = []
    for name, make in (("curves", curves_figure), ("peaks", peaks_figure), ("sets", sets_figure)):
        if name in ("peaks", "sets") and not report.reps:
            continue
        path = out / f"{stem}_{name}.png"
        atomic_write_bytes(path, png_bytes(make(report), dpi))
        paths.append(path)
    return paths
