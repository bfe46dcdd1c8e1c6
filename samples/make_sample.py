"""Regenerate samples/kickback_sample.mp4 and its .truth.json (deterministic).

python samples/make_sample.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from kickrender import ClipSpec, render_clip  # noqa: E402

SPEC = ClipSpec(
    exercise="kickback",
    variant="quadruped",
    side="right",
    facing="left",
    reps=5,
    arch_reps=(2,),  # rep 2: lumbar arch 24 degrees at the top
    fault_arch_deg=24.0,
    straight_knee_reps=(4,),  # rep 4: the knee opens from 90 to 20 degrees of flexion
    fault_knee_deg=20.0,
    width=640,
    height=360,
    fps=30.0,
    tempo=(0.75, 0.35, 0.75, 0.45),
    lead_in=0.5,
    lead_out=0.5,
    yaw=0.0,
    pitch=8.0,
    background="textured",
    noise=1.5,
    crf=27,
    seed=0,
)


def main() -> None:
    truth = render_clip(SPEC, HERE / "kickback_sample.mp4")
    print(f"{truth['n_frames']} frames, {len(truth['reps'])} reps ->", HERE / "kickback_sample.mp4")


if __name__ == "__main__":
    main()
