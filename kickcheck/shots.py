"""Shots: where a clip is cut, so that no filter, gap fill or rep spans an edit.

Two signals start a new shot:

- a *scene cut* (``ShotDetector``): a large change of the whole image between consecutive frames.
  It needs the pixels, so ``pose.estimate_poses`` runs it frame by frame (and restarts the tracker
  at a cut so it re-detects the person). It sees every frame decoded, also those ``--fast`` does
  not analyse (``Frame.thumbs``): seen every other frame, a fade changes the picture in one step
  as much as a cut;
- a *person jump* (``person_jumps``): the body's centre moving by more than a fifth of the image
  diagonal between two frames (the tracker moving to another person, or a dissolve between two
  people). A pure pass over the landmarks.

``shot_ids`` combines them into the per-frame shot number carried in ``PoseSequence.shot_id``.
"""

from __future__ import annotations

import cv2
import numpy as np

from kickcheck.landmarks import Landmark

#: A scene cut: the mean absolute change of a 32x18 grey thumbnail (0..255) between two frames is
#: above CUT_MIN_DIFF and CUT_RATIO times the median change of the last second. Motion of a person
#: on a still camera changes the thumbnail by 0.5-4; the cuts and dissolves we measured by 11-15.
CUT_MIN_DIFF = 8.0
CUT_RATIO = 4.0
#: The thumbnail's size (width, height).
THUMB_WH = (32, 18)


class ShotDetector:
    """Online scene-cut detector on frame thumbnails; ``update`` returns True at the first frame of
    a new shot."""

    def __init__(self, history: int = 30) -> None:
        self._prev: np.ndarray | None = None
        self._diffs: list[float] = []
        self._history = history

    def update(self, thumb: np.ndarray) -> bool:
        cut = False
        if self._prev is not None:
            d = float(np.mean(np.abs(thumb - self._prev)))
            base = float(np.median(self._diffs)) if self._diffs else 0.0
            # A cut changes the picture within one frame: the change must also jump from the
            # previous frame's. A limb swinging fast (a straight-leg kick at 15 fps filling the
            # frame) builds its change up over several frames (6, 9, 6), where the cuts we
            # measured in real clips jumped from at most 1.2 to 11-109.
            last = self._diffs[-1] if self._diffs else 0.0
            cut = d > CUT_MIN_DIFF and d > CUT_RATIO * max(base, last, 0.5)
            self._diffs = (self._diffs + [d])[-self._history :]
        self._prev = thumb
        return cut


def thumbnail(image_bgr: np.ndarray) -> np.ndarray:
    """The grey thumbnail ``ShotDetector.update`` compares, from a BGR image (frames that did not
    come from ``FrameReader``, which makes its own from the decoder's luma)."""
    g = cv2.cvtColor(
        cv2.resize(image_bgr, THUMB_WH, interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY
    )
    return g.astype(np.float32)


def thumbnail_from_luma(luma: np.ndarray, full_range: bool) -> np.ndarray:
    """The thumbnail from a uint8 luma plane (a view, every 4th sample of each 4th row is enough:
    a cell of the thumbnail still averages hundreds of them). Video luma is mostly limited range
    (16..235); it is stretched to 0..255 so that the thresholds mean the same as for ``thumbnail``.
    """
    g = cv2.resize(np.ascontiguousarray(luma), THUMB_WH, interpolation=cv2.INTER_AREA)
    g = g.astype(np.float32)
    return g if full_range else (g - 16.0) * (255.0 / 219.0)


#: Between two consecutive frames the mid-hip cannot move more than this fraction of the image
#: diagonal; a larger jump means the tracker has moved to another person.
MAX_JUMP_FRACTION = 0.2


def body_centre(xyzv: np.ndarray) -> np.ndarray:
    return (xyzv[Landmark.LEFT_HIP, :2] + xyzv[Landmark.RIGHT_HIP, :2]) / 2


def person_jumps(xyzv: np.ndarray, width: int, height: int, cuts: np.ndarray) -> np.ndarray:
    """bool [T]: True at a frame whose body centre jumped from the last frame with a person.

    ``xyzv`` [T, 33, 4] in pixels; frames with nobody are skipped (the comparison is with the last
    frame that had a person), and a scene cut (``cuts``) starts afresh.
    """
    limit = MAX_JUMP_FRACTION * np.hypot(width, height)
    jumps = np.zeros(len(xyzv), bool)
    prev: np.ndarray | None = None
    for i, frame in enumerate(xyzv):
        if cuts[i]:
            prev = None
        centre = body_centre(frame)
        if not np.isfinite(centre).all():
            continue
        if prev is not None and np.hypot(*(centre - prev)) > limit:
            jumps[i] = True
        prev = centre
    return jumps


def shot_ids(cuts: np.ndarray, jumps: np.ndarray) -> np.ndarray:
    """int32 [T]: the shot number of each frame, counting up at every cut and every jump."""
    starts = np.asarray(cuts, bool) | np.asarray(jumps, bool)
    return np.cumsum(starts, dtype=np.int32)
