"""Configuration: typed, frozen models built from the commented TOML file and validated on the way in.

The commented default file ``kickcheck/default_config.toml`` (print it with ``kickcheck
--print-config``) is the **only** place a default lives: the models below declare types and allowed
ranges but no default values, so a model cannot be built without the file, and the two cannot drift.
``load_config`` is the only reader of config files; numeric code receives plain arguments, never the
config object.

Validation (pydantic v2, strict, ``extra="forbid"``): every value must have the declared type (a
number, not a string or a boolean), be finite (no NaN or infinity), lie in its range (positive where
it is physical), and each warning level must be below its fault level. A bad value raises
``ConfigError`` with one line naming the key, the value and what is allowed.

To add a key: declare it in the model with its range, and add it, commented, to the TOML file.
"""

from __future__ import annotations

import math
import os
import tomllib
from importlib import resources
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from kickcheck.errors import ConfigError

# Number types with their allowed ranges. Strict: an int is accepted where a float is wanted, but
# never a string or a boolean; allow_inf_nan=False (in the model config) rejects NaN and infinity.
Positive = Annotated[float, Field(gt=0)]
NonNegative = Annotated[float, Field(ge=0)]
Fraction = Annotated[float, Field(gt=0, le=1)]
#: An angle threshold in degrees, within one turn.
Degrees = Annotated[float, Field(ge=0, le=180)]
PositiveDegrees = Annotated[float, Field(gt=0, le=180)]
#: An angle from the horizontal or from a line, within a right angle.
Degrees90 = Annotated[float, Field(ge=0, le=90)]
PositiveDegrees90 = Annotated[float, Field(gt=0, le=90)]


