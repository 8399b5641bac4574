"""The numpy K-weighting and oversampling filter are scipy's, without importing scipy.signal in the app."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest
from pyloudnorm.iirfilter import IIRfilter
from scipy import signal

from desktop_app.audio.kweighting import KWeighting, fast_size, sections
from desktop_app.audio.loudness import OVERSAMPLING, _oversampling_phases


def _pyloudnorm_sections(rate: int) -> np.ndarray:
    stages = (IIRfilter(4.0, 1 / np.sqrt(2), 1500.0, rate, "high_shelf"), IIRfilter(0.0, 0.5, 38.0, rate, "high_pass"))
    return np.array([np.concatenate([stage.b / stage.a[0], stage.a / stage.a[0]]) for stage in stages])


@pytest.mark.parametrize("rate", [8_000, 44_100, 48_000, 96_000, 192_000])
def test_block_by_block_equals_one_recursion_over_the_whole_signal(rate: int) -> None:
    ours = np.array([[b0, b1, b2, 1.0, a1, a2] for b0, b1, b2, a1, a2 in sections(rate)])
    reference = _pyloudnorm_sections(rate)
    assert np.allclose(ours, reference, rtol=1e-14, atol=0)
    x = np.random.default_rng(rate).standard_normal((150_000, 2)) * 0.3
    x[40_000:40_100] = 0.99  # a step, so the slow high-pass tail crosses block edges
    whole = signal.sosfilt(reference, x, axis=0)
    weighting = KWeighting(rate, 2)
    cuts = [0, 1, 3, 65_539, 65_540, 100_000, 150_000]  # one- and two-frame blocks too
    out = np.concatenate([weighting.process(x[a:b]) for a, b in itertools.pairwise(cuts)])
    assert np.abs(out - whole).max() <= 1e-8 * np.abs(whole).max()


def test_the_oversampling_filter_is_resample_polys() -> None:
    half = 10 * OVERSAMPLING
    taps = signal.firwin(2 * half + 1, 1.0 / OVERSAMPLING, window=("kaiser", 5.0)) * OVERSAMPLING
    expected = np.concatenate([taps, np.zeros(-taps.size % OVERSAMPLING)]).reshape(-1, OVERSAMPLING).T
    assert np.allclose(_oversampling_phases(), expected, rtol=0, atol=1e-15)


def test_fast_sizes_have_only_the_factors_2_3_and_5() -> None:
    for n in (1, 2, 7, 97, 1000, 65_536 + 8_000, 1_000_003):
        size = fast_size(n)
        rest = size
        for factor in (2, 3, 5):
            while rest % factor == 0:
                rest //= factor
        assert size >= n and rest == 1
        assert all(fast_size(m) >= m for m in range(max(1, n - 3), n + 3))


def test_measuring_takes_imports_no_scipy() -> None:
    code = (
        "import sys, numpy as np\n"
        "from desktop_app.audio import compare, extension, seams, comp\n"
        "from desktop_app.audio.loudness import measure\n"
        "from desktop_app.audio.align import estimate_offset\n"
        "x = np.random.default_rng(1).standard_normal((44100 * 20, 2)).astype(np.float32) * 0.2\n"
        "measure(x, 44100); estimate_offset(x, x, 44100 * 8, 44100 * 10, 44100)\n"
        "estimate_offset(x, x, 0, x.shape[0], 44100)\n"  # a whole-track take
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scipy', 'pyloudnorm')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
