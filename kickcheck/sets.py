"""Sets: the counted reps split at long rests and changes of working leg, and what each set says.

A clip can hold more than one set: the same leg after a rest, or one leg and then the other (people
film both legs in one take). Pure NumPy on the per-rep results; ``pipeline`` calls, in order:

1. ``position_change``: between sets people get up, sit back or turn round. Such a movement can
   raise a hip like a kick (kneeling up from all fours extends both hips by about 90 degrees), so
   every counted rep is checked for what makes a kick a kick: the other thigh supports (it follows
   the working thigh by at most the gate's ``max_other_leg_ratio`` of its change from the rep's
   start to its top) and the thigh moves on the trunk (the trunk's elevation changes by less than
   ``[sets] change_trunk_ratio`` of the thigh's). A rep that fails is a change of position, not
   counted. (The pipeline also judges the exercise again without such movements when the gate
   rejected a clip that holds kicks besides them.)
2. ``split_sets``: a new set begins after a pause longer than ``[sets] rest_s`` between one rep's
   end and the next one's start, and where the working leg changes (the new leg kicks in at least
   two reps in a row: a single rep read on the other leg is a stretch of swapped landmark labels,
   or part of a set that alternates legs, and does not split it; it keeps its own side; likewise
   a first set of a single rep that the next set follows without a rest joins it).
3. ``analyse_set``: per set, the trends of the top hip extension, the range of motion, the hold and
   the rep's duration (least-squares slope per rep, and the change from the mean of the opening
   reps to the mean of as many closing reps), the spread of the top position and of the tempo, and
   where form broke: the first rep whose range fell clearly below the opening reps' (below
   ``range_drop_ratio`` of their median, and the median from it on stays below), and the first rep
   with form to fix (a warning or a fault) after clean ones. ``advice`` says it in words.
4. ``compare_legs``: left against right when both legs kicked in at least two reps: the means of the
   range of motion, the top hip extension, the hold and the lumbar measure, the reps flagged, the
   scores, and each measure's asymmetry ``|left - right| / max(|left|, |right|) x 100`` (100 minus
   the limb symmetry index).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from kickcheck.config import ScoreConfig, SetsConfig
from kickcheck.rules import RULES_BY_CODE, TO_FIX, rep_ranges, verdict
from kickcheck.score import mean_score, score_rep
from kickcheck.types import (
    Asymmetry,
    Kinematics,
    LegComparison,
    LegSummary,
    Rep,
    RepResult,
    SetResult,
    Trend,
)

#: Half-width (frames) of the median window that reads an angle at a rep's start or top (as
#: ``metrics.ANGLE_WINDOW_HALF``: 3 frames steady one frame's jitter).
_WINDOW_HALF = 1
#: A change of working leg splits a set when the new leg kicks in at least this many reps in a row.
MIN_LEG_REPS = 2
#: Left and right are compared when each leg kicked in at least this many counted reps.
MIN_COMPARE_REPS = 2


def _at(x: np.ndarray, i: int) -> float:
    seg = x[max(0, i - _WINDOW_HALF) : i + _WINDOW_HALF + 1]
    seg = seg[np.isfinite(seg)]
    return float(np.median(seg)) if seg.size else float("nan")


def _other(side: str) -> str:
    return "left" if side == "right" else "right"


# --- 1. a change of position is not a rep ---


def position_change(
    kin: Kinematics,
    rep: Rep,
    side: str,
    *,
    max_other_leg_ratio: float,
    max_trunk_ratio: float,
) -> str:
    """Why the counted ``rep`` (kicked by ``side``) is a change of position and not a kick, or ""
    when it is a kick (see the module's docstring). The trunk's elevation is read in 3-D against
    gravity where the world landmarks give it, else the trunk's pitch in the image against the
    hip's extension."""
    s, p = rep.start_frame, rep.top_frame
    work, other = kin[f"hip_ext_{side}"], kin[f"hip_ext_{_other(side)}"]
    d_work = _at(work, p) - _at(work, s)
    if not math.isfinite(d_work) or d_work <= 0:
        return ""
    # followed: moved the same way (standing or kneeling up extends both hips); a support hip that
    # flexes as the working one extends (the pelvis tipping, an oblique view) is not a second leg
    # kicking
    d_other = _at(other, p) - _at(other, s)
    if math.isfinite(d_other) and d_other > max_other_leg_ratio * d_work:
        return "both legs moved"
    thigh3 = kin[f"thigh_elev3_{side}"]
    trunk3 = kin["trunk_elev3"]
    d_thigh3 = _at(thigh3, p) - _at(thigh3, s)
    d_trunk3 = _at(trunk3, p) - _at(trunk3, s)
    if math.isfinite(d_thigh3) and math.isfinite(d_trunk3) and abs(d_thigh3) > 0:
        lever = abs(d_trunk3) / abs(d_thigh3)
    else:
        trunk = kin["trunk_pitch"]
        lever = abs(_at(trunk, p) - _at(trunk, s)) / d_work
    if math.isfinite(lever) and lever > max_trunk_ratio:
        return "the trunk moved with the leg"
    return ""


# --- 2. splitting ---


def split_sets(reps: Sequence[RepResult], rest_s: float) -> list[tuple[list[int], str, float]]:
    """The sets of ``reps`` (counted, in time order, each with its ``side``): per set, the indices
    into ``reps``, what began it ("start", "rest" or "leg") and the pause before it (NaN for the
    first). See the module's docstring."""
    if not reps:
        return []
    sets: list[tuple[list[int], str, float]] = [([0], "start", float("nan"))]
    side = reps[0].side
    for i in range(1, len(reps)):
        pause = float(reps[i].rep.start_s - reps[i - 1].rep.end_s)
        if pause > rest_s:
            sets.append(([i], "rest", pause))
            side = reps[i].side
            continue
        if reps[i].side != side and _new_leg_holds(reps, i, rest_s):
            sets.append(([i], "leg", pause))
            side = reps[i].side
            continue
        sets[-1][0].append(i)
    # A set of one rep that a change of leg (not a rest) separates from the next set is the same
    # stretch of swapped labels at the clip's start: it joins that set, keeping its own side.
    merged: list[tuple[list[int], str, float]] = []
    k = 0
    while k < len(sets):
        idx, why, pause = sets[k]
        if len(idx) == 1 and k + 1 < len(sets) and sets[k + 1][1] == "leg":
            sets[k + 1] = (idx + sets[k + 1][0], why, pause)
        else:
            merged.append((idx, why, pause))
        k += 1
    return merged


def _new_leg_holds(reps: Sequence[RepResult], i: int, rest_s: float) -> bool:
    """Rep ``i`` kicked with another leg than its set: does that leg go on (``MIN_LEG_REPS`` in a
    row without a long rest)?"""
    run = 1
    for j in range(i + 1, len(reps)):
        if reps[j].side != reps[i].side or reps[j].rep.start_s - reps[j - 1].rep.end_s > rest_s:
            break
        run += 1
        if run >= MIN_LEG_REPS:
            return True
    return run >= MIN_LEG_REPS


# --- 3. one set ---


def trend(values: Sequence[float], opening: int, relative: bool) -> Trend:
    """The trend of one measure over a set's reps (``Trend``). ``opening``: how many reps make the
    first and the last means (fewer in a short set, so that the two never share a rep);
    ``relative``: the measure is a size, so its change is also given in percent."""
    v = np.asarray(values, np.float64)
    n = len(v)
    ok = np.isfinite(v)
    x = np.arange(n, dtype=np.float64)
    slope = float(np.polyfit(x[ok], v[ok], 1)[0]) if ok.sum() >= 2 else float("nan")
    k = max(1, min(opening, n // 2)) if n >= 2 else 1
    first = _mean(v[:k])
    last = _mean(v[-k:]) if n >= 2 else float("nan")
    change = last - first
    pct = (
        100.0 * change / abs(first)
        if relative and math.isfinite(change) and abs(first) > 1e-9
        else float("nan")
    )
    spread = float(np.std(v[ok])) if ok.sum() >= 2 else float("nan")
    return Trend(tuple(float(a) for a in v), slope, first, last, change, pct, spread)


def _mean(v: np.ndarray) -> float:
    v = v[np.isfinite(v)]
    return float(v.mean()) if v.size else float("nan")


def opening_range(reps: Sequence[RepResult], opening: int) -> float:
    """The median range of motion of a set's opening reps (NaN when the set is too short to have
    reps after them, or none was measured)."""
    if len(reps) <= opening:
        return float("nan")
    v = np.array([r.rom_deg for r in reps[:opening]], np.float64)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if v.size else float("nan")


def range_drop(reps: Sequence[RepResult], opening: int, ratio: float) -> tuple[int | None, float]:
    """(the first rep, by its clip-wide number, whose range fell below ``ratio`` of the opening
    reps' median and whose median from it on stays below, how far below in %); (None, NaN)."""
    base = opening_range(reps, opening)
    if not math.isfinite(base) or base <= 0:
        return None, float("nan")
    rom = np.array([r.rom_deg for r in reps], np.float64)
    for i in range(opening, len(reps)):
        if not (math.isfinite(rom[i]) and rom[i] < ratio * base):
            continue
        after = rom[i:][np.isfinite(rom[i:])]
        med = float(np.median(after))
        if med < ratio * base:
            return reps[i].rep.index, 100.0 * (1.0 - med / base)
    return None, float("nan")


def _to_fix(r: RepResult) -> list[str]:
    return [f.rule_id for f in r.findings if f.severity in TO_FIX]


def first_fault(reps: Sequence[RepResult]) -> tuple[int | None, tuple[str, ...], bool]:
    """(the first rep with form to fix after at least one clean rep, its rules, whether the set's
    first rep already had form to fix). Reps that could not be scored are neither."""
    scored = [r for r in reps if r.scorable]
    if not scored:
        return None, (), False
    from_start = bool(_to_fix(scored[0]))
    clean_seen = False
    for r in scored:
        codes = _to_fix(r)
        if not codes:
            clean_seen = True
        elif clean_seen:
            return r.rep.index, tuple(dict.fromkeys(codes)), from_start
    return None, (), from_start


def analyse_set(
    reps: Sequence[RepResult],
    index: int,
    split_by: str,
    rest_before_s: float,
    facing: str | None,
    variant: str,
    *,
    opening: int,
    range_drop_ratio: float,
) -> SetResult:
    """Everything a set says (``SetResult``), from its counted reps in time order."""
    sides = Counter(r.side for r in reps if r.side)
    side = max(sides, key=lambda sd: (sides[sd], sd == reps[0].side)) if sides else "right"
    top = trend([r.hip_extension_deg for r in reps], opening, relative=False)
    rom = trend([r.rom_deg for r in reps], opening, relative=True)
    hold = trend([r.tempo.hold_s for r in reps], opening, relative=True)
    dur = trend(
        [r.tempo.up_s + r.tempo.hold_s + r.tempo.down_s for r in reps], opening, relative=True
    )
    d = np.array(dur.values)
    d = d[np.isfinite(d)]
    tempo_cv = 100.0 * float(np.std(d) / np.mean(d)) if d.size >= 2 and np.mean(d) > 0 else math.nan
    drop_rep, drop_pct = range_drop(reps, opening, range_drop_ratio)
    fault_rep, codes, from_start = first_fault(reps)
    persists = False
    if fault_rep is not None:
        after = [r for r in reps if r.scorable and r.rep.index >= fault_rep]
        persists = 2 * sum(bool(_to_fix(r)) for r in after) > len(after)
    breaks = [k for k in (drop_rep, fault_rep) if k is not None]
    fix, notes = verdict(f for r in reps for f in r.findings)
    out = SetResult(
        index=index,
        side=side,
        facing=facing,
        variant=variant,
        rep_indices=tuple(r.rep.index for r in reps),
        start_s=float(reps[0].rep.start_s),
        end_s=float(reps[-1].rep.end_s),
        split_by=split_by,
        rest_before_s=float(rest_before_s),
        top_hip_extension=top,
        range_of_motion=rom,
        hold=hold,
        duration=dur,
        tempo_spread_pct=tempo_cv,
        opening_range_deg=opening_range(reps, opening),
        range_bar_deg=range_drop_ratio * opening_range(reps, opening),
        range_drop_rep=drop_rep,
        range_drop_pct=drop_pct,
        fault_rep=fault_rep,
        fault_codes=codes,
        fault_persists=persists,
        faults_from_start=from_start,
        break_rep=min(breaks) if breaks else None,
        score=mean_score(reps),
        verdict=tuple(fix),
        notes=tuple(notes),
        advice="",
    )
    return _with_advice(out)


def _with_advice(s: SetResult) -> SetResult:
    import dataclasses

    return dataclasses.replace(s, advice=advice(s))


def advice(s: SetResult) -> str:
    """The set in words: "Your range dropped 20 % from rep 9 on, and your back began to arch at
    rep 11: end the set after rep 8 or lighten the load." """
    said: list[tuple[int, str]] = []
    if s.range_drop_rep is not None:
        said.append(
            (
                s.range_drop_rep,
                f"your range dropped {s.range_drop_pct:.0f} % from rep {s.range_drop_rep} on",
            )
        )
    if s.fault_rep is not None:
        began = [RULES_BY_CODE[c].began for c in s.fault_codes if RULES_BY_CODE[c].began]
        said.append((s.fault_rep, f"{' and '.join(began)} at rep {s.fault_rep}"))
    if said and s.break_rep is not None:
        text = ", and ".join(words for _, words in sorted(said))
        text = text[:1].upper() + text[1:]
        if s.range_drop_rep is None and not s.fault_persists:
            return (
                f"{text}, but the reps after it were mostly clean: a lapse rather than fatigue "
                "(see the form to fix)."
            )
        return f"{text}: end the set after rep {s.break_rep - 1} or lighten the load."
    if s.faults_from_start:
        return (
            f"Form to fix from the set's first rep (rep {s.rep_indices[0]}) on: lighten the load "
            "and fix it before adding reps."
        )
    held = "Range and form held through the set"
    if math.isfinite(s.range_of_motion.change_pct) and len(s.rep_indices) >= 2:
        pct = round(s.range_of_motion.change_pct) + 0  # never "-0"
        held += f" (range {pct:+d} % from the first reps to the last)"
    return held + "."


def set_facing(facing: np.ndarray, reps: Sequence[RepResult]) -> str | None:
    """Where the person's front pointed over a set's reps ("left"/"right"; None: unknown)."""
    vals = [facing[r.rep.top_frame] for r in reps if np.isfinite(facing[r.rep.top_frame])]
    if not vals:
        return None
    return "right" if float(np.mean(vals)) >= 0 else "left"


def score_and_analyse(
    reps: Sequence[RepResult],
    facing: np.ndarray,
    variant: str,
    cfg: SetsConfig,
    score_cfg: ScoreConfig,
) -> tuple[list[RepResult], tuple[SetResult, ...]]:
    """Split the counted ``reps`` (judged by the rules) into sets, score each rep against its set
    (``score.score_rep``) and analyse each set (``analyse_set``). ``facing`` [T]: +1/-1 per frame.
    Returns the scored reps and the sets."""
    scored = list(reps)
    out = []
    for k, (idx, why, pause) in enumerate(split_sets(reps, cfg.rest_s), start=1):
        base = opening_range([reps[i] for i in idx], cfg.opening_reps)
        for i in idx:
            scored[i] = score_rep(reps[i], score_cfg, base, cfg.range_drop_ratio)
        members = [scored[i] for i in idx]
        out.append(
            analyse_set(
                members,
                k,
                why,
                pause,
                set_facing(facing, members),
                variant,
                opening=cfg.opening_reps,
                range_drop_ratio=cfg.range_drop_ratio,
            )
        )
    return scored, tuple(out)


# --- 4. left against right ---

#: The measures compared: (words, unit, the least magnitude at which a percentage of asymmetry
#: means something; None: a signed angle, compared by its difference only). The lumbar measure
#: reads 0-10 degrees on clean reps (see the config), so below 3 degrees on both legs a
#: percentage would compare noise; a hold below 0.1 s is no hold.
LEG_MEASURES: dict[str, tuple[str, str, float | None]] = {
    "range_of_motion_deg": ("range of motion", "°", 1.0),
    "top_hip_extension_deg": ("hip extension at the top", "°", None),
    "hold_s": ("hold at the top", " s", 0.1),
    "lumbar_arch_deg": ("lumbar measure (past the hip's range)", "°", 3.0),
    "score": ("form score", "", 1.0),
}


def leg_summary(side: str, reps: Sequence[RepResult], n_sets: int) -> LegSummary:
    """One leg's means over its (scorable) reps."""
    ok = [r for r in reps if r.scorable]

    def mean(vals: list[float]) -> float:
        return _mean(np.asarray(vals, np.float64))

    flags: Counter[str] = Counter()
    for r in reps:
        flags.update(set(_to_fix(r)))
    return LegSummary(
        side=side,
        sets=n_sets,
        reps=len(reps),
        range_of_motion_deg=mean([r.rom_deg for r in ok]),
        top_hip_extension_deg=mean([r.hip_extension_deg for r in ok]),
        hold_s=mean([r.tempo.hold_s for r in ok]),
        lumbar_arch_deg=mean([r.lumbar_arch_deg for r in ok]),
        flags=tuple(sorted(flags.items())),
        score=mean_score(reps),
    )


def asymmetry(measure: str, left: float | None, right: float | None) -> Asymmetry:
    """|left - right| / max(|left|, |right|) x 100 for a size; NaN for a signed angle or when
    both are below the measure's least magnitude (``LEG_MEASURES``). ``lower``: the side with the
    smaller value."""
    lv = float("nan") if left is None else float(left)
    rv = float("nan") if right is None else float(right)
    least = LEG_MEASURES[measure][2]
    top = max(abs(lv), abs(rv))
    pct = (
        100.0 * abs(lv - rv) / top
        if least is not None and math.isfinite(top) and top >= least
        else float("nan")
    )
    lower = None
    if math.isfinite(lv) and math.isfinite(rv) and lv != rv:
        lower = "left" if lv < rv else "right"
    return Asymmetry(measure, lv, rv, lv - rv, pct, lower)


def compare(left: LegSummary, right: LegSummary) -> LegComparison:
    """Left against right from two leg summaries (of a clip, or pooled over a batch)."""
    asym = tuple(asymmetry(m, getattr(left, m), getattr(right, m)) for m in LEG_MEASURES)
    return LegComparison(left, right, asym, tuple(leg_words(left, right, asym)))


def compare_legs(reps: Sequence[RepResult], sets: Sequence[SetResult]) -> LegComparison | None:
    """Left against right, when each leg kicked in at least ``MIN_COMPARE_REPS`` counted reps."""
    by_side = {sd: [r for r in reps if r.side == sd] for sd in ("left", "right")}
    if min(len(v) for v in by_side.values()) < MIN_COMPARE_REPS:
        return None
    n_sets = Counter(s.side for s in sets)
    return compare(
        leg_summary("left", by_side["left"], n_sets["left"]),
        leg_summary("right", by_side["right"], n_sets["right"]),
    )


def _fmt(v: float, unit: str) -> str:
    if not math.isfinite(v):
        return "–"
    return f"{v:.2f}{unit}" if unit == " s" else f"{v:.0f}{unit}"


def leg_words(left: LegSummary, right: LegSummary, asym: Sequence[Asymmetry]) -> list[str]:
    """One line per measure: "range of motion: left 98°, right 108° (left 9 % smaller)", then the
    form to fix on each leg."""
    out = []
    for a in asym:
        words, unit, least = LEG_MEASURES[a.measure]
        if not (math.isfinite(a.left) or math.isfinite(a.right)):
            continue
        line = f"{words}: left {_fmt(a.left, unit)}, right {_fmt(a.right, unit)}"
        if math.isfinite(a.pct) and a.lower is not None and round(a.pct) >= 1:
            line += f" ({a.lower} {a.pct:.0f} % lower)"
        elif least is None and a.lower is not None and round(abs(a.difference)) >= 1:
            line += f" ({a.lower} {abs(a.difference):.0f}{unit.strip()} lower)"
        out.append(line)

    def flagged(leg: LegSummary) -> str:
        return ", ".join(f"{code} on {n} rep{'s' if n != 1 else ''}" for code, n in leg.flags)

    out.append(f"form to fix: left {flagged(left) or 'none'}; right {flagged(right) or 'none'}")
    return out


def legs_words(sets: Sequence[SetResult], fallback: str | None) -> str:
    """ "right leg", or "right, then left leg" for sets on both legs (in the order they came)."""
    order: list[str] = []
    for st in sets:
        if not order or order[-1] != st.side:
            order.append(st.side)
    if not order:
        return f"{fallback} leg" if fallback else ""
    return ", then ".join(order) + " leg"


def set_line(s: SetResult) -> str:
    """ "Set 2: left leg, reps 11–20 (10), after a change of leg": the set's header in words."""
    n = len(s.rep_indices)
    why = {
        "start": "",
        "rest": f", after a {s.rest_before_s:.0f} s rest",
        "leg": ", after a change of leg",
    }[s.split_by]
    reps = f"rep {s.rep_indices[0]}" if n == 1 else f"reps {rep_ranges(list(s.rep_indices))}"
    return f"Set {s.index}: {s.side} leg, {reps} ({n}){why}"
