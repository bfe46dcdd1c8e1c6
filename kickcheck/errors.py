"""Errors kickcheck raises on bad input. Each carries a one-line hint telling the user what to do.

Only the CLI turns them into one-line messages and a non-zero exit.
"""

from __future__ import annotations

import signal


class KickcheckError(Exception):
    """Base class. ``str(err)`` is one line: what went wrong, then what to do."""

    exit_code = 1
    hint = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = message
        if hint is not None:
            self.hint = hint
        super().__init__(self.one_line())

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        # The same message and hint after pickling (from the reader process), not the one-line
        # text taken for a message (which would repeat the hint).
        return type(self), (self.message, self.hint)

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


class TooShortError(KickcheckError):
    """A person is in the clip, but the clip is too short to hold one whole rep."""

    exit_code = 10
    hint = "film at least one whole rep, better the whole set"


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


class Interrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP arrived: stop, clean up, exit 128 + the signal's number.

    A ``KeyboardInterrupt`` so that every ``except KeyboardInterrupt`` and every cleanup that lets
    ``BaseException`` through (temp files of atomic writes, the overlay's ``VideoSink``) treats the
    three signals alike, and no ``except Exception`` swallows it.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.exit_code = 128 + signum
        self.name = signal.Signals(signum).name
        super().__init__(self.name)
