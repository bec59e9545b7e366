"""The CPU runtime a model is run by for its timings and its int8 accuracy: ONNX Runtime (default) or OpenVINO
(`quantize.host_runtime: openvino` under emulate host: the same int8 file, run by the runtime an x86 user would pick
for speed). One interface for both: a callable from an input array to the model's first output."""

from typing import Callable

import numpy as np

from .ort_session import session

Runner = Callable[[np.ndarray], np.ndarray]


def runner(model, runtime: str = "ort", threads: int = 1) -> Runner:
    """model: path, bytes or ModelProto."""
    if runtime == "openvino":
        return _openvino(model, threads)
    sess = session(model, threads=threads)
    name = sess.get_inputs()[0].name
    return lambda x: sess.run(None, {name: x})[0]


def _openvino(model, threads: int) -> Runner:
    import openvino as ov

    core = ov.Core()
    source = model if isinstance(model, (str, bytes)) else model.SerializeToString()
    # unpinned: OpenVINO pins its threads to cores by default, so two 1-thread instances timed side by side (the
    # throughput column) shared one core and gave half the FPS ONNX Runtime's give on the same two cores
    config = {"INFERENCE_NUM_THREADS": threads, "ENABLE_CPU_PINNING": False}
    compiled = core.compile_model(core.read_model(source), "CPU", config)
    request = compiled.create_infer_request()
    output = compiled.output(0)
    # a copy: the request reuses its output buffer on the next call
    return lambda x: np.array(request.infer({0: x})[output])


def runtime_name(runtime: str) -> str:
    """The runtime's name and version, as the report says it."""
    if runtime == "openvino":
        import openvino as ov

        return f"OpenVINO {ov.__version__.split('-')[0]} (CPU)"
    import onnxruntime as ort

    return f"ONNX Runtime {ort.__version__} (CPUExecutionProvider)"
