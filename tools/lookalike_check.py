"""Render look-alikes as short clips, run the real pipeline on them and draw a contact sheet.

    python tools/lookalike_check.py OUT_DIR EXERCISE [EXERCISE ...] [--yaws 0,45] [--pitch 8]
        [--reps 2] [--side right] [--facing left]

For each exercise and yaw: renders OUT_DIR/NAME_yawY.mp4 (640x360) with its truth, runs
``kickcheck.pipeline.analyze_video`` on it, and prints MediaPipe's detection rate, the gate's verdict
and reason, and the rep count. Writes OUT_DIR/NAME.png: frames at rest and at the top of the first
rep for every yaw, with MediaPipe's skeleton drawn (green) over the render. Rendered clips are test
data made here; nothing of a real clip is involved.
"""

from __future__ import annotations

import argparse
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
os.environ.setdefault("GLOG_minloglevel", "2")

from kickcheck.landmarks import SKELETON_EDGES  # noqa: E402
from kickcheck.pipeline import analyze_video  # noqa: E402
from kickrender import ClipSpec, render_clip  # noqa: E402


def _frames(path: str, wanted: list[int]) -> dict[int, np.ndarray]:
    import av

    out = {}
    with av.open(path) as c:
        for i, fr in enumerate(c.decode(video=0)):
            if i in wanted:
                out[i] = fr.to_ndarray(format="bgr24")
    return out


def check(name: str, yaw: float, a) -> tuple[list[np.ndarray], dict]:
    path = os.path.join(a.out_dir, f"{name}_yaw{yaw:+.0f}.mp4")
    spec = ClipSpec(
        exercise=name,
        side=a.side,
        facing=a.facing,
        reps=a.reps,
        yaw=yaw,
        pitch=a.pitch,
        seed=a.seed,
        width=640,
        height=360,
    )
    truth = render_clip(spec, path)
    report = analyze_video(path)
    pose = report.pose
    det = np.isfinite(pose.xyzv[:, :, 0]).all(axis=1)
    r = truth["reps"][0]
    fps = truth["fps"]
    rest = max(0, int(r["start_s"] * fps) - 2)
    top = int(r["top_s"] * fps)
    imgs = _frames(path, [rest, top])
    tiles = []
    for i, label in ((rest, "rest"), (top, "top")):
        img = imgs[i].copy()
        if i < len(pose.xyzv) and det[i]:
            xy = pose.xyzv[i, :, :2]
            for p, q in SKELETON_EDGES:
                cv2.line(
                    img, tuple(int(v) for v in xy[p]), tuple(int(v) for v in xy[q]), (0, 220, 0), 2
                )
        cv2.putText(img, f"{name} yaw {yaw:+.0f} {label}", (8, 22), 0, 0.6, (0, 255, 255), 2)
        tiles.append(img)
    ex = report.exercise
    info = {
        "detected": float(det.mean()),
        "is_kickback": ex.is_kickback,
        "reps": report.rep_count if hasattr(report, "rep_count") else len(report.reps),
        "reason": ex.reason,
    }
    return tiles, info


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("exercises", nargs="+")
    ap.add_argument("--yaws", default="0,45")
    ap.add_argument("--pitch", type=float, default=8.0)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--side", default="right")
    ap.add_argument("--facing", default="left")
    ap.add_argument("--seed", type=int, default=3)
    a = ap.parse_args(argv)
    os.makedirs(a.out_dir, exist_ok=True)
    for name in a.exercises:
        rows = []
        for yaw in (float(y) for y in a.yaws.split(",")):
            tiles, info = check(name, yaw, a)
            rows.append(np.concatenate(tiles, axis=1))
            print(
                f"{name:24s} yaw {yaw:+4.0f}  detected {info['detected']:6.1%}  "
                f"kickback {str(info['is_kickback']):5s}  reps {info['reps']}  {info['reason']}",
                flush=True,
            )
        sheet = np.concatenate(rows, axis=0)
        sheet = cv2.resize(
            sheet, (sheet.shape[1] // 2, sheet.shape[0] // 2), interpolation=cv2.INTER_AREA
        )
        cv2.imwrite(os.path.join(a.out_dir, f"{name}.png"), sheet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
