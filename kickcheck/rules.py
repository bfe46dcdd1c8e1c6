"""Form rules: one table, one row per rule, and each row owns everything about its rule.

A row (``Rule``) holds the rule's code, the severities it can give, the config keys of its
thresholds (per variant, ``[rules.quadruped]`` / ``[rules.standing]`` in the commented default
config, which documents each one and its source), what it measures, and every word said about it:
the cue (what to do), what was measured (``said``), why it matters, and the overlay's label. The
text report's verdict, the JSON findings' messages and the overlay's flag words are all made here
(``message``, ``verdict_line``, ``overlay_label``); presenters look a finding up, they never re-word
or re-judge it.

A row's ``check`` turns one rep's measurements into a ``Hit`` (severity, value, threshold and the
form of words that fits what was measured) or ``None`` when the rep is fine.

Wording claims no more than was measured. The landmark lumbar measure is the thigh's extension
beyond the hip's own range (or, standing, the trunk's rise toward upright during the kick), not an
angle of the spine, so the words say that, and what it implies.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from kickcheck.config import QuadrupedRules, VariantRules
from kickcheck.types import Finding, RepResult

#: Severities, mildest first. "info" is a note; only "warning" and "fault" are form to fix.
SEVERITIES = ("info", "warning", "fault")
TO_FIX = frozenset({"warning", "fault"})


@dataclass(frozen=True)
class Hit:
    """What a rule's check found on one rep."""

    severity: str
    value: float
    threshold: float
    form: str = ""  #: which of the rule's wordings fits what was measured ("" = its only one)


@dataclass(frozen=True)
class Wording:
    """The words for one form of a finding.

    ``said`` completes "<cue>: ..." and states what was measured, with the placeholders ``{value}``
    (the finding's value; over several reps the worst one), ``{many}`` (the rule's ``many`` prefix
    when several reps are summarised, else "") and ``{where}`` ("rep 2", "reps 2–4").
    ``overlay`` is the flag's label on the video, with ``{value}``.
    """

    said: str
    overlay: str


Check = Callable[[RepResult, VariantRules, str, "str | None"], "Hit | None"]


@dataclass(frozen=True)
class Rule:
    code: str
    title: str  #: what the rule looks for, in a few words
    severities: tuple[str, ...]  #: the severities it can give, mildest first
    thresholds: tuple[str, ...]  #: its config keys in ``[rules.<variant>]``
    variants: tuple[str, ...]  #: the variants it applies to
    measurement: str  #: what the finding's ``value`` is, with its unit
    cue: str  #: what to do, as an imperative
    why: str  #: why it matters
    words: Mapping[str, Wording]  #: by form ("" for the only one)
    check: Check
    #: which way is worse for ``value``: "higher" or "lower" (picks the worst of several reps)
    worse: str = "higher"
    many: str = "up to "  #: prefix of the worst value when several reps are summarised
    #: the body part the overlay marks on a flagged rep: "trunk", "knee" or "" (none)
    marks: str = ""
    #: where form broke in a set, in words: "your back began to arch" (``sets.py``)
    began: str = ""

    @property
    def rule_id(self) -> str:
        """The code, under the name ``Finding`` uses."""
        return self.code

    def wording(self, form: str) -> Wording:
        """The words for ``form``; a rule with one wording keeps it under ""."""
        return self.words[form] if form in self.words else self.words[""]

    def said(self, value: float, where: str, form: str = "", many: bool = False) -> str:
        return self.wording(form).said.format(
            value=value, where=where, many=self.many if many else ""
        )

    def message(self, finding: Finding) -> str:
        """One finding's message (the JSON's ``flags[].message``)."""
        where = f"rep {finding.rep_index}"
        return f"{self.cue}: {self.said(finding.value, where, finding.form)}"

    def overlay_label(self, finding: Finding) -> str:
        """The overlay's words for a finding, after its severity."""
        return self.wording(finding.form).overlay.format(value=finding.value)

    def verdict_line(self, findings: Iterable[Finding]) -> str:
        """One coaching line for all of this rule's findings: what to do, what was measured on
        which reps (the worst value), and why it matters."""
        fs = list(findings)
        pick = max if self.worse == "higher" else min
        worst = pick(fs, key=lambda f: f.value)
        idx = sorted({f.rep_index for f in fs})
        where = f"rep {idx[0]}" if len(idx) == 1 else f"reps {rep_ranges(idx)}"
        said = self.said(worst.value, where, worst.form, many=len(fs) > 1)
        return f"{self.cue}: {said} ({self.why})."


