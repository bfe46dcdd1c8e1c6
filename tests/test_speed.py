"""Speed machinery without the model: the reader thread, the frame stride and time windows of
``FrameReader``, ``--fast``'s interpolation back to every frame, and the chunk plan of ``--jobs``.

(How fast it is, is measured by ``benchmarks/speed.py``, never by a test.)
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from kickcheck.parallel import chunk_plan, stitch
from kickcheck.pose import estimate_poses
from kickcheck.resample import fast_stride, upsample_pose
from kickcheck.shots import ShotDetector, thumbnail
from kickcheck.types import Frame, PoseSequence
from kickcheck.video import FrameReader, VideoSink, prefetch

# --- prefetch ---


def test_prefetch_keeps_order_and_every_frame():
    frames = [Frame(i, i / 30, np.full((2, 2, 3), i % 256, np.uint8)) for i in range(50)]
    got = list(prefetch(iter(frames), depth=3))
    assert [f.index for f in got] == list(range(50))


def test_prefetch_reads_at_most_a_few_frames_ahead():
    produced = []

    def source():
        for i in range(100):
            produced.append(i)
            yield i

    it = prefetch(source(), depth=3)
    first = next(it)
    time.sleep(0.3)  # let the reader run ahead as far as it can
    assert first == 0
    # the queue holds 3, the reader holds one more waiting to be put: never the whole clip
    assert len(produced) <= 3 + 2, produced
    it.close()


def test_prefetch_raises_the_readers_error_in_the_consumer():
    def source():
        yield 1
        raise ValueError("damaged packet")

    it = prefetch(source())
    assert next(it) == 1
    with pytest.raises(ValueError, match="damaged packet"):
        next(it)


def test_stopping_early_stops_and_closes_the_reader():
    closed = threading.Event()

    def source():
        try:
            yield from range(10_000)
        finally:
            closed.set()

    it = prefetch(source(), depth=2)
    assert [next(it) for _ in range(3)] == [0, 1, 2]
    it.close()
    assert closed.wait(2.0)
    assert not any(t.name == "kickcheck-reader" for t in threading.enumerate())


# --- FrameReader: stride and windows ---


@pytest.fixture(scope="module")
def counting_clip(tmp_path_factory) -> Path:
    """60 frames at 30 fps, each of its own brightness (lossless H.264)."""
    path = tmp_path_factory.mktemp("speed") / "count.mp4"
    with VideoSink(path, 30.0, (64, 48), crf=0) as sink:
        for i in range(60):
            sink.write(np.full((48, 64, 3), 4 * i, np.uint8), t_s=i / 30)
    return path


def level(frame: Frame) -> float:
    return float(frame.image_bgr.mean())


def test_stride_yields_every_nth_frame_with_its_own_number_and_time(counting_clip):
    whole = [level(f) for f in FrameReader(counting_clip)]
    assert len(set(whole)) == 60
    reader = FrameReader(counting_clip, stride=2)
    got = list(reader)
    assert [f.index for f in got] == list(range(0, 60, 2))
    assert [level(f) for f in got] == whole[::2]  # the right pixels, not just numbers
    np.testing.assert_allclose([f.t_s for f in got], np.arange(0, 60, 2) / 30, atol=1e-6)
    np.testing.assert_allclose(reader.times_s, np.arange(60) / 30, atol=1e-6)
    assert reader.info.frame_count == 60 and reader.stats.frames_decoded == 60


def test_a_time_window_gives_the_same_frames_as_a_whole_read(counting_clip):
    whole = list(FrameReader(counting_clip))
    t = [f.t_s for f in whole]
    reader = FrameReader(counting_clip, start_s=t[37], end_s=t[52], first_index=37)
    got = list(reader)
    assert [f.index for f in got] == list(range(37, 52))
    assert [level(f) for f in got] == [level(f) for f in whole[37:52]]
    np.testing.assert_allclose([f.t_s for f in got], t[37:52], atol=1e-9)
    tail = list(FrameReader(counting_clip, start_s=t[50], first_index=50, stride=4))
    assert [f.index for f in tail] == [52, 56]  # the stride's phase is the clip's


# --- scene cuts seen on every frame, also those the stride skips ---


class _StillPerson:
    """A fake model: one still person, whatever the picture; counts its restarts."""

    def __init__(self) -> None:
        self.resets = 0

    def reset(self) -> None:
        self.resets += 1

    def __call__(self, image_bgr):
        xyzv = np.zeros((33, 4), np.float32)
        xyzv[:, :2] = (30.0, 20.0)
        xyzv[:, 3] = 1.0
        return xyzv, np.zeros((33, 3), np.float32), None


def _clip(path: Path, levels: list[int]) -> Path:
    """A 64x48 30 fps lossless clip: frame i a flat picture of brightness levels[i], with a fixed
    texture (the rendered and real clips' fades darken a picture, not a flat field)."""
    texture = np.random.default_rng(1).integers(-20, 21, (48, 64, 1))
    with VideoSink(path, 30.0, (64, 48), crf=0) as sink:
        for i, v in enumerate(levels):
            img = np.clip(v + texture * (v / 255), 0, 255).astype(np.uint8)
            sink.write(np.repeat(img, 3, axis=2), t_s=i / 30)
    return path


def test_the_readers_thumbnails_match_the_pictures_and_cover_every_frame(counting_clip):
    whole = list(FrameReader(counting_clip))
    assert all(len(f.thumbs) == 1 for f in whole)
    for f in whole:  # from the luma, stretched to full range: the BGR picture's grey within 2
        np.testing.assert_allclose(f.thumbs[0], thumbnail(f.image_bgr), atol=2.0)
    strided = list(FrameReader(counting_clip, stride=4))
    assert [len(f.thumbs) for f in strided] == [1] + [4] * 14  # frames 0, 1-4, ..., 53-56
    flat = [t for f in strided for t in f.thumbs]
    np.testing.assert_array_equal(flat, [f.thumbs[0] for f in whole[:57]])


@pytest.mark.parametrize(
    "codec,pix_fmt",
    [("libx264", "yuv420p10le"), ("mjpeg", "yuvj420p"), ("libx264", "yuv444p"), ("ffv1", "bgr0")],
)
def test_thumbnails_keep_their_scale_in_other_pixel_formats(tmp_path, codec, pix_fmt):
    """Phones record 10-bit HDR and some cameras full-range (JPEG) luma: the thumbnails must stay
    on the scale the cut thresholds were measured on (0..255 grey), whatever the decoder gives."""
    import av

    path = tmp_path / f"clip_{pix_fmt}.mkv"
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 48, pix_fmt
        for i in range(8):
            img = np.full((48, 64, 3), 30 * i, np.uint8)
            out.mux(stream.encode(av.VideoFrame.from_ndarray(img, format="bgr24")))
        out.mux(stream.encode())
    frames = list(FrameReader(path))
    assert len(frames) == 8
    for f in frames:
        np.testing.assert_allclose(f.thumbs[0], thumbnail(f.image_bgr), atol=4.0)
    assert frames[-1].thumbs[0].mean() - frames[0].thumbs[0].mean() == pytest.approx(210, abs=8)


def test_a_fade_seen_every_other_frame_is_not_a_cut(tmp_path):
    """The rendered grid's 1-s fade-out, seen every 2nd frame by --fast, changed the thumbnail by
    more than the cut threshold in one step: a cut was declared under the last rep and the rep was
    lost. Every frame decoded now feeds the detector, so --fast cuts where the full read does."""
    # 6 a frame, below the threshold of 8; at stride 2 the first step seen is 12, out of a still
    # picture (the fade starts on a frame that stride 2 skips)
    levels = [200] * 21 + [200 - 6 * k for k in range(1, 26)] + [50] * 14
    path = _clip(tmp_path / "fade.mp4", levels)
    for stride in (1, 2):
        seq = estimate_poses(FrameReader(path, stride=stride), 64, 48, _StillPerson())
        assert set(seq.shot_id.tolist()) == {0}, stride
    # the test's power: the yielded frames alone make the same fade a cut at stride 2
    det = ShotDetector()
    assert any([det.update(thumbnail(f.image_bgr)) for f in FrameReader(path, stride=2)])


def test_a_cut_on_a_skipped_frame_starts_the_shot_at_the_next_frame_analysed(tmp_path):
    levels = [60] * 31 + [190] * 29  # the cut is at frame 31, which stride 2 skips
    path = _clip(tmp_path / "cut.mp4", levels)
    person = _StillPerson()
    seq = estimate_poses(FrameReader(path, stride=2), 64, 48, person)
    assert seq.shot_id.tolist() == [0] * 16 + [1] * 14  # frames 0-30 | 32-58
    assert person.resets == 1  # the tracker restarted once, at the cut
    whole = estimate_poses(FrameReader(path), 64, 48, _StillPerson())
    assert whole.shot_id.tolist() == [0] * 31 + [1] * 29


# --- --fast ---


@pytest.mark.parametrize(
    "fps,stride", [(24.0, 1), (25.0, 1), (29.97, 1), (30.0, 2), (50.0, 3), (60.0, 4), (120.0, 8)]
)
def test_fast_stride_keeps_at_least_15_analysed_frames_a_second(fps, stride):
    assert fast_stride(fps) == stride
    assert fps / fast_stride(fps) >= 15.0 - 1e-9


def _pose(t: np.ndarray, x: np.ndarray, shot: np.ndarray | None = None) -> PoseSequence:
    n = len(t)
    xyzv = np.zeros((n, 33, 4), np.float32)
    xyzv[:, :, 0] = x[:, None]
    xyzv[:, :, 3] = 1.0
    return PoseSequence(
        xyzv=xyzv,
        world=xyzv[:, :, :3].copy(),
        t_s=t,
        width=100,
        height=100,
        back_sag=x.astype(np.float32) / 100,
        shot_id=np.zeros(n, np.int32) if shot is None else shot,
    )


def test_upsample_is_exact_on_linear_motion_and_keeps_analysed_frames():
    t_all = np.arange(30) / 30
    t = t_all[::2]
    x = 10 + 90 * t**2  # analysed values; in between the line between neighbours
    up = upsample_pose(_pose(t, x), t_all)
    assert up.xyzv.shape == (30, 33, 4)
    np.testing.assert_allclose(up.xyzv[::2, 0, 0], x, rtol=1e-6)
    mid = (x[:-1] + x[1:]) / 2
    np.testing.assert_allclose(up.xyzv[1:-1:2, 0, 0], mid, rtol=1e-6)
    np.testing.assert_allclose(up.back_sag[1:-1:2], mid / 100, rtol=1e-5)
    assert np.isnan(up.xyzv[-1, 0, 0])  # after the last analysed frame: unknown


def test_upsample_never_bridges_a_missing_person_or_a_shot_change():
    t_all = np.arange(12) / 30
    t = t_all[::2]
    x = np.arange(6, dtype=float) * 10
    x[2] = np.nan  # nobody at analysed frame 4
    shot = np.array([0, 0, 0, 0, 1, 1], np.int32)  # a cut at analysed frame 8
    up = upsample_pose(_pose(t, x, shot), t_all)
    col = up.xyzv[:, 0, 0]
    assert np.isfinite(col[1]) and np.isnan(col[3]) and np.isnan(col[4]) and np.isnan(col[5])
    assert np.isnan(col[7])  # between shot 0 and shot 1
    assert col[8] == pytest.approx(40.0) and col[9] == pytest.approx(45.0)
    assert list(up.shot_id) == [0] * 8 + [1] * 4


# --- --jobs: the plan and the seam ---


def test_no_chunks_for_a_short_clip_or_one_job(counting_clip):
    reader = FrameReader(counting_clip)
    assert chunk_plan(reader, jobs=2) is None  # 2 s, far below two chunks' worth
    assert chunk_plan(reader, jobs=1, min_chunk_s=0.5) is None


def test_chunks_cover_the_clip_and_keep_the_stride_phase(counting_clip):
    reader = FrameReader(counting_clip)
    plan = chunk_plan(reader, jobs=3, min_chunk_s=0.5)
    assert plan is not None and plan.starts == (0, 20, 40)
    np.testing.assert_allclose(plan.times_s, np.arange(60) / 30, atol=1e-6)
    reader.stride = 4
    plan = chunk_plan(reader, jobs=3, min_chunk_s=0.5)
    assert plan is not None and all(s % 4 == 0 for s in plan.starts)


def test_every_process_gets_the_same_work_warm_up_included(counting_clip, monkeypatch):
    """Chunks after the first also read a warm-up before their own frames, so the first chunk
    takes that many frames more: every process then reads as many frames, and none waits idle at
    the end for the others (with equal chunks, a ninth of an 18-s clip on two cores)."""
    import kickcheck.parallel as parallel

    monkeypatch.setattr(parallel, "WARMUP_S", 0.2)  # 6 frames of the 60
    plan = chunk_plan(FrameReader(counting_clip), jobs=3, min_chunk_s=0.5)
    assert plan is not None and plan.warmup == 6
    ends = list(plan.starts[1:]) + [60]
    work = [ends[0]] + [e - s + plan.warmup for s, e in zip(plan.starts[1:], ends[1:])]
    assert plan.starts == (0, 24, 42) and work == [24, 24, 24]


def test_stitch_switches_where_the_chunks_agree_and_keeps_every_frame_once():
    from kickcheck.parallel import ChunkPlan

    times = np.arange(100) / 30
    truth = np.linspace(0, 99, 100)

    def part(lo: int, hi: int, settle_at: int | None = None) -> dict:
        x = truth[lo:hi].copy()
        if settle_at is not None:  # a tracker still settling before this frame
            x[: settle_at - lo] += 30.0
        p = _pose(times[lo:hi], x)
        return {
            "xyzv": p.xyzv,
            "world": p.world,
            "t_s": p.t_s,
            "back_sag": p.back_sag,
            "starts": np.zeros(hi - lo, bool),
            "times_s": times[lo:hi],
            "wh": (100, 100),
        }

    plan = ChunkPlan(times_s=times, starts=(0, 50), warmup=30)
    # chunk 1 reads from frame 20 and has settled by frame 40; the seam is looked for in 35-50
    pose, all_t = stitch([part(0, 50), part(20, 100, settle_at=40)], plan, fps=30.0)
    np.testing.assert_allclose(all_t, times)
    np.testing.assert_allclose(pose.t_s, times)
    np.testing.assert_allclose(pose.xyzv[:, 0, 0], truth, atol=1e-4)  # no unsettled frame kept
