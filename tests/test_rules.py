"""The rule table owns every word said about a finding: the JSON message, the text verdict and the
overlay's label, for every rule, severity and form of words."""

from __future__ import annotations

import math

import pytest

from kickcheck.config import load_config
from kickcheck.overlay import _flag_words
from kickcheck.report import note_lines, to_dict, to_text, verdict_lines
from kickcheck.rules import RULES, TO_FIX, evaluate, rule
from kickcheck.types import Exercise, Rep, Report, RepResult, Tempo, VideoInfo

CFG = load_config()
DEG = "°"


def rep_result(index: int = 2, **kw) -> RepResult:
    """A clean rep (nothing to flag under the default config), changed by ``kw``."""
    t = 3.0 * index
    base = dict(
        rep=Rep(index, 30 * index, 30 * index + 20, 30 * index + 45, t, t + 0.7, t + 1.5),
        hip_extension_deg=15.0,
        rom_deg=90.0,
        knee_flexion_deg=90.0,
        knee_flexion_start_deg=95.0,
        lumbar_arch_deg=0.0,
        back_sag_change=0.0,
        tempo=Tempo(0.7, 0.4, 0.8),
        lumbar_source="hip_range",
    )
    base.update(kw)
    return RepResult(**base)  # type: ignore[arg-type]


def _level(sev: str, warn: float, fault: float) -> float:
    """A value between the warning and the fault level, or past the fault level."""
    return (warn + fault) / 2 if sev == "warning" else fault + 4.0


def case(code: str, sev: str, form: str) -> tuple[RepResult, str, str | None, str]:
    """A rep that gives ``code`` at ``sev`` in ``form``: (rep, variant, style, words expected in
    the verdict, with the value where it should appear)."""
    q, s = CFG.rules.quadruped, CFG.rules.standing
    if code == "lumbar_hyperextension":
        c = s if form == "trunk_rise" else q
        v = _level(sev, c.lumbar_arch_warning_deg, c.lumbar_arch_fault_deg)
        r = rep_result(
            lumbar_arch_deg=v, back_sag_change=c.lumbar_confirm_sag + 0.02, lumbar_source=form
        )
        if form == "trunk_rise":
            return r, "standing", "straight_leg", f"your trunk rose {v:.0f}{DEG} toward upright"
        return (
            r,
            "quadruped",
            "bent_knee",
            f"your thigh went {v:.0f}{DEG} past what the hip alone allows",
        )
    if code == "knee_straightened":
        opened = _level(sev, q.knee_open_warning_deg, q.knee_open_fault_deg)
        top = q.knee_open_max_top_deg - 10.0
        r = rep_result(knee_flexion_start_deg=top + opened, knee_flexion_deg=top)
        return r, "quadruped", "bent_knee", f"it opened {opened:.0f}{DEG} toward straight"
    if code == "knee_locked":
        variant = "quadruped" if form == "quadruped" else "standing"
        c = getattr(CFG.rules, variant)
        knee = c.knee_locked_deg / 2
        r = rep_result(knee_flexion_deg=knee, knee_flexion_start_deg=10.0)
        return r, variant, "straight_leg", f"it read {knee:.0f}{DEG} of bend over the hold"
    if code == "no_squeeze":
        hold = q.min_hold_s / 2
        r = rep_result(tempo=Tempo(0.7, hold, 0.8))
        return r, "quadruped", "bent_knee", f"the top lasted {hold:.2f} s in rep 2"
    raise AssertionError(f"no test case for rule {code}: add one")


#: Every rule, at every severity it can give, in every form of its words (knee_locked: in both
#: variants it applies to).
CASES = [
    (row.code, sev, form)
    for row in RULES
    for sev in row.severities
    for form in (row.variants if row.code == "knee_locked" else row.words)
]


def report_of(*reps: RepResult, variant: str, style: str | None) -> Report:
    c = getattr(CFG.rules, variant)
    judged = tuple(
        RepResult(**{**r.__dict__, "findings": evaluate(r, c, variant, style)}) for r in reps
    )
    return Report(
        VideoInfo("clip.mp4", 30.0, 300, 640, 360, 10.0),
        Exercise(True, variant, "right", "left", "side", "", style=style),
        judged,
    )


@pytest.mark.parametrize("code,sev,form", CASES)
def test_every_rule_and_severity_is_worded_by_its_row(code, sev, form):
    r, variant, style, said = case(code, sev, form)
    report = report_of(r, variant=variant, style=style)
    (finding,) = report.reps[0].findings
    row = rule(code)
    assert (finding.rule_id, finding.severity) == (code, sev)
    # The JSON message: the cue and what was measured, with its number, on this rep.
    assert finding.message.startswith(row.cue + ": ")
    assert said in finding.message and "rep 2" in finding.message
    flag = to_dict(report)["reps"][0]["flags"][0]
    assert flag["message"] == finding.message and flag["code"] == code
    # The text report: the verdict line says what, the number, where and why; "form to fix" only
    # for a warning or a fault, otherwise a note under "good form".
    text = to_text(report)
    line = f"  - {row.cue}: "
    assert line in text and said in text and f"({row.why})." in text
    if sev in TO_FIX:
        assert "form to fix:" in text and "good form" not in text and "Notes:" not in text
        assert verdict_lines(report) and not note_lines(report)
    else:
        assert "form to fix" not in text and "good form." in text and "Notes:" in text
        assert note_lines(report) and not verdict_lines(report)
    # The overlay: the finding's own severity and the row's label with the number.
    words = _flag_words(finding)
    assert words.startswith(f"{sev}: ")
    number = f"{finding.value:.2f} s" if code == "no_squeeze" else f"{finding.value:.0f}{DEG}"
    assert number in words