def _severity(value: float, warn: float, fault: float) -> str | None:
    if not math.isfinite(value):
        return None
    if value >= fault:
        return "fault"
    if value >= warn:
        return "warning"
    return None


def _lumbar(r: RepResult, c: VariantRules, variant: str, style: str | None) -> Hit | None:
    """The landmark measure decides and grades; the silhouette measure, where it could be taken,
    must agree (its back sag rose by at least ``lumbar_confirm_sag`` trunk lengths)."""
    sev = _severity(r.lumbar_arch_deg, c.lumbar_arch_warning_deg, c.lumbar_arch_fault_deg)
    if sev is None:
        return None
    if math.isfinite(r.back_sag_change) and r.back_sag_change < c.lumbar_confirm_sag:
        return None
    bar = c.lumbar_arch_warning_deg if sev == "warning" else c.lumbar_arch_fault_deg
    return Hit(sev, round(r.lumbar_arch_deg, 1), bar, r.lumbar_source)


def _knee_opened(r: RepResult, c: VariantRules, variant: str, style: str | None) -> Hit | None:
    """Bent-knee kickback on all fours: the knee opens toward straight at the top and ends bent
    less than ``knee_open_max_top_deg``. A straight-leg set (see ``knee_style``) and a rep that
    starts near straight are left to ``knee_locked``."""
    if not isinstance(c, QuadrupedRules) or style == "straight_leg":
        return None
    if not (math.isfinite(r.knee_flexion_deg) and math.isfinite(r.knee_flexion_start_deg)):
        return None
    if r.knee_flexion_start_deg < c.straight_leg_max_knee_deg:
        return None
    opened = r.knee_flexion_start_deg - r.knee_flexion_deg
    sev = _severity(opened, c.knee_open_warning_deg, c.knee_open_fault_deg)
    if sev is None or r.knee_flexion_deg > c.knee_open_max_top_deg:
        return None
    bar = c.knee_open_warning_deg if sev == "warning" else c.knee_open_fault_deg
    return Hit(sev, round(opened, 1), bar)


def _knee_locked(r: RepResult, c: VariantRules, variant: str, style: str | None) -> Hit | None:
    """A straight-leg kickback (standing, or the straight-leg set on all fours) whose working knee
    reads locked straight over the hold: below ``knee_locked_deg`` of flexion (median over the
    hold). The bar sits above the measurement error of a truly locked knee (see the README)."""
    if variant == "quadruped" and style != "straight_leg":
        return None
    if not math.isfinite(r.knee_flexion_deg) or r.knee_flexion_deg >= c.knee_locked_deg:
        return None
    return Hit("warning", round(r.knee_flexion_deg, 1), c.knee_locked_deg)


def _squeeze(r: RepResult, c: VariantRules, variant: str, style: str | None) -> Hit | None:
    if not math.isfinite(r.tempo.hold_s) or r.tempo.hold_s >= c.min_hold_s:
        return None
    return Hit("info", round(r.tempo.hold_s, 2), c.min_hold_s)


_DEG = "\N{DEGREE SIGN}"