class _Section(BaseModel):
    """A table of the config file: frozen, strict, no unknown keys, only finite numbers."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)


_M = TypeVar("_M", bound=_Section)


def _above(lower_key: str) -> Any:
    """A validator: this field must be above the (already validated) field ``lower_key``."""

    def check(cls: type, value: float, info: ValidationInfo) -> float:
        lower = info.data.get(lower_key)
        if lower is not None and not value > lower:
            raise PydanticCustomError(
                "not_above", "must be above {other} ({bound})", {"other": lower_key, "bound": lower}
            )
        return value

    return check


class VideoConfig(_Section):
    #: frames are downscaled to this longest side before pose estimation
    max_side_px: int = Field(ge=160, le=4096)


class FilterConfig(_Section):
    #: at least 1 Hz: a kickback's own movement is 0.5-1 Hz, a lower cutoff would filter it away
    cutoff_hz: float = Field(ge=1, le=30)
    max_gap_s: Positive = Field(le=5)


class GateConfig(_Section):
    """The exercise gate's thresholds (``gate.py``). To move another of the gate's numbers here,
    declare it with its range and add it, commented, to the ``[gate]`` table of the TOML file."""

    min_detected_frac: Fraction
    #: the shoulder and hip lines' share along the camera's vertical (3-D) from which the body
    #: lies on its side; cos 45 degrees: nearer vertical than level
    min_side_lying_vertical: Fraction
    max_view_yaw_deg: PositiveDegrees90
    max_image_view_yaw_deg: PositiveDegrees90
    min_hip_rom_deg: PositiveDegrees
    max_top_below_trunk_deg: Degrees
    #: how far behind the support thigh the working one reaches at the kick's tops (image or 3-D)
    min_top_split_deg: PositiveDegrees90
    #: the 3-D angle between the working thigh and the trunk line, at the thigh's closest
    max_thigh_line_gap3_deg: PositiveDegrees90
    #: ... allowed as it stands within this estimated yaw of the side view; beyond it the
    #: allowance grows by the yaw's excess (MediaPipe's flattening of depth)
    thigh_line_side_view_yaw_deg: PositiveDegrees90
    #: ... checked only where the camera's estimated yaw is within this of the side view
    thigh_line_max_view_yaw_deg: PositiveDegrees90
    #: the thigh's 3-D range out of the sagittal plane over its range within it (same views)
    max_abduction_to_swing_ratio: Positive = Field(le=10)
    max_other_leg_ratio: Positive = Field(le=10)
    #: the other hip's range of motion over the working hip's (image, by MediaPipe's labels)
    max_support_hip_range_ratio: Positive = Field(le=10)
    max_trunk_ratio: Positive = Field(le=10)
    #: the trunk's pitch range in the image (within shots) over the working hip's range
    max_trunk_range_ratio: Positive = Field(le=10)
    #: the image's shoulder flexion's rise with the kick (side views); a bird dog's is about 80
    max_arm_rise_image_deg: PositiveDegrees
    #: trunk lengths (3-D); a bird dog's hand rises about 1
    max_hand_rise: Positive = Field(le=5)
    #: the upper arm's change of angle to the trunk (3-D) with the kick; a bird dog's is about 80
    max_arm_rise_deg: PositiveDegrees
    #: trunk lengths (image) a wrist moves forward along the trunk with the kick; a bird dog's ~1
    max_hand_forward: Positive = Field(le=5)
    max_thigh_shortening: Fraction
    #: the working shank's turn in the image over the thigh's, with a knee that does not open
    max_shank_turn_ratio: Fraction
    #: ... the knee's opening (3-D) with the kick below which it counts as not opening
    min_knee_open3_deg: PositiveDegrees90
    #: the working shank's turn against the thigh's direction, over the thigh's turn (image)
    max_shank_counter_turn_ratio: Fraction
    #: the working knee's folding (3-D) with the kick, over the working hip's range
    max_knee_fold_ratio: Positive = Field(le=10)
    quadruped_max_trunk_pitch_deg: PositiveDegrees90
    #: the picture's trunk pitch beyond which the floor line no longer makes the body flat
    quadruped_max_image_trunk_pitch_deg: PositiveDegrees90
    #: negative: the head below the hips
    standing_min_trunk_pitch_deg: float = Field(ge=-90, le=90)
    #: the support knee's range of flexion (5th-95th percentile), standing or kneeling
    max_support_knee_rom_deg: PositiveDegrees


class RepConfig(_Section):
    min_prominence_deg: PositiveDegrees
    rel_prominence: Fraction
    min_period_s: Positive = Field(le=30)
    top_band_deg: PositiveDegrees


class SetsConfig(_Section):
    """How reps are grouped into sets and how a set is judged (``sets.py``)."""

    rest_s: Positive = Field(le=600)
    opening_reps: int = Field(ge=1, le=10)
    range_drop_ratio: Fraction
    change_trunk_ratio: Positive = Field(le=10)


class ScoreConfig(_Section):
    """Points a rep loses from 100, per rule and severity (``score.py``). A test checks that every
    rule's severities have a key here."""

    lumbar_hyperextension_warning: NonNegative = Field(le=100)
    lumbar_hyperextension_fault: NonNegative = Field(le=100)
    knee_straightened_warning: NonNegative = Field(le=100)
    knee_straightened_fault: NonNegative = Field(le=100)
    knee_locked_warning: NonNegative = Field(le=100)
    no_squeeze_info: NonNegative = Field(le=100)
    short_range_warning: NonNegative = Field(le=100)


class VariantRules(_Section):
    """Form-rule thresholds shared by both variants (``[rules.quadruped]``, ``[rules.standing]``)."""

    hip_extension_limit_deg: Degrees90
    lumbar_arch_warning_deg: PositiveDegrees
    lumbar_arch_fault_deg: PositiveDegrees
    lumbar_confirm_sag: NonNegative = Field(le=1)
    knee_locked_deg: NonNegative = Field(le=45)
    min_hold_s: NonNegative = Field(le=10)

    _fault_above_warning = field_validator("lumbar_arch_fault_deg")(
        _above("lumbar_arch_warning_deg")
    )


class QuadrupedRules(VariantRules):
    """On all fours, also the bent-knee kickback's knee rule and the style decision."""

    straight_leg_max_knee_deg: PositiveDegrees
    knee_open_warning_deg: PositiveDegrees
    knee_open_fault_deg: PositiveDegrees
    knee_open_max_top_deg: PositiveDegrees

    _open_fault_above_warning = field_validator("knee_open_fault_deg")(
        _above("knee_open_warning_deg")
    )


class StandingRules(VariantRules):
    """Standing: the shared thresholds only (the leg is near-straight by design)."""


class RulesConfig(_Section):
    quadruped: QuadrupedRules
    standing: StandingRules


class Config(_Section):
    video: VideoConfig
    filter: FilterConfig
    gate: GateConfig
    reps: RepConfig
    sets: SetsConfig
    rules: RulesConfig
    score: ScoreConfig
    #: force "quadruped" or "standing"; absent from the file (None): detect
    variant: Literal["quadruped", "standing"] | None = None
    #: force "left" or "right" (the person's own side); absent from the file (None): detect
    side: Literal["left", "right"] | None = None


