"""Form rules: a table of named checks, each turning one rep's measurements into a finding.

Thresholds come from the config, per variant (``[rules.quadruped]`` / ``[rules.standing]``); the
default file documents each one and its source. A rule returns ``None`` when the rep is fine.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kickcheck.config import VariantRules
from kickcheck.types import Finding, RepResult

WHY = {
    "lumbar_hyperextension": "arching the lower back moves the load from the glutes onto the lumbar spine",
    "knee_straightened": "straightening the knee hands the work to the hamstrings",
    "knee_locked": "a locked knee loads the joint instead of the glute",
    "no_squeeze": "a controlled squeeze at the top works the glute more than a high kick",
}


@dataclass(frozen=True)
class Rule:
    rule_id: str
    check: Callable[[RepResult, VariantRules, str, str | None], Finding | None]
    description: str


def _severity(value: float, warn: float, fault: float) -> str | None:
    if not math.isfinite(value):
        return None
    if value >= fault:
        return "fault"
    if value >= warn:
        return "warning"
    return None


def _lumbar(r: RepResult, c: VariantRules, variant: str, style: str | None) -> Finding | None:
    """The landmark measure decides and grades; the silhouette measure, where it could be taken,
    must agree (its back sag rose by at least ``lumbar_confirm_sag`` trunk lengths)."""
    sev = _severity(r.lumbar_arch_deg, c.lumbar_arch_warning_deg, c.lumbar_arch_fault_deg)
    if sev is None:
        return None
    if math.isfinite(r.back_sag_change) and r.back_sag_change < c.lumbar_confirm_sag:
        return None
    return Finding(
        "lumbar_hyperextension",
        r.rep.index,
        sev,
        round(r.lumbar_arch_deg, 1),
        c.lumbar_arch_warning_deg if sev == "warning" else c.lumbar_arch_fault_deg,
        f"Stop the kick before your lower back arches: it arched about "
        f"{r.lumbar_arch_deg:.0f}° at the top",
    )


def _knee(r: RepResult, c: VariantRules, variant: str, style: str | None) -> Finding | None:
    """Bent-knee kickback on all fours: the knee opens toward straight at the top. Standing: the knee
    locks fully straight. On all fours, a set whose knee is straight at the top of most reps is the
    straight-leg kickback: its straight knee is deliberate and never flagged, nor is a near-straight
    standing leg."""
    if not (math.isfinite(r.knee_flexion_deg) and math.isfinite(r.knee_flexion_start_deg)):
        return None
    if variant == "quadruped":
        if style == "straight_leg" or r.knee_flexion_start_deg < 45.0:
            return None
        opened = r.knee_flexion_start_deg - r.knee_flexion_deg
        sev = _severity(opened, c.knee_open_warning_deg, c.knee_open_fault_deg)
        if sev is None or r.knee_flexion_deg > c.knee_open_max_top_deg:
            return None
        return Finding(
            "knee_straightened",
            r.rep.index,
            sev,
            round(opened, 1),
            c.knee_open_warning_deg if sev == "warning" else c.knee_open_fault_deg,
            f"Keep the knee bent as you kick: it opened {opened:.0f}° toward straight "
            f"(from {r.knee_flexion_start_deg:.0f}° to {r.knee_flexion_deg:.0f}° of bend)",
        )
    if r.knee_flexion_deg < c.knee_locked_deg:
        # "info": MediaPipe cannot tell a locked knee from a near-straight one (see the config).
        return Finding(
            "knee_straightened",
            r.rep.index,
            "info",
            round(r.knee_flexion_deg, 1),
            c.knee_locked_deg,
            f"Keep a slight bend in the knee: it looked locked straight ({r.knee_flexion_deg:.0f}° of bend)",
        )
    return None


def _squeeze(r: RepResult, c: VariantRules, variant: str, style: str | None) -> Finding | None:
    if r.tempo.hold_s >= c.min_hold_s:
        return None
    return Finding(
        "no_squeeze",
        r.rep.index,
        "info",
        round(r.tempo.hold_s, 2),
        c.min_hold_s,
        f"Pause and squeeze at the top: the top lasted {r.tempo.hold_s:.2f} s",
    )


RULES: tuple[Rule, ...] = (
    Rule("lumbar_hyperextension", _lumbar, "the lower back arches at the top of the rep"),
    Rule("knee_straightened", _knee, "the working knee opens toward straight (or locks, standing)"),
    Rule("no_squeeze", _squeeze, "no controlled hold at the top"),
)


#: On all fours, a set whose median knee flexion at the tops is below this is the straight-leg kickback.
STRAIGHT_LEG_MAX_KNEE_DEG = 45.0


def knee_style(reps: list[RepResult]) -> str | None:
    """ "straight_leg" or "bent_knee": how the knee is held at the top of most reps (None: no reps)."""
    tops = [r.knee_flexion_deg for r in reps if math.isfinite(r.knee_flexion_deg)]
    if not tops:
        return None
    return "straight_leg" if float(np.median(tops)) < STRAIGHT_LEG_MAX_KNEE_DEG else "bent_knee"


def evaluate(
    rep: RepResult, rules: VariantRules, variant: str, style: str | None = None
) -> tuple[Finding, ...]:
    """All findings for one rep (none for an unscorable rep)."""
    if not rep.scorable:
        return ()
    found = (rule.check(rep, rules, variant, style) for rule in RULES)
    return tuple(f for f in found if f is not None)


def rep_ranges(indices: list[int]) -> str:
    """ "1, 3-5, 8" from [1, 3, 4, 5, 8]."""
    out: list[str] = []
    idx = sorted(set(indices))
    i = 0
    while i < len(idx):
        j = i
        while j + 1 < len(idx) and idx[j + 1] == idx[j] + 1:
            j += 1
        out.append(str(idx[i]) if i == j else f"{idx[i]}–{idx[j]}")
        i = j + 1
    return ", ".join(out)
