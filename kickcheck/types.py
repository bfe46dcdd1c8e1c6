"""Plain, frozen data containers passed between kickcheck's stages.

Coordinates: image landmarks are in **pixels of the upright frame** (rotation metadata already
applied): x grows to the right, y grows *down*. ``z`` is MediaPipe's relative depth scaled to pixels
(smaller = nearer the camera). A frame with no person holds NaN rows, never zeros.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from kickcheck.landmarks import N_LANDMARKS

if TYPE_CHECKING:
    from kickcheck.config import VariantRules


def _check_shape(name: str, arr: np.ndarray, shape: tuple[int | None, ...]) -> None:
    ok = arr.ndim == len(shape) and all(w is None or w == a for w, a in zip(shape, arr.shape))
    if not ok:
        want = "x".join("T" if w is None else str(w) for w in shape)
        raise ValueError(f"{name} must have shape [{want}], got {list(arr.shape)}")


@dataclass(frozen=True)
class VideoInfo:
    """What a video file holds, as probed (and corrected after decoding)."""

    path: str
    fps: float  #: nominal frames per second (never 0: estimated from timestamps if the header lies)
    frame_count: int  #: frames that actually decoded
    width: int  #: upright width in pixels (after rotation)
    height: int  #: upright height in pixels (after rotation)
    duration_s: float
    rotation_deg: int = 0  #: rotation applied to make frames upright (0, 90, 180, 270)
    codec: str = ""
    frames_expected: int = 0  #: the container's own frame count (often wrong by a few frames)


@dataclass(frozen=True)
class Frame:
    """One decoded, upright frame. ``image_bgr`` is HxWx3 uint8.

    ``thumbs``: the scene-cut detector's grey thumbnails (``shots.THUMB_WH``, float32, 0..255) of
    every frame decoded since the previous frame yielded, this one last. ``FrameReader`` fills it,
    so that cuts are found between consecutive frames also when ``stride`` skips some; frames
    made elsewhere leave it empty and the detector takes ``shots.thumbnail(image_bgr)``.
    """

    index: int
    t_s: float
    image_bgr: np.ndarray
    thumbs: tuple[np.ndarray, ...] = ()


@dataclass(frozen=True)
class PoseSequence:
    """Per-frame MediaPipe output for one clip.

    - ``xyzv``: float32 [T,33,4]: x, y in pixels, z (relative depth, pixels), visibility 0..1.
    - ``world``: float32 [T,33,3]: MediaPipe world landmarks in metres (hip-centred).
    - ``t_s``: float64 [T]: presentation time of each frame in seconds (may be non-uniform).
    - ``back_sag``: float32 [T]: silhouette measure of the back contour's sag between shoulder and
      hip, divided by the shoulder-hip distance (see ``silhouette.py``); NaN when not measurable.
    - ``shot_id``: int32 [T]: increments at every detected scene cut or long person dropout.
    """

    xyzv: np.ndarray
    world: np.ndarray
    t_s: np.ndarray
    width: int
    height: int
    back_sag: np.ndarray = field(default=None)  # type: ignore[arg-type]
    shot_id: np.ndarray = field(default=None)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        _check_shape("xyzv", self.xyzv, (None, N_LANDMARKS, 4))
        t = self.xyzv.shape[0]
        _check_shape("world", self.world, (t, N_LANDMARKS, 3))
        _check_shape("t_s", self.t_s, (t,))
        if self.back_sag is None:
            object.__setattr__(self, "back_sag", np.full(t, np.nan, np.float32))
        if self.shot_id is None:
            object.__setattr__(self, "shot_id", np.zeros(t, np.int32))
        _check_shape("back_sag", self.back_sag, (t,))
        _check_shape("shot_id", self.shot_id, (t,))

    def __len__(self) -> int:
        return int(self.xyzv.shape[0])

    @property
    def detected(self) -> np.ndarray:
        """bool [T]: a person was found in the frame."""
        return np.isfinite(self.xyzv[:, :, 0]).any(axis=1)


@dataclass(frozen=True)
class Kinematics:
    """Angle time series: ``angles_deg`` float64 [T,K], column k named ``names[k]``."""

    angles_deg: np.ndarray
    names: tuple[str, ...]
    t_s: np.ndarray

    def __post_init__(self) -> None:
        _check_shape("angles_deg", self.angles_deg, (None, len(self.names)))
        _check_shape("t_s", self.t_s, (self.angles_deg.shape[0],))

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.angles_deg[:, self.names.index(name)]
        except ValueError:
            raise KeyError(f"no angle named {name!r}; have {self.names}") from None


@dataclass(frozen=True)
class Exercise:
    """The gate's verdict on what the clip shows."""

    is_kickback: bool
    variant: str | None  #: "quadruped" or "standing"
    working_side: str | None  #: "left"/"right", the person's own side
    facing: str | None  #: "left"/"right": where the person's front points in the image
    #: "side", "front-oblique", "rear-oblique", "front", "rear" or "unknown" (see ``view_yaw_deg``)
    view: str
    reason: str = ""  #: why it is (not) a kickback, in plain words
    evidence: dict[str, float] = field(default_factory=dict)
    #: "bent_knee" or "straight_leg": how the working knee is held at the tops of most reps
    style: str | None = None
    #: "kickback", "not_kickback" or "cannot_tell" (the camera angle is too far from the side)
    outcome: str = "not_kickback"
    #: where the camera stood, estimated from the body's 3-D axes: 0 = side view, +90 = in front of
    #: the person, -90 = behind (NaN when unknown)
    view_yaw_deg: float = float("nan")
    #: the ``evidence`` keys whose values decided a rejection (empty for a kickback)
    decided_by: tuple[str, ...] = ()
    #: where the variant was forced (``--variant``) over the gate's own refusal: that refusal's
    #: reason, in plain words (empty otherwise)
    overruled: str = ""


