"""Wilson intervals and McNemar's exact test (zooforge/evaluation/stats.py), against values computed independently."""

import math

import pytest

from zooforge.evaluation.stats import clopper_pearson, mcnemar_exact, paired_drop, wilson


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


# The paired drop's interval and McNemar's exact p must agree (issue 23.4): cases computed by hand.
# Clopper-Pearson bounds with k = n or k = 0 have closed forms: lower (a/2)^(1/n), upper 1 - (a/2)^(1/n).
def test_paired_drop_4_of_18_flips_one_way_is_not_significant_and_its_interval_holds_0():
    d = paired_drop(4, 0, 18)  # McNemar p = 2 / 2^4 = 0.125
    assert mcnemar_exact(4, 0) == pytest.approx(0.125)
    assert d["points"] == pytest.approx(100 * 4 / 18)
    lower_pi = 0.025 ** (1 / 4)
    assert d["lo"] == pytest.approx(100 * 4 * (2 * lower_pi - 1) / 18, abs=1e-6)  # -4.55
    assert d["hi"] == pytest.approx(100 * 4 / 18)
    assert d["lo"] < 0 < d["hi"]


def test_paired_drop_with_no_flips_on_20_images_is_0_but_not_known_to_be():
    d = paired_drop(0, 0, 20)
    bound = 100 * (1 - 0.025 ** (1 / 20))  # 16.84: 0 flips of 20 leaves up to 16.8 % flipping
    assert d == pytest.approx({"points": 0.0, "lo": -bound, "hi": bound})


def test_paired_drop_excludes_0_exactly_when_mcnemar_is_significant():
    assert paired_drop(5, 0, 20)["lo"] < 0 and mcnemar_exact(5, 0) > 0.05  # p = 0.0625
    assert paired_drop(6, 0, 20)["lo"] > 0 and mcnemar_exact(6, 0) < 0.05  # p = 0.03125
    for b in range(0, 30):
        for c in range(0, 30):
            d, p = paired_drop(b, c, 200), mcnemar_exact(b, c)
            assert (d["lo"] > 0 or d["hi"] < 0) == (p < 0.05), (b, c, d, p)


def test_paired_drop_sign_positive_means_int8_is_worse():
    assert paired_drop(0, 6, 20)["points"] == pytest.approx(-30.0)  # int8 right where float was wrong: a gain
    assert paired_drop(6, 0, 20)["points"] == pytest.approx(30.0)


def test_clopper_pearson_matches_a_published_value():
    lo, hi = clopper_pearson(3, 10)  # 0.0667 to 0.6525 (e.g. Newcombe 1998, table I)
    assert lo == pytest.approx(0.0667, abs=1e-4) and hi == pytest.approx(0.6525, abs=1e-4)
