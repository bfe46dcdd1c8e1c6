"""EDGE: which person is the exerciser, when a shot shows more than one.

MediaPipe's ``solutions.pose`` follows one person. Where a coach squats beside the exerciser, or a
bystander stands in the shot, it may lock onto the wrong one: the Nuffield clip of the dev set
follows a squatting, talking trainer for 24 s while the woman beside him kicks. The rest of
kickcheck then sees hips that hardly move, or a front view, and says so.

The exerciser is the person whose hips move, and of two who move, the one doing kickbacks. So, per
shot in which the person followed hardly moves the hips (less than the gate's ``min_hip_rom_deg``),
or is not seen doing kickbacks (the gate's verdict on that shot alone, ``kicks``: a bystander who
walks, a coach who demonstrates a squat):

1. **probe**: on a few frames of the shot, the person followed is painted out (the hull of their
   landmarks, widened by a share of their trunk) and the model looks again. Nobody else: done (a
   plank or a held position costs only these few detections).
2. **follow the other**: otherwise the shot is read again with the first person painted out in every
   frame, and the model follows the second person through it.
3. **choose**: the second person replaces the first in that shot only if they stay in the shot
   (found in at least half of its frames: a passer-by walks through) and either they are seen
   doing kickbacks where the first is not, or the first hardly moves the hips and the second moves
   them more, by at least ``min_hip_rom_deg`` (the exerciser of a look-alike is still the one who
   moves).

The frames are read again through ``read_window`` (a time window of the clip, at the analysis size)
so that no frame is held in memory between the passes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import cv2
import numpy as np

from kickcheck.landmarks import Landmark as L
from kickcheck.types import Frame, PoseSequence

#: Frames of a shot the probe looks at (spread evenly through it).
PROBE_FRAMES = 3
#: The painted-out region: the hull of the person's landmarks widened by this share of their
#: trunk length (landmarks are joint centres; the body's outline lies up to about a third of the
#: trunk beyond them: the head's top, the shoulders' width, the hands and feet).
PAINT_MARGIN_TRUNKS = 0.35
#: Landmarks of the second person found by the probe must lie mostly outside the painted region
#: (else the model has found the painted person's remains again).
MIN_OUTSIDE_SHARE = 0.6
#: The second person must be found in at least this share of the shot's frames: the exerciser
#: stays in the shot, a passer-by walks through it.
MIN_PRESENT_SHARE = 0.5
#: A shot shorter than this (seconds) is not searched: too short for a rep.
MIN_SHOT_S = 1.0

ReadWindow = Callable[[float, float], Iterable[Frame]]


@dataclass(frozen=True)
class Switch:
    """The exerciser was taken from a second person in ``[start_s, end_s]``."""

    start_s: float
    end_s: float
    first_hip_rom_deg: float
    second_hip_rom_deg: float
    #: The second person was taken because they did kickbacks and the first did not (else:
    #: because the first hardly moved and the second did).
    by_kicks: bool = False

    def describe(self) -> str:
        where = f"{self.start_s:.1f}-{self.end_s:.1f} s: two people were in the shot; kickcheck "
        if self.by_kicks:
            return where + (
                "followed the one doing kickbacks, not the one found first (who was not "
                f"doing kickbacks; hips through {self.first_hip_rom_deg:.0f}°)"
            )
        return where + (
            f"followed the one who moved (hips through {self.second_hip_rom_deg:.0f}°), not the "
            f"one found first ({self.first_hip_rom_deg:.0f}°)"
        )


def hip_rom_deg(xyzv: np.ndarray, min_frames: int = 10) -> float:
    """How far the hips move: the larger, over both legs, of the 5-95 percentile spread of the
    image angle at the hip (shoulder-hip-knee). 0 with fewer than ``min_frames`` frames."""
    best = 0.0
    for sh, hp, kn in (
        (L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE),
        (L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE),
    ):
        a = xyzv[:, sh, :2] - xyzv[:, hp, :2]
        b = xyzv[:, kn, :2] - xyzv[:, hp, :2]
        ang = np.degrees(np.arctan2(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0], (a * b).sum(1)))
        ang = np.abs(ang)
        ang = ang[np.isfinite(ang)]
        if ang.size >= min_frames:
            lo, hi = np.percentile(ang, [5, 95])
            best = max(best, float(hi - lo))
    return best


def paint_region(xyzv: np.ndarray, scale: float) -> np.ndarray | None:
    """The polygon (int32 [K,2], frame pixels) that paints out one person: the convex hull of their
    landmarks, widened by ``PAINT_MARGIN_TRUNKS`` of their trunk. ``scale`` maps video pixels to
    the frame's. None if the person was not found in the frame."""
    pts = xyzv[:, :2] * scale
    pts = pts[np.isfinite(pts).all(1)]
    if len(pts) < 3:
        return None
    sh = (xyzv[L.LEFT_SHOULDER, :2] + xyzv[L.RIGHT_SHOULDER, :2]) / 2
    hp = (xyzv[L.LEFT_HIP, :2] + xyzv[L.RIGHT_HIP, :2]) / 2
    trunk = float(np.hypot(*(sh - hp))) * scale
    if not np.isfinite(trunk) or trunk <= 0:
        trunk = float(np.ptp(pts, axis=0).max()) / 3
    margin = PAINT_MARGIN_TRUNKS * trunk
    # Widen the hull: every landmark also contributes the points of a circle around it.
    a = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    ring = np.stack([np.cos(a), np.sin(a)], 1)
    cloud = (pts[:, None, :] + margin * ring[None]).reshape(-1, 2)
    return cv2.convexHull(cloud.astype(np.float32)).reshape(-1, 2).astype(np.int32)


