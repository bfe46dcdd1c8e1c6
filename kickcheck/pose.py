"""EDGE: pose landmarks per frame from MediaPipe Pose (legacy ``solutions.pose``, BlazePose *full*).

Only ``model_complexity=1`` is usable: mediapipe 0.10.21 ships the full model in its wheel, and the
lite/heavy models would be downloaded at run time (kickcheck never downloads anything).

``estimate_poses`` turns an iterable of frames into a ``PoseSequence``. Besides landmarks it
records, per frame, the silhouette back-sag measure (``silhouette.py``) and a shot id (``shots.py``)
that changes at scene cuts and at jumps of the body to another person, so that later stages never
join a rep across an edit. At a cut the tracker is restarted, so it re-detects the person in the
new shot instead of dragging the old pose along.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from importlib import resources
from typing import Protocol

import cv2
import numpy as np

from kickcheck.errors import ModelError
from kickcheck.landmarks import N_LANDMARKS, Landmark
from kickcheck.people import Switch, find_exerciser
from kickcheck.quiet import quiet_native_stderr
from kickcheck.shots import ShotDetector, person_jumps, shot_ids, thumbnail
from kickcheck.silhouette import back_sag
from kickcheck.types import Frame, PoseSequence

ProgressFn = Callable[[int], None]

MASK_MAX_SIDE = 480


class PoseEstimator(Protocol):
    """Anything that maps one upright BGR frame to landmarks (pixels), world landmarks and a mask."""

    def __call__(
        self, image_bgr: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]: ...

    def reset(self) -> None: ...


def _manifest() -> dict:
    text = resources.files("kickcheck").joinpath("model_manifest.json").read_text()
    return json.loads(text)


def check_model(verify_hash: bool = True) -> str:
    """Check that the installed pose model is the one kickcheck was built and tested against.

    Returns the model's path; raises ``ModelError`` with what to do if it is missing or differs.
    """
    man = _manifest()
    try:
        import mediapipe
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelError(f"mediapipe is not installed ({exc})") from None
    version = getattr(mediapipe, "__version__", "?")
    if version != man["package_version"]:
        raise ModelError(
            f"kickcheck needs mediapipe {man['package_version']}, found {version}",
        )
    path = os.path.join(os.path.dirname(mediapipe.__file__), *man["path_in_package"].split("/"))
    if not os.path.isfile(path):
        raise ModelError(f"the pose model {man['name']} is missing from mediapipe ({path})")
    if verify_hash:
        with open(path, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()
        if digest != man["sha256"]:
            raise ModelError(f"the pose model at {path} does not match kickcheck's manifest")
    return path


class MediaPipePose:
    """MediaPipe Pose in video mode, with the segmentation mask (unless ``enable_segmentation`` is
    False: then no mask and no silhouette measure). Use as a context manager.

    MediaPipe's and TFLite's native log lines (``INFO: Created TensorFlow Lite XNNPACK
    delegate``, ``W0000 ...``) are silenced while it starts, runs and closes (``quiet``), for
    library users as much as for the command line.
    """

    def __init__(
        self,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        enable_segmentation: bool = True,
        static_image_mode: bool = False,
    ):
        self._kw = dict(
            static_image_mode=static_image_mode,
            model_complexity=1,
            enable_segmentation=enable_segmentation,
            smooth_landmarks=True,
            smooth_segmentation=True,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        self._pose = None

    def __enter__(self) -> MediaPipePose:
        self.reset()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pose is not None:
            with quiet_native_stderr():
                self._pose.close()
            self._pose = None

    def reset(self) -> None:
        with quiet_native_stderr():
            import mediapipe as mp

            if self._pose is not None:
                self._pose.close()
            self._pose = mp.solutions.pose.Pose(**self._kw)

    def __call__(self, image_bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        if self._pose is None:
            self.reset()
        h, w = image_bgr.shape[:2]
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        with quiet_native_stderr():
            res = self._pose.process(rgb)  # type: ignore[attr-defined]
        xyzv = np.full((N_LANDMARKS, 4), np.nan, np.float32)
        world = np.full((N_LANDMARKS, 3), np.nan, np.float32)
        if res.pose_landmarks is None:
            return xyzv, world, None
        lm = res.pose_landmarks.landmark
        xyzv[:] = [(p.x * w, p.y * h, p.z * w, p.visibility) for p in lm]
        if res.pose_world_landmarks is not None:
            world[:] = [(p.x, p.y, p.z) for p in res.pose_world_landmarks.landmark]
        return xyzv, world, res.segmentation_mask


def _frame_back_sag(xyzv: np.ndarray, mask: np.ndarray | None) -> float:
    if mask is None or not np.isfinite(xyzv[:, 0]).any():
        return float("nan")
    h, w = mask.shape[:2]
    scale = min(1.0, MASK_MAX_SIDE / max(h, w))
    if scale < 1.0:
        mask = cv2.resize(mask, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    p = xyzv[:, :2].astype(float) * scale
    sh = (p[Landmark.LEFT_SHOULDER] + p[Landmark.RIGHT_SHOULDER]) / 2
    hp = (p[Landmark.LEFT_HIP] + p[Landmark.RIGHT_HIP]) / 2
    front = p[[Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST, Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE]]
    return back_sag(mask, sh, hp, front.mean(axis=0))


def estimate_poses(
    frames: Iterable[Frame],
    width: int,
    height: int,
    estimator: PoseEstimator | None = None,
    progress: ProgressFn | None = None,
) -> PoseSequence:
    """Run the estimator on every frame. Frames with no person give NaN rows.

    With kickcheck's own MediaPipe estimator, native log lines are silenced for the whole run
    (MediaPipe's graph threads may log between frames); ``progress`` is called once per frame.
    """
    own = estimator is None
    with quiet_native_stderr() if own else nullcontext():
        return _estimate_poses(frames, width, height, estimator, progress)


def _estimate_poses(
    frames: Iterable[Frame],
    width: int,
    height: int,
    estimator: PoseEstimator | None,
    progress: ProgressFn | None,
) -> PoseSequence:
    own = estimator is None
    est: PoseEstimator = MediaPipePose() if estimator is None else estimator
    if own:
        est.reset()
    rows, worlds, times, sags, cuts = [], [], [], [], []
    cut_detector = ShotDetector()
    try:
        for fr in frames:
            cut = False
            for thumb in fr.thumbs or (thumbnail(fr.image_bgr),):
                cut = cut_detector.update(thumb) or cut
            if cut:
                est.reset()  # re-detect the person in the new shot
            xyzv, world, mask = est(fr.image_bgr)
            fh, fw = fr.image_bgr.shape[:2]
            if (fw, fh) != (
                width,
                height,
            ):  # frames were downscaled for speed: back to video pixels
                xyzv = xyzv.copy()
                xyzv[:, 0] *= width / fw
                xyzv[:, 1] *= height / fh
                xyzv[:, 2] *= width / fw
            rows.append(xyzv)
            worlds.append(world)
            times.append(fr.t_s)
            sags.append(_frame_back_sag(xyzv * [fw / width, fh / height, 1, 1], mask))
            cuts.append(cut)
            if progress is not None:
                progress(1)
    finally:
        if own and hasattr(est, "__exit__"):
            est.__exit__(None, None, None)  # type: ignore[attr-defined]
    t = len(rows)
    xyzv_all = np.asarray(rows, np.float32).reshape(t, N_LANDMARKS, 4)
    cut_at = np.asarray(cuts, bool).reshape(t)
    return PoseSequence(
        xyzv=xyzv_all,
        world=np.asarray(worlds, np.float32).reshape(t, N_LANDMARKS, 3),
        t_s=np.asarray(times, np.float64).reshape(t),
        width=width,
        height=height,
        back_sag=np.asarray(sags, np.float32).reshape(t),
        shot_id=shot_ids(cut_at, person_jumps(xyzv_all, width, height, cut_at)),
    )


def look_for_exerciser(
    pose: PoseSequence,
    read_window: Callable[[float, float], Iterable[Frame]],
    min_hip_rom_deg: float,
    estimator: PoseEstimator | None = None,
    kicks: Callable[[PoseSequence], bool] | None = None,
    progress: ProgressFn | None = None,
) -> tuple[PoseSequence, list[Switch]]:
    """``people.find_exerciser`` with this module's model: where the person followed in a shot
    hardly moves the hips, or (with ``kicks``, the gate on one shot) is not doing kickbacks, look
    for another person who moves, or who does (see ``people.py``). ``progress`` is called once per
    frame of a shot read again; if it has an ``extend(n)`` method, it is told of those frames
    first."""
    own = estimator is None
    with quiet_native_stderr() if own else nullcontext():
        est: PoseEstimator = MediaPipePose() if own else estimator  # type: ignore[assignment]
        # Kickcheck's own model probes with a second graph in image mode (a fresh detection on
        # every image; restarting a video-mode graph costs 0.4 s a probe).
        prober = MediaPipePose(enable_segmentation=False, static_image_mode=True) if own else None
        try:

            def probe(image: np.ndarray) -> np.ndarray:
                if prober is not None:
                    return prober(image)[0]
                est.reset()  # a fresh detection, not the tracker's last region
                return est(image)[0]

            def follow(frames: Iterable[Frame]) -> PoseSequence:
                est.reset()
                return _estimate_poses(frames, pose.width, pose.height, est, progress)

            more = getattr(progress, "extend", None)
            return find_exerciser(pose, read_window, follow, probe, min_hip_rom_deg, kicks, more)
        finally:
            for model in (est, prober) if own else ():
                model.__exit__(None, None, None)  # type: ignore[union-attr]


def save_pose_npz(
    path: str | os.PathLike[str], pose: PoseSequence, fps: float | None = None
) -> None:
    """Keep a clip's landmarks (to re-run the judgement later without the model)."""
    extra = {} if fps is None else {"fps": fps}
    np.savez(
        path,
        xyzv=pose.xyzv,
        world=pose.world,
        t_s=pose.t_s,
        back_sag=pose.back_sag,
        shot_id=pose.shot_id,
        wh=[pose.width, pose.height],
        **extra,
    )


def load_pose_npz(path: str | os.PathLike[str]) -> tuple[PoseSequence, float | None]:
    """(landmarks, fps if stored) from ``save_pose_npz``'s file."""
    d = np.load(path, allow_pickle=False)
    w, h = (int(x) for x in d["wh"])
    pose = PoseSequence(d["xyzv"], d["world"], d["t_s"], w, h, d["back_sag"], d["shot_id"])
    return pose, (float(d["fps"]) if "fps" in d.files else None)
