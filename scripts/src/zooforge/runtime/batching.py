"""Run a batch-1 ONNX model on batches: make the batch dimension symbolic when the graph allows it, else
fall back to one image per run (the result is the same; only speed differs)."""

import copy

import numpy as np
import onnx
import onnxruntime as ort
from onnxruntime.capi.onnxruntime_pybind11_state import Fail, InvalidArgument, InvalidGraph, RuntimeException

from .ort_session import session
from .runners import runner


class BatchedRunner:
    def __init__(self, path, batch: int) -> None:
        """path: an .onnx file or an in-memory ModelProto."""
        model = onnx.load(path) if isinstance(path, str) else path
        self.batch = 1
        self.fallback = None
        self.sess = session(path, threads=2)
        if batch > 1:
            dyn = copy.deepcopy(model)
            for v in list(dyn.graph.input) + list(dyn.graph.output):
                v.type.tensor_type.shape.dim[0].dim_param = "N"
            del dyn.graph.value_info[:]  # stale batch-1 shapes would contradict the symbolic batch
            try:
                candidate = session(dyn, threads=2)
                x = np.zeros(
                    [2] + [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim[1:]], np.float32
                )
                # the probe may fail by design (a graph with a fixed batch): that is an answer, not an error for the log
                quiet = ort.RunOptions()
                quiet.log_severity_level = 4
                if candidate.run(None, {candidate.get_inputs()[0].name: x}, quiet)[0].shape[0] == 2:
                    self.sess, self.batch = candidate, batch
            except (Fail, InvalidArgument, InvalidGraph, RuntimeException) as err:
                # e.g. a Reshape with a hard-coded batch of 1: one image per run gives the same numbers
                self.fallback = str(err).splitlines()[0][:200]
        self.name = self.sess.get_inputs()[0].name

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.batch > 1:
            return self.sess.run(None, {self.name: x})[0]
        return one_by_one(lambda image: self.sess.run(None, {self.name: image})[0], x)


def one_by_one(run, x: np.ndarray) -> np.ndarray:
    """A batch through a model that takes one image at a time."""
    return np.concatenate([run(x[i : i + 1]) for i in range(len(x))])


class OneByOne:
    """One image per run, in another runtime (zooforge/runtime/runners.py)."""

    def __init__(self, path, runtime: str) -> None:
        self.batch, self.fallback = 1, None
        self.run = runner(path, runtime, threads=2)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return one_by_one(self.run, x)


def batched_session(path, batch: int, runtime: str = "ort"):
    """ONNX Runtime on batches where the graph allows; OpenVINO one image at a time."""
    return BatchedRunner(path, batch) if runtime == "ort" else OneByOne(path, runtime)
