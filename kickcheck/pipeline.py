"""The one place that knows the order of the stages.

video file -> frames (video) -> landmarks (pose) -> angles (kinematics) -> exercise gate (gate)
-> reps (reps) -> per-rep measures (metrics) -> findings (rules) -> sets, scores and left against
right (sets, score) -> Report
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable

import numpy as np

from kickcheck.cleaning import capped_cutoff_hz
from kickcheck.config import Config, load_config
from kickcheck.errors import (
    KickcheckError,
    NoPersonDetectedError,
    TooShortError,
    VideoOpenError,
)
from kickcheck.gate import judge, top_below_trunk_line_deg
from kickcheck.kinematics import compute_kinematics, in_view, per_leg, working_leg
from kickcheck.landmarks import Landmark
from kickcheck.metrics import frame_track, measure_rep
from kickcheck.pose import PoseEstimator, check_model, estimate_poses, look_for_exerciser
from kickcheck.reps import renumber, segment_reps
from kickcheck.rules import evaluate, knee_style, rep_ranges
from kickcheck.score import mean_score
from kickcheck.sets import compare_legs, position_change, score_and_analyse
from kickcheck.types import (
    Exercise,
    Kinematics,
    PoseSequence,
    Rep,
    Report,
    RepResult,
    VideoInfo,
)

ProgressFn = Callable[[int], None]


def sample_rate_hz(t_s: np.ndarray, nominal_fps: float) -> float:
    """The analysis's one frame rate: from the frames' timestamps (``video.estimate_fps``, the
    median step), else the video's nominal rate; never a silent default."""
    from kickcheck.video import estimate_fps  # the pure helper; video.py is otherwise an edge

    fps = estimate_fps(t_s)
    if fps is not None:
        return fps
    if nominal_fps and nominal_fps > 0:
        return float(nominal_fps)
    raise VideoOpenError("cannot tell the video's frame rate (no usable timestamps)")


# --- enough to analyse: no person vs too short (the CLI's exit 4 vs 10) ---

#: Fewer frames than this cannot be filtered or measured, whatever their duration.
MIN_FRAMES = 3


def check_enough(pose: PoseSequence, info: VideoInfo, cfg: Config) -> None:
    """Raise if the clip cannot be analysed: ``NoPersonDetectedError`` when nobody is in it (or in
    fewer than MIN_FRAMES frames of a long enough clip), ``TooShortError`` when a person is in it
    but the clip has fewer than MIN_FRAMES frames or lasts less than the shortest rep kickcheck
    counts (``reps.min_period_s``)."""
    name = os.path.basename(info.path) or "the video"
    n_found = int(pose.detected.sum())
    if n_found == 0:
        raise NoPersonDetectedError(f"no person was found in {name}")
    n = len(pose)
    step = 1.0 / info.fps if info.fps and info.fps > 0 else 0.0
    duration = float(pose.t_s[-1] - pose.t_s[0]) + step if n else 0.0
    if n < MIN_FRAMES or duration < cfg.reps.min_period_s:
        frames = f"{n} frame{'s' if n != 1 else ''}"
        raise TooShortError(
            f"{name} is too short to analyse: {frames} ({duration:.2f} s), and a rep takes at "
            f"least {cfg.reps.min_period_s:g} s"
        )
    if n_found < MIN_FRAMES:
        raise NoPersonDetectedError(f"no person was found in {name} (only in {n_found} frames)")


# --- end enough to analyse ---


