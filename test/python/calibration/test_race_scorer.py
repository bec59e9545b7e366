"""calibration/race.py RaceScorer: the race scored in a child process is the race scored here, and a child's failure
is the parent's error."""

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

from zooforge.calibration.race import RACE_MIN_IMAGES, Race, RaceScorer, race_on
from zooforge.evaluation.checks import cosine
from zooforge.runtime.ort_session import run_one, session


def conv_net(noise: float) -> onnx.ModelProto:
    """One small conv net; `noise` perturbs its weights, so that candidates differ by how far they are from noise 0."""
    rng = np.random.default_rng(0)
    weight = rng.normal(0, 1, (4, 3, 3, 3)).astype(np.float32)
    weight += np.random.default_rng(int(noise * 1e6)).normal(0, noise, weight.shape).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", pads=[1, 1, 1, 1])],
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 3, 6, 6])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 4, 6, 6])],
        [numpy_helper.from_array(weight, "w")],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def images(count=10):
    rng = np.random.default_rng(1)
    return [rng.normal(0, 1, (1, 3, 6, 6)).astype(np.float32) for _ in range(count)]


def test_the_child_s_race_is_the_race_scored_in_this_process():
    inputs = images()
    reference = [run_one(session(conv_net(0.0)), x) for x in inputs]
    candidates = [conv_net(n) for n in (0.05, 0.001, 0.3, 0.0011)]
    with RaceScorer() as scorer:
        scorer.start(len(candidates), inputs, reference)
        for k, model in enumerate(candidates):
            scorer.candidate(k, model.SerializeToString())
        theirs = scorer.result()
    sessions = [session(m) for m in candidates]
    ours = Race(len(candidates), len(inputs))
    for k, sess in enumerate(sessions):
        for r, x in zip(reference[:RACE_MIN_IMAGES], inputs[:RACE_MIN_IMAGES]):
            ours.add(k, cosine(r, run_one(sess, x)))
    race_on(ours, lambda c, i: cosine(reference[i], run_one(sessions[c], inputs[i])))
    assert (theirs.cosines, theirs.active) == (ours.cosines, ours.active)
    assert theirs.leader() == 1 and 2 not in theirs.active  # the nearest wins; the farthest left early
    assert scorer.process.returncode == 0


def test_a_candidate_the_child_cannot_load_fails_the_search_with_the_child_s_traceback():
    inputs = images(4)
    with RaceScorer() as scorer:
        scorer.start(1, inputs, inputs)
        scorer.candidate(0, b"not an onnx model")
        with pytest.raises(RuntimeError, match="scoring process failed:(.|\n)*InvalidProtobuf|Fail"):
            scorer.result()
    assert scorer.process.returncode == 1


def test_a_scorer_closed_before_any_race_leaves_at_once():
    scorer = RaceScorer()
    scorer.close()
    scorer.close()  # twice is harmless
    assert scorer.process.returncode == 0
