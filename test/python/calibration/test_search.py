"""hb_mapper's method candidates (calibration/search.py)."""
from calibration.search import candidates


def q(**kw):
    return {"calibration_type": "default", "per_channel": "auto", "max_percentile": None, **kw}


def test_default_searches_three_methods_by_per_channel_on_and_off():
    assert candidates(q()) == [(m, pc) for m in ("max", "max_percentile", "kl") for pc in (True, False)]
    assert candidates(q(per_channel=False)) == [("max", False), ("max_percentile", False), ("kl", False)]


def test_a_named_method_runs_alone_and_max_with_a_percentile_is_max_percentile():
    assert candidates(q(calibration_type="kl")) == [("kl", True)]
    assert candidates(q(calibration_type="max")) == [("max", True)]
    assert candidates(q(calibration_type="max", max_percentile=0.9999, per_channel=False)) == [("max_percentile", False)]
