"""The method search's race (calibration/race.py): who leaves, who stays, who wins."""

import numpy as np

from zooforge.calibration.race import RACE_MIN_IMAGES, Race, race_on


def race_over(table):
    """Race candidates (rows) over images (columns) as search does: every one on the first images, then
    race_on."""
    table = np.asarray(table, dtype=float)
    race = Race(*table.shape)
    for c in range(table.shape[0]):
        for value in table[c, :RACE_MIN_IMAGES]:
            race.add(c, value)
    race_on(race, lambda c, i: table[c, i])
    return race


def test_a_candidate_clearly_behind_leaves_after_the_first_images_and_says_on_how_many_it_was_scored():
    rng = np.random.default_rng(0)
    good = 0.999 + rng.normal(0, 1e-5, 16)
    bad = good - 0.01 + rng.normal(0, 1e-5, 16)
    race = race_over([good, bad])
    assert race.active == [0] and race.leader() == 0
    assert (race.scored_on(0), race.scored_on(1)) == (16, RACE_MIN_IMAGES)
    assert race.mean(1) == np.mean(bad[:RACE_MIN_IMAGES])


def test_candidates_within_noise_of_each_other_stay_to_the_end_and_the_best_full_mean_wins():
    rng = np.random.default_rng(1)
    base = 0.9999 + rng.normal(0, 1e-5, 16)
    a = base + rng.normal(0, 1e-6, 16)
    b = base + rng.normal(0, 1e-6, 16)
    race = race_over([a, b, base - 0.001])
    assert race.active == [0, 1]
    assert race.leader() == (0 if a.mean() >= b.mean() else 1)
    assert race.scored_on(0) == race.scored_on(1) == 16


def test_the_race_keeps_the_exhaustive_winner_on_tables_where_one_candidate_is_best():
    rng = np.random.default_rng(2)
    for _ in range(50):
        level = rng.uniform(0.99, 0.9999, 12)
        table = level[:, None] + rng.normal(0, 2e-4, (12, 16))
        assert race_over(table).leader() == int(np.argmax(table.mean(axis=1)))


def test_a_tie_goes_to_the_first_candidate_and_a_nan_score_never_leads():
    assert race_over([[0.99] * 16, [0.99] * 16]).leader() == 0
    assert race_over([[np.nan] * 16, [0.5] * 16]).leader() == 1


def test_two_threads_race_exactly_as_one_does():
    rng = np.random.default_rng(3)
    for _ in range(30):
        table = rng.uniform(0.995, 0.9999, 12)[:, None] + rng.normal(0, 3e-4, (12, 16))
        one, two = (Race(*table.shape) for _ in range(2))
        for race in (one, two):
            for c in range(12):
                for value in table[c, :RACE_MIN_IMAGES]:
                    race.add(c, value)
        race_on(one, lambda c, i, table=table: table[c, i], workers=1)
        race_on(two, lambda c, i, table=table: table[c, i], workers=2)
        assert (one.cosines, one.active) == (two.cosines, two.active)
