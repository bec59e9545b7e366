"""The method search's race. Every candidate is scored on the first RACE_MIN_IMAGES search images; after each image a
candidate leaves once its mean per-image cosine deficit to the leader exceeds RACE_STANDARD_ERRORS standard errors of
that paired difference. Those that stay are scored on every search image and the best of them wins. On the three
bench:quantize models the exhaustive search's winner stays in the race and wins it (issue 25.1).

The scoring runs in a process of its own (`RaceScorer`, this module's main): the builds are Python and hold the GIL,
and ONNX Runtime's runs on a thread of the same process took turns with them instead of using the second core
(ResNeXt50: the last candidate's first images were scored 4.6 s after its build; in a second process, 0.4 s)."""

import fcntl
import os
import queue
import subprocess
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Callable, Dict, List

import numpy as np

import zooforge
from zooforge.evaluation.checks import cosine
from zooforge.protocol.worker import die_with_parent, progress, quiet_onnxruntime
from zooforge.runtime.ort_session import run_one, session

RACE_MIN_IMAGES = 4
RACE_STANDARD_ERRORS = 3.0


class Race:
    """Per-image output cosines of candidates scored image by image; which are still in, and who leads."""

    def __init__(self, candidates: int, images: int):
        self.cosines = [[] for _ in range(candidates)]
        self.images = images
        self.active = list(range(candidates))

    def add(self, candidate: int, cosine_value: float) -> None:
        self.cosines[candidate].append(cosine_value)

    def mean(self, candidate: int):
        return float(np.mean(self.cosines[candidate])) if self.cosines[candidate] else None

    def _rank(self, candidate: int):
        mean = self.mean(candidate)
        return (mean if mean is not None and np.isfinite(mean) else -np.inf, -candidate)

    def scored_on(self, candidate: int) -> int:
        return len(self.cosines[candidate])

    def leader(self) -> int:
        """The active candidate with the best mean; the first in candidate order on a tie."""
        return max(self.active, key=self._rank)

    def eliminate(self) -> None:
        """Drop every active candidate clearly behind the leader on the images all of them were scored on."""
        n = min(len(self.cosines[c]) for c in self.active)
        if n < RACE_MIN_IMAGES:
            return
        lead = np.array(self.cosines[self.leader()][:n])
        kept = []
        for c in self.active:
            deficit = lead - np.array(self.cosines[c][:n])
            behind = deficit.mean() > 0 and deficit.mean() > RACE_STANDARD_ERRORS * deficit.std(ddof=1) / np.sqrt(n)
            if not behind:
                kept.append(c)
        self.active = kept


def race_on(race: Race, score: Callable[[int, int], float], workers: int = 1) -> None:
    """After every candidate's first images: the survivors, image by image (score(candidate, image) is its
    output cosine on that image), until all images are scored. `workers` threads take the (image, candidate) pairs
    in that order without waiting for an image's last pair, so 3 survivors keep 2 threads busy; the race reads the
    values image by image, exactly as if they were scored one by one (a pair of a candidate that has left by then is
    skipped, or its value dropped)."""
    race.eliminate()
    start = race.scored_on(race.leader())

    def pair(c: int, i: int):
        return score(c, i) if c in race.active else None

    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending = {(c, i): pool.submit(pair, c, i) for i in range(start, race.images) for c in race.active}
        for i in range(start, race.images):
            for c in list(race.active):
                race.add(c, pending[c, i].result())
            race.eliminate()
            progress(f"racing {len(race.active)} of {len(race.cosines)} candidates", i + 1, race.images)


