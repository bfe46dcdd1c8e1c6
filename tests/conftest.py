"""Shared test set-up: a tiny real clip with nobody in it, and the ``mediapipe`` marker kept honest.

A test that starts the real MediaPipe model in this process without the ``mediapipe`` marker
fails, saying so, so that ``make test-fast`` (``-m "not mediapipe"``) really leaves the model out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest


@pytest.fixture
def grey_clip(tmp_path: Path) -> Path:
    """A real, decodable H.264 clip with nobody in it (12 frames, 96x64, 15 fps)."""
    from kickcheck.video import VideoSink

    path = tmp_path / "empty_room.mp4"
    with VideoSink(path, 15.0, (96, 64)) as sink:
        for i in range(12):
            sink.write(np.full((64, 96, 3), 90 + i, np.uint8))
    return path


@pytest.fixture(autouse=True)
def _mediapipe_needs_its_marker(request, monkeypatch):
    if request.node.get_closest_marker("mediapipe") is not None:
        return
    import kickcheck.pose as pose

    def refuse(self):
        raise AssertionError(
            f"{request.node.nodeid} runs the real MediaPipe model: mark it @pytest.mark.mediapipe"
        )

    monkeypatch.setattr(pose.MediaPipePose, "reset", refuse)