@dataclass(frozen=True)
class Rep:
    """One repetition: start, top and end as frame index and seconds."""

    index: int  #: 1-based among counted reps; 0 for partial reps
    start_frame: int
    top_frame: int
    end_frame: int
    start_s: float
    top_s: float
    end_s: float
    partial: bool = False


@dataclass(frozen=True)
class Finding:
    rule_id: str
    rep_index: int
    severity: str  #: "info", "warning" or "fault"
    value: float
    threshold: float
    message: str  #: worded by the rule's row (``rules.Rule.message``)
    #: which of the rule's wordings fits what was measured ("" = its only one; see ``rules.Rule``)
    form: str = ""


@dataclass(frozen=True)
class Tempo:
    up_s: float
    hold_s: float
    down_s: float


@dataclass(frozen=True)
class Deduction:
    """Points one rep lost from its form score, and the measure and rule they come from."""

    code: str  #: the rule's code (``rules.RULES``), or ``"short_range"`` (the set's range rule)
    severity: str  #: the finding's severity ("short_range": "warning")
    points: float  #: points lost (positive)
    value: float  #: what was measured (the finding's value, or the rep's range in degrees)
    threshold: float  #: what it was judged against
    words: str  #: what was measured, in words: "thigh 12° past the hip's range: back arched"


@dataclass(frozen=True)
class RepResult:
    rep: Rep
    hip_extension_deg: float  #: peak signed hip extension at the top
    rom_deg: float  #: hip-extension range of motion from the rep's start to its top
    knee_flexion_deg: float  #: knee flexion at the top
    knee_flexion_start_deg: float  #: knee flexion at the start of the rep
    lumbar_arch_deg: float  #: landmark measure (drives the flag); NaN when unscorable
    back_sag_change: float  #: silhouette measure: sag at top minus sag at start (trunk lengths)
    tempo: Tempo
    scorable: bool = True
    findings: tuple[Finding, ...] = ()
    #: what ``lumbar_arch_deg`` measured: "hip_range" (the thigh's extension beyond the hip's own
    #: range) or "trunk_rise" (standing: the trunk's rise toward upright during the kick)
    lumbar_source: str = "hip_range"
    #: the leg that kicked in this rep ("left"/"right", the person's own side)
    side: str | None = None
    #: the form score, 0-100 (``score.py``); None for a rep that could not be scored
    score: float | None = None
    #: the points it lost, each traceable to a measure and a rule (``score.py``)
    deductions: tuple[Deduction, ...] = ()


#: ``FrameTrack.phase`` codes, index = code.
PHASES: tuple[str, ...] = ("rest", "up", "hold", "down")


@dataclass(frozen=True)
class FrameTrack:
    """Per-frame signals of the working leg, as the reps and rules saw them (all [T]).

    - ``right``: bool, the working leg is the right one in this frame.
    - ``hip_extension_deg``, ``knee_flexion_deg``: float64, the working leg's angles.
    - ``lumbar_arch_deg``: float64, the landmark lumbar measure (a) frame by frame: the hip's
      extension beyond the variant's allowance (standing: or the trunk's rise since the rep's
      start, whichever is larger); 0 when within the allowance, NaN where unmeasured.
    - ``back_sag_change``: float64, the silhouette measure (b): back sag minus its value at the start
      of the current rep (trunk lengths); NaN outside reps or where the mask gave nothing.
    - ``rep``: int32, the 1-based number of the counted rep the frame belongs to; 0 outside reps.
    - ``phase``: int8, index into ``PHASES``: up (start to the top band), hold (within the top
      band), down (top band to the end), rest (outside counted reps).
    """

    right: np.ndarray
    hip_extension_deg: np.ndarray
    knee_flexion_deg: np.ndarray
    lumbar_arch_deg: np.ndarray
    back_sag_change: np.ndarray
    rep: np.ndarray
    phase: np.ndarray

    def __post_init__(self) -> None:
        _check_shape("right", self.right, (None,))
        t = self.right.shape[0]
        for name in (
            "hip_extension_deg",
            "knee_flexion_deg",
            "lumbar_arch_deg",
            "back_sag_change",
            "rep",
            "phase",
        ):
            _check_shape(name, getattr(self, name), (t,))

    def __len__(self) -> int:
        return int(self.right.shape[0])

    def phase_names(self) -> list[str]:
        return [PHASES[int(k)] for k in self.phase]


