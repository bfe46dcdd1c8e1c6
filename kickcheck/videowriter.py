"""EDGE: write BGR frames as an H.264 MP4 that browsers play (PyAV), whole or not at all."""

from __future__ import annotations

import math
import os
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import cv2
import numpy as np

from kickcheck.atomic import final_mode, remove_quietly, short_reason, temp_beside
from kickcheck.errors import OutputError

__all__ = ["VideoSink"]

StrPath = str | os.PathLike[str]


class VideoSink:
    """Write BGR frames to an H.264 (libx264, yuv420p) MP4 that browsers play.

    Example::

        with VideoSink("overlay.mp4", fps=info.fps, size_wh=(info.width, info.height)) as sink:
            for frame in frames:
                sink.write(draw(frame.image_bgr), t_s=frame.t_s)

    Frames must be ``uint8 [H, W, 3]`` with ``(W, H) == size_wh``. H.264 4:2:0 needs even sizes:
    an odd width or height is padded by one repeated edge pixel (``.output_size_wh``), so pixel
    coordinates do not move. ``t_s`` (seconds) keeps variable frame timing; without it frames are
    spaced ``1/fps`` apart. The MP4 is written to a hidden temp file beside ``path`` and renamed
    into place when the block ends cleanly; on an exception the temp file is deleted and nothing
    appears at ``path``. Without ``with``, call ``close()`` (or ``abort()``).
    """

    _TIME_BASE = Fraction(1, 90000)

    def __init__(
        self,
        path: StrPath,
        fps: float,
        size_wh: tuple[int, int],
        *,
        crf: int = 23,
        preset: str = "veryfast",
    ) -> None:
        try:
            fps_value = float(fps)
        except (TypeError, ValueError):
            fps_value = math.nan
        if not math.isfinite(fps_value) or fps_value <= 0:
            raise ValueError(f"fps must be a positive number, got {fps!r}")
        w, h = (int(v) for v in size_wh)
        if w < 1 or h < 1:
            raise ValueError(f"size_wh must be positive, got {tuple(size_wh)}")
        self.path = Path(path)
        self.fps = fps_value
        self.size_wh = (w, h)
        self.output_size_wh = (w + w % 2, h + h % 2)
        self.frames_written = 0
        self._last_pts = -1
        self._closed = False
        fd, self._tmp, self._target = temp_beside(self.path, ".part.mp4")
        os.close(fd)
        try:
            self._container = av.open(
                str(self._tmp), mode="w", format="mp4", options={"movflags": "+faststart"}
            )
            rate = Fraction(fps_value).limit_denominator(1001)
            stream = self._container.add_stream(
                "libx264", rate=rate, options={"crf": str(crf), "preset": preset}
            )
            stream.width, stream.height = self.output_size_wh
            stream.pix_fmt = "yuv420p"
            stream.codec_context.time_base = self._TIME_BASE
            self._stream = stream
        except (av.FFmpegError, OSError, ValueError) as err:
            remove_quietly(self._tmp)
            raise OutputError(f"cannot write {self.path}: {short_reason(err)}") from None

    def __enter__(self) -> VideoSink:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def write(self, frame_bgr: np.ndarray, t_s: float | None = None) -> None:
        """Encode one frame. ``t_s``: its presentation time in seconds (default: index / fps)."""
        if self._closed:
            raise ValueError(f"VideoSink for {self.path} is already closed")
        w, h = self.size_wh
        if frame_bgr.dtype != np.uint8 or frame_bgr.shape != (h, w, 3):
            raise ValueError(
                f"frame must be uint8 [{h}, {w}, 3], got {frame_bgr.dtype} {list(frame_bgr.shape)}"
            )
        if self.output_size_wh != self.size_wh:
            frame_bgr = cv2.copyMakeBorder(
                frame_bgr, 0, h % 2, 0, w % 2, borderType=cv2.BORDER_REPLICATE
            )
        seconds = self.frames_written / self.fps if t_s is None else float(t_s)
        pts = int(round(seconds / self._TIME_BASE))
        pts = max(pts, self._last_pts + 1)
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame_bgr), format="bgr24")
        frame.pts = pts
        frame.time_base = self._TIME_BASE
        try:
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        except (av.FFmpegError, OSError) as err:
            raise OutputError(f"cannot write {self.path}: {short_reason(err)}") from None
        self._last_pts = pts
        self.frames_written += 1

    def close(self) -> None:
        """Finish the file and move it into place. Raises OutputError if no frame was written."""
        if self._closed:
            return
        if self.frames_written == 0:
            self.abort()
            raise OutputError(f"nothing written to {self.path}: no frames were given")
        try:
            for packet in self._stream.encode(None):
                self._container.mux(packet)
            self._container.close()
            self._closed = True
            os.chmod(self._tmp, final_mode(self._target))
            os.replace(self._tmp, self._target)
        except (av.FFmpegError, OSError) as err:
            self.abort()
            raise OutputError(f"cannot write {self.path}: {short_reason(err)}") from None

    def abort(self) -> None:
        """Drop everything written so far; ``path`` is left untouched."""
        if not self._closed:
            self._closed = True
            try:
                self._container.close()
            except (av.FFmpegError, OSError):
                pass
        remove_quietly(self._tmp)