RULES: tuple[Rule, ...] = (
    Rule(
        code="lumbar_hyperextension",
        title="the lower back arches at the top of the rep",
        severities=("warning", "fault"),
        thresholds=(
            "hip_extension_limit_deg",
            "lumbar_arch_warning_deg",
            "lumbar_arch_fault_deg",
            "lumbar_confirm_sag",
        ),
        variants=("quadruped", "standing"),
        measurement="degrees the thigh went past the hip's own range of extension (standing: or "
        "the trunk's rise toward upright during the kick, whichever is larger)",
        cue="Stop the kick before your lower back arches",
        why="an arched lower back takes the load off the glutes and puts it on the lumbar spine",
        words={
            "hip_range": Wording(
                said="your thigh went {many}{value:.0f}" + _DEG + " past what the hip alone "
                "allows at the top of {where}, so the rest came from arching the lower back",
                overlay="thigh {value:.0f}" + _DEG + " past the hip's range: back arched",
            ),
            "trunk_rise": Wording(
                said="your trunk rose {many}{value:.0f}" + _DEG + " toward upright as the leg "
                "kicked in {where}, which comes from arching the lower back",
                overlay="trunk rose {value:.0f}" + _DEG + ": back arched",
            ),
        },
        check=_lumbar,
        marks="trunk",
        began="your back began to arch",
    ),
    Rule(
        code="knee_straightened",
        title="on all fours, bent-knee: the knee opens toward straight at the top",
        severities=("warning", "fault"),
        thresholds=(
            "knee_open_warning_deg",
            "knee_open_fault_deg",
            "knee_open_max_top_deg",
            "straight_leg_max_knee_deg",
        ),
        variants=("quadruped",),
        measurement="degrees of knee flexion lost from the rep's start to its top",
        cue="Keep the working knee bent as you kick",
        why="straightening the knee hands the work to the hamstrings",
        words={
            "": Wording(
                said="it opened {many}{value:.0f}" + _DEG + " toward straight at the top of "
                "{where}",
                overlay="knee opened {value:.0f}" + _DEG + " toward straight",
            )
        },
        check=_knee_opened,
        marks="knee",
        began="your knee began to open toward straight",
    ),
    Rule(
        code="knee_locked",
        title="straight-leg kickback: the working knee is locked straight at the top",
        severities=("warning",),
        thresholds=("knee_locked_deg",),
        variants=("quadruped", "standing"),
        measurement="knee flexion at the top (median over the hold), degrees",
        cue="Keep a slight bend in the working knee",
        why="a locked knee lets the hamstrings take over from the glutes and loads the joint",
        words={
            "": Wording(
                said="it read {many}{value:.0f}" + _DEG + " of bend over the hold at the top of "
                "{where}: straight, as far as the video can tell",
                overlay="knee locked ({value:.0f}" + _DEG + " of bend)",
            )
        },
        check=_knee_locked,
        worse="lower",
        many="as little as ",
        marks="knee",
        began="your knee began to lock straight",
    ),
    Rule(
        code="no_squeeze",
        title="no controlled hold at the top",
        severities=("info",),
        thresholds=("min_hold_s",),
        variants=("quadruped", "standing"),
        measurement="seconds the hip stayed at the top (within the reps' top band)",
        cue="Pause and squeeze at the top",
        why="a controlled squeeze works the glute more than a high kick",
        words={
            "": Wording(
                said="the top lasted {many}{value:.2f} s in {where}",
                overlay="no squeeze at the top ({value:.2f} s)",
            )
        },
        check=_squeeze,
        worse="lower",
        many="as little as ",
        began="the squeeze at the top began to go",
    ),
)

RULES_BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}


def rule(code: str) -> Rule:
    """The table's row for a finding's ``rule_id``."""
    try:
        return RULES_BY_CODE[code]
    except KeyError:
        raise KeyError(f"no rule with code {code!r}; have {tuple(RULES_BY_CODE)}") from None


def knee_style(reps: list[RepResult], straight_leg_max_knee_deg: float) -> str | None:
    """ "straight_leg" or "bent_knee": how the knee is held at the top of most reps (None: no reps).
    A set whose median knee flexion at the tops is below ``straight_leg_max_knee_deg`` is the
    straight-leg kickback."""
    tops = [r.knee_flexion_deg for r in reps if math.isfinite(r.knee_flexion_deg)]
    if not tops:
        return None
    return "straight_leg" if float(np.median(tops)) < straight_leg_max_knee_deg else "bent_knee"


def evaluate(
    rep: RepResult, rules: VariantRules, variant: str, style: str | None = None
) -> tuple[Finding, ...]:
    """All findings for one rep (none for an unscorable rep), worded by their rows."""
    if not rep.scorable:
        return ()
    out = []
    for row in RULES:
        if variant not in row.variants:
            continue
        hit = row.check(rep, rules, variant, style)
        if hit is None:
            continue
        f = Finding(row.code, rep.rep.index, hit.severity, hit.value, hit.threshold, "", hit.form)
        out.append(dataclasses.replace(f, message=row.message(f)))
    return tuple(out)


def verdict(findings: Iterable[Finding]) -> tuple[list[str], list[str]]:
    """The coaching lines, one per rule that fired, in table order: (form to fix, notes). A rule
    goes under "form to fix" when any of its findings is a warning or a fault; rules that gave only
    info notes go under notes and are never called form to fix."""
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    fix: list[str] = []
    notes: list[str] = []
    for row in RULES:
        fs = by_rule.get(row.code)
        if not fs:
            continue
        (fix if any(f.severity in TO_FIX for f in fs) else notes).append(row.verdict_line(fs))
    return fix, notes


def rep_ranges(indices: list[int]) -> str:
    """ "1, 3–5, 8" from [1, 3, 4, 5, 8]."""
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
