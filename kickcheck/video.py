"""EDGE: read phone videos as upright BGR frames with container timestamps.

Everything here goes through PyAV (FFmpeg). OpenCV is used only for cheap pixel operations.

Reading
    ``probe(path)`` checks the path and describes the clip (:class:`VideoInfo`).
    ``FrameReader(path)`` yields :class:`Frame` objects and, after the loop, tells what happened
    in ``.stats`` (:class:`DecodeStats`): frames decoded, frames the container promised, whether
    the file ended early. ``iter_frames(path)`` is the same loop without the stats.

Rotation
    Phones store portrait clips as landscape pixels plus a display matrix ("rotate 90"). FFmpeg's
    decoder does not apply it; it attaches it to every decoded frame (``frame.rotation``, which
    is counter-clockwise, so a portrait phone clip reads ``-90``). We read the matrix from the
    first frame and apply it to every frame, so frames, ``VideoInfo.width/height`` and every pixel
    coordinate downstream are in the *upright* picture. ``VideoInfo.rotation_deg`` is the
    clockwise rotation applied (portrait phone clip: 90). A mirrored matrix (rare) is honoured
    too; ``FrameReader.mirrored`` tells.

Timestamps
    ``Frame.t_s`` is the container's presentation time (phone video is often variable frame
    rate), shifted so the first frame is at 0 and repaired to be strictly increasing: a frame
    whose time is missing or not after the previous one gets the previous time plus one nominal
    frame step (``1 / VideoInfo.fps``); ``DecodeStats.timestamps_repaired`` counts them.

Writing lives next door: ``videowriter.VideoSink`` (H.264 MP4) and ``atomic`` (whole-or-nothing
files, output checks). ``VideoSink``, ``atomic_write_text`` and ``atomic_write_bytes`` are
re-exported here for code that imports them from ``kickcheck.video``.
"""

from __future__ import annotations

import math
import os
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
from av.sidedata.sidedata import Type as SideDataType
from av.video.reformatter import Interpolation, VideoReformatter

from kickcheck.atomic import atomic_write_bytes, atomic_write_text
from kickcheck.atomic import short_reason as _short_reason
from kickcheck.errors import InputFileError, VideoOpenError
from kickcheck.shots import THUMB_WH, thumbnail_from_luma
from kickcheck.types import Frame, VideoInfo
from kickcheck.videowriter import VideoSink

__all__ = [
    "DecodeStats",
    "FrameReader",
    "VideoSink",
    "atomic_write_bytes",
    "atomic_write_text",
    "choose_fps",
    "estimate_fps",
    "iter_frames",
    "prefetch",
    "probe",
]

StrPath = str | os.PathLike[str]

#: Frame rates outside this range in a header are treated as a lie (a time base read as a rate,
#: 0, NaN) and replaced by an estimate from the timestamps. Phones record 24-240 fps.
MIN_PLAUSIBLE_FPS = 1.0
MAX_PLAUSIBLE_FPS = 480.0

#: How many packets' timestamps to read when the header's frame rate has to be estimated.
_FPS_SAMPLE_PACKETS = 300
#: How many packets ``probe`` reads at most while looking for the first decodable frame.
_PROBE_MAX_PACKETS = 600
#: Consecutive packets that fail to decode before the reader gives up on the rest of the file.
_MAX_CONSECUTIVE_DECODE_ERRORS = 30
#: Containers routinely promise a few frames more than decode (FIELD_NOTES: 2-9). Fewer missing
#: frames than this, with no other sign of damage, are not worth a warning.
MISSING_FRAMES_TOLERANCE = 10

#: Still-image demuxers (plus every "*_pipe" one), which FFmpeg would open as a 1-frame video.
_IMAGE_FORMATS = {"image2"}

# The 2x2 part of a display matrix, as three pixel operations applied in this order:
# (transpose, flip rows upside down, flip columns left-right).
_Orient = tuple[bool, bool, bool]
_ORIENT_FOR_CW: dict[int, _Orient] = {
    0: (False, False, False),
    90: (True, False, True),
    180: (False, True, True),
    270: (True, True, False),
}
# The same rotations followed by a left-right mirror.
_MIRRORED_ORIENT_FOR_CW: dict[int, _Orient] = {
    0: (False, False, True),
    90: (True, False, False),
    180: (False, True, False),
    270: (True, True, True),
}


# ----------------------------------------------------------------------------------------------
# Probing
# ----------------------------------------------------------------------------------------------


