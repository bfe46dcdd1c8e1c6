"""Look at rendered exercises without encoding video: one row per exercise, one column per
(phase, camera yaw), drawn straight from kickrender's scene.

    python tools/pose_sheet.py OUT.png EXERCISE [EXERCISE ...] [--yaws 0,45,-45] [--phases 0,1]
        [--side right] [--facing left] [--pitch 8] [--size 320x180]

A kickback variant is named ``kickback:VARIANT``. Writes a PNG; prints each row's phase-0 and
phase-1 lowest body point (it must be ~0 on the floor) as a check of the contacts.
"""

from __future__ import annotations

import argparse
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from kickrender.clip import ClipSpec, Scene, _background, _camera_for, render_frame  # noqa: E402


def _floats(s: str) -> list[float]:
    return [float(x) for x in s.split(",") if x.strip()]


def row(name: str, a) -> tuple[list[np.ndarray], str]:
    ex, _, variant = name.partition(":")
    W, H = (int(v) for v in a.size.split("x"))
    spec = ClipSpec(
        exercise=ex,
        variant=variant or "quadruped",
        side=a.side,
        facing=a.facing,
        width=W,
        height=H,
        pitch=a.pitch,
        background="plain",
        noise=0.0,
        seed=1,
    )
    phases = _floats(a.phases)
    framing = sorted({*phases, 0.25, 0.5, 0.75})
    tiles = []
    lows = []
    for yaw in _floats(a.yaws):
        sc = Scene(ClipSpec(**{**spec.__dict__, "yaw": yaw}))
        poses = {s: _pose(sc, s) for s in framing}
        cam = _camera_for(sc, [p[::5] for p in poses.values()])
        xs = np.concatenate([p[:, 0] for p in poses.values()])
        bg = _background(sc, cam, (xs.min(), xs.max()))
        for s in phases:
            img = render_frame(sc, cam, bg, [poses[s]])
            u8 = (np.clip(img, 0, 1) * 255).astype(np.uint8)
            cv2.putText(u8, f"{name} s={s:g} yaw={yaw:+.0f}", (4, 14), 0, 0.4, (255, 255, 0), 1)
            tiles.append(u8)
        lows.append(min(float(poses[s][: len(sc.body.rest_vertices[0]), 2].min()) for s in phases))
    return tiles, f"{name}: lowest body point {min(lows):+.3f} m"


def _pose(scene: Scene, s: float) -> np.ndarray:
    return scene.pose_at_phase(s, scene.reps[0].shape)[3]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("exercises", nargs="+")
    ap.add_argument("--yaws", default="0,45,-45")
    ap.add_argument("--phases", default="0,1")
    ap.add_argument("--side", default="right")
    ap.add_argument("--facing", default="left")
    ap.add_argument("--pitch", type=float, default=8.0)
    ap.add_argument("--size", default="320x180")
    a = ap.parse_args(argv)
    rows = []
    for name in a.exercises:
        tiles, msg = row(name, a)
        print(msg)
        rows.append(np.concatenate(tiles, axis=1))
    sheet = np.concatenate(rows, axis=0)
    cv2.imwrite(a.out, cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    print(a.out, sheet.shape)
    return 0


if __name__ == "__main__":
    sys.exit(main())
