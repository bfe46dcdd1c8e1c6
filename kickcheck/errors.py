"""Errors kickcheck raises on bad input. Each carries a one-line hint telling the user what to do.

Only the CLI turns them into one-line messages and a non-zero exit.
"""

from __future__ import annotations


class KickcheckError(Exception):
    """Base class. ``str(err)`` is one line: what went wrong, then what to do."""

    exit_code = 1
    hint = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = message
        if hint is not None:
            self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        text = self.message if not self.hint else f"{self.message} ({self.hint})"
        return " ".join(text.split())


class InputFileError(KickcheckError):
    """Missing path, a folder where a file is expected, an empty file."""

    exit_code = 2
    hint = "check the path"


class VideoOpenError(KickcheckError):
    """The file is not a video we can decode."""

    exit_code = 3
    hint = "re-export it as an MP4 (H.264) and try again"


class NoPersonDetectedError(KickcheckError):
    exit_code = 4
    hint = "film the whole body from the side, well lit, with one person in view"


class NotAKickbackError(KickcheckError):
    exit_code = 5
    hint = "kickcheck only scores glute kickbacks; use --variant to force one if this is wrong"


class ConfigError(KickcheckError):
    exit_code = 6
    hint = "see the commented default with `kickcheck --print-config`"


class ModelError(KickcheckError):
    exit_code = 7
    hint = "reinstall with `pip install --force-reinstall mediapipe==0.10.21`"


class OutputError(KickcheckError):
    exit_code = 8
    hint = "check that the folder exists and is writable"


class CannotTellError(KickcheckError):
    """The camera stood too far from the side for kickcheck to judge the movement."""

    exit_code = 11
    hint = (
        "film from the side, the phone level with the hips and the whole body in view; "
        "up to 45 degrees toward the front or the back still works"
    )
