"""The config: the commented TOML is the only place a default lives, and every value is checked at
the door (type, finite, range, warning below fault), with one line naming the key."""

from __future__ import annotations

import math
import re
from typing import Any

import annotated_types
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from kickcheck.cli import main
from kickcheck.config import (
    Config,
    QuadrupedRules,
    default_config_dict,
    default_config_text,
    load_config,
    parse_config,
)
from kickcheck.errors import ConfigError, TooShortError
from kickcheck.pipeline import analyze_pose
from kickcheck.report import to_dict, to_text
from kickcheck.types import Report, VideoInfo
from tests.fixtures import make_pose_sequence


def models(model: type[BaseModel], where: str = "") -> list[tuple[str, type[BaseModel]]]:
    """Every (nested) model of the config with its dotted path."""
    out = [(where, model)]
    for name, f in model.model_fields.items():
        ann = f.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out += models(ann, f"{where}.{name}" if where else name)
    return out


def leaves(model: type[BaseModel], where: str = "") -> list[tuple[str, Any]]:
    """(dotted key, FieldInfo) of every number in the config."""
    out = []
    for name, f in model.model_fields.items():
        key = f"{where}.{name}" if where else name
        ann = f.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out += leaves(ann, key)
        elif ann in (int, float):
            out.append((key, f))
    return out


def write(tmp_path, text: str):
    p = tmp_path / "my.toml"
    p.write_text(text)
    return p


def set_key(key: str, value: str) -> str:
    *table, name = key.split(".")
    return (f"[{'.'.join(table)}]\n" if table else "") + f"{name} = {value}\n"


NUMBERS = leaves(Config)


def test_no_model_declares_a_default_the_toml_is_the_only_source():
    for where, model in models(Config):
        for name, f in model.model_fields.items():
            if (where, name) in (("", "variant"), ("", "side")):
                assert f.default is None  # absent from the file: detect (commented out there)
                continue
            assert f.is_required(), f"{where}.{name} declares a default; put it in the TOML"
    with pytest.raises(Exception, match="Field required"):
        Config()  # type: ignore[call-arg]


def test_the_loaded_config_is_exactly_the_toml():
    cfg = load_config()
    assert cfg == parse_config(default_config_text())
    data = default_config_dict()
    for key, _ in NUMBERS:
        value: Any = data
        for part in key.split("."):
            value = value[part]
        got: Any = cfg
        for part in key.split("."):
            got = getattr(got, part)
        assert got == value, key
    # The values the rest of the code reads, by their attribute names.
    assert cfg.gate.min_hip_rom_deg == data["gate"]["min_hip_rom_deg"]
    assert cfg.rules.quadruped.knee_locked_deg == data["rules"]["quadruped"]["knee_locked_deg"]
    assert cfg.rules.standing.knee_locked_deg == data["rules"]["standing"]["knee_locked_deg"]
    assert cfg.video.max_side_px == data["video"]["max_side_px"]
    assert cfg.variant is None and cfg.side is None


def test_every_key_is_commented_in_the_toml_and_no_line_is_garbled():
    text = default_config_text()
    lines = text.splitlines()
    table, seen = "", set()
    for i, ln in enumerate(lines):
        if ln.startswith("["):
            table = ln.strip("[]")
        elif "=" in ln and not ln.startswith("#"):
            key = f"{table}.{ln.split('=')[0].strip()}".strip(".")
            seen.add(key)
            j = i - 1  # a run of keys (a warning and its fault) shares the comment above it
            while j >= 0 and "=" in lines[j] and not lines[j].startswith("#"):
                j -= 1
            assert lines[j].startswith("#"), f"{key} has no comment above it"
    assert seen == {k for k, _ in NUMBERS}
    # Every comment line reads as prose: no fragment opening with a closing bracket or lowercase
    # continuation that follows a finished sentence.
    for prev, ln in zip(lines, lines[1:]):
        if prev.startswith("# ") and ln.startswith("# ") and prev.rstrip().endswith("."):
            word = ln[2:].split(" ", 1)[0]
            assert not word.endswith(")"), f"garbled comment line: {ln!r}"


def test_the_filter_cap_in_the_toml_is_the_one_the_code_uses():
    from kickcheck.cleaning import MAX_CUTOFF_FRAC, capped_cutoff_hz

    assert f"{MAX_CUTOFF_FRAC} x the frame rate" in default_config_text()
    assert capped_cutoff_hz(6.0, 12.0) == pytest.approx(MAX_CUTOFF_FRAC * 12.0)