@dataclass(frozen=True)
class Trend:
    """One measure per rep over a set, and how it moved (``sets.trend``)."""

    values: tuple[float, ...]  #: per rep, in the set's order (NaN: not measured)
    slope_per_rep: float  #: least-squares slope over the reps, units per rep (NaN: < 2 reps)
    first: float  #: mean of the set's opening reps
    last: float  #: mean of its closing reps (as many as the opening ones, never the same reps)
    change: float  #: last - first, in the measure's units
    #: change / first x 100 for a measure that is a size (a range, a duration); NaN for a signed
    #: angle such as the top hip extension, where a percentage says nothing
    change_pct: float
    spread: float  #: standard deviation over the reps


@dataclass(frozen=True)
class SetResult:
    """One set: reps on one leg without a long rest between them (``sets.py``)."""

    index: int  #: 1-based, in time order
    side: str  #: the working side of most of its reps
    facing: str | None  #: where the person's front pointed in the image
    variant: str  #: the clip's variant (the gate judges it on the whole clip)
    rep_indices: tuple[int, ...]  #: the clip-wide numbers of its reps
    start_s: float  #: its first rep's start
    end_s: float  #: its last rep's end
    #: what began it: "start" (the first set), "rest" (a long pause) or "leg" (the other leg)
    split_by: str
    rest_before_s: float  #: the pause since the previous set's last rep (NaN for the first set)
    top_hip_extension: Trend  #: degrees at each rep's top
    range_of_motion: Trend  #: degrees from each rep's start to its top
    hold: Trend  #: seconds at the top
    duration: Trend  #: seconds per rep (up + hold + down)
    tempo_spread_pct: float  #: coefficient of variation of the reps' durations, %
    #: the median range of the opening reps, and the range below which a rep's is clearly lower
    #: (``[sets] range_drop_ratio`` of it); NaN for a set too short to compare
    opening_range_deg: float
    range_bar_deg: float
    #: the first rep whose range fell clearly below the opening reps' (and stayed there), or None
    range_drop_rep: int | None
    range_drop_pct: float  #: how far below, % (median from that rep on; NaN: no drop)
    #: the first rep with form to fix after clean ones, or None; its rules
    fault_rep: int | None
    fault_codes: tuple[str, ...]
    #: more than half of the reps from the fault rep on had form to fix (fatigue, not a lapse)
    fault_persists: bool
    faults_from_start: bool  #: the set's first rep already had form to fix
    break_rep: int | None  #: where form broke: the earlier of the two above
    score: float | None  #: mean of its reps' scores
    verdict: tuple[str, ...]  #: form to fix in this set, one line per rule (``rules.verdict``)
    notes: tuple[str, ...]
    advice: str  #: the set in words: where form broke and what to do


@dataclass(frozen=True)
class LegSummary:
    """One leg's reps over the clip (or a batch): means of the measures coaches compare."""

    side: str
    sets: int
    reps: int
    range_of_motion_deg: float
    top_hip_extension_deg: float
    hold_s: float
    lumbar_arch_deg: float
    flags: tuple[tuple[str, int], ...]  #: (rule code, reps flagged), warnings and faults only
    score: float | None


@dataclass(frozen=True)
class Asymmetry:
    """One measure on both legs: ``pct`` = |left - right| / max(|left|, |right|) x 100."""

    measure: str
    left: float
    right: float
    difference: float  #: left - right
    #: NaN for a signed angle, and when both are about 0 (a percentage says nothing there)
    pct: float
    lower: str | None  #: the side with the smaller value (None when equal or unmeasured)


@dataclass(frozen=True)
class LegComparison:
    """Left against right, for a clip that holds reps on both legs (``sets.compare_legs``)."""

    left: LegSummary
    right: LegSummary
    asymmetry: tuple[Asymmetry, ...]
    words: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    video: VideoInfo
    exercise: Exercise
    reps: tuple[RepResult, ...]
    partial_reps: tuple[Rep, ...] = ()
    warnings: tuple[str, ...] = ()
    kinematics: Kinematics | None = None
    pose: PoseSequence | None = None  #: the landmarks the report was computed from (for overlays)
    schema_version: str = "1.2"
    #: per-frame signals of the working leg, rep number and phase (kickbacks only)
    track: FrameTrack | None = None
    #: the thresholds the reps were judged against (the config's rules for the variant)
    rules: VariantRules | None = None
    #: bool [T]: frames whose left/right labels the pipeline mirrored back (``cleaning.lr_swap_mask``);
    #: ``pose`` holds MediaPipe's labels as given, so a drawing flips these frames to match
    lr_swapped: np.ndarray | None = None
    #: the counted reps split into sets at long rests and changes of leg (``sets.py``)
    sets: tuple[SetResult, ...] = ()
    #: left against right, when the reps are on both legs
    legs: LegComparison | None = None
    #: the clip's form score: the mean of its reps' scores (None: no rep was scored)
    score: float | None = None

    @property
    def rep_count(self) -> int:
        return len(self.reps)
