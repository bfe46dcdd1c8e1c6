import numpy as np
import pytest

from kickcheck.reps import segment_reps


def kick_signal(n_reps, fs=30.0, period_s=2.0, low=-90.0, high=10.0, lead_s=1.0, phase=0.0):
    """Cosine reps from ``low`` to ``high``; rep k tops at lead_s + (k + 0.5) * period_s."""
    t = np.arange(0, lead_s * 2 + n_reps * period_s, 1 / fs)
    u = np.clip((t - lead_s) / period_s, 0, n_reps)
    x = low + (high - low) * 0.5 * (1 - np.cos(2 * np.pi * u + phase))
    x[(t < lead_s) | (t > lead_s + n_reps * period_s)] = low
    return t, x


@pytest.mark.parametrize("n", [1, 3, 6, 10])
def test_counts_n_reps_with_tops_within_one_frame(n):
    t, x = kick_signal(n)
    reps = [r for r in segment_reps(x, t, fs_hz=30.0) if not r.partial]
    assert len(reps) == n
    for k, r in enumerate(reps):
        want = 1.0 + (k + 0.5) * 2.0
        assert abs(r.top_s - want) <= 1 / 30 + 1e-9
        assert r.index == k + 1
        assert r.start_frame < r.top_frame < r.end_frame


def test_noise_does_not_add_reps():
    t, x = kick_signal(5)
    x = x + np.random.default_rng(3).normal(0, 3, x.size)
    assert len([r for r in segment_reps(x, t, fs_hz=30.0) if not r.partial]) == 5


def test_clip_starting_and_ending_mid_rep_gives_partials():
    t, x = kick_signal(5, lead_s=0.0)
    cut = slice(20, len(t) - 25)  # starts just before a top, ends mid-rise
    reps = segment_reps(x[cut], t[cut], fs_hz=30.0)
    complete = [r for r in reps if not r.partial]
    assert len(complete) == 3
    assert any(r.partial for r in reps)


def test_reps_never_cross_a_cut():
    t, x = kick_signal(4)
    shot = np.zeros(t.size, int)
    mid_top = np.argmin(np.abs(t - (1.0 + 1.5 * 2.0)))  # cut at the top of rep 2
    shot[mid_top:] = 1
    reps = segment_reps(x, t, fs_hz=30.0, segment_id=shot)
    assert len([r for r in reps if not r.partial]) == 3
    assert sum(r.partial for r in reps) >= 1


def test_small_wiggles_are_not_reps():
    t = np.arange(0, 10, 1 / 30)
    wiggle = -90 + 5 * np.sin(2 * np.pi * 1.0 * t)
    assert [
        r for r in segment_reps(wiggle, t, fs_hz=30.0, min_prominence_deg=20) if not r.partial
    ] == []


def test_a_long_gap_breaks_the_rep_it_falls_in():
    t, x = kick_signal(4)
    x = x.copy()
    top2 = np.argmin(np.abs(t - 4.0))  # top of rep 2
    x[top2 - 3 : top2 + 30] = np.nan  # person lost from the top to the next start
    reps = segment_reps(x, t, fs_hz=30.0)
    complete = [r for r in reps if not r.partial]
    assert len(complete) == 3
    assert all(not (r.start_frame <= top2 <= r.end_frame) for r in complete)


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="same shape"):
        segment_reps(np.zeros(5), np.zeros(6), fs_hz=30.0)
