"""The Ray driver of `zooforge sweep --ray` and `zooforge zoo run --ray`: every task (a whole `zooforge run` of one
variant or model) becomes a Ray task with the resources it declares. Prints each task's start, engine events and end
as PROTOCOL["event"] lines while they run. A task whose worker or node died is retried by Ray (max_retries); a run
that failed a stage returned normally and is not. SIGINT/SIGTERM cancel what has not finished."""

import json
import signal
import socket
import time

from zooforge.protocol import ray_task
from zooforge.protocol.worker import PROTOCOL, ZfError, run_worker, warn

GIB = 1024**3


def emit(event: dict) -> None:
    print(PROTOCOL["event"] + json.dumps(event), flush=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def check_reachable(address: str) -> None:
    """Fail in seconds, not minutes: ray.init retries an address where nothing listens for a long time."""
    hostport = address[len("ray://") :] if address.startswith("ray://") else address
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit():
        return  # "auto" and other forms: Ray resolves and reports them itself
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as err:
        raise ZfError(
            f"--ray {address}: nothing answers at {host}:{port} ({err.strerror or err}); is the cluster up "
            "(ray start --head) and the port open?"
        )


def connect(ray, p: dict) -> str:
    if p["address"] is not None:
        check_reachable(p["address"])
    if p["address"] is None:  # a private instance for this run, stopped by ray.shutdown()
        ray.init(address="local", num_cpus=p["local_cpus"], include_dashboard=False, log_to_driver=False)
        return "local"
    try:
        ray.init(address=p["address"], log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as err:
        raise ZfError(
            f"--ray {p['address']}: cannot connect to a Ray cluster there: {str(err).splitlines()[0][:300]}. "
            "If the cluster uses token authentication (Ray 2.60 turns it on for clusters `ray start` starts), "
            "set RAY_AUTH_MODE=token here, with the cluster's token in ~/.ray/auth_token or RAY_AUTH_TOKEN"
        )
    return p["address"]


def unschedulable(task: dict, nodes: list) -> str:
    """Why no alive node can ever run `task`, or "" when one can (Ray would otherwise wait for it forever)."""
    r = task["resources"]
    need = {"CPU": r["num_cpus"], "memory": r["memory_mb"] * 1024 * 1024, **r["custom"]}
    for n in nodes:
        have = n.get("Resources", {})
        if all(have.get(k, 0) >= v for k, v in need.items()):
            return ""
    missing = sorted(k for k, v in need.items() if not any(n.get("Resources", {}).get(k, 0) >= v for n in nodes))
    return (
        f"no node of the cluster offers {', '.join(f'{k}={need[k]:g}' for k in missing)} "
        "(start a node with it, e.g. ray start --address ... --resources '{\"hb_mapper\": 1}')"
    )


def main(p: dict) -> dict:
    import ray
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(ray_task)  # nodes need no zooforge Python package, only the checkout
    address = connect(ray, p)
    signal.signal(signal.SIGTERM, _interrupt)  # after ray.init, which installs a handler that just exits
    try:
        return schedule(ray, p, address)
    finally:
        ray.shutdown()


def schedule(ray, p: dict, address: str) -> dict:
    nodes = [n for n in ray.nodes() if n.get("Alive")]
    emit({"type": "cluster", "address": address, "nodes": len(nodes), "cpus": ray.cluster_resources().get("CPU", 0)})
    progress = ray.remote(num_cpus=0)(ray_task.Progress).remote()
    run = ray.remote(ray_task.run_task)
    results = {
        t["name"]: {
            "name": t["name"],
            "status": "cancelled",
            "exit_code": None,
            "attempts": 0,
            "node": None,
            "error": None,
        }
        for t in p["tasks"]
    }
    refs = {}
    for t in p["tasks"]:
        why = unschedulable(t, nodes)
        if why:
            results[t["name"]].update(status="unschedulable", error=why)
            emit({"type": "task-end", "task": t["name"], "status": "unschedulable", "attempts": 0, "error": why})
            continue
        r = t["resources"]
        ref = run.options(
            num_cpus=r["num_cpus"],
            memory=r["memory_mb"] * 1024 * 1024,
            resources=r["custom"],
            max_retries=p["max_retries"],
            retry_exceptions=False,
            name=t["name"],
        ).remote(t, progress)
        refs[ref] = t["name"]

    relay_lost = []

    def relay() -> None:
        """Pass on what the tasks reported. The progress actor can die (OOM, killed) while the tasks go on: then
        progress is no longer shown, said once; each task's end still comes from its own result."""
        if relay_lost:
            return
        try:
            events = ray.get(progress.drain.remote())
        except ray.exceptions.RayActorError as err:
            relay_lost.append(err)
            warn(
                f"the Ray actor relaying progress died ({died_why(err)}): the tasks go on, their progress is no longer shown"
            )
            return
        for e in events:
            if e["type"] == "task-start":
                res = results[e["task"]]
                res["attempts"] += 1
                res["node"] = e["node"]
                e["attempt"] = res["attempts"]
            emit(e)

    pending = list(refs)
    try:
        while pending:
            done, pending = ray.wait(pending, num_returns=1, timeout=0.5)
            relay()
            for ref in done:
                finish(ray, results[refs[ref]], ref, p["max_retries"])
    except KeyboardInterrupt:
        # Every running task stops its run (which records `interrupted`) and returns; tasks not started yet are
        # cancelled. Whatever is still running after the grace is force-cancelled.
        if not relay_lost:
            ray.get(progress.stop.remote())
        deadline = time.time() + 30
        while pending and time.time() < deadline:
            done, pending = ray.wait(pending, num_returns=len(pending), timeout=1)
            for ref in pending:
                ray.cancel(ref)  # a task still queued for a CPU never starts
        for ref in pending:
            ray.cancel(ref, force=True)
        relay()
        raise
    relay()
    return {"address": address, "nodes": len(nodes), "tasks": [results[t["name"]] for t in p["tasks"]]}


def died_why(err: Exception) -> str:
    """Why Ray says a worker or actor died, in a few words: out of memory, killed, or its node lost."""
    text = str(err)
    if "OutOfMemory" in type(err).__name__ or "memory" in text.lower():
        return "out of memory"
    if "SIGKILL" in text or "killed" in text.lower():
        return "killed"
    if "node" in text.lower() and ("died" in text.lower() or "dead" in text.lower()):
        return "its node died"
    return f"{type(err).__name__}: {text.strip().splitlines()[0][:200] if text.strip() else 'no reason given'}"


def finish(ray, res: dict, ref, max_retries: int) -> None:
    """Record how one task ended and say it."""
    try:
        out = ray.get(ref)
        code = out["exit_code"]
        res.update(
            exit_code=code,
            node=out["node"],
            error=out["error"],
            status="passed" if code == 0 else "interrupted" if code == 130 else "failed",
        )
    except ray.exceptions.TaskCancelledError:
        res.update(status="cancelled")
    except (
        ray.exceptions.WorkerCrashedError,
        ray.exceptions.NodeDiedError,
        ray.exceptions.ObjectLostError,
        ray.exceptions.RayActorError,
        ray.exceptions.OutOfMemoryError,
    ) as err:
        res.update(
            status="lost",
            error=f"its worker died on node {res['node'] or '(not known)'} ({died_why(err)}), "
            f"{res['attempts']} attempt(s), retried up to {max_retries} time(s)",
        )
    except ray.exceptions.RayTaskError as err:
        res.update(status="failed", error=str(err).strip().splitlines()[-1][:500])
    emit(
        {
            "type": "task-end",
            "task": res["name"],
            "status": res["status"],
            "attempts": res["attempts"],
            "error": res["error"],
        }
    )


if __name__ == "__main__":
    run_worker("ray_run", main)