@pytest.mark.parametrize("key", [k for k, _ in NUMBERS])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", '"six"', "true", "[1, 2]"])
def test_non_numbers_and_non_finite_values_name_the_key(tmp_path, key, value):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, set_key(key, value)))
    msg = str(err.value)
    assert f"'{key}'" in msg and "\n" not in msg
    shown = {"true": "True", '"six"': "'six'", "[1, 2]": "[1, 2]"}.get(value, value)
    assert shown in msg
    assert "finite" in msg or "valid" in msg


def bounds(f: Any) -> tuple[float, bool, float, bool]:
    """(low, low excluded, high, high excluded) from a field's declared constraints."""
    lows = [(m.gt, True) for m in f.metadata if isinstance(m, annotated_types.Gt)]
    lows += [(m.ge, False) for m in f.metadata if isinstance(m, annotated_types.Ge)]
    highs = [(m.lt, True) for m in f.metadata if isinstance(m, annotated_types.Lt)]
    highs += [(m.le, False) for m in f.metadata if isinstance(m, annotated_types.Le)]
    assert lows and highs, f"{f} needs a lower and an upper bound"
    low, low_x = max(lows, key=lambda b: (b[0], b[1]))
    high, high_x = min(highs, key=lambda b: (b[0], not b[1]))
    return float(low), low_x, float(high), high_x


@pytest.mark.parametrize("key,field", NUMBERS, ids=[k for k, _ in NUMBERS])
def test_out_of_range_values_name_the_key_the_value_and_what_is_allowed(tmp_path, key, field):
    low, _, high, _ = bounds(field)
    for bad, allowed in ((low - 1.0, "greater than"), (high + 1.0, "less than")):
        value: float | int = int(bad) if field.annotation is int else bad
        with pytest.raises(ConfigError) as err:
            load_config(write(tmp_path, set_key(key, repr(value))))
        msg = str(err.value)
        assert f"'{key}' = {value!r}" in msg and f"must be {allowed}" in msg, msg


@pytest.mark.parametrize(
    "table,warn,fault",
    [
        ("rules.quadruped", "lumbar_arch_warning_deg", "lumbar_arch_fault_deg"),
        ("rules.standing", "lumbar_arch_warning_deg", "lumbar_arch_fault_deg"),
        ("rules.quadruped", "knee_open_warning_deg", "knee_open_fault_deg"),
    ],
)
@pytest.mark.parametrize("equal", [False, True])
def test_a_warning_level_must_be_below_its_fault_level(tmp_path, table, warn, fault, equal):
    cfg = load_config()
    rules = getattr(cfg.rules, table.split(".")[1])
    w = getattr(rules, fault) if equal else getattr(rules, fault) + 5.0
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, f"[{table}]\n{warn} = {w}\n"))
    msg = str(err.value)
    assert f"'{table}.{fault}'" in msg and f"'{table}.{warn}' = {w}" in msg and "above" in msg


def test_negative_threshold_and_wrong_type_and_unknown_key(tmp_path):
    cases = {
        "[rules.quadruped]\nlumbar_arch_warning_deg = -3\n": "'rules.quadruped.lumbar_arch_warning_deg' = -3",
        "[video]\nmax_side_px = 640.5\n": "'video.max_side_px' = 640.5",
        "[filter]\nmax_gap_s = nan\n": "'filter.max_gap_s' = nan",
        'variant = "lying"\n': "'variant' = 'lying'",
        "[rules.standing]\nknee_open_fault_deg = 20\n": "unknown config key 'rules.standing.knee_open_fault_deg'",
        "[rules]\nquadruped = 3\n": "'rules.quadruped' must be a table",
        # a key that was replaced names its replacement
        "[gate]\nmax_arm_reach_deg = 140.0\n": "'gate.max_arm_reach_deg' in "
        + str(tmp_path / "my.toml")
        + " was replaced by gate.max_arm_rise_image_deg",
    }
    for text, words in cases.items():
        with pytest.raises(ConfigError, match=re.escape(words)):
            load_config(write(tmp_path, text))


@pytest.mark.parametrize(
    "text,key",
    [
        ("[filter]\nmax_gap_s = nan\n", "filter.max_gap_s"),
        ("[reps]\nmin_period_s = inf\n", "reps.min_period_s"),
        ("[filter]\ncutoff_hz = nan\n", "filter.cutoff_hz"),
        ("[rules.quadruped]\nknee_open_warning_deg = 50\n", "rules.quadruped.knee_open_fault_deg"),
    ],
)
def test_the_cli_gives_one_line_and_exit_6(tmp_path, text, key):
    r = CliRunner().invoke(main, ["no_such_clip.mp4", "--config", str(write(tmp_path, text))])
    assert r.exit_code == 6, r.output
    out = r.output.strip()
    assert len(out.splitlines()) == 1 and "Traceback" not in out and key in out


