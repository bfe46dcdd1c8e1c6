"""Shots: the person-jump pass is pure over the landmarks, and cuts and jumps number the shots."""

from __future__ import annotations

import numpy as np

from kickcheck.landmarks import N_LANDMARKS, Landmark
from kickcheck.shots import MAX_JUMP_FRACTION, person_jumps, shot_ids

W, H = 640, 360
LIMIT = MAX_JUMP_FRACTION * np.hypot(W, H)  # 146.9 px


def hips_at(xs: list[float | None]) -> np.ndarray:
    """[T, 33, 4] landmarks with both hips at (x, 200); None = nobody in the frame."""
    xyzv = np.full((len(xs), N_LANDMARKS, 4), np.nan, np.float32)
    for i, x in enumerate(xs):
        if x is not None:
            xyzv[i, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]] = (x, 200.0, 0.0, 1.0)
    return xyzv


def test_a_jump_past_the_limit_starts_a_shot_and_a_step_below_it_does_not():
    below, above = 100 + LIMIT - 1, 100 + LIMIT + 1
    xs = [100.0, below, 100.0, above]
    jumps = person_jumps(hips_at(xs), W, H, np.zeros(4, bool))
    assert list(jumps) == [False, False, False, True]


def test_frames_with_nobody_are_skipped_and_a_cut_starts_afresh():
    xs = [100.0, None, None, 400.0, 400.0, 100.0]
    cuts = np.array([False, False, False, False, False, True])
    jumps = person_jumps(hips_at(xs), W, H, cuts)
    # frame 3 jumped 300 px from frame 0 (the last one with a person); frame 5 is a cut, not a jump
    assert list(jumps) == [False, False, False, True, False, False]
    assert list(shot_ids(cuts, jumps)) == [0, 0, 0, 1, 1, 2]
