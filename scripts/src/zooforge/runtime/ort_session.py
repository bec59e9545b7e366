"""ONNX Runtime sessions configured the same way everywhere (quiet logs, fixed threads)."""

import onnxruntime as ort


def session(model, threads: int = 1, optimize: bool = True, arena: bool = True) -> ort.InferenceSession:
    """arena=False: freed activations go back to the OS (calibration runs keep RSS flat; slightly slower)."""
    so = ort.SessionOptions()
    so.enable_cpu_mem_arena = arena
    so.log_severity_level = 3
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    # No zooforge-only optimizer switch: every session runs an int8 model as a plain ONNX Runtime session would
    # (the float choices are baked into the graph: zooforge/quant/qdq.py keep_float_in_graph).
    so.graph_optimization_level = (
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimize else ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    )
    src = model if isinstance(model, (str, bytes)) else model.SerializeToString()
    return ort.InferenceSession(src, so, providers=["CPUExecutionProvider"])


def run_one(sess: ort.InferenceSession, x):
    return sess.run(None, {sess.get_inputs()[0].name: x})[0]