def _check_input_path(path: StrPath) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"no such file: {p}")
    if p.is_dir():
        raise InputFileError(f"{p} is a folder, not a video file")
    if p.stat().st_size == 0:
        raise InputFileError(f"{p} is empty (0 bytes)")
    if not os.access(p, os.R_OK):
        raise InputFileError(f"{p} cannot be read (permission denied)")
    return p


def _open_error(path: Path, reason: str) -> VideoOpenError:
    return VideoOpenError(f"cannot read {path} as a video: {reason}")


def _av_open_for_reading(path: Path) -> Any:
    """``av.open`` for reading, asking PyAV before 19 to ignore badly encoded metadata strings
    (``metadata_errors="ignore"``); PyAV 19 removed that argument, and a fresh install gets 19."""
    try:
        return av.open(str(path), mode="r", metadata_errors="ignore")
    except TypeError:  # PyAV >= 19: "open() got an unexpected keyword argument"
        return av.open(str(path), mode="r")


def _open_container(path: Path) -> Any:
    try:
        container = _av_open_for_reading(path)
    except av.FFmpegError as err:
        reason = _short_reason(err)
        if isinstance(err, av.InvalidDataError):
            reason = "not a video file, or the file is damaged or incomplete"
        raise _open_error(path, reason) from None
    except (OSError, UnicodeDecodeError) as err:  # pragma: no cover - odd file systems
        raise _open_error(path, _short_reason(err)) from None
    if container.format.name in _IMAGE_FORMATS or container.format.name.endswith("_pipe"):
        container.close()
        raise _open_error(path, "it is a still image, not a video")
    if not container.streams.video:
        container.close()
        raise _open_error(path, "it has no video stream")
    return container


def _video_stream(container: Any) -> Any:
    """The main video stream: the first one not flagged as cover art."""
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    return container.streams.video[0]


def _as_float(rate: Any) -> float | None:
    if rate is None:
        return None
    try:
        value = float(rate)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return value if math.isfinite(value) else None


def _plausible_fps(fps: float | None) -> bool:
    return fps is not None and MIN_PLAUSIBLE_FPS <= fps <= MAX_PLAUSIBLE_FPS


def estimate_fps(timestamps_s: Sequence[float] | np.ndarray) -> float | None:
    """Frame rate from presentation timestamps: 1 / median step between distinct sorted times.

    The median ignores dropped frames and the odd long frame of variable-frame-rate phone video.
    Order does not matter (packets arrive in decode order). Returns None when fewer than two
    distinct finite times are given, or when the result is outside the plausible range
    (MIN_PLAUSIBLE_FPS..MAX_PLAUSIBLE_FPS).
    """
    t = np.asarray(timestamps_s, dtype=np.float64).ravel()
    t = np.unique(t[np.isfinite(t)])  # sorted, duplicates removed
    if t.size < 2:
        return None
    step = float(np.median(np.diff(t)))
    fps = 1.0 / step if step > 0 else None
    return fps if _plausible_fps(fps) else None


def _packet_times(container: Any, stream: Any, max_packets: int) -> list[float]:
    times: list[float] = []
    try:
        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            if packet.pts is not None and packet.time_base is not None:
                times.append(float(packet.pts * packet.time_base))
            if len(times) >= max_packets:
                break
    except av.FFmpegError:
        pass  # a damaged tail: use what was read
    return times


def choose_fps(
    header_fps: float | None,
    timestamps_s: Sequence[float] | np.ndarray = (),
    codec_fps: float | None = None,
) -> float | None:
    """The frame rate to use: the header's average rate if plausible, else an estimate from the
    timestamps (:func:`estimate_fps`), else the codec's own rate if plausible, else None.

    "Plausible" is MIN_PLAUSIBLE_FPS..MAX_PLAUSIBLE_FPS: 0, NaN and a time base read as a rate
    (1000, 90000) are not.
    """
    header = _as_float(header_fps)
    if _plausible_fps(header):
        return header
    estimated = estimate_fps(timestamps_s)
    if estimated is not None:
        return estimated
    codec = _as_float(codec_fps)
    return codec if _plausible_fps(codec) else None


