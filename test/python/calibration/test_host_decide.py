"""calibration/host_speed.py decide(): timing chooses the emulate host placement only on a clear margin."""

from zooforge.calibration.host_speed import CLOSE, decide


def tried(*times, per_node=()):
    """Placements timed `times`; those at the indices `per_node` keep single dense nodes float (per-node sets)."""
    return [
        {"label": f"c{i}", "int8_ms": t, "float_nodes": ["n"] if i in per_node else [], "regroup": {}}
        for i, t in enumerate(times)
    ]


def test_no_placement_clearly_faster_than_fp32_keeps_every_op_int8_whatever_the_timings_ranked_first():
    # the fastest is 5 % under fp32: inside the margin, so the order decides (the first: every op int8)
    for times in [(1.3, 1.1, 0.95), (1.15, 1.1, 0.95), (0.96, 1.2, 1.0)]:
        k, why = decide(1.0, tried(*times, per_node=(2,)))
        assert k == 0 and "no placement beats fp32" in why


def test_a_clear_win_goes_to_the_first_placement_within_the_margin_of_the_fastest():
    times = (0.9, 0.62, 0.60, 0.8)  # c1 is within 10 % of c2, the fastest, and comes first in the order
    k, why = decide(1.0, tried(*times, per_node=(2,)))
    assert k == 1 and "first placement" in why
    assert times[k] <= (1 + CLOSE) * min(times)


def test_the_fastest_is_kept_when_no_earlier_placement_is_close_to_it():
    k, why = decide(1.0, tried(0.9, 0.8, 0.5, per_node=(2,)))
    assert k == 2 and why == "the fastest placement"


def test_small_noise_does_not_change_the_choice():
    base = (0.90, 0.62, 0.60, 0.61)  # c1 3 % over the fastest: +-2 % noise on each keeps it inside the 10 %
    picks = {decide(1.0, tried(*(t * (1 + 0.02 * ((i + j) % 3 - 1)) for i, t in enumerate(base))))[0] for j in range(3)}
    assert picks == {1}