def test_the_table_words_every_form_a_check_can_give():
    for code, sev, form in CASES:
        r, variant, style, _ = case(code, sev, form)
        (f,) = evaluate(r, getattr(CFG.rules, variant), variant, style)
        row = rule(code)
        assert f.form in row.words or "" in row.words, (code, f.form)
        assert set(row.severities) <= {"info", "warning", "fault"}
        assert row.cue and row.why and row.measurement and row.thresholds


def test_thresholds_named_by_a_row_are_config_keys_of_its_variants():
    for row in RULES:
        for variant in row.variants:
            keys = type(getattr(CFG.rules, variant)).model_fields
            for key in row.thresholds:
                if row.code == "knee_straightened" or key != "straight_leg_max_knee_deg":
                    assert key in keys, (row.code, variant, key)


def test_the_landmark_lumbar_words_never_claim_a_spine_angle():
    r, variant, style, _ = case("lumbar_hyperextension", "fault", "hip_range")
    report = report_of(r, variant=variant, style=style)
    text = to_text(report) + _flag_words(report.reps[0].findings[0])
    assert "arched up to" not in text and "arched about" not in text
    assert "past what the hip alone allows" in text and "past the hip's range" in text


def test_a_verdict_over_several_reps_gives_the_worst_value_and_the_rep_ranges():
    q = CFG.rules.quadruped
    vals = [q.lumbar_arch_warning_deg + 1, q.lumbar_arch_fault_deg + 9, q.lumbar_arch_fault_deg + 2]
    reps = [rep_result(i, lumbar_arch_deg=v, back_sag_change=0.1) for i, v in zip((2, 3, 4), vals)]
    report = report_of(rep_result(1), *reps, variant="quadruped", style="bent_knee")
    (line,) = verdict_lines(report)
    assert f"went up to {max(vals):.0f}{DEG} past" in line and "reps 2–4" in line
    # Locked knees: the worst is the straightest.
    s = CFG.rules.standing
    knees = [s.knee_locked_deg * 0.8, s.knee_locked_deg * 0.1]
    reps = [rep_result(i, knee_flexion_deg=k) for i, k in zip((1, 3), knees)]
    (line,) = verdict_lines(report_of(*reps, variant="standing", style="straight_leg"))
    assert f"as little as {min(knees):.0f}{DEG} of bend" in line and "reps 1, 3" in line
    assert "straight, as far as the video can tell" in line


def test_a_slight_bend_in_a_straight_leg_set_and_a_bent_knee_set_is_never_called_locked():
    for variant in ("quadruped", "standing"):
        c = getattr(CFG.rules, variant)
        slight = rep_result(knee_flexion_deg=c.knee_locked_deg + 0.5, knee_flexion_start_deg=12.0)
        assert not evaluate(slight, c, variant, "straight_leg")
    # A bent-knee donkey kick that straightens fully is knee_straightened, not also knee_locked.
    q = CFG.rules.quadruped
    opened = rep_result(knee_flexion_deg=0.5, knee_flexion_start_deg=90.0)
    assert [f.rule_id for f in evaluate(opened, q, "quadruped", "bent_knee")] == [
        "knee_straightened"
    ]


def test_unmeasured_values_give_no_findings():
    nan = math.nan
    r = rep_result(lumbar_arch_deg=nan, knee_flexion_deg=nan, tempo=Tempo(nan, nan, nan))
    for variant, style in (
        ("quadruped", "bent_knee"),
        ("quadruped", "straight_leg"),
        ("standing", None),
    ):
        assert evaluate(r, getattr(CFG.rules, variant), variant, style) == ()


def test_an_unknown_code_names_the_known_ones():
    with pytest.raises(KeyError, match="knee_locked"):
        rule("knee_unknown")


def test_the_report_schema_lists_the_tables_codes_and_severities():
    import json
    from importlib import resources

    from kickcheck.rules import SEVERITIES

    schema = json.loads(resources.files("kickcheck").joinpath("report.schema.json").read_text())
    flag = schema["$defs"]["FlagDoc"]["properties"]
    assert flag["code"]["enum"] == [row.code for row in RULES]
    assert flag["severity"]["enum"] == list(SEVERITIES)


def test_the_committed_schema_is_the_one_generated_from_the_document_models():
    from importlib import resources

    from kickcheck.document import schema_text

    committed = resources.files("kickcheck").joinpath("report.schema.json").read_text()
    assert committed == schema_text(), (
        "regenerate: .venv/bin/python -m kickcheck.document > kickcheck/report.schema.json"
    )


@pytest.mark.parametrize("yaw", [-90.0, -60.0, -30.0, -10.0, 0.0, 10.0, 30.0, 60.0, 90.0, math.nan])
def test_every_view_the_gate_names_is_in_the_schema(yaw):
    import json
    from importlib import resources

    import jsonschema

    from kickcheck.gate import view_name

    schema = json.loads(resources.files("kickcheck").joinpath("report.schema.json").read_text())
    r, variant, style, _ = case("lumbar_hyperextension", "fault", "hip_range")
    report = report_of(r, variant=variant, style=style)
    doc = to_dict(report)
    doc["exercise"]["view"] = view_name(yaw)
    jsonschema.validate(doc, schema)
