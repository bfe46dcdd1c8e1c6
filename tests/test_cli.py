"""The command line: help, versions, config, and one clear line plus a non-zero exit for bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from kickcheck.cli import main
from kickcheck.errors import ConfigError
from tests.fixtures import fake_analysis, one_line_error


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_help_and_version():
    r = invoke("--help")
    assert r.exit_code == 0 and "--json" in r.output and "Exit codes" in r.output
    r = invoke("--version")
    assert r.exit_code == 0
    for name in ("kickcheck", "mediapipe", "opencv", "numpy"):
        assert name in r.output


def test_print_config_is_the_commented_default_and_parses():
    r = invoke("--print-config")
    assert r.exit_code == 0 and "[rules.quadruped]" in r.output and r.output.count("#") > 30
    from kickcheck.config import parse_config

    parse_config(r.output)


def test_missing_file(tmp_path):
    one_line_error(invoke(str(tmp_path / "nope.mp4")), 2, "no such file")


def test_folder_instead_of_file(tmp_path):
    one_line_error(invoke(str(tmp_path)), 2, "folder")


def test_zero_byte_file(tmp_path):
    p = tmp_path / "empty.mp4"
    p.write_bytes(b"")
    one_line_error(invoke(str(p)), 2, "empty")


def test_text_file_named_mp4(tmp_path):
    p = tmp_path / "notes.mp4"
    p.write_text("this is not a video\n" * 50)
    one_line_error(invoke(str(p)), 3, "cannot read")


def test_random_bytes(tmp_path):
    p = tmp_path / "noise.mov"
    p.write_bytes(np.random.default_rng(0).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    one_line_error(invoke(str(p)), 3)


@pytest.mark.mediapipe
def test_no_person(grey_clip):
    one_line_error(invoke(str(grey_clip), "-q"), 4, "no person")


def test_broken_config(tmp_path, grey_clip):
    bad = tmp_path / "bad.toml"
    bad.write_text("[rules.quadruped\nlumbar = ")
    one_line_error(invoke(str(grey_clip), "--config", str(bad)), 6, "not valid TOML")
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("[rules.quadruped]\nlumbar_arch_fualt_deg = 3\n")
    one_line_error(
        invoke(str(grey_clip), "--config", str(unknown)), 6, "rules.quadruped.lumbar_arch_fualt_deg"
    )
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[filter]\ncutoff_hz = "six"\n')
    one_line_error(invoke(str(grey_clip), "--config", str(wrong)), 6, "filter.cutoff_hz")
    one_line_error(invoke(str(grey_clip), "--config", str(tmp_path / "none.toml")), 6, "not found")


_fake_analysis = fake_analysis


def test_not_a_kickback_exits_5_and_still_writes_the_reason(monkeypatch, grey_clip, tmp_path):
    _fake_analysis(monkeypatch, exercise="glute_bridge")
    out = tmp_path / "r.json"
    r = invoke(str(grey_clip), "--json", str(out))
    one_line_error(r, 5, "no kickbacks found", "lying on its back")
    doc = json.loads(out.read_text())
    assert doc["exercise"]["is_kickback"] is False and doc["summary"]["rep_count"] == 0


def test_a_clip_filmed_from_the_front_cannot_tell_exits_11(monkeypatch, grey_clip, tmp_path):
    """Straight from the front a kick and a sideways swing look alike: its own outcome, its own
    exit code, and how to film; the JSON says so and carries the estimated view."""
    _fake_analysis(monkeypatch, exercise="fire_hydrant", yaw_deg=85.0)
    out = tmp_path / "r.json"
    r = invoke(str(grey_clip), "--json", str(out))
    one_line_error(r, 11, "cannot tell from this camera angle", "film from the side")
    e = json.loads(out.read_text())["exercise"]
    assert e["outcome"] == "cannot_tell" and e["is_kickback"] is False
    assert e["view"] == "front" and e["view_yaw_deg"] == pytest.approx(85.0, abs=5.0)


def test_report_outputs(monkeypatch, grey_clip, tmp_path):
    _fake_analysis(monkeypatch, n_reps=3, arch_per_rep=[0, 20, 0], peak_hip_ext_deg=12)
    j, c, f = tmp_path / "r.json", tmp_path / "reps.csv", tmp_path / "frames.csv"
    r = invoke(str(grey_clip), "--json", str(j), "--csv", str(c), "--frames-csv", str(f))
    assert r.exit_code == 0, r.output
    assert "Verdict: 3 reps" in r.output and "arching the lower back" in r.output
    doc = json.loads(j.read_text())
    assert doc["summary"]["rep_count"] == 3
    rows = c.read_text().strip().splitlines()
    assert len(rows) == 4 and rows[0].startswith("index,")
    assert "lumbar_hyperextension" in rows[2]
    frames = f.read_text().strip().splitlines()
    assert frames[0].startswith("frame,t_s,hip_ext_left") and len(frames) > 100


def test_json_to_stdout_is_clean(monkeypatch, grey_clip):
    _fake_analysis(monkeypatch, n_reps=2)
    r = invoke(str(grey_clip), "--json", "-", "-q")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["summary"]["rep_count"] == 2


def test_output_into_missing_folder_writes_nothing(monkeypatch, grey_clip, tmp_path):
    _fake_analysis(monkeypatch, n_reps=2)
    target = tmp_path / "no" / "such" / "r.json"
    one_line_error(invoke(str(grey_clip), "--json", str(target)), 8, "does not exist")
    assert not target.exists()


def test_config_error_class_is_one_line():
    e = ConfigError("bad\nthing")
    assert "\n" not in str(e)
