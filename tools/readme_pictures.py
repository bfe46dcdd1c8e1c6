"""Regenerate the README's pictures from the bundled sample into docs/img/.

    .venv/bin/python tools/readme_pictures.py

Writes:
- ``overlay_arched.png``, ``overlay_knee.png``: overlay frames at the tops of the arched rep and of
  the rep whose knee straightened (``overlay.draw_frame`` on the video's own frames);
- ``report_page.png``: a screenshot of the report page (``--html``) in headless Chromium
  (Debian's ``chromium`` package must be installed);
- ``curves.png``: the measures-over-time chart (``--plots``);
- ``sets.png`` and ``overlay_sets_card.png``: the sets chart and the overlay's closing summary card
  of a rendered clip of two sets, one leg then the other (the accuracy benchmark's first clip of
  sets, rendered into a temporary folder: about two minutes).

The PNGs are reduced to 256-colour palettes so that they stay small in the repository.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = Path("samples") / "kickback_sample.mp4"  #: relative to ROOT, as the page shows it
OUT = ROOT / "docs" / "img"


def save_small(
    img: Image.Image,
    path: Path,
    width: int | None = None,
    method: Image.Quantize = Image.Quantize.MEDIANCUT,
) -> None:
    if width is not None and img.width > width:
        img = img.resize((width, round(img.height * width / img.width)), Image.Resampling.LANCZOS)
    img = img.convert("RGB").quantize(colors=256, method=method, dither=0)
    img.save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}: {img.width}x{img.height}, {path.stat().st_size // 1024} KiB")


def overlay_frames(report, wanted: dict[int, str]) -> None:
    import cv2

    from kickcheck.overlay import draw_frame
    from kickcheck.video import FrameReader

    tops = {report.reps[k - 1].rep.top_frame: name for k, name in wanted.items()}
    for frame in FrameReader(SAMPLE):
        if frame.index in tops:
            rgb = cv2.cvtColor(draw_frame(frame.image_bgr, frame.index, report), cv2.COLOR_BGR2RGB)
            # Octree keeps the overlay's small marks in their colours (median cut greyed them).
            save_small(
                Image.fromarray(rgb), OUT / tops[frame.index], method=Image.Quantize.FASTOCTREE
            )
        if frame.index >= max(tops):
            break


def page_screenshot(report) -> None:
    from kickcheck.page import write_page

    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("readme_pictures: chromium is not installed (apt-get install -y chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "kickback_sample.html"
        shot = Path(tmp) / "shot.png"
        write_page(SAMPLE, report, page)
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={tmp}/profile",
                "--window-size=1100,4000",
                f"--screenshot={shot}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        img = Image.open(shot).convert("RGB")
    # Crop the empty background below the page's end.
    a = np.asarray(img).astype(int)
    differs = np.abs(a - a[-1, 0]).max(axis=(1, 2)) > 0
    bottom = int(np.flatnonzero(differs).max()) + 24
    save_small(img.crop((0, 0, img.width, min(img.height, bottom))), OUT / "report_page.png", 900)


def sets_pictures() -> None:
    """The sets chart and the overlay's summary card of a rendered clip of two sets."""
    import cv2

    sys.path.insert(0, str(ROOT))
    from benchmarks.accuracy import sets_grid
    from kickcheck import analyze_video
    from kickcheck.overlay import draw_frame
    from kickcheck.plots import png_bytes, sets_figure
    from kickcheck.quiet import quiet_native_stderr
    from kickcheck.video import FrameReader
    from kickrender import render_clip

    _, spec = sets_grid()[0]
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "two_sets.mp4"
        render_clip(spec, clip)
        with quiet_native_stderr():
            report = analyze_video(clip)
        save_small(Image.open(io.BytesIO(png_bytes(sets_figure(report), 110))), OUT / "sets.png")
        last = None
        for frame in FrameReader(clip):
            last = frame
        assert last is not None
        rgb = cv2.cvtColor(draw_frame(last.image_bgr, last.index, report), cv2.COLOR_BGR2RGB)
        save_small(
            Image.fromarray(rgb), OUT / "overlay_sets_card.png", method=Image.Quantize.FASTOCTREE
        )


def main() -> None:
    from kickcheck import analyze_video
    from kickcheck.plots import curves_figure, png_bytes
    from kickcheck.quiet import quiet_native_stderr

    os.chdir(ROOT)
    OUT.mkdir(parents=True, exist_ok=True)
    with quiet_native_stderr():
        report = analyze_video(SAMPLE)
    flagged = {
        f.rule_id: r.rep.index for r in report.reps for f in r.findings if f.severity == "fault"
    }
    overlay_frames(
        report,
        {
            flagged["lumbar_hyperextension"]: "overlay_arched.png",
            flagged["knee_straightened"]: "overlay_knee.png",
        },
    )
    save_small(Image.open(io.BytesIO(png_bytes(curves_figure(report), 110))), OUT / "curves.png")
    page_screenshot(report)
    sets_pictures()


if __name__ == "__main__":
    main()