class RaceScorer:
    """The race, scored in a child process. Started early (its imports overlap the calibration pass); then `start`
    with the search images and the float outputs, `candidate` as each QDQ model is built (the child scores its first
    images while the next one is built here), and `result`, which races the survivors and returns the Race."""

    def __init__(self):
        child_reads, writes = os.pipe()
        reads, child_writes = os.pipe()
        root = os.path.dirname(os.path.dirname(os.path.abspath(zooforge.__file__)))  # the package's import root
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p),
            "ZOOFORGE_WORKER_PARENT": str(os.getpid()),  # it dies with this process (die_with_parent)
        }
        command = [sys.executable, "-m", "zooforge.calibration.race", str(child_reads), str(child_writes)]
        self.process = subprocess.Popen(
            command, pass_fds=(child_reads, child_writes), env=env, stdin=subprocess.DEVNULL
        )
        os.close(child_reads)
        os.close(child_writes)
        try:  # Linux: a 1 MiB pipe moves a model in fewer, larger writes
            fcntl.fcntl(writes, fcntl.F_SETPIPE_SZ, 1 << 20)
        except (AttributeError, OSError):
            pass
        self.to_child = Connection(writes, readable=False)
        self.from_child = Connection(reads, writable=False)
        self.sender = ThreadPoolExecutor(max_workers=1)  # writes to the child in order while the next model is built
        self.sent = []

    def start(self, candidates: int, inputs: List[np.ndarray], reference: List[np.ndarray]) -> None:
        self.to_child.send(("images", candidates, inputs, reference))

    def candidate(self, k: int, model_bytes: bytes) -> None:
        self.sent.append(self.sender.submit(self._send_model, k, model_bytes))

    def _send_model(self, k: int, model_bytes: bytes) -> None:
        self.to_child.send(("candidate", k))
        self.to_child.send_bytes(model_bytes)  # no pickled copy of a large model

    def result(self) -> Race:
        """The race, run to its end in the child: every candidate's cosines, and who is still in."""
        for sending in self.sent:
            sending.result()  # a write that failed (the child died) says so here
        self.to_child.send(("race",))
        try:
            kind, payload = self.from_child.recv()
        except EOFError:
            raise RuntimeError(f"the method search's scoring process ended with exit code {self.process.wait()}")
        if kind == "error":
            raise RuntimeError(f"the method search's scoring process failed:\n{payload}")
        race = Race(len(payload["cosines"]), payload["images"])
        race.cosines, race.active = payload["cosines"], payload["active"]
        return race

    def __enter__(self) -> "RaceScorer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """The child reads end-of-file and leaves (at once if no race was asked for); closing twice is harmless."""
        if self.to_child.closed:
            return
        self.sender.shutdown(cancel_futures=True)
        self.to_child.close()
        self.from_child.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _score_in_child(inbox: Connection, outbox: Connection) -> None:
    """The child's side: each candidate's first images as it arrives (one thread), then the race on two threads."""
    messages: "queue.Queue" = queue.Queue()
    threading.Thread(target=_receive, args=(inbox, messages), daemon=True).start()
    opening = messages.get()
    if opening[0] != "images":  # the parent stopped before the race began
        return
    _, candidates, inputs, reference = opening
    race = Race(candidates, len(inputs))
    sessions: Dict[int, object] = {}

    def score(c: int, i: int) -> float:
        return cosine(reference[i], run_one(sessions[c], inputs[i]))

    while True:
        message = messages.get()
        if message[0] == "end":  # the parent stopped (a failed build): nobody waits for a result
            return
        if message[0] == "race":
            break
        k, model_bytes = message[1], message[2]
        sessions[k] = session(model_bytes, threads=1)
        for i in range(min(RACE_MIN_IMAGES, len(inputs))):
            race.add(k, score(k, i))
    race.eliminate()
    sessions = {c: sessions[c] for c in race.active}  # the others' sessions are freed here
    race_on(race, score, workers=2)
    # a dict, not the Race: this module runs as __main__ here, and a pickled Race would name that module
    outbox.send(("done", {"cosines": race.cosines, "active": race.active, "images": race.images}))


def _receive(inbox: Connection, messages: "queue.Queue") -> None:
    """Reads the parent's messages as they come (a large model is read at once, so the parent never waits on a
    full pipe while the child scores); end of file is a message too."""
    try:
        while True:
            message = inbox.recv()
            if message[0] == "candidate":
                message = (*message, inbox.recv_bytes())
            messages.put(message)
    except EOFError:
        messages.put(("end",))


def main(reads: int, writes: int) -> None:
    die_with_parent()
    quiet_onnxruntime()
    inbox, outbox = Connection(reads, writable=False), Connection(writes, readable=False)
    try:
        _score_in_child(inbox, outbox)
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group: the worker says what stopped
        sys.exit(130)
    except Exception:
        outbox.send(("error", traceback.format_exc()))
        sys.exit(1)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