def paint_out(image_bgr: np.ndarray, polygon: np.ndarray | None) -> np.ndarray:
    """A copy of the frame with ``polygon`` filled with the frame's median colour."""
    if polygon is None:
        return image_bgr
    out = image_bgr.copy()
    colour = np.median(image_bgr.reshape(-1, 3)[:: max(1, image_bgr.size // 3 // 4096)], axis=0)
    cv2.fillPoly(out, [polygon], tuple(int(c) for c in colour))
    return out


def _outside_share(found: np.ndarray, polygon: np.ndarray) -> float:
    """The share of a person's landmarks (frame pixels) that lie outside ``polygon``."""
    pts = found[:, :2]
    pts = pts[np.isfinite(pts).all(1)]
    if len(pts) == 0:
        return 0.0
    poly = polygon.astype(np.float32)
    inside = [cv2.pointPolygonTest(poly, (float(x), float(y)), False) >= 0 for x, y in pts]
    return 1.0 - float(np.mean(inside))


def _frame_at(pose_t: np.ndarray, frame_t: float) -> int | None:
    """The index of the first pass's frame at time ``frame_t``, None if it has none there."""
    i = int(np.searchsorted(pose_t, frame_t - 1e-6))
    if i < len(pose_t) and abs(pose_t[i] - frame_t) < 1e-4:
        return i
    return None


def find_exerciser(
    pose: PoseSequence,
    read_window: ReadWindow,
    follow: Callable[[Iterable[Frame]], PoseSequence],
    probe: Callable[[np.ndarray], np.ndarray],
    min_hip_rom_deg: float,
    kicks: Callable[[PoseSequence], bool] | None = None,
    more_frames: Callable[[int], None] | None = None,
) -> tuple[PoseSequence, list[Switch]]:
    """``pose`` with each shot's person replaced by a second person where the first hardly moves
    the hips and the second does, or the second does kickbacks and the first does not (see the
    module).

    ``read_window(start_s, end_s)`` yields the clip's frames in that window (analysis size);
    ``follow(frames)`` runs the video-mode model over frames and returns their PoseSequence (in
    video pixels, like ``pose``); ``probe(image)`` runs the model afresh on one image and returns
    its landmarks [33, 4] in the image's pixels (NaN if nobody); ``kicks(shot)`` says whether
    one shot's landmarks show kickbacks (the gate; None: only the hips' motion counts);
    ``more_frames(n)`` is told, before a shot is read again, how many frames that will take (for a
    progress bar).
    """
    if len(pose) == 0:
        return pose, []
    xyzv, world = pose.xyzv.copy(), pose.world.copy()
    sag = pose.back_sag.copy()
    switches: list[Switch] = []
    t = pose.t_s
    step = float(np.median(np.diff(t))) if len(t) > 1 else 0.04
    for shot in np.unique(pose.shot_id):
        idx = np.flatnonzero(pose.shot_id == shot)
        t0, t1 = float(t[idx[0]]), float(t[idx[-1]])
        if t1 - t0 < MIN_SHOT_S:
            continue
        first = hip_rom_deg(pose.xyzv[idx])
        first_kicks = kicks is not None and kicks(_shot(pose, idx))
        still = first < min_hip_rom_deg
        if not still and (kicks is None or first_kicks):
            continue
        if not _second_person_seen(pose, idx, read_window, probe, step):
            continue
        if more_frames is not None:
            more_frames(len(idx))
        painted = _painted_frames(pose, read_window(t0, t1 + step / 2))
        other = follow(painted)
        rows = [(i, j) for j, ft in enumerate(other.t_s) if (i := _frame_at(t, ft)) is not None]
        if not rows:
            continue
        at = np.array([i for i, _ in rows])
        of = np.array([j for _, j in rows])
        second = hip_rom_deg(other.xyzv[of])
        present = float(np.isfinite(other.xyzv[of, :, 0]).any(1).sum()) / len(idx)
        if present < MIN_PRESENT_SHARE:
            continue
        moves = still and second >= min_hip_rom_deg and second > first
        by_kicks = (
            not moves
            and kicks is not None
            and not first_kicks
            and kicks(_shot(other, of, shot_id=idx[0]))
        )
        if not (moves or by_kicks):
            continue
        xyzv[at], world[at], sag[at] = other.xyzv[of], other.world[of], other.back_sag[of]
        switches.append(Switch(t0, t1, first, second, by_kicks=by_kicks))
    if not switches:
        return pose, []
    return replace(pose, xyzv=xyzv, world=world, back_sag=sag), switches


def _shot(pose: PoseSequence, idx: np.ndarray, shot_id: int | None = None) -> PoseSequence:
    """The frames ``idx`` of ``pose`` as a sequence of their own (one shot)."""
    ids = pose.shot_id[idx] if shot_id is None else np.full(len(idx), shot_id, np.int32)
    return PoseSequence(
        pose.xyzv[idx],
        pose.world[idx],
        pose.t_s[idx],
        pose.width,
        pose.height,
        pose.back_sag[idx],
        ids,
    )


def _scale(pose: PoseSequence, image: np.ndarray) -> float:
    return image.shape[1] / pose.width


def _second_person_seen(
    pose: PoseSequence,
    idx: np.ndarray,
    read_window: ReadWindow,
    probe: Callable[[np.ndarray], np.ndarray],
    step: float,
) -> bool:
    """Whether, with the first person painted out, the model finds somebody else on any of
    ``PROBE_FRAMES`` frames spread through the shot."""
    picks = idx[np.linspace(0, len(idx) - 1, PROBE_FRAMES + 2)[1:-1].round().astype(int)]
    for i in picks:
        t_i = float(pose.t_s[i])
        frame = next(iter(read_window(t_i, t_i + step / 2)), None)
        if frame is None:
            continue
        scale = _scale(pose, frame.image_bgr)
        poly = paint_region(pose.xyzv[i], scale)
        found = probe(paint_out(frame.image_bgr, poly))
        if not np.isfinite(found[:, 0]).any():
            continue
        if poly is None or _outside_share(found, poly) >= MIN_OUTSIDE_SHARE:
            return True
    return False


def _painted_frames(pose: PoseSequence, frames: Iterable[Frame]) -> Iterable[Frame]:
    """The frames of the first pass (those ``pose`` holds: with ``--fast`` every n-th), with the first
    person painted out."""
    for fr in frames:
        i = _frame_at(pose.t_s, fr.t_s)
        if i is None:
            continue
        poly = paint_region(pose.xyzv[i], _scale(pose, fr.image_bgr))
        yield replace(fr, image_bgr=paint_out(fr.image_bgr, poly))
