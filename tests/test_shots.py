"""Shots: the person-jump pass is pure over the landmarks, and cuts and jumps number the shots."""

from __future__ import annotations

import numpy as np

from kickcheck.landmarks import N_LANDMARKS, Landmark
from kickcheck.shots import MAX_JUMP_FRACTION, ShotDetector, person_jumps, shot_ids

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


def test_a_fade_is_not_a_cut_but_a_new_picture_of_the_same_brightness_is():
    """A 1-s fade to black seen every 2nd frame (15 steps) moves the brightness of the whole
    picture by 1/15 of its range a step; a cut changes what is where."""
    rng = np.random.default_rng(0)
    picture = rng.uniform(40, 220, (18, 32)).astype(np.float32)
    other = rng.permutation(picture.ravel()).reshape(18, 32)  # same brightness, new layout
    det = ShotDetector()
    still = [det.update(picture + rng.normal(0, 1, picture.shape)) for _ in range(20)]
    fade = [det.update(picture * (1 - k / 15)) for k in range(1, 15)]
    assert not any(still) and not any(fade)
    det = ShotDetector()
    for _ in range(20):
        det.update(picture + rng.normal(0, 1, picture.shape))
    assert det.update(other)


def test_a_small_patch_changing_on_a_flat_picture_is_not_a_cut():
    """A change of a small part of the picture (a block of 12 of 576 cells jumping by 248 grey
    levels, as the batch tests' frame counter does) is no cut: taken less the picture's mean, it
    would count twice."""
    flat = np.full((18, 32), 60.0, np.float32)
    det = ShotDetector()
    for k in range(40):
        frame = flat.copy()
        frame[:3, :4] += 8 * (k % 32)  # wraps from 248 back to 0 once
        assert not det.update(frame), k