def replace(model: _M, **changes: Any) -> _M:
    """A copy of a config model (``Config`` or one of its tables) with ``changes``, validated like
    a file (the models are frozen): ``replace(cfg.rules.quadruped, lumbar_arch_fault_deg=12.0)``.
    Raises ``ConfigError`` naming the key for a bad value."""
    data = {**{k: getattr(model, k) for k in type(model).model_fields}, **changes}
    try:
        return type(model).model_validate(data)
    except ValidationError as err:
        raise _one_line(err, "the changes") from None


def default_config_text() -> str:
    return resources.files("kickcheck").joinpath("default_config.toml").read_text(encoding="utf-8")


def _key(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc)


#: Keys that were replaced, with what replaced them: named in the error for an old config file.
REPLACED_KEYS: dict[str, str] = {
    "gate.max_arm_reach_deg": "gate.max_arm_rise_image_deg (the arm's rise with the kick, not "
    "its angle at the tops; December 2026)",
}


def _one_line(err: ValidationError, source: str) -> ConfigError:
    """The first problem of a pydantic ``ValidationError`` as one line: key, value, what is allowed."""
    e = err.errors(include_url=False)[0]
    key = _key(e["loc"])
    if e["type"] == "extra_forbidden":
        if key in REPLACED_KEYS:
            return ConfigError(
                f"config key '{key}' in {source} was replaced by {REPLACED_KEYS[key]}"
            )
        return ConfigError(f"unknown config key '{key}' in {source}")
    if e["type"] == "missing":
        return ConfigError(f"config key '{key}' is missing from {source}")
    if e["type"] == "not_above":  # a fault level not above its warning level
        ctx = e.get("ctx", {})
        other = _key((*e["loc"][:-1], ctx["other"]))
        return ConfigError(
            f"config key '{key}' = {e['input']!r} in {source}: must be above "
            f"'{other}' = {ctx['bound']!r} (a fault level above its warning level)"
        )
    value = e.get("input")
    shown = repr(value) if not isinstance(value, float) or math.isfinite(value) else str(value)
    allowed = e["msg"].replace("Input should be", "must be").replace("Value error, ", "")
    if e["type"] in ("float_type", "int_type", "finite_number") and isinstance(value, float):
        allowed = "must be a finite number" if e["type"] != "int_type" else allowed
    return ConfigError(f"config key '{key}' = {shown} in {source}: {allowed}")


def _validate(data: dict[str, Any], source: str) -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as err:
        raise _one_line(err, source) from None


def _loads(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source} is not valid TOML: {exc}") from None


def parse_config(text: str, source: str = "config") -> Config:
    """A complete config from TOML text (every key present)."""
    return _validate(_loads(text, source), source)


def default_config_dict() -> dict[str, Any]:
    """The default config file as nested dicts (exactly what the TOML says)."""
    return _loads(default_config_text(), "the default config")


def load_config(path: str | os.PathLike[str] | None = None, **overrides: Any) -> Config:
    """The default config, updated from a TOML file (if given), then by keyword overrides
    (``variant=``, ``side=``; None leaves a value as it is)."""
    data = default_config_dict()
    source = "the default config"
    if path is not None:
        p = os.fspath(path)
        if not os.path.isfile(p):
            raise ConfigError(f"config file not found: {p}")
        try:
            with open(p, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read config file {p}: {exc}") from None
        data = merge(data, _loads(text, p))
        source = p
    clean = {k: v for k, v in overrides.items() if v is not None}
    unknown = sorted(set(clean) - set(Config.model_fields))
    if unknown:
        raise ConfigError(f"unknown config key '{unknown[0]}'")
    return _validate({**data, **clean}, source)


def merge(base: dict[str, Any], user: dict[str, Any], where: str = "") -> dict[str, Any]:
    """``base`` updated from ``user`` table by table. A key that is not in ``base`` is kept, so that
    validation names it as unknown; a table given a plain value is an error here."""
    out = dict(base)
    for key, value in user.items():
        path = f"{where}.{key}" if where else key
        if isinstance(base.get(key), dict):
            if not isinstance(value, dict):
                raise ConfigError(f"config key '{path}' must be a table, got {value!r}")
            out[key] = merge(base[key], value, path)
        else:
            out[key] = value
    return out
