import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kickcheck.cleaning import finite_runs, interpolate_gaps, lowpass, repair_lr_swaps
from kickcheck.landmarks import SWAP_LR, Landmark


def test_finite_runs():
    m = np.array([0, 1, 1, 0, 1, 0, 0, 1], bool)
    assert finite_runs(m) == [(1, 3), (4, 5), (7, 8)]


def test_interpolate_fills_short_gaps_only():
    x = np.arange(20, dtype=float)
    x[3:5] = np.nan  # 2-sample gap: filled
    x[10:16] = np.nan  # 6-sample gap: kept
    x[0] = np.nan  # leading: kept
    y = interpolate_gaps(x, max_gap=3)
    np.testing.assert_allclose(y[3:5], [3, 4])
    assert np.isnan(y[10:16]).all() and np.isnan(y[0])


def test_lowpass_removes_noise_and_keeps_slow_signal():
    fs = 30.0
    t = np.arange(0, 6, 1 / fs)
    slow = 40 * np.sin(2 * np.pi * 0.7 * t)
    rng = np.random.default_rng(0)
    noisy = slow + rng.normal(0, 4, t.size)
    y = lowpass(noisy, fs, 6.0)
    inner = slice(15, -15)
    assert (
        np.sqrt(np.mean((y[inner] - slow[inner]) ** 2)) < 3.0
    )  # white noise sd 4, 40% of the band kept -> about 2.5
    assert np.sqrt(np.mean((noisy[inner] - slow[inner]) ** 2)) > 3.5


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64, st.integers(1, 80), elements=st.one_of(st.floats(-500, 500), st.just(np.nan))
    )
)
def test_lowpass_keeps_length_and_nan_positions(x):
    y = lowpass(x, 30.0, 6.0)
    assert y.shape == x.shape
    np.testing.assert_array_equal(np.isnan(y), np.isnan(x))


def test_repair_lr_swaps_undoes_label_flips():
    rng = np.random.default_rng(1)
    t = 40
    base = rng.uniform(0, 400, (33, 4)).astype(np.float32)
    seq = np.repeat(base[None], t, axis=0) + rng.normal(0, 1, (t, 33, 4)).astype(np.float32)
    swapped = seq.copy()
    swapped[10:14] = swapped[10:14][:, list(SWAP_LR)]
    fixed, n = repair_lr_swaps(swapped)
    assert n == 4
    np.testing.assert_allclose(fixed[:, Landmark.LEFT_KNEE], seq[:, Landmark.LEFT_KNEE])