def test_overrides_are_validated_too():
    assert load_config(variant="standing", side="left").variant == "standing"
    with pytest.raises(ConfigError, match="'side' = 'up'"):
        load_config(side="up")
    with pytest.raises(ConfigError, match="unknown config key 'colour'"):
        load_config(colour="red")


# --------------------------------------------------------------------------------------------
# Any config that loads gives an analysis with no traceback.


def _number(f: Any) -> st.SearchStrategy[float] | st.SearchStrategy[int]:
    low, low_x, high, high_x = bounds(f)
    if f.annotation is int:
        return st.integers(math.ceil(low), math.floor(high))
    return st.floats(low, high, exclude_min=low_x, exclude_max=high_x)


@st.composite
def configs(draw: st.DrawFn) -> Config:
    """A config drawn from the validated ranges (the levels put in order), half the keys at
    their defaults."""
    data = default_config_dict()
    for key, f in NUMBERS:
        if draw(st.booleans()):
            continue
        *path, name = key.split(".")
        table = data
        for part in path:
            table = table[part]
        table[name] = draw(_number(f))
    for table in (data["rules"]["quadruped"], data["rules"]["standing"]):
        for warn, fault in (("lumbar_arch_warning_deg", "lumbar_arch_fault_deg"),) + (
            (("knee_open_warning_deg", "knee_open_fault_deg"),)
            if "knee_open_fault_deg" in table
            else ()
        ):
            lo, hi = sorted((table[warn], table[fault]))
            assume(lo < hi)
            table[warn], table[fault] = lo, hi
    data["variant"] = draw(st.sampled_from([None, "quadruped", "standing"]))
    data["side"] = draw(st.sampled_from([None, "left", "right"]))
    return Config.model_validate(data)


CLIPS = {
    name: make_pose_sequence(**kw)[0]
    for name, kw in {
        "quadruped": dict(n_reps=3, arch_per_rep=[0, 20, 0], peak_hip_ext_deg=12, noise_px=1.0),
        "standing": dict(variant="standing", n_reps=3, knee_flexion_top_deg=1.0, seed=3),
        "straight": dict(
            n_reps=3, knee_flexion_top_deg=2.0, knee_flexion_rest_deg=20.0, dropout_frac=0.1
        ),
    }.items()
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cfg=configs(), clip=st.sampled_from(sorted(CLIPS)))
def test_any_config_that_loads_gives_an_analysis(cfg, clip):
    pose = CLIPS[clip]
    info = VideoInfo("synthetic.mp4", 30.0, len(pose), pose.width, pose.height, float(pose.t_s[-1]))
    duration_s = float(pose.t_s[-1] - pose.t_s[0])
    if duration_s < cfg.reps.min_period_s:
        # A clip shorter than one rep of this config is "too short": one line, not a traceback.
        with pytest.raises(TooShortError):
            analyze_pose(pose, info, cfg)
        return
    report = analyze_pose(pose, info, cfg)
    assert isinstance(report, Report)
    doc = to_dict(report)
    assert doc["summary"]["rep_count"] == report.rep_count
    to_text(report)
    for r in report.reps:
        for f in r.findings:
            assert f.message and math.isfinite(f.threshold)


def test_quadruped_rules_are_a_superset_of_the_shared_ones():
    assert set(QuadrupedRules.model_fields) > {"knee_locked_deg", "lumbar_arch_fault_deg"}


def test_replace_validates_and_keeps_the_rest():
    from kickcheck.config import replace

    cfg = load_config()
    quad = replace(cfg.rules.quadruped, lumbar_arch_fault_deg=12.0)
    assert quad.lumbar_arch_fault_deg == 12.0
    assert quad.knee_locked_deg == cfg.rules.quadruped.knee_locked_deg
    new = replace(cfg, rules=replace(cfg.rules, quadruped=quad))
    assert new.rules.quadruped is quad and new.rules.standing == cfg.rules.standing
    with pytest.raises(ConfigError, match="'lumbar_arch_fault_deg' = 3.0"):
        replace(cfg.rules.quadruped, lumbar_arch_fault_deg=3.0)
    with pytest.raises(ConfigError, match="'cutoff_hz' = nan"):
        replace(cfg.filter, cutoff_hz=float("nan"))
