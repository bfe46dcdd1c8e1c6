import json

import numpy as np
import pytest

import kickcheck.pose as pose_mod
from kickcheck.errors import ModelError
from kickcheck.silhouette import back_sag


def trunk_mask(sag_px: float, length: int = 200, h: int = 300, w: int = 400) -> np.ndarray:
    """A horizontal trunk from x=100 (shoulder) to x=300 (hip) at y=150, belly down.

    The back contour has an upper-back hump and a gluteal hump 40 px above the line, and between
    them a valley that dips ``sag_px`` below the chord joining the humps.
    """
    mask = np.zeros((h, w), np.float32)
    xs = np.arange(w)
    s = (xs - 100) / length
    top = np.full(w, np.nan)
    inside = (s >= -0.15) & (s <= 1.2)
    # Humps at s=0.2 and s=0.95, valley between with a smooth dip.
    valley = sag_px * np.sin(np.clip((s - 0.2) / 0.75, 0, 1) * np.pi)
    top[inside] = 150 - 40 + valley[inside]
    for x in xs[inside]:
        mask[int(top[x]) : 150 + 30, x] = 1.0
    return mask


@pytest.mark.parametrize("sag_px", [0.0, 10.0, 25.0])
def test_back_sag_measures_a_known_dip(sag_px):
    m = trunk_mask(sag_px)
    got = back_sag(m, np.array([100.0, 150.0]), np.array([300.0, 150.0]), np.array([200.0, 250.0]))
    assert got == pytest.approx(sag_px / 200.0, abs=2.5 / 200.0)


def test_back_sag_side_is_chosen_away_from_the_belly():
    m = trunk_mask(20.0)[::-1].copy()  # upside down: the back now faces image-down
    got = back_sag(m, np.array([100.0, 149.0]), np.array([300.0, 149.0]), np.array([200.0, 40.0]))
    assert got == pytest.approx(0.1, abs=0.015)


def test_back_sag_is_nan_without_a_body():
    assert np.isnan(
        back_sag(
            np.zeros((100, 100), np.float32),
            np.array([10.0, 50]),
            np.array([90.0, 50]),
            np.array([50.0, 90]),
        )
    )
    assert np.isnan(
        back_sag(
            np.ones((100, 100), np.float32),
            np.array([10.0, 50]),
            np.array([10.5, 50]),
            np.array([50.0, 90]),
        )
    )


def test_installed_model_matches_the_manifest():
    path = pose_mod.check_model()
    assert path.endswith("pose_landmark_full.tflite")


def test_a_different_model_file_is_refused(monkeypatch):
    man = json.loads(json.dumps(pose_mod._manifest()))
    man["sha256"] = "0" * 64
    monkeypatch.setattr(pose_mod, "_manifest", lambda: man)
    with pytest.raises(ModelError, match="does not match"):
        pose_mod.check_model()


def test_a_different_mediapipe_is_refused(monkeypatch):
    man = dict(pose_mod._manifest(), package_version="9.9.9")
    monkeypatch.setattr(pose_mod, "_manifest", lambda: man)
    with pytest.raises(ModelError, match="needs mediapipe 9.9.9"):
        pose_mod.check_model()


def test_shot_detector_splits_at_cuts_only():
    det = pose_mod.ShotDetector()
    rng = np.random.default_rng(0)
    a = rng.uniform(0, 255, (18, 32)).astype(np.float32)
    b = rng.uniform(0, 255, (18, 32)).astype(np.float32)
    cuts = []
    for i in range(60):
        base = a if i < 30 else b
        cuts.append(det.update(base + rng.normal(0, 1.0, base.shape).astype(np.float32)))
    assert cuts.index(True) == 30 and sum(cuts) == 1


class _FakeEstimator:
    """Returns a person whose hips sit at a scripted position per call."""

    def __init__(self, hips):
        self.hips = list(hips)
        self.resets = 0

    def reset(self):
        self.resets += 1

    def __call__(self, image_bgr):
        x, y = self.hips.pop(0)
        xyzv = np.full((33, 4), np.nan, np.float32)
        xyzv[:, :2] = (x, y)
        xyzv[:, 2:] = (0.0, 1.0)
        return xyzv, np.zeros((33, 3), np.float32), None


def test_a_jump_to_another_person_starts_a_new_shot():
    from kickcheck.types import Frame

    hips = [(100 + i, 200) for i in range(10)] + [(500 + i, 200) for i in range(10)]
    frames = [Frame(i, i / 30, np.full((360, 640, 3), 80, np.uint8)) for i in range(20)]
    seq = pose_mod.estimate_poses(frames, 640, 360, estimator=_FakeEstimator(hips))
    assert list(seq.shot_id) == [0] * 10 + [1] * 10
