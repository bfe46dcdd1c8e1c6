"""Per-rep measurements: hip extension, knee flexion, lumbar arch (two measures) and tempo.

Lumbar arch, measure (a), from landmarks (this one drives the ``lumbar_hyperextension`` flag):
  - On all fours: the thigh's extension past the trunk line beyond the hip's anatomical range
    (``hip_extension_limit_deg``: 20 degrees on all fours, 25 standing). A hip joint cannot extend much further, so
    anything more must come from the pelvis tilting forward and the lumbar spine extending.
  - Standing: the same, plus the trunk's rotation toward extension (the shoulders rising) from the
    rep's start to its top; the larger of the two.
Lumbar arch, measure (b), from the silhouette: the change of ``back_sag`` (see ``silhouette.py``)
from the rep's start to its top, in shoulder-hip lengths. It is reported beside (a) but does not
drive the flag, because the gluteal contour and the swinging foot confound it (see the README).

Neither is an angle of the spine: (a) is the thigh's extension beyond what the hip joint alone
allows (or the trunk's rise), which implies that much pelvic tilt and lumbar extension.
"""

from __future__ import annotations

import numpy as np

from kickcheck.types import PHASES, FrameTrack, Kinematics, Rep, RepResult, Tempo

#: Half-width (frames) of the median window that reads an angle at a rep's start or top: 3 frames
#: (0.1 s at 30 fps) steady a single frame's landmark jitter without blurring the movement.
ANGLE_WINDOW_HALF = 1
#: Half-width (frames) for the silhouette's back sag, which is noisier frame to frame than the
#: landmark angles (the mask's edge moves by whole pixels): 5 frames.
SAG_WINDOW_HALF = 2
#: The knee at the top is not scored when the working ankle is out of view for more than this
#: fraction of the hold: MediaPipe then guesses where the foot is (rendered foot-exit clips).
MAX_ANKLE_OUT_FRAC = 0.5


def _window(x: np.ndarray, i: int, half: int = ANGLE_WINDOW_HALF) -> float:
    seg = x[max(0, i - half) : i + half + 1]
    seg = seg[np.isfinite(seg)]
    return float(np.median(seg)) if seg.size else float("nan")


def measure_rep(
    rep: Rep,
    kin: Kinematics,
    back_sag: np.ndarray,
    side: str,
    variant: str,
    *,
    hip_extension_limit_deg: float,
    top_band_deg: float,
    ankle_in_view: np.ndarray | None = None,
) -> RepResult:
    """Measure one rep. ``ankle_in_view`` [T] (bool) marks frames where the working ankle is inside
    the image; if it is outside for most of the hold at the top (the foot left the frame), the knee
    at the top is not measured (NaN) rather than read from MediaPipe's guess."""
    hip = kin[f"hip_ext_{side}"]
    knee = kin[f"knee_flex_{side}"]
    trunk = kin["trunk_pitch"]
    t = kin.t_s
    s, p, e = rep.start_frame, rep.top_frame, rep.end_frame
    seg = hip[s : e + 1]
    scorable = bool(np.isfinite(seg).all()) and e > s
    hip_top = float(np.nanmax(seg)) if np.isfinite(seg).any() else float("nan")
    hip_start = float(hip[s])
    knee_start = _window(knee, s)
    beyond = max(0.0, hip_top - hip_extension_limit_deg)
    arch, source = beyond, "hip_range"
    if variant == "standing":
        trunk_rise = max(0.0, _window(trunk, p) - _window(trunk, s))
        if trunk_rise > beyond:
            arch, source = trunk_rise, "trunk_rise"
    sag_change = _window(back_sag, p, SAG_WINDOW_HALF) - _window(back_sag, s, SAG_WINDOW_HALF)
    # Tempo: up = start -> entering the top band; hold = time within the band; down = leaving the
    # band -> end.
    band = np.flatnonzero(np.nan_to_num(hip[s : e + 1], nan=-1e9) >= hip_top - top_band_deg) + s
    # The contiguous band around the top.
    p = int(s + np.nanargmax(seg)) if np.isfinite(seg).any() else p
    lo = hi = p
    while lo - 1 in band and lo - 1 >= s:
        lo -= 1
    while hi + 1 in band and hi + 1 <= e:
        hi += 1
    tempo = Tempo(up_s=float(t[lo] - t[s]), hold_s=float(t[hi] - t[lo]), down_s=float(t[e] - t[hi]))
    # The knee at the top: its median over the hold (steadier than one frame's reading).
    held = knee[lo : hi + 1]
    held = held[np.isfinite(held)]
    knee_top = float(np.median(held)) if held.size else _window(knee, p)
    if ankle_in_view is not None and np.mean(ankle_in_view[lo : hi + 1]) < 1 - MAX_ANKLE_OUT_FRAC:
        knee_top = float("nan")
    return RepResult(
        rep=rep,
        hip_extension_deg=hip_top,
        rom_deg=hip_top - hip_start,
        knee_flexion_deg=knee_top,
        knee_flexion_start_deg=knee_start,
        lumbar_arch_deg=float(arch) if scorable else float("nan"),
        back_sag_change=float(sag_change),
        tempo=tempo,
        scorable=scorable,
        lumbar_source=source,
        side=side,
    )


