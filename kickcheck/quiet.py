"""Silencing MediaPipe's and TFLite's native log lines, which bypass Python and write to fd 2.

While they are silenced, :func:`terminal_stderr` still reaches the real stderr (the progress bar
draws there).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

_quiet_lock = threading.Lock()
_quiet_depth = 0
_quiet_saved_fd: int | None = None


@contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Point file descriptor 2 at /dev/null (C++ log lines of MediaPipe/TFLite) for the block.

    Process-wide and reference-counted, so tasks running in several threads of one worker do not
    restore each other's descriptor in the wrong order. Python's ``sys.stderr`` is flushed first.
    """
    global _quiet_depth, _quiet_saved_fd
    with _quiet_lock:
        if _quiet_depth == 0:
            try:
                sys.stderr.flush()
                saved = os.dup(2)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 2)
                os.close(devnull)
                _quiet_saved_fd = saved
            except (OSError, ValueError):  # pragma: no cover - no real fd 2
                _quiet_saved_fd = None
        _quiet_depth += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_depth -= 1
            if _quiet_depth == 0 and _quiet_saved_fd is not None:
                try:
                    sys.stderr.flush()
                except (OSError, ValueError):  # pragma: no cover
                    pass
                os.dup2(_quiet_saved_fd, 2)
                os.close(_quiet_saved_fd)
                _quiet_saved_fd = None


def terminal_stderr() -> TextIO | None:
    """A new text stream on the process's real stderr if that is a terminal, else None.

    "Real" means the stderr from before :func:`quiet_native_stderr` pointed fd 2 at /dev/null, so
    a progress bar drawn on it keeps moving while native output is silenced. The stream owns a
    duplicate of the descriptor: close it when done.
    """
    with _quiet_lock:
        fd = _quiet_saved_fd if _quiet_depth > 0 and _quiet_saved_fd is not None else 2
        try:
            if not os.isatty(fd):
                return None
            dup = os.dup(fd)
        except OSError:  # pragma: no cover - no fd 2 at all
            return None
    encoding = getattr(sys.__stderr__, "encoding", None) or "utf-8"
    return os.fdopen(dup, "w", buffering=1, encoding=encoding, errors="replace")
