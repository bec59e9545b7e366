"""What runs on a Ray node: one whole `zooforge run` as a child process, its engine events forwarded to the driver.
Only the standard library is imported here, because this module is shipped to the nodes by value (the driver calls
ray.cloudpickle.register_pickle_by_value on it): a node needs Ray, Node.js and the zooforge checkout, not this
package on its PYTHONPATH."""

import json
import os
import queue
import shutil
import socket
import subprocess
import tempfile
import threading


class Progress:
    """A Ray actor (num_cpus=0) that collects events from every task until the driver drains them."""

    def __init__(self) -> None:
        self.events = []
        self.stopping = False

    def stop(self) -> None:
        """Ctrl-C on the driver: every task stops its run (tasks poll this; Ray's own cancel of a running task is
        not reliable here: force-killing the worker takes its child down with SIGKILL, before it records anything)."""
        self.stopping = True

    def should_stop(self) -> bool:
        return self.stopping

    def push(self, event: dict) -> None:
        self.events.append(event)

    def drain(self) -> list:
        out, self.events = self.events, []
        return out


def start_watched(argv, env, **popen):
    """Start argv with the read end of a pipe whose write end only this process holds (ZOOFORGE_PARENT_FD,
    "<fd>:<inode>"): the run sees end-of-file once this process is gone, however early, and stops like on SIGTERM
    (it records `interrupted`): a killed worker or lost node must not leave an orphan run holding its folder's lock.
    The inode lets the run tell this pipe from any other descriptor a stray value could name. Not prctl(PDEATHSIG)
    in a preexec_fn: forking a Ray worker's many threads and running Python before exec can deadlock the child.
    Returns the child and the write end, to close once the child is done."""
    alive_r, alive_w = os.pipe()
    try:
        child = subprocess.Popen(
            argv,
            env={**env, "ZOOFORGE_PARENT_FD": f"{alive_r}:{os.fstat(alive_r).st_ino}"},
            pass_fds=(alive_r,),
            **popen,
        )
    except BaseException:
        os.close(alive_w)
        raise
    finally:
        os.close(alive_r)
    return child, alive_w


def run_task(spec: dict, progress) -> dict:
    """Run spec["argv"] (never through a shell) in spec["cwd"]; each JSON line it prints goes to `progress`.
    Returns its exit code; raising is left to Ray (a dead worker is retried, an exception here would not be)."""
    import ray  # the node's own

    name = spec["name"]
    node = socket.gethostname()
    argv = list(spec["argv"])
    if not os.path.exists(argv[0]):
        argv[0] = shutil.which("node") or argv[0]  # this node's Node.js lives elsewhere
    if not os.path.exists(argv[1]):
        return {
            "exit_code": None,
            "node": node,
            "error": f"{node} has no zooforge checkout at {argv[1]}: every node needs "
            "the same checkout at the same path, set up with scripts/setup.sh",
        }
    last = progress.push.remote(
        {"type": "task-start", "task": name, "node": node, "pid": os.getpid(), "attempt": 0}
    )  # the driver numbers the attempts
    with tempfile.TemporaryFile("w+") as err:
        child, alive_w = start_watched(
            argv,
            {**os.environ, **spec["env"]},
            cwd=spec["cwd"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
        # The child's lines are read by a helper thread: this thread only waits on a queue with a timeout, so it runs
        # Python often enough for ray.cancel's KeyboardInterrupt (an async exception) to land even while the run
        # prints nothing for minutes.
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in child.stdout] + [lines.put(None)], daemon=True).start()
        stop_check = progress.should_stop.remote()
        try:
            while True:
                ready, _ = ray.wait([stop_check], timeout=0)
                if ready:
                    if ray.get(stop_check):
                        raise KeyboardInterrupt
                    stop_check = progress.should_stop.remote()
                try:
                    line = lines.get(timeout=0.5)
                except queue.Empty:
                    continue
                if line is None:
                    break
                try:
                    event = json.loads(line)
                except ValueError:
                    continue  # not an engine event
                if isinstance(event, dict):
                    last = progress.push.remote({"type": "task-event", "task": name, "event": event})
            code = child.wait()
        except KeyboardInterrupt:  # the driver's stop (or ray.cancel): the run stops its stage and records it
            child.terminate()
            try:
                child.wait(20)
            except subprocess.TimeoutExpired:
                child.kill()
            return {"exit_code": 130, "node": node, "error": "interrupted"}
        finally:
            os.close(alive_w)
        err.seek(0)
        tail = err.read().splitlines()[-15:]
    ray.get(last)  # calls from one caller run in order: the driver now sees all of this task's events
    return {"exit_code": code, "node": node, "error": "\n".join(tail) if code != 0 else None}
