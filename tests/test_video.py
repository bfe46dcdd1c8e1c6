"""Video I/O on tiny clips written into tmp_path with PyAV (libx264)."""

from __future__ import annotations

import os
import pickle
import struct
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kickcheck.errors import InputFileError, OutputError, VideoOpenError
from kickcheck.video import (
    FrameReader,
    VideoSink,
    atomic_write_bytes,
    atomic_write_text,
    choose_fps,
    estimate_fps,
    iter_frames,
    probe,
)

W, H = 160, 96
N = 32
BITS = 6  # frame numbers are drawn into each frame as 6 binary blocks, to check order


# ----------------------------------------------------------------------------------------------
# Clip factories
# ----------------------------------------------------------------------------------------------


def numbered_frame(i: int, w: int = W, h: int = H, noise: bool = False) -> np.ndarray:
    """Frame ``i``: its number in 6 black/white blocks along the bottom-left (bit 0 leftmost);
    a red square that moves right by 4 px a frame in the top half; grey elsewhere."""
    img = np.full((h, w, 3), 100, np.uint8)
    if noise:  # busy bottom-right block so every frame costs real bytes in the file
        rng = np.random.default_rng(i)
        img[h // 2 :, w // 2 :] = rng.integers(0, 256, (h - h // 2, w - w // 2, 3), np.uint8)
    block = (w // 2) // BITS
    for bit in range(BITS):
        img[h // 2 :, bit * block : (bit + 1) * block] = 255 if (i >> bit) & 1 else 0
    x = (4 * i) % (w - 16)
    img[8:24, x : x + 16] = (0, 0, 255)
    return img


def frame_number(image_bgr: np.ndarray) -> int:
    """Inverse of ``numbered_frame`` (at any scale): read the bit blocks' centres."""
    h, w = image_bgr.shape[:2]
    block = (w // 2) / BITS
    value = 0
    for bit in range(BITS):
        x0, x1 = int((bit + 0.25) * block), int((bit + 0.75) * block)
        if image_bgr[int(h * 0.6) : int(h * 0.9), x0:x1].mean() > 128:
            value |= 1 << bit
    return value


def write_clip(
    path: Path,
    frames: list[np.ndarray],
    fps: int = 30,
    pts_ms: list[int] | None = None,
    rotation_ccw: int | None = None,
    hflip: bool = False,
    faststart: bool = False,
    fmt: str | None = None,
    x264_options: dict[str, str] | None = None,
) -> Path:
    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", format=fmt, options=options) as container:
        stream = container.add_stream("libx264", rate=fps, options=x264_options or {})
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        if pts_ms is not None:
            stream.codec_context.time_base = Fraction(1, 1000)
        if rotation_ccw is not None or hflip:
            stream.set_display_rotation(rotation_ccw or 0, hflip=hflip)
        for i, img in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(img, format="bgr24")
            if pts_ms is not None:
                frame.pts, frame.time_base = pts_ms[i], Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return write_clip(tmp_path / "clip.mp4", [numbered_frame(i) for i in range(N)])


def assert_one_line(err: pytest.ExceptionInfo[BaseException], *fragments: str) -> None:
    text = str(err.value)
    assert "\n" not in text
    for fragment in fragments:
        assert fragment in text


# ----------------------------------------------------------------------------------------------
# Frames and timestamps
# ----------------------------------------------------------------------------------------------


def test_probe_describes_a_plain_clip(clip: Path) -> None:
    info = probe(clip)
    assert (info.width, info.height, info.rotation_deg) == (W, H, 0)
    assert info.fps == pytest.approx(30.0)
    assert info.frames_expected == N
    assert info.duration_s == pytest.approx(N / 30, abs=1e-3)
    assert info.codec == "h264"


def test_every_frame_comes_back_in_order_with_its_timestamp(clip: Path) -> None:
    reader = FrameReader(clip)
    frames = list(reader)
    assert len(frames) == N
    assert [f.index for f in frames] == list(range(N))
    assert [frame_number(f.image_bgr) for f in frames] == list(range(N))
    np.testing.assert_allclose([f.t_s for f in frames], np.arange(N) / 30, atol=1e-3)
    for f in frames:
        assert f.image_bgr.dtype == np.uint8 and f.image_bgr.shape == (H, W, 3)
    # the red square is red in BGR order, where it was drawn
    assert frames[5].image_bgr[16, 20 + 8].tolist() == pytest.approx([0, 0, 255], abs=12)
    assert reader.stats.frames_decoded == N and reader.stats.finished
    assert reader.stats.frames_lost == 0 and not reader.stats.truncated
    assert reader.stats.warning() is None
    assert reader.info.frame_count == N


def test_variable_frame_rate_timestamps_come_from_the_container(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    steps = rng.integers(20, 55, N - 1)  # 18-50 fps, jittered like phone video
    pts_ms = [0, *np.cumsum(steps).tolist()]
    path = write_clip(tmp_path / "vfr.mp4", [numbered_frame(i) for i in range(N)], pts_ms=pts_ms)
    frames = list(iter_frames(path))
    assert [frame_number(f.image_bgr) for f in frames] == list(range(N))
    np.testing.assert_allclose([f.t_s for f in frames], np.array(pts_ms) / 1000, atol=1e-3)


def test_repeated_timestamps_are_repaired_to_strictly_increasing(tmp_path: Path) -> None:
    path = write_clip(
        tmp_path / "cfr.mp4", [numbered_frame(i) for i in range(20)], x264_options={"bf": "0"}
    )
    data = bytearray(path.read_bytes())
    at = data.find(b"stts")
    _, entries, count, delta = struct.unpack(">IIII", data[at + 4 : at + 20])
    assert (entries, count) == (1, 20), "expected one stts run for a constant-rate clip"
    struct.pack_into(">I", data, at + 16, 0)  # every frame now has the same timestamp
    broken = tmp_path / "zero_delta.mp4"
    broken.write_bytes(bytes(data))
    with av.open(str(broken)) as c:  # precondition: the container really repeats timestamps
        assert len({f.pts for f in c.decode(video=0)}) == 1

    reader = FrameReader(broken)
    t = np.array([f.t_s for f in reader])
    assert len(t) == 20 and t[0] == 0.0
    assert np.all(np.diff(t) > 0)
    assert reader.stats.timestamps_repaired == 19
    assert 1 <= reader.info.fps <= 480  # whatever FFmpeg makes of this header, never 0


def test_max_side_downscales_and_reports_the_scale(clip: Path) -> None:
    reader = FrameReader(clip, max_side=80)
    frames = list(reader)
    assert reader.scale == pytest.approx(0.5)
    assert reader.frame_size_wh == (80, 48)
    assert frames[0].image_bgr.shape == (48, 80, 3)
    assert reader.info.width == W  # info keeps the full upright size
    assert [frame_number(f.image_bgr) for f in frames] == list(range(N))
    # frame 5's square spans x 20..36 at full size, so 10..18 here
    cols = np.flatnonzero(frames[5].image_bgr[8, :, 2] > 200)
    assert cols.min() == pytest.approx(10, abs=1) and cols.max() == pytest.approx(17, abs=1)


def test_a_small_clip_is_not_upscaled(clip: Path) -> None:
    reader = FrameReader(clip, max_side=1000)
    assert reader.scale == 1.0 and next(iter(reader)).image_bgr.shape == (H, W, 3)


# ----------------------------------------------------------------------------------------------
# Rotation
# ----------------------------------------------------------------------------------------------


def marker_frame() -> np.ndarray:
    """Grey, with a red block in the stored top-left corner and a green one top-right."""
    img = np.full((H, W, 3), 128, np.uint8)
    img[:20, :20] = (0, 0, 255)
    img[:20, -20:] = (0, 255, 0)
    return img


def corner_colours(image: np.ndarray) -> dict[str, str]:
    h, w = image.shape[:2]
    patches = {
        "top-left": image[1:7, 1:7],
        "top-right": image[1:7, w - 7 : w - 1],
        "bottom-left": image[h - 7 : h - 1, 1:7],
        "bottom-right": image[h - 7 : h - 1, w - 7 : w - 1],
    }
    found = {}
    for name, patch in patches.items():
        b, g, r = patch.reshape(-1, 3).mean(0)
        if r > 200 and g < 60:
            found[name] = "red"
        elif g > 200 and r < 60:
            found[name] = "green"
    return found


@pytest.mark.parametrize(
    ("rotation_ccw", "hflip", "rotation_deg", "upright_wh", "corners"),
    [
        # a portrait phone clip: frame.rotation == -90, shown turned a quarter clockwise
        (-90, False, 90, (H, W), {"top-right": "red", "bottom-right": "green"}),
        (180, False, 180, (W, H), {"bottom-right": "red", "bottom-left": "green"}),
        (90, False, 270, (H, W), {"bottom-left": "red", "top-left": "green"}),
        (0, True, 0, (W, H), {"top-right": "red", "top-left": "green"}),  # mirrored
        (-90, True, 90, (H, W), {"top-left": "red", "bottom-left": "green"}),  # turned, mirrored
    ],
)
def test_rotated_clip_comes_back_upright(
    tmp_path: Path,
    rotation_ccw: int,
    hflip: bool,
    rotation_deg: int,
    upright_wh: tuple[int, int],
    corners: dict[str, str],
) -> None:
    path = write_clip(
        tmp_path / "rot.mp4", [marker_frame()] * 4, rotation_ccw=rotation_ccw, hflip=hflip
    )
    with av.open(str(path)) as c:  # precondition: the flag is in the file as expected
        first = next(c.decode(video=0))
        assert (first.width, first.height) == (W, H)
        if not hflip:  # FFmpeg reads a plain mirror as "rotation -180"
            assert first.rotation % 360 == rotation_ccw % 360
    info = probe(path)
    assert (info.width, info.height) == upright_wh
    assert info.rotation_deg == rotation_deg
    reader = FrameReader(path)
    frames = list(reader)
    assert len(frames) == 4
    assert frames[0].image_bgr.shape == (upright_wh[1], upright_wh[0], 3)
    assert corner_colours(frames[0].image_bgr) == corners
    assert reader.mirrored == hflip


@pytest.mark.parametrize("rotation_ccw", [-90, 180, 90])
def test_rotation_agrees_with_opencv_autorotation(tmp_path: Path, rotation_ccw: int) -> None:
    """A second opinion: OpenCV 4.11 applies the same rotation when asked to."""
    img = numbered_frame(3)
    img[:16, :16] = (255, 0, 0)
    path = write_clip(tmp_path / "rot.mp4", [img] * 3, rotation_ccw=rotation_ccw)
    cap = cv2.VideoCapture(str(path))
    assert cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    ok, expected = cap.read()
    cap.release()
    assert ok
    ours = next(iter_frames(path)).image_bgr
    assert ours.shape == expected.shape
    assert np.abs(ours.astype(int) - expected.astype(int)).mean() < 3


def test_rotated_and_downscaled(tmp_path: Path) -> None:
    path = write_clip(tmp_path / "rot.mp4", [marker_frame()] * 2, rotation_ccw=-90)
    reader = FrameReader(path, max_side=80)
    frame = next(iter(reader))
    assert reader.frame_size_wh == (48, 80)
    assert frame.image_bgr.shape == (80, 48, 3)
    assert corner_colours(frame.image_bgr) == {"top-right": "red", "bottom-right": "green"}


# ----------------------------------------------------------------------------------------------
# Damaged files
# ----------------------------------------------------------------------------------------------


def complete_packets(path: Path, size: int) -> int:
    """How many of the clip's packets lie wholly in its first ``size`` bytes."""
    with av.open(str(path)) as c:
        return sum(
            1 for p in c.demux(video=0) if p.size and p.pos is not None and p.pos + p.size <= size
        )


def test_truncated_file_yields_what_decodes_and_reports_the_loss(tmp_path: Path) -> None:
    full = write_clip(
        tmp_path / "full.mp4",
        [numbered_frame(i, noise=True) for i in range(N)],
        faststart=True,  # index first, as phones and the web write it: cutting loses frames only
    )
    data = full.read_bytes()
    cut = int(len(data) * 0.6)
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(data[:cut])
    decodable = complete_packets(full, cut)
    assert 0 < decodable < N

    info = probe(truncated)
    assert info.frames_expected == N
    reader = FrameReader(truncated)
    frames = list(reader)  # no exception
    assert len(frames) == decodable
    assert [frame_number(f.image_bgr) for f in frames] == list(range(decodable))
    stats = reader.stats
    assert stats.truncated and stats.finished
    assert stats.frames_decoded == decodable
    assert stats.frames_lost == N - decodable
    assert stats.warning() == (
        f"the file is truncated: {N - decodable} of {N} frames could not be decoded"
    )


def test_truncated_file_without_its_index_cannot_be_opened(tmp_path: Path) -> None:
    full = write_clip(tmp_path / "full.mp4", [numbered_frame(i, noise=True) for i in range(N)])
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(full.read_bytes()[: int(full.stat().st_size * 0.6)])
    with pytest.raises(VideoOpenError) as err:
        probe(cut)
    assert_one_line(err, f"cannot read {cut} as a video: ")


def test_stopping_early_leaves_stats_unfinished(clip: Path) -> None:
    reader = FrameReader(clip)
    for frame in reader:
        if frame.index == 3:
            break
    assert reader.stats.frames_decoded == 4 and not reader.stats.finished
    assert reader.info.frame_count == N  # not corrected from a partial pass


# ----------------------------------------------------------------------------------------------
# Bad input paths
# ----------------------------------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.mp4"
    with pytest.raises(InputFileError) as err:
        probe(missing)
    assert_one_line(err, f"no such file: {missing}")


def test_folder(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as err:
        list(iter_frames(tmp_path))
    assert_one_line(err, f"{tmp_path} is a folder, not a video file")


def test_zero_byte_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.touch()
    with pytest.raises(InputFileError) as err:
        probe(empty)
    assert_one_line(err, f"{empty} is empty (0 bytes)")


def test_text_file_named_mp4(tmp_path: Path) -> None:
    fake = tmp_path / "notes.mp4"
    fake.write_text("these are my workout notes, not a video\n" * 20)
    with pytest.raises(VideoOpenError) as err:
        FrameReader(fake)
    assert_one_line(err, f"cannot read {fake} as a video: ")


def test_still_image_named_mp4(tmp_path: Path) -> None:
    fake = tmp_path / "photo.mp4"
    ok, png = cv2.imencode(".png", numbered_frame(1))
    assert ok
    fake.write_bytes(png.tobytes())
    with pytest.raises(VideoOpenError) as err:
        probe(fake)
    assert_one_line(err, "still image")


# ----------------------------------------------------------------------------------------------
# Frame rate
# ----------------------------------------------------------------------------------------------


def test_estimate_fps_from_timestamps() -> None:
    t = np.arange(50) / 25.0
    assert estimate_fps(t) == pytest.approx(25.0)
    assert estimate_fps(t[::-1]) == pytest.approx(25.0)  # decode order does not matter
    with_gap = np.delete(t, [10, 11, 30])  # dropped frames
    assert estimate_fps(with_gap) == pytest.approx(25.0)
    assert estimate_fps([]) is None
    assert estimate_fps([1.0, 1.0, 1.0]) is None
    assert estimate_fps([0.0, 10.0]) is None  # 0.1 fps is not a video frame rate


@pytest.mark.parametrize("header", [0.0, float("nan"), None, 90000.0, float("inf"), -30.0])
def test_choose_fps_replaces_an_absurd_header(header: float | None) -> None:
    t = np.arange(40) / 24.0
    assert choose_fps(header, t, codec_fps=30.0) == pytest.approx(24.0)
    assert choose_fps(header, [], codec_fps=30.0) == pytest.approx(30.0)
    assert choose_fps(header, [], codec_fps=0.0) is None  # never silently 0


def test_choose_fps_keeps_a_sane_header() -> None:
    assert choose_fps(59.94, np.arange(40) / 24.0) == pytest.approx(59.94)


@settings(max_examples=60, deadline=None)
@given(
    fps=st.floats(min_value=5, max_value=240),
    n=st.integers(min_value=5, max_value=200),
    jitter=st.floats(min_value=0, max_value=0.2),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_estimate_fps_is_robust_to_jitter(fps: float, n: int, jitter: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fps + rng.uniform(-jitter, jitter, n) / fps / 2
    estimated = estimate_fps(rng.permutation(t))
    assert estimated is not None
    assert estimated == pytest.approx(fps, rel=0.25)


# ----------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------


def test_video_sink_writes_h264_that_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "overlay.mp4"
    with VideoSink(out, fps=30, size_wh=(W, H)) as sink:
        for i in range(20):
            sink.write(numbered_frame(i))
    with av.open(str(out)) as c:
        stream = c.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        decoded = [f.to_ndarray(format="bgr24") for f in c.decode(stream)]
    assert len(decoded) == 20
    assert decoded[0].shape == (H, W, 3)
    assert [frame_number(img) for img in decoded] == list(range(20))
    info = probe(out)
    assert info.fps == pytest.approx(30.0) and info.frames_expected == 20
    assert os.listdir(tmp_path) == ["overlay.mp4"]  # no temp file left behind


def test_video_sink_pads_odd_sizes_and_keeps_timestamps(tmp_path: Path) -> None:
    out = tmp_path / "odd.mp4"
    times = [0.0, 0.030, 0.075, 0.100, 0.151, 0.190]
    with VideoSink(out, fps=30, size_wh=(W + 1, H + 1)) as sink:
        assert sink.output_size_wh == (W + 2, H + 2)
        for i, t in enumerate(times):
            sink.write(numbered_frame(i, w=W + 1, h=H + 1), t_s=t)
    frames = list(iter_frames(out))
    assert frames[0].image_bgr.shape == (H + 2, W + 2, 3)
    np.testing.assert_allclose([f.t_s for f in frames], times, atol=1e-3)


def test_video_sink_leaves_nothing_after_an_exception(tmp_path: Path) -> None:
    out = tmp_path / "overlay.mp4"
    with pytest.raises(RuntimeError, match="boom"):
        with VideoSink(out, fps=30, size_wh=(W, H)) as sink:
            for i in range(5):
                sink.write(numbered_frame(i))
            raise RuntimeError("boom")
    assert os.listdir(tmp_path) == []


def test_video_sink_does_not_clobber_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "overlay.mp4"
    out.write_bytes(b"previous run")
    with pytest.raises(ValueError, match=r"frame must be uint8 \[96, 160, 3\]"):
        with VideoSink(out, fps=30, size_wh=(W, H)) as sink:
            sink.write(numbered_frame(0))
            sink.write(np.zeros((H, W), np.uint8))  # wrong shape
    assert out.read_bytes() == b"previous run"
    assert os.listdir(tmp_path) == ["overlay.mp4"]


def test_video_sink_into_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as err:
        VideoSink(tmp_path / "no" / "out.mp4", fps=30, size_wh=(W, H))
    assert_one_line(err, "does not exist")


def test_video_sink_with_no_frames_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError):
        with VideoSink(tmp_path / "out.mp4", fps=30, size_wh=(W, H)):
            pass
    assert os.listdir(tmp_path) == []


def test_atomic_write_text_and_bytes(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    atomic_write_text(target, '{"reps": 6}\n')
    assert target.read_text() == '{"reps": 6}\n'
    atomic_write_bytes(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert os.listdir(tmp_path) == ["report.json"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_atomic_write_into_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as err:
        atomic_write_text(tmp_path / "missing" / "report.json", "{}")
    assert_one_line(err, f"folder {tmp_path / 'missing'} does not exist")


def test_atomic_write_onto_a_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as err:
        atomic_write_bytes(tmp_path, b"x")
    assert_one_line(err, "is a folder")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write anywhere")
def test_atomic_write_into_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError) as err:
            atomic_write_text(folder / "report.json", "{}")
        assert_one_line(err, "not writable")
    finally:
        folder.chmod(0o755)


def test_kickcheck_errors_pickle_as_themselves() -> None:
    """Errors cross processes (``--jobs`` chunks, Dask workers): the same message and hint come
    back, not the one-line text taken for a message (which repeated the hint)."""
    err = VideoOpenError("cannot read x.mp4 as a video: damaged")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is VideoOpenError and str(back) == str(err) and back.message == err.message
    custom = InputFileError("no such file: y", hint="look again")
    assert str(pickle.loads(pickle.dumps(custom))) == str(custom)