def _fps_of(path: Path, stream: Any) -> float:
    average = _as_float(stream.average_rate)
    times: list[float] = []
    if not _plausible_fps(average):  # only then is it worth reading packet timestamps
        with _open_container(path) as container:
            times = _packet_times(container, _video_stream(container), _FPS_SAMPLE_PACKETS)
    codec = _as_float(stream.guessed_rate)
    if not _plausible_fps(codec):
        codec = _as_float(stream.base_rate)
    fps = choose_fps(average, times, codec)
    if fps is None:
        raise _open_error(path, "its header has no frame rate and its timestamps give none")
    return fps


def _display_matrix(frame: Any) -> np.ndarray | None:
    try:
        side = frame.side_data.get(SideDataType.DISPLAYMATRIX)
    except (AttributeError, KeyError, ValueError):  # pragma: no cover - older PyAV
        return None
    if side is None:
        return None
    raw = bytes(side)
    if len(raw) < 36:
        return None
    return np.frombuffer(raw[:36], dtype=np.int32).astype(np.float64)


def _orientation(frame: Any) -> tuple[int, _Orient]:
    """(clockwise rotation in degrees, pixel operations) that make ``frame`` upright.

    FFmpeg's display matrix maps a source pixel (p, q) to (p', q') = (a p + c q, b p + d q) plus
    an offset, with [a, b, _, c, d, ...] its first five entries. For the axis-aligned matrices
    phones write this is a transpose and/or flips, read off the signs; the rotation reported is
    the quarter turn those operations contain (a mirror, if any, comes after it). Anything else
    (an arbitrary angle) is rounded to the nearest quarter turn, without mirroring.
    """
    ccw = getattr(frame, "rotation", 0) or 0
    try:
        cw = int(round(-float(ccw) / 90.0)) * 90 % 360
    except (TypeError, ValueError):  # pragma: no cover - NaN rotation
        cw = 0
    m = _display_matrix(frame)
    if m is None:
        return cw, _ORIENT_FOR_CW[cw]
    a, b, c, d = m[0], m[1], m[3], m[4]
    tol = 1e-3 * max(abs(a), abs(b), abs(c), abs(d))
    orient: _Orient | None = None
    if tol > 0 and abs(a) < tol and abs(d) < tol:  # axes swapped: p' from q, q' from p
        orient = (True, bool(b < 0), bool(c < 0))
    elif tol > 0 and abs(b) < tol and abs(c) < tol:
        orient = (False, bool(d < 0), bool(a < 0))
    for table in (_ORIENT_FOR_CW, _MIRRORED_ORIENT_FOR_CW):
        for rotation, candidate in table.items():
            if candidate == orient:
                return rotation, orient
    return cw, _ORIENT_FOR_CW[cw]


def _is_mirrored(orient: _Orient) -> bool:
    return orient in _MIRRORED_ORIENT_FOR_CW.values()


def _apply_orientation(image: np.ndarray, orient: _Orient) -> np.ndarray:
    transpose, flip_rows, flip_cols = orient
    if transpose:
        image = cv2.transpose(image)
    if flip_rows and flip_cols:
        image = cv2.flip(image, -1)
    elif flip_rows:
        image = cv2.flip(image, 0)
    elif flip_cols:
        image = cv2.flip(image, 1)
    return image


@dataclass(frozen=True)
class _Probe:
    info: VideoInfo
    orient: _Orient
    stored_wh: tuple[int, int]  #: decoded pixel size before rotation
    first_time_s: float | None = None  #: the first decoded frame's presentation time


def _probe(path: StrPath) -> _Probe:
    p = _check_input_path(path)
    with _open_container(p) as container:
        stream = _video_stream(container)
        codec = stream.codec_context.name if stream.codec_context is not None else ""
        first = None
        try:
            for n, packet in enumerate(container.demux(stream)):
                try:
                    frames = packet.decode()
                except av.FFmpegError:
                    frames = []
                if frames:
                    first = frames[0]
                    break
                if n >= _PROBE_MAX_PACKETS:
                    break
        except av.FFmpegError:
            pass
        if first is None:
            raise _open_error(p, f"no frame could be decoded (codec: {codec or 'unknown'})")
        fps = _fps_of(p, stream)
        frames_expected = int(stream.frames or 0)
        duration_s = _as_float(stream.duration * stream.time_base) if stream.duration else None
        if duration_s is None and container.duration:
            duration_s = container.duration / av.time_base
        if frames_expected <= 0 and duration_s:
            frames_expected = int(round(duration_s * fps))
        if not duration_s:
            duration_s = frames_expected / fps
    cw, orient = _orientation(first)
    stored_w, stored_h = int(first.width), int(first.height)
    width, height = (stored_h, stored_w) if orient[0] else (stored_w, stored_h)
    info = VideoInfo(
        path=str(p),
        fps=float(fps),
        frame_count=frames_expected,
        width=width,
        height=height,
        duration_s=float(duration_s),
        rotation_deg=cw,
        codec=codec,
        frames_expected=frames_expected,
    )
    first_t = _as_float(first.time)
    return _Probe(info=info, orient=orient, stored_wh=(stored_w, stored_h), first_time_s=first_t)


