"""Configuration: nested frozen dataclasses with defaults. ``load_config`` is the only reader of
config files; numeric code receives plain arguments, never the config object.

The commented default file is ``kickcheck/default_config.toml`` (print it with
``kickcheck --print-config``); it documents every key and where each threshold comes from.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from kickcheck.errors import ConfigError


@dataclass(frozen=True)
class VideoConfig:
    max_side_px: int = 640  #: frames are downscaled to this longest side before pose estimation


@dataclass(frozen=True)
class FilterConfig:
    cutoff_hz: float = 6.0
    max_gap_s: float = 0.25


@dataclass(frozen=True)
class GateConfig:
    min_detected_frac: float = 0.25
    min_hip_rom_deg: float = 25.0
    max_top_below_trunk_deg: float = 30.0
    max_other_leg_ratio: float = 0.5
    max_trunk_ratio: float = 0.5
    max_arm_reach_deg: float = 140.0
    max_hand_rise: float = 0.4
    max_view_yaw_deg: float = 60.0
    max_thigh_shortening: float = 0.35
    quadruped_max_trunk_pitch_deg: float = 40.0
    standing_min_trunk_pitch_deg: float = 15.0


@dataclass(frozen=True)
class RepConfig:
    min_prominence_deg: float = 20.0
    rel_prominence: float = 0.4
    min_period_s: float = 0.7
    top_band_deg: float = 5.0


@dataclass(frozen=True)
class VariantRules:
    hip_extension_limit_deg: float = 20.0
    lumbar_arch_warning_deg: float = 6.0
    lumbar_arch_fault_deg: float = 10.0
    lumbar_confirm_sag: float = 0.03
    knee_open_warning_deg: float = 25.0
    knee_open_fault_deg: float = 35.0
    knee_open_max_top_deg: float = 60.0
    knee_locked_deg: float = 4.0
    min_hold_s: float = 0.15


@dataclass(frozen=True)
class RulesConfig:
    quadruped: VariantRules = field(default_factory=VariantRules)
    standing: VariantRules = field(default_factory=VariantRules)


@dataclass(frozen=True)
class Config:
    video: VideoConfig = field(default_factory=VideoConfig)
    filter: FilterConfig = field(default_factory=FilterConfig)
    gate: GateConfig = field(default_factory=GateConfig)
    reps: RepConfig = field(default_factory=RepConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    variant: str | None = None  #: force "quadruped" or "standing"
    side: str | None = None  #: force "left" or "right"


def default_config_text() -> str:
    return resources.files("kickcheck").joinpath("default_config.toml").read_text()


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"config section [{where}] must be a table")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in data.items():
        path = f"{where}.{key}" if where else key
        if key not in fields:
            raise ConfigError(f"unknown config key '{path}'")
        default = getattr(cls(), key)
        if dataclasses.is_dataclass(default):
            kwargs[key] = _build(type(default), value, path)
        elif isinstance(default, bool) or (default is None):
            kwargs[key] = value
        elif isinstance(default, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"config key '{path}' must be a number, got {value!r}")
            kwargs[key] = type(default)(value) if isinstance(default, float) else value
        else:
            kwargs[key] = value
    return cls(**kwargs)


def _validate(cfg: Config) -> Config:
    if cfg.variant not in (None, "quadruped", "standing"):
        raise ConfigError(f"variant must be 'quadruped' or 'standing', got {cfg.variant!r}")
    if cfg.side not in (None, "left", "right"):
        raise ConfigError(f"side must be 'left' or 'right', got {cfg.side!r}")
    if cfg.filter.cutoff_hz <= 0:
        raise ConfigError("filter.cutoff_hz must be positive")
    if cfg.video.max_side_px < 160:
        raise ConfigError("video.max_side_px must be at least 160")
    return cfg


def parse_config(text: str, source: str = "config") -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source} is not valid TOML: {exc}") from None
    return _validate(_build(Config, data, ""))


def load_config(path: str | os.PathLike[str] | None = None, **overrides: Any) -> Config:
    """The default config, updated from a TOML file (if given), then by keyword overrides."""
    cfg = parse_config(default_config_text(), "the default config")
    if path is not None:
        p = os.fspath(path)
        if not os.path.isfile(p):
            raise ConfigError(f"config file not found: {p}")
        try:
            with open(p, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read config file {p}: {exc}") from None
        try:
            user = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{p} is not valid TOML: {exc}") from None
        merged = _merge(dataclasses.asdict(cfg), user, "")
        cfg = _validate(_build(Config, merged, ""))
    clean = {k: v for k, v in overrides.items() if v is not None}
    if clean:
        cfg = _validate(dataclasses.replace(cfg, **clean))
    return cfg


def _merge(base: dict[str, Any], user: dict[str, Any], where: str) -> dict[str, Any]:
    out = dict(base)
    for key, value in user.items():
        path = f"{where}.{key}" if where else key
        if key not in base:
            raise ConfigError(f"unknown config key '{path}'")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"config key '{path}' must be a table")
            out[key] = _merge(base[key], value, path)
        else:
            out[key] = value
    return out