def analyze_video(
    path: str | os.PathLike[str],
    config: Config | None = None,
    estimator: PoseEstimator | None = None,
    progress: ProgressFn | None = None,
    *,
    jobs: int = 1,
    fast: bool = False,
) -> Report:
    """Analyse one video file end to end and return its report.

    ``jobs`` > 1 runs the pose model on that many processes, each on a time chunk of the clip
    (``kickcheck.parallel``; only with kickcheck's own model, and only for clips long enough to
    gain from it). ``fast`` runs the model on every 2nd frame of a 30 fps clip (every 4th at
    60 fps; ``kickcheck.resample``) and interpolates the landmarks in between.

    ``progress(n)`` is told of frames done. Where the search for the exerciser reads a shot again
    (``people.py``), it is told of those frames too, one per frame the model sees; a ``progress``
    with an ``extend(n)`` method (the CLI's bar) is first told of the n frames to come.

    Raises a ``KickcheckError`` subclass for bad input (missing or unreadable file, no person).
    A clip that shows no kickbacks is *not* an error here: its report says why
    (``report.exercise.reason``); the CLI turns that into a non-zero exit.
    """
    from kickcheck.parallel import ChunksDisagree, chunk_plan, run_chunks
    from kickcheck.resample import fast_stride, upsample_pose
    from kickcheck.video import DecodeStats, FrameReader, prefetch

    cfg = config or load_config()
    if estimator is None:
        check_model()
    max_side = cfg.video.max_side_px
    reader = FrameReader(os.fspath(path), max_side=max_side)
    info = reader.info
    reader.stride = stride = fast_stride(info.fps) if fast else 1
    tick = progress
    if progress is not None and stride > 1:  # the bar counts the clip's frames

        def tick(n: int) -> None:
            progress(n * stride)

    plan = chunk_plan(reader, jobs) if estimator is None and jobs > 1 else None
    pose = None
    if plan is not None:
        try:
            pose, times = run_chunks(
                os.fspath(path),
                plan,
                max_side=max_side,
                stride=stride,
                fps=info.fps,
                progress=progress,
            )
            n = len(times)
            stats = DecodeStats(
                frames_expected=info.frames_expected, frames_decoded=n, finished=True
            )
            info = dataclasses.replace(info, frame_count=n)
        except ChunksDisagree:
            pose = None  # analysed again below, in this process
    if pose is None:
        pose = estimate_poses(
            prefetch(reader), info.width, info.height, estimator=estimator, progress=tick
        )
        times, stats = np.asarray(reader.times_s), reader.stats
        info = reader.info
    if len(pose) == 0:
        raise VideoOpenError(f"no frame of {os.fspath(path)} could be decoded")

    def read_window(start_s: float, end_s: float) -> FrameReader:
        return FrameReader(os.fspath(path), max_side=max_side, start_s=start_s, end_s=end_s)

    searched = []
    try:
        pose, switches = look_for_exerciser(
            pose,
            read_window,
            cfg.gate.min_hip_rom_deg,
            estimator,
            kicks_in_shot(info, cfg),
            progress,
        )
    except (KickcheckError, OSError) as err:  # a file that reads once but not by time windows
        switches = []
        searched.append(f"could not read the clip again to look for a second person ({err})")
    if stride > 1:
        pose = upsample_pose(pose, times)
    info = dataclasses.replace(
        info,
        frame_count=len(pose),
        duration_s=float(pose.t_s[-1] - pose.t_s[0]) + 1.0 / max(info.fps, 1e-6),
    )
    warnings = [sw.describe() for sw in switches] + searched
    lost = stats.warning()
    if lost:
        warnings.append(lost + f"; analysed the {stats.frames_decoded} that did")
    return analyze_pose(pose, info, cfg, warnings)


def kicks_in_shot(info: VideoInfo, cfg: Config) -> Callable[[PoseSequence], bool]:
    """The gate's verdict on one shot of the clip alone (``people.find_exerciser``'s ``kicks``):
    does the person followed there do kickbacks?"""

    def kicks(shot: PoseSequence) -> bool:
        span = float(shot.t_s[-1] - shot.t_s[0]) + 1.0 / max(info.fps, 1e-6)
        shot_info = dataclasses.replace(info, frame_count=len(shot), duration_s=span)
        try:
            return analyze_pose(shot, shot_info, cfg).exercise.is_kickback
        except KickcheckError:  # too short, nobody found: not seen kicking
            return False

    return kicks


def _between_sets(moved: Rep, kicks: list[Rep], right: np.ndarray, rest_s: float) -> bool:
    """A change of position comes between sets (or before the first, or after the last): the
    kicks either side of it are on different legs, or a rest longer than ``rest_s`` separates
    them. One inside a run of kicks on one leg (a mountain climber's alternate knee drive, seen as
    a kick) is part of the exercise, and the exercise is not judged again without it."""
    before = [k for k in kicks if k.end_frame <= moved.start_frame]
    after = [k for k in kicks if k.start_frame >= moved.end_frame]
    if not before or not after:
        return True
    a, b = before[-1], after[0]
    return bool(right[a.top_frame] != right[b.top_frame]) or b.start_s - a.end_s > rest_s