def probe(path: StrPath) -> VideoInfo:
    """Check ``path`` and describe the video in it, without decoding more than one frame.

    ``width``/``height`` are the upright size (rotation metadata applied) and ``rotation_deg`` the
    clockwise rotation that makes stored frames upright. ``fps`` is the container's average rate,
    or an estimate from packet timestamps when the header gives 0/NaN/an absurd value; it is never
    0. ``frames_expected`` is the container's frame count (estimated from the duration when the
    container has none); ``frame_count`` equals it until ``FrameReader`` has decoded the clip.

    Raises InputFileError (missing path, folder, empty file, unreadable) or VideoOpenError (not a
    video, no video stream, nothing decodable).
    """
    return _probe(path).info


# ----------------------------------------------------------------------------------------------
# Reading frames
# ----------------------------------------------------------------------------------------------


@dataclass
class DecodeStats:
    """What one pass of ``FrameReader`` over a file found. Filled in while iterating."""

    frames_decoded: int = 0
    frames_expected: int = 0  #: the container's count (often a few frames too many)
    data_missing: bool = False  #: the container indexes bytes past the end of the file
    stopped_by_error: str | None = None  #: why reading stopped before the container's end
    decode_errors: int = 0  #: packets the decoder rejected (skipped)
    timestamps_repaired: int = 0  #: frames whose time was missing or not increasing
    finished: bool = False  #: the loop ran to the end (False if the caller stopped early)

    @property
    def frames_lost(self) -> int:
        """Frames the container promised that did not decode (0 if more decoded)."""
        return max(0, self.frames_expected - self.frames_decoded)

    @property
    def truncated(self) -> bool:
        """The file ends before its own index says it should, or reading it failed midway."""
        return self.data_missing or self.stopped_by_error is not None

    def warning(self) -> str | None:
        """A one-line warning for the user, or None when nothing worth saying happened."""
        lost, expected = self.frames_lost, self.frames_expected
        if self.truncated:
            return f"the file is truncated: {lost} of {expected} frames could not be decoded"
        if self.decode_errors or lost > MISSING_FRAMES_TOLERANCE:
            return f"the file is damaged: {lost} of {expected} frames could not be decoded"
        return None


def _bytes_missing(stream: Any, file_size: int) -> bool:
    """True if the container's sample index points past the end of the file (a cut-off file)."""
    try:
        entries = stream.index_entries
        return any(e.pos >= 0 and e.pos + e.size > file_size for e in entries)
    except (AttributeError, av.FFmpegError):  # pragma: no cover - formats without an index
        return False


#: 8-bit pixel formats whose first plane is the luma: what H.264, HEVC and VP9 decode to.
_LUMA_FORMATS = frozenset(
    {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "yuv440p", "yuvj440p"}
    | {"yuv411p", "yuv410p", "nv12", "nv21", "gray"}
)
_JPEG_RANGE = 2  # AVCOL_RANGE_JPEG: full-range luma


