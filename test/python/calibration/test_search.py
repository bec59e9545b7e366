"""hb_mapper's method candidates (calibration/scheme.py)."""

from zooforge.calibration.scheme import candidates, hb_words


def q(**kw):
    return {"calibration_type": "default", "per_channel": "auto", "max_percentile": None, "emulate": "bpu", **kw}


def test_bpu_default_is_hb_mappers_x5_grid_method_by_per_channel_by_asymmetric():
    grid = candidates(q())
    assert len(grid) == 12
    assert set(grid) == {
        (m, pc, a) for m in ("max", "max_percentile", "kl") for pc in (True, False) for a in (False, True)
    }
    assert candidates(q(per_channel=False)) == [
        (m, False, a) for m in ("max", "max_percentile", "kl") for a in (False, True)
    ]


def test_host_default_searches_three_methods_by_per_channel_with_uint8_asymmetric_activations():
    assert candidates(q(emulate="host")) == [
        (m, pc, True) for m in ("max", "max_percentile", "kl") for pc in (True, False)
    ]


def test_a_named_method_runs_alone_and_max_with_a_percentile_is_max_percentile():
    assert candidates(q(calibration_type="kl")) == [("kl", True, False)]
    assert candidates(q(calibration_type="max")) == [("max", True, False)]
    assert candidates(q(calibration_type="max", max_percentile=0.9999, per_channel=False)) == [
        ("max_percentile", False, False)
    ]
    assert candidates(q(calibration_type="kl", emulate="host")) == [("kl", True, True)]


def test_the_winner_in_hb_mappers_words():
    # as the X5 makertbin logs print it (shared/fixtures/horizon/logs)
    assert (
        hb_words("max_percentile", True, False, 0.99995, "bpu")
        == "Select max-percentile:percentile=0.99995,per_channel method."
    )
    assert (
        hb_words("max_percentile", False, False, 0.99995, "bpu") == "Select max-percentile:percentile=0.99995 method."
    )
    assert hb_words("kl", False, True, 0.99995, "bpu") == "Select kl,asymmetric method."
