"""Command line: ``python -m kickrender OUT.mp4 [options]`` renders a clip + OUT.truth.json."""

from __future__ import annotations

import argparse
import sys
import time

from .catalog import EXERCISE_NAMES, KICKBACK_VARIANT_NAMES
from .clip import ClipSpec, render_clip


def _ints(s: str) -> tuple[int, ...]:
    return tuple(int(x) for x in s.split(",") if x.strip()) if s else ()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kickrender", description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--exercise", default="kickback", choices=EXERCISE_NAMES)
    ap.add_argument("--variant", default="quadruped", choices=KICKBACK_VARIANT_NAMES)
    ap.add_argument("--side", default="right", choices=["left", "right"])
    ap.add_argument("--facing", default="left", choices=["left", "right"])
    ap.add_argument("--reps", type=int, default=4)
    ap.add_argument("--hip-ext", type=float, default=None, help="peak hip extension, degrees")
    ap.add_argument("--knee-top", type=float, default=None, help="knee flexion at the top")
    ap.add_argument("--arch-top", type=float, default=None, help="lumbar arch at the top")
    ap.add_argument("--arch-reps", type=_ints, default=(), help="e.g. 3 or 2,4 (1-based)")
    ap.add_argument("--straight-knee-reps", type=_ints, default=())
    ap.add_argument("--fault-arch-deg", type=float, default=22.0)
    ap.add_argument("--fault-knee-deg", type=float, default=20.0)
    ap.add_argument(
        "--tempo",
        type=lambda s: tuple(float(x) for x in s.split(",")),
        default=None,
        help="up,hold,down,rest seconds (default: the exercise's own, 0.8,0.4,0.8,0.5 for kickbacks)",
    )
    ap.add_argument("--partial-start", type=float, default=0.0)
    ap.add_argument("--partial-end", type=float, default=0.0)
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--height", type=int, default=360)
    ap.add_argument("--fps", type=float, default=30.0)
    ap.add_argument("--yaw", type=float, default=0.0)
    ap.add_argument("--pitch", type=float, default=8.0)
    ap.add_argument("--distance", type=float, default=None)
    ap.add_argument("--fill", type=float, default=0.8)
    ap.add_argument("--shape", default="average", choices=["average", "female", "male"])
    ap.add_argument("--background", default="textured", choices=["plain", "textured", "cluttered"])
    ap.add_argument("--noise", type=float, default=2.0)
    ap.add_argument("--motion-blur", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--black-frames", type=int, default=0)
    ap.add_argument("--fade-in", type=float, default=0.0)
    ap.add_argument("--fade-out", type=float, default=0.0)
    ap.add_argument("--foot-exit", action="store_true")
    ap.add_argument("--banner", default=None)
    ap.add_argument("--rotate90", action="store_true")
    ap.add_argument("--jitter-pts", type=float, default=0.0)
    ap.add_argument("--truncate", type=float, default=0.0)
    ap.add_argument("--crf", type=int, default=23)
    a = ap.parse_args(argv)
    spec = ClipSpec(
        exercise=a.exercise,
        variant=a.variant,
        side=a.side,
        facing=a.facing,
        reps=a.reps,
        hip_ext=a.hip_ext,
        knee_top=a.knee_top,
        arch_top=a.arch_top,
        arch_reps=a.arch_reps,
        straight_knee_reps=a.straight_knee_reps,
        fault_arch_deg=a.fault_arch_deg,
        fault_knee_deg=a.fault_knee_deg,
        tempo=a.tempo,
        partial_start=a.partial_start,
        partial_end=a.partial_end,
        width=a.width,
        height=a.height,
        fps=a.fps,
        yaw=a.yaw,
        pitch=a.pitch,
        distance=a.distance,
        fill=a.fill,
        shape=a.shape,
        background=a.background,
        noise=a.noise,
        motion_blur=a.motion_blur,
        seed=a.seed,
        black_frames=a.black_frames,
        fade_in_s=a.fade_in,
        fade_out_s=a.fade_out,
        foot_exit=a.foot_exit,
        banner_text=a.banner,
        rotate90=a.rotate90,
        jitter_pts=a.jitter_pts,
        truncate=a.truncate,
        crf=a.crf,
    )
    t = time.perf_counter()
    truth = render_clip(spec, a.out)
    dt = time.perf_counter() - t
    n = truth["n_frames"]
    print(
        f"{a.out}: {n} frames in {dt:.1f} s ({n / dt:.1f} fps), {len(truth['reps'])} reps",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
