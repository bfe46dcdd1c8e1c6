"""The JSON report's document, as typed models: ``report.to_dict`` fills them, and the published
JSON Schema (``kickcheck/report.schema.json``) is generated from them, so the two cannot drift.

Regenerate the schema after changing a model (a test checks that the file is up to date)::

    .venv/bin/python -m kickcheck.document > kickcheck/report.schema.json

The JSON report is a published interface: add fields freely; move or rename one only with a bump of
``SCHEMA_VERSION`` and a README note.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kickcheck.rules import RULES, SEVERITIES

SCHEMA_VERSION = "1.2"

#: A number in the report: null where it could not be measured (NaN in the analysis).
Measured = float | None
Severity = Literal["info", "warning", "fault"]
#: ``gate.view_name``: the camera's view, from its estimated yaw.
View = Literal["side", "front-oblique", "rear-oblique", "front", "rear", "unknown"]
Side = Literal["left", "right"]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VideoDoc(_Doc):
    path: str
    fps: float = Field(gt=0)
    frames: int = Field(ge=0, description="frames that decoded")
    width: int = Field(ge=1, description="upright width, after rotation")
    height: int = Field(ge=1)
    duration_s: float = Field(ge=0)
    rotation_deg: Literal[0, 90, 180, 270]


class ExerciseDoc(_Doc):
    is_kickback: bool
    variant: Literal["quadruped", "standing"] | None
    style: Literal["bent_knee", "straight_leg"] | None = Field(
        description="how the working knee is held at the tops of most reps"
    )
    working_side: Side | None = Field(
        description="the person's own side: the leg that kicked in most reps (since 1.2; each "
        "set has its own, see sets[].working_side); without reps, the gate's reading"
    )
    facing: Side | None = Field(description="where the person's front points in the image")
    view: View
    reason: str = Field(description="why the clip is (not) a kickback, in plain words")
    outcome: Literal["kickback", "not_kickback", "cannot_tell"] = Field(
        description="the gate's verdict; cannot_tell: the camera stood too far from the side"
    )
    view_yaw_deg: Measured = Field(
        description="where the camera stood, from the body's 3-D axes: 0 = side view, "
        "+90 = in front of the person, -90 = behind"
    )
    overruled: str | None = Field(
        default=None,
        description="where the variant was forced (--variant) over the gate's own refusal: that "
        "refusal's reason; null otherwise",
    )


class TempoDoc(_Doc):
    up_s: Measured
    hold_s: Measured
    down_s: Measured


class FlagDoc(_Doc):
    code: str = Field(
        json_schema_extra={"enum": [r.code for r in RULES]},
        description="the rule's code (kickcheck.rules.RULES)",
    )
    severity: Severity
    value: Measured = Field(description="what the rule measured (see the rule's measurement)")
    threshold: Measured = Field(description="the config threshold it was judged against")
    message: str = Field(description="the rule's words: what to do and what was measured")


class DeductionDoc(_Doc):
    code: str = Field(
        json_schema_extra={"enum": [*(r.code for r in RULES), "short_range"]},
        description="the rule whose finding cost the points (kickcheck.rules.RULES), or "
        "short_range: the rep's range was clearly below its set's opening reps",
    )
    severity: Severity
    points: float = Field(ge=0, description="points lost from 100 (the config's [score])")
    value: Measured = Field(description="what was measured (short_range: the rep's range, °)")
    threshold: Measured = Field(description="what it was judged against")
    words: str = Field(description="what was measured, in words")


class RepDoc(_Doc):
    index: int = Field(ge=1)
    start_s: float
    top_s: float
    end_s: float
    start_frame: int
    top_frame: int
    end_frame: int
    hip_extension_deg: Measured = Field(
        description="signed: 0 = thigh in line with the trunk, + = extension"
    )
    range_of_motion_deg: Measured
    knee_flexion_deg: Measured = Field(description="at the top; 0 = straight")
    knee_flexion_start_deg: Measured
    lumbar_arch_deg: Measured = Field(
        description="landmark measure, not a spine angle: degrees the thigh went past the hip's "
        "own range (or, standing, the trunk's rise toward upright; see lumbar_source); drives the "
        "lumbar_hyperextension flag"
    )
    lumbar_source: Literal["hip_range", "trunk_rise"] = Field(
        description="what lumbar_arch_deg measured"
    )
    back_sag_change: Measured = Field(
        description="silhouette measure: change of the back contour's sag, in trunk lengths"
    )
    tempo: TempoDoc
    scorable: bool
    flags: list[FlagDoc]
    side: Side | None = Field(description="the leg that kicked in this rep (since 1.2)")
    set: int | None = Field(ge=1, description="the number of the rep's set (since 1.2)")
    score: Measured = Field(
        ge=0,
        le=100,
        description="form score: 100 minus the deductions' points, at least 0; null when the "
        "rep could not be scored (since 1.2)",
    )
    deductions: list[DeductionDoc] = Field(description="every point the rep lost (since 1.2)")


class PartialRepDoc(_Doc):
    start_s: Measured
    top_s: Measured
    end_s: Measured


class TrendDoc(_Doc):
    values: list[Measured] = Field(description="per rep, in the set's order")
    slope_per_rep: Measured = Field(description="least-squares slope, units per rep")
    first: Measured = Field(description="mean of the set's opening reps")
    last: Measured = Field(description="mean of as many closing reps")
    change: Measured = Field(description="last - first")
    change_pct: Measured = Field(
        description="change / first x 100; null for a signed angle (the top hip extension)"
    )
    spread: Measured = Field(description="standard deviation over the reps")


class TrendsDoc(_Doc):
    top_hip_extension_deg: TrendDoc
    range_of_motion_deg: TrendDoc
    hold_s: TrendDoc
    duration_s: TrendDoc = Field(description="seconds per rep: up + hold + down")


class ConsistencyDoc(_Doc):
    top_spread_deg: Measured = Field(description="standard deviation of the top hip extension")
    tempo_spread_pct: Measured = Field(
        description="coefficient of variation of the reps' durations, %"
    )


class FormBreakDoc(_Doc):
    rep: int | None = Field(description="where form broke: the earlier of the two below")
    opening_range_deg: Measured = Field(
        description="median range of motion of the set's opening reps ([sets] opening_reps); "
        "null for a set with no rep after them"
    )
    range_bar_deg: Measured = Field(
        description="below this a rep's range is clearly lower: [sets] range_drop_ratio x the "
        "opening range"
    )
    range_drop_rep: int | None = Field(
        description="the first rep whose range fell below [sets] range_drop_ratio of the "
        "opening reps' median, the median from it on staying below"
    )
    range_drop_pct: Measured = Field(description="how far below, % (median from that rep on)")
    fault_rep: int | None = Field(
        description="the first rep with a warning or a fault after clean ones"
    )
    fault_codes: list[str] = Field(description="the rules that fired on that rep")
    fault_persists: bool = Field(
        description="more than half of the reps from the fault rep on had form to fix (fatigue; "
        "otherwise a lapse)"
    )
    faults_from_start: bool = Field(description="the set's first rep already had form to fix")


class SetDoc(_Doc):
    index: int = Field(ge=1)
    working_side: Side
    facing: Side | None
    variant: Literal["quadruped", "standing"]
    reps: list[int] = Field(description="the numbers of its reps (reps[].index)")
    rep_count: int = Field(ge=1)
    start_s: float
    end_s: float
    split_by: Literal["start", "rest", "leg"] = Field(
        description="what began the set: the clip's first set, a long rest or a change of leg"
    )
    rest_before_s: Measured = Field(description="the pause since the previous set")
    score: Measured = Field(description="mean of its reps' scores")
    trends: TrendsDoc
    consistency: ConsistencyDoc
    form_break: FormBreakDoc
    verdict: list[str] = Field(description="form to fix in this set, one line per rule")
    notes: list[str]
    advice: str = Field(description="the set in words: where form broke and what to do")


class LegDoc(_Doc):
    sets: int = Field(ge=0)
    reps: int = Field(ge=0)
    range_of_motion_deg: Measured = Field(description="mean over the leg's reps")
    top_hip_extension_deg: Measured
    hold_s: Measured
    lumbar_arch_deg: Measured
    flags: dict[str, Annotated[int, Field(ge=1)]] = Field(
        description="reps with a warning or a fault, per rule"
    )
    score: Measured


class AsymmetryDoc(_Doc):
    measure: Literal[
        "range_of_motion_deg", "top_hip_extension_deg", "hold_s", "lumbar_arch_deg", "score"
    ]
    left: Measured
    right: Measured
    difference: Measured = Field(description="left - right")
    pct: Measured = Field(
        description="|left - right| / max(|left|, |right|) x 100; null for the signed top hip "
        "extension and when both are too small for a percentage to mean anything"
    )
    lower: Side | None = Field(description="the side with the smaller value")


class LegsDoc(_Doc):
    left: LegDoc
    right: LegDoc
    asymmetry: list[AsymmetryDoc]
    words: list[str]


class SummaryDoc(_Doc):
    rep_count: int = Field(ge=0)
    partial_rep_count: int = Field(ge=0)
    flag_counts: dict[str, Annotated[int, Field(ge=1)]]
    verdict: list[str] = Field(
        description="form to fix: one line per rule that gave a warning or a fault"
    )
    notes: list[str] = Field(description="one line per rule that gave only info notes")
    set_count: int = Field(ge=0, description="since 1.2")
    score: Measured = Field(description="the clip's form score: mean of its reps' (since 1.2)")


class ReportDoc(_Doc):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="kickcheck report",
        json_schema_extra={
            "description": "What `kickcheck VIDEO --json PATH` writes. Angles in degrees, times in "
            "seconds from the clip's first frame."
        },
    )

    schema_version: Literal["1.2"]
    kickcheck_version: str
    video: VideoDoc
    exercise: ExerciseDoc
    reps: list[RepDoc]
    partial_reps: list[PartialRepDoc]
    sets: list[SetDoc] = Field(
        description="the reps split into sets at long rests and changes of leg (since 1.2)"
    )
    legs: LegsDoc | None = Field(
        description="left against right, when each leg kicked in at least two reps (since 1.2)"
    )
    summary: SummaryDoc
    warnings: list[str]


assert tuple(Severity.__args__) == SEVERITIES  # type: ignore[attr-defined]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the report document (what ``report.schema.json`` holds)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"kickcheck-report-{SCHEMA_VERSION}",
        **ReportDoc.model_json_schema(),
    }


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(schema_text(), end="")