def frame_track(
    kin: Kinematics,
    back_sag: np.ndarray,
    right: np.ndarray,
    results: list[RepResult],
    sides: list[str],
    variant: str,
    *,
    hip_extension_limit_deg: float,
) -> FrameTrack:
    """The per-frame view of what ``measure_rep`` measured per rep (see ``FrameTrack``).

    ``right`` [T] is the working leg per frame; ``sides[k]`` the leg that kicked in
    ``results[k]`` (inside a rep its leg is used throughout, as ``measure_rep`` does). The phases
    come from each rep's tempo: up for ``up_s`` from the start, hold for ``hold_s``, then down.
    """
    n = len(kin.t_s)
    t = kin.t_s
    right = np.asarray(right, bool).copy()
    for r, side in zip(results, sides):
        right[r.rep.start_frame : r.rep.end_frame + 1] = side == "right"
    hip = np.where(right, kin["hip_ext_right"], kin["hip_ext_left"])
    knee = np.where(right, kin["knee_flex_right"], kin["knee_flex_left"])
    with np.errstate(invalid="ignore"):
        arch = np.where(np.isfinite(hip), np.maximum(0.0, hip - hip_extension_limit_deg), np.nan)
    sag = np.full(n, np.nan)
    rep_no = np.zeros(n, np.int32)
    phase = np.zeros(n, np.int8)
    trunk = kin["trunk_pitch"]
    bs = np.asarray(back_sag, np.float64)
    for r in results:
        s, e = r.rep.start_frame, r.rep.end_frame
        sl = slice(s, e + 1)
        rep_no[sl] = r.rep.index
        if variant == "standing":
            with np.errstate(invalid="ignore"):
                rise = np.maximum(0.0, trunk[sl] - _window(trunk, s))
            arch[sl] = np.fmax(arch[sl], rise)
        sag[sl] = bs[sl] - _window(bs, s, 2)
        # Frame indices where the top band starts and ends (the tempo is exact frame-time
        # differences; the tolerance absorbs rounding).
        lo = int(np.searchsorted(t, t[s] + r.tempo.up_s - 1e-6))
        hi = int(np.searchsorted(t, t[s] + r.tempo.up_s + r.tempo.hold_s - 1e-6))
        phase[sl] = PHASES.index("down")
        phase[s:lo] = PHASES.index("up")
        phase[lo : min(hi, e) + 1] = PHASES.index("hold")
    return FrameTrack(
        right=right,
        hip_extension_deg=np.asarray(hip, np.float64),
        knee_flexion_deg=np.asarray(knee, np.float64),
        lumbar_arch_deg=np.asarray(arch, np.float64),
        back_sag_change=sag,
        rep=rep_no,
        phase=phase,
    )
