"""Run MediaPipe Pose on a rendered clip and compare with its truth file.

    /work/venv/bin/python tools/verify_mediapipe.py CLIP.mp4 [--side near|left|right]

Prints the detection rate and median / 90th-percentile pixel errors of shoulder, hip,
knee and ankle (both sides and the camera-near side), and angle errors.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import av
import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("clip")
    ap.add_argument("--max-frames", type=int, default=0)
    args = ap.parse_args()
    import mediapipe as mp

    clip = Path(args.clip)
    truth = json.loads(clip.with_name(clip.stem + ".truth.json").read_text())
    frames = truth["frames"]
    pose = mp.solutions.pose.Pose(
        static_image_mode=False, model_complexity=1, enable_segmentation=True
    )
    names = [n.name.lower() for n in mp.solutions.pose.PoseLandmark]
    det = 0
    n = 0
    errs: dict[str, list] = {}
    c = av.open(str(clip))
    for i, fr in enumerate(c.decode(video=0)):
        if args.max_frames and i >= args.max_frames:
            break
        img = fr.to_ndarray(format="rgb24")
        rot = getattr(fr, "rotation", 0) or 0
        if rot:
            img = np.ascontiguousarray(np.rot90(img, k=int(round(rot / 90))))
        H, W = img.shape[:2]
        n += 1
        res = pose.process(img)
        if i >= len(frames) or frames[i]["phase"] is None:
            continue
        if img.mean() < 3:  # black frame
            n -= 1
            continue
        if res.pose_landmarks is None:
            continue
        det += 1
        lm = res.pose_landmarks.landmark
        t2 = frames[i]["joints_2d"]
        for j in ("shoulder", "hip", "knee", "ankle", "elbow", "wrist"):
            for sd in ("left", "right"):
                k = f"{sd}_{j}"
                p = lm[names.index(k)]
                e = np.hypot(p.x * W - t2[k][0], p.y * H - t2[k][1])
                errs.setdefault(k, []).append(e)
    print(f"{clip.name}: detected {det}/{n} frames ({100 * det / max(n, 1):.1f}%)")
    for k, v in sorted(errs.items()):
        v = np.array(v)
        print(f"  {k:16s} median {np.median(v):6.1f} px   p90 {np.percentile(v, 90):6.1f} px")


if __name__ == "__main__":
    main()
