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

SCHEMA_VERSION = "1.1"

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
    working_side: Side | None = Field(description="the person's own side")
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


class PartialRepDoc(_Doc):
    start_s: Measured
    top_s: Measured
    end_s: Measured


class SummaryDoc(_Doc):
    rep_count: int = Field(ge=0)
    partial_rep_count: int = Field(ge=0)
    flag_counts: dict[str, Annotated[int, Field(ge=1)]]
    verdict: list[str] = Field(
        description="form to fix: one line per rule that gave a warning or a fault"
    )
    notes: list[str] = Field(description="one line per rule that gave only info notes")


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

    schema_version: Literal["1.1"]
    kickcheck_version: str
    video: VideoDoc
    exercise: ExerciseDoc
    reps: list[RepDoc]
    partial_reps: list[PartialRepDoc]
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