def _cut_thumbnail(frame: Any, reformatter: VideoReformatter) -> np.ndarray:
    """The scene-cut detector's thumbnail of a decoded frame (see ``shots``), of the picture as
    stored (cuts do not depend on its orientation).

    Taken from the luma plane as it is, without a colour conversion or a full-size scaling (about
    0.4 ms for 1080p), so that it is cheap enough for every frame decoded, also those ``stride``
    skips. Other pixel formats go through FFmpeg's scaler (``reformatter``: its own, so that the
    analysis frames' scaler is not set up again at every frame).
    """
    name = frame.format.name
    if name in _LUMA_FORMATS:
        plane = frame.planes[0]
        luma = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
        full = frame.color_range == _JPEG_RANGE or name.startswith("yuvj") or name == "gray"
        return thumbnail_from_luma(luma[::4, : frame.width : 4], full_range=full)
    grey = reformatter.reformat(
        frame,
        width=max(THUMB_WH[0], frame.width // 4),
        height=max(THUMB_WH[1], frame.height // 4),
        format="gray",
        interpolation=Interpolation.AREA,
    ).to_ndarray()
    return thumbnail_from_luma(grey, full_range=True)


class FrameReader:
    """Iterate over the upright frames of a video; read ``.stats`` afterwards.

    Example::

        reader = FrameReader("clip.mp4", max_side=960)
        for frame in reader:
            ...
        reader.stats.warning()  # "the file is truncated: 37 of 300 frames could not be decoded"

    ``max_side`` shrinks frames whose longer side exceeds it (aspect kept, area interpolation in
    FFmpeg's scaler). Frame pixel coordinates are then in the *shrunk* frame: divide by
    ``.scale`` to map them back to the ``VideoInfo`` size. ``.frame_size_wh`` is the size of the
    frames yielded. Each iteration decodes the file again from the start and resets ``.stats``;
    after a complete pass ``.info`` is corrected (``frame_count`` = frames decoded,
    ``duration_s`` = last timestamp + one frame step).

    ``stride`` yields every stride-th frame only (``--fast``): the others are decoded (H.264
    needs them) but never scaled or converted; ``.times_s`` holds the time of every frame decoded,
    yielded or not, and ``Frame.index`` stays the frame's number in the clip. Each frame yielded
    carries the cut detector's thumbnails of the frames skipped before it (``Frame.thumbs``), so
    that a fade seen every other frame is not taken for a cut. ``start_s`` /
    ``end_s`` read a time window ``[start_s, end_s)`` of the clip's time (a seek to the keyframe
    before it, then decoding forward); ``first_index`` is then the clip's number of the window's
    first frame. Windows are for clean files (``--jobs``); ``.info`` is not corrected after one.
    """

    def __init__(
        self,
        path: StrPath,
        info: VideoInfo | None = None,
        max_side: int | None = None,
        *,
        stride: int = 1,
        start_s: float | None = None,
        end_s: float | None = None,
        first_index: int = 0,
    ) -> None:
        if max_side is not None and max_side < 2:
            raise ValueError(f"max_side must be at least 2 pixels, got {max_side}")
        if stride < 1:
            raise ValueError(f"stride must be at least 1, got {stride}")
        probed = _probe(path)
        self.path = Path(path)
        self.info: VideoInfo = info if info is not None else probed.info
        self._orient = probed.orient
        self._first_time_s = probed.first_time_s
        self.rotation_deg: int = probed.info.rotation_deg
        self.mirrored: bool = _is_mirrored(probed.orient)
        self.stride = stride
        self.window = (start_s, end_s)
        self._first_index = first_index
        if (start_s is not None or end_s is not None) and self._first_time_s is None:
            raise VideoOpenError(f"cannot read a time window of {path}: its frames carry no time")
        stored_w, stored_h = probed.stored_wh
        self.scale: float = 1.0
        if max_side is not None and max(stored_w, stored_h) > max_side:
            self.scale = max_side / max(stored_w, stored_h)
        self._decode_wh = (
            max(2, int(round(stored_w * self.scale))),
            max(2, int(round(stored_h * self.scale))),
        )
        w, h = self._decode_wh
        self.frame_size_wh: tuple[int, int] = (h, w) if self._orient[0] else (w, h)
        self.stats = DecodeStats(frames_expected=self.info.frames_expected)
        #: The time of every frame decoded in the last pass, also those ``stride`` skipped.
        self.times_s: list[float] = []

    def __iter__(self) -> Iterator[Frame]:
        stats = DecodeStats(frames_expected=self.info.frames_expected)
        self.stats = stats
        self.times_s = times = []
        step_s = 1.0 / self.info.fps
        reformatter = VideoReformatter()
        thumb_reformatter = VideoReformatter()
        thumbs: list[np.ndarray] = []
        width, height = self._decode_wh
        resize = self.scale != 1.0
        start_s, end_s = self.window
        windowed = start_s is not None or end_s is not None
        try:
            container = _av_open_for_reading(self.path)
        except av.FFmpegError as err:  # the file changed since probe
            raise _open_error(self.path, _short_reason(err)) from None
        try:
            stream = _video_stream(container)
            stats.data_missing = _bytes_missing(stream, self.path.stat().st_size)
            # Frame threads decode faster, but drop the frames in flight when a packet is cut
            # off; a file known to be cut short is decoded with slice threads only.
            stream.thread_type = "SLICE" if stats.data_missing else "AUTO"
            t0: float | None = self._first_time_s if windowed else None
            if start_s is not None and t0 is not None and start_s > 0 and stream.time_base:
                # Seek to the keyframe at or before the window; frames before it are skipped
                # below without being converted.
                container.seek(int((t0 + start_s) / stream.time_base), stream=stream, backward=True)
            lo = -math.inf if start_s is None else start_s - 0.25 * step_s
            hi = math.inf if end_s is None else end_s - 0.25 * step_s
            prev_t = -step_s
            index = self._first_index
            for frame in self._decoded(container, stream, stats):
                raw_t = frame.time
                if raw_t is not None and t0 is None:
                    t0 = float(raw_t) - (prev_t + step_s)
                t = float(raw_t) - t0 if raw_t is not None and t0 is not None else math.nan
                if not t > prev_t:  # missing (NaN), repeated or going backwards
                    t = prev_t + step_s
                    stats.timestamps_repaired += 1
                prev_t = t
                if t < lo:
                    continue
                if t >= hi:
                    break
                stats.frames_decoded += 1
                times.append(t)
                thumbs.append(_cut_thumbnail(frame, thumb_reformatter))
                if index % self.stride:
                    index += 1
                    continue  # not analysed: decoded (it has to be) but not converted
                rgb = reformatter.reformat(
                    frame,
                    width=width if resize else None,
                    height=height if resize else None,
                    format="bgr24",
                    interpolation=Interpolation.AREA if resize else None,
                    src_color_range=frame.color_range,
                )
                image = _apply_orientation(rgb.to_ndarray(), self._orient)
                yield Frame(index=index, t_s=t, image_bgr=image, thumbs=tuple(thumbs))
                thumbs = []
                index += 1
            stats.finished = True
            if index and not windowed:
                self.info = replace(self.info, frame_count=index, duration_s=float(prev_t + step_s))
        finally:
            container.close()

    @staticmethod
    def _decoded(container: Any, stream: Any, stats: DecodeStats) -> Iterator[Any]:
        """Decoded frames in presentation order; damaged packets skipped, damaged tails ended."""
        packets = container.demux(stream)
        consecutive_errors = 0
        while True:
            try:
                packet = next(packets)
            except StopIteration:
                return  # the demuxer's final empty packet has already flushed the decoder
            except av.FFmpegError as err:
                stats.stopped_by_error = _short_reason(err)
                break
            try:
                frames = packet.decode()
            except av.FFmpegError as err:
                stats.decode_errors += 1
                consecutive_errors += 1
                if consecutive_errors >= _MAX_CONSECUTIVE_DECODE_ERRORS:
                    stats.stopped_by_error = _short_reason(err)
                    break
                continue
            consecutive_errors = 0
            yield from frames
        try:  # stopped early: collect the frames still inside the decoder
            yield from stream.codec_context.decode(None)
        except av.FFmpegError:
            pass


#: Frames decoded ahead of the model by ``prefetch``: enough to cover a slow frame, few enough that
#: memory does not grow (a 640x360 BGR frame is 0.7 MB).
PREFETCH_FRAMES = 4


def prefetch(frames: Iterable[Frame], depth: int = PREFETCH_FRAMES) -> Iterator[Frame]:
    """``frames``, decoded ahead in a background thread into a queue of ``depth`` frames.

    FFmpeg's decoder and scaler and MediaPipe's graph release the GIL, so decoding the next frame
    overlaps the model's work on this one. The queue is bounded, so at most ``depth + 2`` frames
    exist at a time. An exception in the reader is raised here, in the consumer; stopping early
    (``close()``, an exception in the consumer) stops the reader and closes its iterator.
    """
    q: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        it = iter(frames)
        try:
            for frame in it:
                if not put(("frame", frame)):
                    break
            else:
                put(("end", None))
        except BaseException as err:  # noqa: BLE001 - handed to the consumer
            put(("error", err))
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=run, name="kickcheck-reader", daemon=True)
    thread.start()
    try:
        while True:
            kind, item = q.get()
            if kind == "frame":
                yield item
            elif kind == "error":
                raise item
            else:
                return
    finally:
        stop.set()
        thread.join()


def iter_frames(
    path: StrPath, info: VideoInfo | None = None, max_side: int | None = None
) -> Iterator[Frame]:
    """Upright BGR frames of ``path`` with container timestamps. See :class:`FrameReader`
    (use it directly to learn afterwards whether the file was truncated)."""
    yield from FrameReader(path, info=info, max_side=max_side)
