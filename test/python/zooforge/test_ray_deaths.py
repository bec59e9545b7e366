"""How the Ray driver words a task whose worker died (issue 21.15): which task, which node, why, and the retries.
Ray's own exception classes; only `ray.get` is stood in for (no cluster is started for a unit test)."""

import types

import ray.exceptions as rex

from zooforge.workers import ray_run


def ended_with(err, monkeypatch):
    said = []
    monkeypatch.setattr(ray_run, "emit", said.append)

    def get(_ref):
        raise err

    fake_ray = types.SimpleNamespace(get=get, exceptions=rex)
    res = {
        "name": "ConvNeXt_atto",
        "status": "cancelled",
        "exit_code": None,
        "attempts": 3,
        "node": "10.0.0.7",
        "error": None,
    }
    ray_run.finish(fake_ray, res, object(), 2)
    return res, said


def test_an_actor_died_error_is_a_lost_task_naming_node_cause_and_retries(monkeypatch):
    res, said = ended_with(rex.RayActorError(), monkeypatch)
    assert res["status"] == "lost"
    assert "died on node 10.0.0.7" in res["error"] and "3 attempt(s), retried up to 2 time(s)" in res["error"]
    assert said[-1]["task"] == "ConvNeXt_atto" and said[-1]["status"] == "lost"


def test_out_of_memory_is_said_in_words(monkeypatch):
    res, _ = ended_with(rex.OutOfMemoryError("Task was killed due to the node running low on memory."), monkeypatch)
    assert "(out of memory)" in res["error"]
