"""Wilson interval with finite-population correction (scripts/lib/stats.py)."""

import math

import pytest

from lib.stats import effective_sample_size, wilson_fpc


def test_effective_sample_size_formula():
    # n' = n (N - 1) / (N - n) = 10 * 49 / 40 = 12.25
    assert effective_sample_size(10, 50) == pytest.approx(12.25)
    assert effective_sample_size(10, None) == 10
    assert math.isinf(effective_sample_size(50, 50))


def test_wilson_fpc_hand_computed():
    # k = 8, n = 10, N = 50, z = 1.96:
    #   p = 0.8, n' = 10 * 49 / 40 = 12.25
    #   z^2 = 3.8416, z^2 / n' = 0.3136, denominator = 1.3136
    #   centre = (0.8 + 3.8416 / 24.5) / 1.3136 = (0.8 + 0.1568) / 1.3136 = 0.728380
    #   p(1-p)/n' = 0.16 / 12.25 = 0.0130612; z^2 / (4 n'^2) = 3.8416 / 600.25 = 0.0064
    #   half = 1.96 / 1.3136 * sqrt(0.0194612) = 1.492083 * 0.139504 = 0.208151
    #   interval = (0.520229, 0.936531)
    low, high = wilson_fpc(8, 10, 50, z=1.96)
    assert low == pytest.approx(0.520229, abs=1e-5)
    assert high == pytest.approx(0.936531, abs=1e-5)


def test_wilson_without_correction_matches_textbook():
    # classic Wilson 95% interval for 8/10 (no FPC): 0.490 - 0.943
    low, high = wilson_fpc(8, 10, None, z=1.96)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)


def test_fpc_narrows_the_interval():
    plain = wilson_fpc(40, 100, None)
    corrected = wilson_fpc(40, 100, 200)
    assert corrected[0] > plain[0] and corrected[1] < plain[1]
    # a huge population gives (almost) the uncorrected interval
    big = wilson_fpc(40, 100, 10_000_000)
    assert big == pytest.approx(plain, abs=1e-6)


def test_census_collapses_to_the_point():
    assert wilson_fpc(3, 12, 12) == (0.25, 0.25)


def test_edge_cases():
    low, high = wilson_fpc(0, 20, 100)
    assert low == 0.0 and 0 < high < 0.2
    low, high = wilson_fpc(20, 20, 100)
    assert high == 1.0 and 0.8 < low < 1
    assert all(math.isnan(b) for b in wilson_fpc(0, 0, 100))
    with pytest.raises(ValueError, match="population"):
        wilson_fpc(5, 30, 20)
    with pytest.raises(ValueError):
        wilson_fpc(6, 5, 20)