def _lost_in_tracking(hip: np.ndarray, cut: list[Rep]) -> list[Rep]:
    """The cut-off swings in ``cut`` that a gap in tracking cut, not the clip's own first or last
    frame seen: the stretch of hip signal that holds the swing's top begins (or ends) inside the
    stretch where the clip has one, on the side where the swing was cut short. (A swing's start and
    end are read a few frames inside that stretch when the hip lingers near its low point, so the
    frames next to them need not be the gap.)"""
    seen = np.flatnonzero(np.isfinite(hip))
    if seen.size == 0:
        return []
    first, last = int(seen[0]), int(seen[-1])
    gaps = np.flatnonzero(~np.isfinite(hip))
    lost = []
    for x in cut:
        before, after = gaps[gaps < x.top_frame], gaps[gaps > x.top_frame]
        a = int(before[-1]) + 1 if before.size else 0
        b = int(after[0]) - 1 if after.size else len(hip) - 1
        rise = hip[x.top_frame] - np.nanmin(hip[a : x.top_frame + 1])
        fall = hip[x.top_frame] - np.nanmin(hip[x.top_frame : b + 1])
        if (a > first and rise <= fall) or (b < last and fall <= rise):
            lost.append(x)
    return lost


def analyze_pose(
    pose: PoseSequence,
    info: VideoInfo,
    config: Config | None = None,
    warnings: list[str] | None = None,
) -> Report:
    """Everything after pose estimation: pure NumPy, no video and no model needed."""
    cfg = config or load_config()
    warnings = list(warnings or [])
    detected = pose.detected
    check_enough(pose, info, cfg)
    miss = 1.0 - float(detected.mean())
    if miss > 0.1:
        warnings.append(f"no person was found in {miss:.0%} of the frames")
    fs = sample_rate_hz(pose.t_s, info.fps)
    cutoff = capped_cutoff_hz(cfg.filter.cutoff_hz, fs)
    kin, xyz, world, facing, swapped = compute_kinematics(pose, fs, cutoff, cfg.filter.max_gap_s)
    n_swapped = int(swapped.sum())
    if n_swapped > 0.05 * len(pose):
        warnings.append(
            f"MediaPipe swapped left and right in {n_swapped} frames; they were repaired"
        )
    g = cfg.gate

    def judged(
        k: Kinematics, pts: np.ndarray, wld: np.ndarray, scope: np.ndarray | None = None
    ) -> Exercise:
        return judge(
            k,
            pts,
            facing,
            float(detected.mean() if scope is None else detected[scope].mean()),
            g,
            world=wld,
            force_variant=cfg.variant,
            force_side=cfg.side,
            scope=scope,
            shots=pose.shot_id,
        )

    def segmented(k: Kinematics, right: np.ndarray) -> list[Rep]:
        return segment_reps(
            per_leg(k, "hip_ext", right),
            k.t_s,
            fs_hz=fs,
            min_prominence_deg=cfg.reps.min_prominence_deg,
            rel_prominence=cfg.reps.rel_prominence,
            min_period_s=cfg.reps.min_period_s,
            segment_id=pose.shot_id,
            top_band_deg=cfg.reps.top_band_deg,
        )

    def changes_of_position(reps: list[Rep], right: np.ndarray) -> list[Rep]:
        """The reps that moved both legs or the trunk with the leg (``sets.position_change``)."""
        return [
            x
            for x in reps
            if position_change(
                kin,
                x,
                "right" if right[x.top_frame] else "left",
                max_other_leg_ratio=g.max_other_leg_ratio,
                max_trunk_ratio=cfg.sets.change_trunk_ratio,
            )
        ]

    exercise = judged(kin, xyz, world)
    refused = exercise.outcome in ("not_kickback", "cannot_tell") and exercise.decided_by
    if refused or exercise.overruled:
        # A clip-wide feature also sees what is not the exercise: the seconds before the first
        # rep and after the last, where people stand, walk to the phone or get into position, and
        # between sets, where they stand or kneel up and turn round (the trunk rising with both
        # hips). When the clip holds kicks, judge it again on them alone: from the first kick's
        # start to the last one's end, without those changes of position.
        right0 = working_leg(kin, cfg.side)
        cand = [x for x in segmented(kin, right0) if not x.partial]
        moved = changes_of_position(cand, right0)
        kicks = [x for x in cand if x not in moved]
        keep = np.zeros(len(kin.t_s), bool)
        # More kicks than changes of position, and each change between two sets: else the
        # "changes of position" are the exercise itself (a lunge, a single-leg deadlift).
        if len(kicks) >= max(2, len(moved) + 1):
            keep[kicks[0].start_frame : kicks[-1].end_frame + 1] = True
        between = [
            x
            for x in moved
            if kicks and kicks[0].start_frame < x.start_frame and x.end_frame < kicks[-1].end_frame
        ]
        if not all(_between_sets(x, kicks, right0, cfg.sets.rest_s) for x in between):
            keep[:] = False
        for x in between:
            keep[x.start_frame : x.end_frame + 1] = False
        if keep.any() and not keep.all():
            again = judged(
                dataclasses.replace(
                    kin, angles_deg=np.where(keep[:, None], kin.angles_deg, np.nan)
                ),
                np.where(keep[:, None, None], xyz, np.nan),
                np.where(keep[:, None, None], world, np.nan),
                keep,
            )
            if again.is_kickback and not again.overruled:
                exercise = again
                t = kin.t_s
                first, last = kicks[0].start_frame, kicks[-1].end_frame
                left_out = []
                if first > 0:
                    left_out.append(f"the {t[first] - t[0]:.1f} s before the first kick")
                if last < len(t) - 1:
                    left_out.append(f"the {t[-1] - t[last]:.1f} s after the last")
                if between:
                    left_out.append(
                        f"{len(between)} change(s) of position between sets, in which the trunk "
                        "or both legs moved with the leg"
                    )
                warnings.append(
                    "the exercise was judged on its kicks alone, without " + " and ".join(left_out)
                )
    if int(pose.shot_id.max(initial=0)) > 0:
        warnings.append(
            f"the clip has {int(pose.shot_id.max()) + 1} shots (scene cuts); reps never span a cut"
        )
    if not exercise.is_kickback:
        judged_by = getattr(cfg.rules, exercise.variant) if exercise.variant else None
        return Report(
            info, exercise, (), (), tuple(warnings), kin, pose, rules=judged_by, lr_swapped=swapped
        )
    variant = exercise.variant
    assert variant is not None
    right = working_leg(kin, cfg.side)
    r = cfg.reps
    reps = segmented(kin, right)
    # A physical check on every counted rep: a top that never brings the thigh near the trunk
    # line is not a kickback's top, whatever the oscillation looks like in the image.
    low = [
        x
        for x in reps
        if not x.partial and top_below_trunk_line_deg(kin, right, x) > g.max_top_below_trunk_deg
    ]
    if low:
        reps = renumber([x for x in reps if x not in low])
        warnings.append(
            f"{len(low)} swing(s) did not bring the thigh up to the trunk line and were not "
            "counted as reps"
        )
    # Between sets people kneel up, sit back or turn round: a movement that raises a hip like a
    # kick but moves both legs or the trunk with it is a change of position, not a rep.
    moved = changes_of_position(reps, right)
    if moved:
        reps = renumber([x for x in reps if x not in moved])
        warnings.append(
            f"{len(moved)} movement(s) that moved both legs or the trunk with the leg (a change "
            "of position between sets) were not counted as reps"
        )
    rules = getattr(cfg.rules, variant)

    def without_reps(outcome: str, reason: str, decided_by: tuple[str, ...]) -> Report:
        """The gate's "yes" overturned by what the swings showed: no rep is reported."""
        no = dataclasses.replace(
            exercise,
            is_kickback=False,
            working_side=None,
            outcome=outcome,
            overruled="",
            reason=reason,
            decided_by=decided_by,
        )
        return Report(info, no, (), (), tuple(warnings), kin, pose, rules=rules, lr_swapped=swapped)

    yaw = exercise.view_yaw_deg
    wide = cfg.variant is None and np.isfinite(yaw) and abs(yaw) > g.max_image_view_yaw_deg
    cut = [x for x in reps if x.partial]
    lost = _lost_in_tracking(per_leg(kin, "hip_ext", right), cut)
    if wide and (moved or lost or (cut and len(cut) == len(reps))):
        # Beyond max_image_view_yaw_deg the gate trusts none of its picture criteria, and its
        # "yes" rests on the kicks it counts. The change of position reads the legs and trunk in
        # the picture: with a swing of the clip dropped on it, neither the verdict nor the count
        # can be told. Swings all cut off (by the clip's edges, or by gaps where the body was
        # lost end-on) leave no complete kick to judge either.
        if moved:
            why = (
                f"{len(moved)} of its swing(s) moved both legs or the trunk with the leg (a change "
                "of position), not one leg kicking back, so neither the verdict nor the count is sure"
            )
        elif lost:
            why = (
                f"how many kicks it holds: the body was lost from view in {len(lost)} of its "
                "swing(s), which could not be counted"
            )
        else:
            why = (
                f"its {len(cut)} swing(s) were kicks: each was cut off, by the clip's edges or by "
                "a gap in tracking, and no complete one was seen"
            )
        return without_reps(
            "cannot_tell",
            f"cannot tell from this camera angle: the camera stood about {abs(yaw):.0f}° from the "
            f"side view, too far to be sure that {why}",
            ("view_yaw_deg", "other_leg_follow", "trunk_follow")
            if moved
            else ("view_yaw_deg", "hip_rom_deg"),
        )
    if not reps:
        # Not one kick, complete or cut off by the clip's edge: whatever the clip-level features
        # looked like, there is no kickback in it to count.
        if low:
            why = f"none of its {len(low)} swing(s) brought the thigh up to the trunk line"
        elif moved:
            why = (
                f"each of its {len(moved)} swing(s) moved both legs or the trunk with the leg, "
                "not one leg kicking back"
            )
        else:
            why = (
                f"the working thigh never rose and fell through a rep's range (at least "
                f"{r.min_prominence_deg:g}°)"
            )
        return without_reps(
            "not_kickback",
            f"no kickbacks found: {why}",
            ("other_leg_follow", "trunk_follow")
            if moved and not low
            else ("hip_rom_deg", "hip_top3_deg"),
        )
    measured: list[RepResult] = []
    foot_out: list[int] = []
    sides: list[str] = []
    seen = in_view(pose, swapped)
    ankle_in_view = {sd: seen[:, Landmark[f"{sd.upper()}_ANKLE"]] for sd in ("left", "right")}
    for rep in (x for x in reps if not x.partial):
        side = "right" if right[rep.top_frame] else "left"  # the leg that kicked in this rep
        m = measure_rep(
            rep,
            kin,
            pose.back_sag,
            side,
            variant,
            hip_extension_limit_deg=rules.hip_extension_limit_deg,
            top_band_deg=r.top_band_deg,
            ankle_in_view=ankle_in_view[side],
        )
        measured.append(m)
        sides.append(side)
        if np.isnan(m.knee_flexion_deg):
            foot_out.append(rep.index)
    style = knee_style(measured, cfg.rules.quadruped.straight_leg_max_knee_deg)
    exercise = dataclasses.replace(exercise, style=style)
    results = [
        dataclasses.replace(m, findings=evaluate(m, rules, variant, style)) for m in measured
    ]
    # --- sets, scores, left against right ---
    results, sets = score_and_analyse(results, facing, variant, cfg.sets, cfg.score)
    if results:
        # the clip's working side: the leg that kicked in most reps (the first set's on a tie)
        n_right = sum(x.side == "right" for x in results)
        most = "right" if n_right * 2 > len(results) else "left"
        if n_right * 2 == len(results):
            most = sets[0].side
        exercise = dataclasses.replace(exercise, working_side=cfg.side or most)
    partial = tuple(x for x in reps if x.partial)
    if foot_out:
        warnings.append(
            f"the working foot was out of the frame at the top of rep(s) {rep_ranges(foot_out)}: "
            "the knee was not scored there"
        )
    unscorable = [x.rep.index for x in results if not x.scorable]
    if unscorable:
        warnings.append(f"reps {unscorable} crossed a long gap in tracking and were not scored")
    if exercise.overruled:
        warnings.insert(
            0,
            f"scored as {variant} kickbacks because the variant was forced; on its own kickcheck "
            f"would have said: {exercise.overruled}",
        )
    # --- per-frame signals for the exports and the report page ---
    track = frame_track(
        kin,
        pose.back_sag,
        right,
        results,
        sides,
        variant,
        hip_extension_limit_deg=rules.hip_extension_limit_deg,
    )
    return Report(
        info,
        exercise,
        tuple(results),
        partial,
        tuple(warnings),
        kin,
        pose,
        track=track,
        rules=rules,
        lr_swapped=swapped,
        sets=sets,
        legs=compare_legs(results, sets),
        score=mean_score(results),
    )
