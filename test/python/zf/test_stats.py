"""Wilson intervals and McNemar's exact test (zf/stats.py), against values computed independently."""

import math

import pytest

from zf.stats import mcnemar_exact, wilson


def test_wilson_matches_the_closed_form_and_stays_inside_0_100():
    lo, hi = wilson(92, 100)
    # by hand for p = 0.92, n = 100, z = 1.96: centre (0.92 + 0.019208) / 1.038416 = 0.9045, half-width 0.0544
    assert lo == pytest.approx(85.0, abs=0.1) and hi == pytest.approx(95.9, abs=0.1)
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == pytest.approx(100.0)
    assert wilson(0, 0) == (0.0, 0.0)


def test_mcnemar_exact_is_the_two_sided_binomial_tail():
    # b=1, c=9: 2 * P(X <= 1), X ~ Bin(10, 1/2) = 2 * 11/1024
    assert mcnemar_exact(1, 9) == pytest.approx(22 / 1024)
    assert mcnemar_exact(9, 1) == mcnemar_exact(1, 9)
    assert mcnemar_exact(0, 0) == 1.0 and mcnemar_exact(5, 5) == 1.0
    big = mcnemar_exact(400, 600)  # thousands of pairs: no overflow, tiny but positive
    assert 0 < big < 1e-9 and math.isfinite(big)
