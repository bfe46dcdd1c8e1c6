"""The form score: 0-100 per rep, every point lost traceable to a measure and a rule.

A rep starts at 100 and loses, for each of its findings, the points ``[score]`` in the config
gives that rule at that severity (``<rule code>_<severity>``), and, in a set, the points of the
set's range rule (``short_range_warning``) when its range of motion is clearly below the set's
opening reps (below ``[sets] range_drop_ratio`` of their median). It never goes below 0::

    score = max(0, 100 - sum(points of each finding) - short_range points)

Each point lost is a ``Deduction``: the rule's code, the severity, the points, what was measured
(value and threshold) and the rule's own words for it (``rules.Rule.overlay_label``). A rep that
could not be scored (it crossed a long gap in tracking) gets no score. A set's, a leg's and the
clip's score are the means of their reps' scores.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable

import numpy as np

from kickcheck.config import ScoreConfig
from kickcheck.rules import rule
from kickcheck.types import Deduction, RepResult

#: The code of the set's range rule in a rep's deductions.
SHORT_RANGE = "short_range"
FULL_SCORE = 100.0


def points(code: str, severity: str, cfg: ScoreConfig) -> float:
    """The points a finding of rule ``code`` at ``severity`` costs (the config's
    ``<code>_<severity>``)."""
    key = f"{code}_{severity}"
    if key not in type(cfg).model_fields:
        raise KeyError(f"the [score] config has no key {key!r}")
    return float(getattr(cfg, key))


def short_range_words(rom_deg: float, opening_deg: float) -> str:
    pct = 100.0 * (1.0 - rom_deg / opening_deg)
    return f"range {rom_deg:.0f}°, {pct:.0f} % below the set's opening reps ({opening_deg:.0f}°)"


def deductions(
    r: RepResult, cfg: ScoreConfig, opening_rom_deg: float, range_drop_ratio: float
) -> tuple[Deduction, ...]:
    """What ``r`` loses: its findings (rule table order, as ``rules.evaluate`` gives them), then
    the set's range rule. ``opening_rom_deg``: the median range of its set's opening reps (NaN:
    no range rule)."""
    out = []
    for f in r.findings:
        pts = points(f.rule_id, f.severity, cfg)
        if pts > 0:
            words = rule(f.rule_id).overlay_label(f)
            out.append(Deduction(f.rule_id, f.severity, pts, f.value, f.threshold, words))
    bar = range_drop_ratio * opening_rom_deg
    if (
        math.isfinite(opening_rom_deg)
        and opening_rom_deg > 0
        and math.isfinite(r.rom_deg)
        and r.rom_deg < bar
        and cfg.short_range_warning > 0
    ):
        out.append(
            Deduction(
                SHORT_RANGE,
                "warning",
                cfg.short_range_warning,
                r.rom_deg,
                bar,
                short_range_words(r.rom_deg, opening_rom_deg),
            )
        )
    return tuple(out)


def score_rep(
    r: RepResult, cfg: ScoreConfig, opening_rom_deg: float, range_drop_ratio: float
) -> RepResult:
    """``r`` with its score and deductions (no score for a rep that could not be scored)."""
    if not r.scorable:
        return dataclasses.replace(r, score=None, deductions=())
    ded = deductions(r, cfg, opening_rom_deg, range_drop_ratio)
    score = max(0.0, FULL_SCORE - sum(d.points for d in ded))
    return dataclasses.replace(r, score=score, deductions=ded)


def mean_score(reps: Iterable[RepResult]) -> float | None:
    """The mean of the reps' scores (None when none was scored)."""
    vals = [r.score for r in reps if r.score is not None]
    return float(np.mean(vals)) if vals else None


def deduction_line(d: Deduction) -> str:
    """ "−20 lumbar_hyperextension (fault): thigh 12° past the hip's range: back arched"."""
    return f"\N{MINUS SIGN}{d.points:g} {d.code} ({d.severity}): {d.words}"
