"""Silencing MediaPipe's and TFLite's native log lines, which bypass Python and write to fd 2."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

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
