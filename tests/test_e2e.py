"""End to end through the real MediaPipe model, on rendered clips with exact ground truth.

These render small clips with ``kickrender`` (a CC0 human mesh posed and rasterised with NumPy) and
run the whole pipeline on the H.264 files. Tolerances come from the accuracy benchmark: MediaPipe's
hip angle on the mesh is biased by about +3 deg, so hip angles are checked within 5 deg.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kickcheck import analyze_video
from kickrender import ClipSpec, render_clip

pytestmark = pytest.mark.mediapipe  # every test here runs the real model

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "kickback_sample.mp4"


def complete_reps(truth: dict) -> list[dict]:
    return [r for r in truth["reps"] if not r["partial"]]


def check_against_truth(report, truth: dict, hip_tol: float = 5.0, knee_tol: float = 8.0) -> None:
    want = complete_reps(truth)
    assert report.rep_count == len(want)
    frames = truth["frames"]
    for got, tr in zip(report.reps, want):
        assert abs(got.rep.top_s - tr["top_s"]) < 0.35
        i = got.rep.top_frame
        assert abs(got.hip_extension_deg - frames[i]["hip_extension_deg"]) < hip_tol
        assert abs(got.knee_flexion_deg - frames[i]["knee_flexion_deg"]) < knee_tol
        flagged = {f.rule_id for f in got.findings if f.severity in ("warning", "fault")}
        assert flagged == set(tr["faults"]), (got.rep.index, flagged, tr["faults"])


def test_bundled_sample():
    truth = json.loads(SAMPLE.with_suffix("").with_suffix(".truth.json").read_text())
    report = analyze_video(SAMPLE)
    e = report.exercise
    assert e.is_kickback and e.variant == truth["variant"]
    assert e.working_side == truth["working_side"] and e.facing == truth["facing"]
    check_against_truth(report, truth)
    flagged = [sorted({f.rule_id for f in r.findings if f.severity != "info"}) for r in report.reps]
    assert ["lumbar_hyperextension"] in flagged and ["knee_straightened"] in flagged


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rendered")

    def make(name: str, **kw) -> tuple[Path, dict]:
        spec = ClipSpec(**{"fps": 15.0, "reps": 3, "width": 640, "height": 360, **kw})
        path = folder / f"{name}.mp4"
        return path, render_clip(spec, path)

    return make


def test_standing_kickback_other_side_and_facing(rendered):
    path, truth = rendered("standing", variant="standing", side="left", facing="right", seed=3)
    report = analyze_video(path)
    assert report.exercise.variant == "standing"
    assert report.exercise.working_side == "left" and report.exercise.facing == "right"
    check_against_truth(report, truth)


def test_look_alike_gives_no_reps(rendered):
    path, _ = rendered("bird_dog", exercise="bird_dog", facing="left", seed=4)
    report = analyze_video(path)
    assert not report.exercise.is_kickback and report.rep_count == 0
    assert report.exercise.reason.startswith("no kickbacks found")


def test_rotated_phone_clip_with_fade_in(rendered):
    path, truth = rendered(
        "rotated",
        variant="quadruped",
        side="right",
        facing="left",
        rotate90=True,
        black_frames=4,
        fade_in_s=0.5,
        arch_reps=(2,),
        seed=0,
    )
    report = analyze_video(path)
    assert report.video.rotation_deg in (90, 270)
    # Stored sideways with a rotation flag; analysed upright, at the size the truth is drawn in.
    assert (report.video.width, report.video.height) == (truth["width"], truth["height"])
    check_against_truth(report, truth)


def test_truncated_clip_is_analysed_as_far_as_it_decodes(rendered):
    path, truth = rendered("truncated", reps=4, truncate=0.3, seed=6)
    report = analyze_video(path)
    assert any("truncated" in w for w in report.warnings)
    whole = [r for r in complete_reps(truth) if not r.get("cut_by_truncation")]
    cut = [
        r
        for r in complete_reps(truth)
        if r.get("cut_by_truncation") and r["top_s"] < truth["decodable_s"]
    ]
    # A rep whose return was cut may or may not be counted, depending on how far it came down.
    assert len(whole) <= report.rep_count <= len(whole) + len(cut)
    assert len(whole) >= 2
    assert np.isfinite([r.hip_extension_deg for r in report.reps]).all()


def test_foot_out_of_frame_and_subtitle_over_the_body(rendered):
    path, truth = rendered(
        "conditions",
        variant="quadruped",
        side="left",
        facing="left",
        foot_exit=True,
        banner_text="SUBSCRIBE FOR MORE",
        arch_reps=(2,),
        seed=8,
    )
    report = analyze_video(path)
    assert report.exercise.working_side == "left"
    want = complete_reps(truth)
    assert report.rep_count == len(want)
    frames = truth["frames"]
    for got, tr in zip(report.reps, want):
        assert abs(got.hip_extension_deg - frames[got.rep.top_frame]["hip_extension_deg"]) < 6.0
        flagged = {f.rule_id for f in got.findings if f.severity in ("warning", "fault")}
        assert flagged == set(tr["faults"])
    # Where the foot was out of the frame at the top, the knee is not guessed.
    assert any("out of the frame" in w for w in report.warnings)
    assert any(np.isnan(r.knee_flexion_deg) for r in report.reps)


@pytest.mark.slow
def test_two_sets_one_leg_then_the_other_after_turning_round(rendered):
    from kickrender import SetSpec

    path, truth = rendered(
        "two_sets",
        variant="quadruped",
        sets=(
            SetSpec(side="right", facing="right", reps=3, hip_ext=18.0),
            SetSpec(side="left", facing="left", reps=3, hip_ext=6.0),
        ),
        between="kneel",
        between_s=5.0,
        seed=11,
    )
    report = analyze_video(path)
    assert [(s.side, len(s.rep_indices)) for s in report.sets] == [
        (t["working_side"], t["rep_count"]) for t in truth["sets"]
    ]
    (change,) = truth["changes"]
    assert not any(change["start_s"] <= r.rep.top_s <= change["end_s"] for r in report.reps)
    rom = next(a for a in report.legs.asymmetry if a.measure == "range_of_motion_deg")
    # the accuracy benchmark's target: the posed asymmetry within 5 percentage points
    assert rom.lower == "left"
    assert abs(rom.pct - truth["asymmetry"]["range_of_motion_pct"]) < 5.0
