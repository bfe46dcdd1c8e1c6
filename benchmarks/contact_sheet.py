"""Contact sheet: a grid of frames from a clip with kickcheck's landmarks and angles drawn on them.

    python benchmarks/contact_sheet.py CLIP.mp4 OUT.png [--start S] [--end S] [--n 12] [--cache DIR]

Used to look at the clips the judgement gets wrong. Never commit sheets of clips without a licence.
"""

from __future__ import annotations

import argparse
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from kickcheck.config import load_config  # noqa: E402
from kickcheck.kinematics import compute_kinematics  # noqa: E402
from kickcheck.landmarks import SKELETON_EDGES, Landmark  # noqa: E402
from kickcheck.pose import estimate_poses  # noqa: E402
from kickcheck.types import PoseSequence  # noqa: E402
from kickcheck.video import FrameReader  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("clip")
    ap.add_argument("out")
    ap.add_argument("--start", type=float, default=0.0)
    ap.add_argument("--end", type=float, default=1e9)
    ap.add_argument("--n", type=int, default=12)
    ap.add_argument("--cache")
    ap.add_argument("--width", type=int, default=320)
    a = ap.parse_args(argv)
    cfg = load_config()
    npz = os.path.join(a.cache, os.path.basename(a.clip) + ".npz") if a.cache else None
    frames = list(FrameReader(a.clip, max_side=cfg.video.max_side_px))
    h0, w0 = frames[0].image_bgr.shape[:2]
    if npz and os.path.exists(npz):
        d = np.load(npz)
        w, h = (int(x) for x in d["wh"])
        pose = PoseSequence(d["xyzv"], d["world"], d["t_s"], w, h, d["back_sag"], d["shot_id"])
    else:
        pose = estimate_poses(iter(frames), w0, h0)
        w, h = w0, h0
    fs = 1.0 / np.median(np.diff(pose.t_s))
    kin, xyz, _, facing, _ = compute_kinematics(pose, fs, min(6.0, 0.4 * fs), 0.25)
    sel = [i for i in range(min(len(frames), len(pose))) if a.start <= pose.t_s[i] <= a.end]
    pick = np.linspace(sel[0], sel[-1], min(a.n, len(sel))).round().astype(int)
    tiles = []
    for i in pick:
        img = frames[i].image_bgr.copy()
        sx, sy = img.shape[1] / w, img.shape[0] / h
        p = pose.xyzv[i]
        for e0, e1 in SKELETON_EDGES:
            a0, a1 = p[e0, :2], p[e1, :2]
            if np.isfinite([*a0, *a1]).all():
                col = (0, 0, 255) if "LEFT" in Landmark(e0).name else (255, 128, 0)
                cv2.line(
                    img,
                    (int(a0[0] * sx), int(a0[1] * sy)),
                    (int(a1[0] * sx), int(a1[1] * sy)),
                    col,
                    2,
                )
        txt = (
            f"t={pose.t_s[i]:.2f} hL={kin['hip_ext_left'][i]:.0f} hR={kin['hip_ext_right'][i]:.0f} "
            f"kL={kin['knee_flex_left'][i]:.0f} kR={kin['knee_flex_right'][i]:.0f} f={facing[i]:+.0f}"
        )
        scale = a.width / img.shape[1]
        img = cv2.resize(img, (a.width, int(img.shape[0] * scale)))
        cv2.rectangle(img, (0, 0), (a.width, 14), (0, 0, 0), -1)
        cv2.putText(img, txt, (2, 11), cv2.FONT_HERSHEY_SIMPLEX, 0.33, (255, 255, 255), 1)
        tiles.append(img)
    cols = 4
    th, tw = tiles[0].shape[:2]
    while len(tiles) % cols:
        tiles.append(np.zeros_like(tiles[0]))
    rows = [np.hstack(tiles[r : r + cols]) for r in range(0, len(tiles), cols)]
    cv2.imwrite(a.out, np.vstack(rows))
    print(a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
