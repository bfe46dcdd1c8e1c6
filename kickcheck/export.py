"""Per-frame exports of a report: the frames CSV and OpenSim's ``.mot`` angle file.

Pure functions returning text; writing files is the caller's job (``cli`` uses
``video.atomic_write_text``). They present what the report holds and compute nothing new.

The frames CSV has one row per decoded frame:

- ``frame``, ``t_s``;
- every angle of ``report.kinematics`` (degrees, see ``kinematics.py`` for the conventions);
- ``rep`` (1-based number of the counted rep the frame belongs to, 0 outside reps), ``phase``
  (``up``, ``hold``, ``down`` or ``rest``), ``working_leg`` (``left``/``right``),
  ``lumbar_arch_deg`` (the landmark lumbar measure frame by frame), ``back_sag`` (the silhouette's
  back sag, trunk lengths) and ``back_sag_change`` (since the current rep's start); these come from
  ``report.track`` and are empty for a clip that is not a kickback;
- the 33 BlazePose landmarks as MediaPipe returned them: ``<name>_x_px``, ``<name>_y_px``,
  ``<name>_z_px`` (relative depth, scaled like x), ``<name>_visibility`` in pixels of the upright
  frame, then ``<name>_x_m``, ``<name>_y_m``, ``<name>_z_m`` (world landmarks, metres, origin
  between the hips). ``<name>`` is the lower-case landmark name (``left_hip``). Frames with nobody
  in them have empty landmark cells.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable

import numpy as np

from kickcheck.landmarks import Landmark
from kickcheck.types import PHASES, Report

__all__ = ["frames_csv", "frames_csv_header", "mot_text"]

_PX = ("x_px", "y_px", "z_px", "visibility")
_WORLD = ("x_m", "y_m", "z_m")
_TRACK = ("rep", "phase", "working_leg", "lumbar_arch_deg", "back_sag", "back_sag_change")


def _landmark_columns() -> list[str]:
    names = [lm.name.lower() for lm in sorted(Landmark, key=int)]
    return [f"{n}_{c}" for n in names for c in _PX] + [f"{n}_{c}" for n in names for c in _WORLD]


def frames_csv_header(report: Report) -> list[str]:
    angles = list(report.kinematics.names) if report.kinematics is not None else []
    lms = _landmark_columns() if report.pose is not None else []
    return ["frame", "t_s", *angles, *_TRACK, *lms]


def _fmt(x: float, nd: int) -> str:
    return f"{x:.{nd}f}" if math.isfinite(x) else ""


def _cells(values: Iterable[float], nd: int) -> list[str]:
    return [_fmt(float(v), nd) for v in values]


def frames_csv(report: Report) -> str:
    """Per-frame export: angles, rep and phase, lumbar measures and landmarks (module docstring)."""
    kin, pose, tr = report.kinematics, report.pose, report.track
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(frames_csv_header(report))
    if kin is not None:
        t_s = kin.t_s
    elif pose is not None:
        t_s = pose.t_s
    else:
        return buf.getvalue()
    n = len(t_s)
    sag = pose.back_sag if pose is not None else np.full(n, np.nan)
    xyzv = pose.xyzv.reshape(n, -1) if pose is not None else None
    world = pose.world.reshape(n, -1) if pose is not None else None
    for i in range(n):
        row = [str(i), f"{t_s[i]:.4f}"]
        if kin is not None:
            row += _cells(kin.angles_deg[i], 2)
        if tr is not None:
            row += [
                str(int(tr.rep[i])),
                PHASES[int(tr.phase[i])],
                "right" if tr.right[i] else "left",
                _fmt(float(tr.lumbar_arch_deg[i]), 2),
                _fmt(float(sag[i]), 4),
                _fmt(float(tr.back_sag_change[i]), 4),
            ]
        else:
            row += ["", "", "", "", _fmt(float(sag[i]), 4), ""]
        if xyzv is not None and world is not None:
            row += _cells(xyzv[i], 2) + _cells(world[i], 4)
        w.writerow(row)
    return buf.getvalue()


def mot_text(report: Report, name: str = "kickcheck_angles") -> str:
    """The report's angles as an OpenSim motion file (``.mot``, storage format version 1).

    Header: ``name``, ``version=1``, ``nRows``, ``nColumns`` (time included), ``inDegrees=yes``,
    ``endheader``; then a tab-separated table of ``time`` and one column per angle. OpenSim needs
    numbers in every cell, so a frame where an angle was not measured holds ``NaN``.
    """
    kin = report.kinematics
    names = list(kin.names) if kin is not None else []
    t_s = kin.t_s if kin is not None else np.zeros(0)
    lines = [
        name,
        "version=1",
        f"nRows={len(t_s)}",
        f"nColumns={len(names) + 1}",
        "inDegrees=yes",
        "",
        "Angles in degrees measured by kickcheck in the image plane of the upright frame "
        "(see kickcheck's README for the conventions).",
        "endheader",
        "\t".join(["time", *names]),
    ]
    if kin is not None:
        for t, row in zip(kin.t_s, kin.angles_deg):
            cells = [f"{x:.4f}" if math.isfinite(x) else "NaN" for x in row]
            lines.append("\t".join([f"{t:.5f}", *cells]))
    return "\n".join(lines) + "\n"
