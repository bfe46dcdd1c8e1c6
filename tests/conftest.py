"""Shared test set-up: the ``mediapipe`` marker is kept honest.

A test that starts the real MediaPipe model in this process without the ``mediapipe`` marker
fails, saying so, so that ``make test-fast`` (``-m "not mediapipe"``) really leaves the model out.
"""

from __future__ import annotations

import pytest


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
