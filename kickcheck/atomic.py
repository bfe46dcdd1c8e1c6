"""EDGE: output files written whole or not at all, and checked before any work starts.

``atomic_write_text`` / ``atomic_write_bytes`` write to a hidden temp file beside the target and
rename it into place (``temp_beside`` gives the writers of bigger files, such as the overlay's
``VideoSink``, the same temp file). Readers see the old file or the complete new one; a failure or
an interrupt (SIGINT, SIGTERM, SIGHUP: see ``console``) removes the temp file.

``check_outputs`` is the door: before a long analysis, every output path is checked to be
writable, not a folder, not one of the inputs (by path, symlink or the same inode), and not
shared by two outputs. The CLI calls it up front, so a bad output path costs nothing.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from kickcheck.errors import OutputError

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "check_output_folder",
    "check_output_path",
    "check_outputs",
    "final_mode",
    "remove_quietly",
    "same_file",
    "short_reason",
    "temp_beside",
]

StrPath = str | os.PathLike[str]

_NEW_FILE_MODE = 0o644


def short_reason(err: BaseException) -> str:
    """An OS or FFmpeg error's text without errno and file name, lower-cased."""
    text = getattr(err, "strerror", None) or str(err) or type(err).__name__
    text = " ".join(str(text).split())
    return text[:1].lower() + text[1:]


def _resolved(path: StrPath) -> Path:
    """The path a write lands on: symlinks followed (writing through a link updates its target,
    as ``open(path, "w")`` would, instead of replacing the link with a file)."""
    return Path(os.path.realpath(os.fspath(path)))


def check_output_path(path: StrPath) -> Path:
    """Check that a file can be written at ``path`` and return the resolved target.

    Raises OutputError (one line) when ``path`` is a folder or a special file (a device, a pipe),
    its folder is missing or not a folder, or a file cannot be created there (permissions, a
    read-only file system). The last is tried for real with a temp file that is removed at once,
    so it holds for root and for ACLs too.
    """
    shown = os.fspath(path)
    target = _resolved(path)
    if target.is_dir():
        raise OutputError(f"cannot write {shown}: it is a folder", hint="give a file name")
    if target.exists() and not stat.S_ISREG(target.stat().st_mode):
        raise OutputError(
            f"cannot write {shown}: it is not a regular file (a device or a pipe)",
            hint="give a file name; `--json -` writes the report to stdout",
        )
    folder = target.parent
    if not folder.exists():
        raise OutputError(f"cannot write {shown}: folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputError(f"cannot write {shown}: {folder} is not a folder")
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".check")
    except OSError as err:
        raise OutputError(f"cannot write {shown}: folder {folder}: {short_reason(err)}") from None
    os.close(fd)
    remove_quietly(Path(probe))
    return target


def check_output_folder(path: StrPath) -> Path:
    """Check that files can be written into the folder ``path`` (created later if missing: then
    its parent must take it). Raises OutputError (one line)."""
    shown = os.fspath(path)
    folder = _resolved(path)
    if not folder.exists():
        check_output_path(folder)  # the folder is created like a file in its parent
        return folder
    if not folder.is_dir():
        raise OutputError(
            f"cannot write into {shown}: it is a file, not a folder", hint="give a folder name"
        )
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".kickcheck.", suffix=".check")
    except OSError as err:
        raise OutputError(f"cannot write into {shown}: {short_reason(err)}") from None
    os.close(fd)
    remove_quietly(Path(probe))
    return folder


def same_file(a: StrPath, b: StrPath) -> bool:
    """True if writing ``a`` would write ``b``: the same path after resolving symlinks and
    ``..``, or two names (hard links) of one file."""
    if _resolved(a) == _resolved(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False


def check_outputs(outputs: Mapping[str, StrPath], inputs: Mapping[str, StrPath]) -> None:
    """Check every output before any work: each writable (:func:`check_output_path`), none of
    them one of the ``inputs``, no two of them the same file.

    ``outputs`` and ``inputs`` map a label for the message (``"--json"``, ``"the input video"``)
    to a path. Raises OutputError naming the clash.
    """
    seen: list[tuple[str, StrPath]] = []
    for label, path in outputs.items():
        for in_label, in_path in inputs.items():
            if same_file(path, in_path):
                raise OutputError(
                    f"refusing to write {label} {os.fspath(path)}: it is {in_label} "
                    f"({os.fspath(in_path)}) and would overwrite it",
                    hint="choose another output path",
                )
        for other_label, other in seen:
            if same_file(path, other):
                raise OutputError(
                    f"{other_label} and {label} both write to {os.fspath(path)}",
                    hint="give each output its own path",
                )
        check_output_path(path)
        seen.append((label, path))


def temp_beside(path: StrPath, suffix: str) -> tuple[int, Path, Path]:
    """(fd, temp path, resolved target): a new hidden temp file in the target's folder."""
    shown = os.fspath(path)
    target = check_output_path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
    except OSError as err:
        raise OutputError(f"cannot write {shown}: {short_reason(err)}") from None
    return fd, Path(tmp), target


def final_mode(path: Path) -> int:
    """The permission bits a replacement of ``path`` gets: those of the file it replaces."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return _NEW_FILE_MODE


def remove_quietly(path: Path) -> None:
    """Delete ``path`` if it is there; never raises."""
    try:
        path.unlink()
    except OSError:
        pass


def atomic_write_bytes(path: StrPath, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and ``os.replace``.

    Readers see either the old file or the complete new one. Raises OutputError (one line) when
    the folder is missing or not writable, or the write fails. A symlink at ``path`` is followed.
    """
    fd, tmp, target = temp_beside(path, ".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, final_mode(target))
        os.replace(tmp, target)
    except OSError as err:
        remove_quietly(tmp)
        raise OutputError(f"cannot write {os.fspath(path)}: {short_reason(err)}") from None
    except BaseException:
        remove_quietly(tmp)
        raise


def atomic_write_text(path: StrPath, text: str, encoding: str = "utf-8") -> None:
    """Text version of :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode(encoding))
