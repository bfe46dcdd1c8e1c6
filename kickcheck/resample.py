"""``--fast``: the model sees a subset of the frames; the report still has every frame.

``fast_stride(fps)`` is how many frames to step so that the model runs at about FAST_FPS (every
2nd frame of a 30 fps clip, every 4th of 60 fps; clips at 24-29 fps are analysed whole).
``upsample_pose`` puts the landmarks back on every frame of the clip: linear interpolation in time
between the two analysed frames around each skipped one, never across a shot change or a frame
with nobody (those stay NaN). The filters, the gate, the reps and every output then see a
sequence at the clip's own frame rate, so frame numbers in the report are the video's.
"""

from __future__ import annotations

import numpy as np

from kickcheck.types import PoseSequence

#: The frame rate the model runs at in ``--fast`` mode (at least; the stride is a whole number).
#: Kickback reps last 1.5-3 s; 15 samples per second keep their tops within 1-2 degrees
#: (``benchmarks/speed.py`` measures it on rendered clips).
FAST_FPS = 15.0


def fast_stride(fps: float) -> int:
    """Frames to step in ``--fast`` mode: the largest whole step that keeps >= FAST_FPS."""
    if not fps or not np.isfinite(fps):
        return 1
    return max(1, int(fps / FAST_FPS + 1e-6))


def _interp(t_all: np.ndarray, t: np.ndarray, y: np.ndarray, bridge: np.ndarray) -> np.ndarray:
    """Linear interpolation of y [n, ...] at t_all; NaN where the two neighbours may not be
    bridged (``bridge[k]``: samples k and k+1 may be joined)."""
    flat = y.reshape(len(t), -1).astype(np.float64)
    k = np.clip(np.searchsorted(t, t_all, side="right") - 1, 0, len(t) - 1)
    k1 = np.minimum(k + 1, len(t) - 1)
    dt = t[k1] - t[k]
    w = np.where(dt > 0, (t_all - t[k]) / np.where(dt > 0, dt, 1.0), 0.0)
    exact = np.isclose(t_all, t[k], rtol=0, atol=1e-9)
    w = w[:, None]
    out = np.where(exact[:, None], flat[k], flat[k] * (1 - w) + flat[k1] * w)
    ok = exact | (bridge[k] & (t_all > t[k]) & (t_all < t[k1]))
    out[~ok] = np.nan
    return out.reshape((len(t_all), *y.shape[1:])).astype(y.dtype)


def upsample_pose(pose: PoseSequence, t_all: np.ndarray) -> PoseSequence:
    """``pose`` (analysed on a subset of frames) on every frame time in ``t_all`` (sorted, a
    superset of ``pose.t_s``). Frames after the last analysed one are NaN."""
    t = np.asarray(pose.t_s, np.float64)
    t_all = np.asarray(t_all, np.float64)
    if len(t) == 0:
        return pose
    same_shot = np.append(pose.shot_id[1:] == pose.shot_id[:-1], False)
    k = np.clip(np.searchsorted(t, t_all, side="right") - 1, 0, len(t) - 1)
    return PoseSequence(
        xyzv=_interp(t_all, t, pose.xyzv, same_shot),
        world=_interp(t_all, t, pose.world, same_shot),
        t_s=t_all,
        width=pose.width,
        height=pose.height,
        back_sag=_interp(t_all, t, pose.back_sag, same_shot),
        shot_id=pose.shot_id[k].astype(np.int32),
    )
