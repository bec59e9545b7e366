"""ONNX Runtime sessions configured the same way everywhere (quiet logs, fixed threads)."""
import onnxruntime as ort


def session(model, threads: int = 1, optimize: bool = True, arena: bool = True) -> ort.InferenceSession:
    """arena=False: freed activations go back to the OS (calibration runs keep RSS flat; slightly slower)."""
    so = ort.SessionOptions()
    so.enable_cpu_mem_arena = arena
    so.log_severity_level = 3
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    # Nodes we keep float between DQ and Q would otherwise be re-quantized by ORT at load time.
    so.add_session_config_entry("optimization.disable_specified_optimizers", "WeightBiasQuantization")
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimize else ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    src = model if isinstance(model, (str, bytes)) else model.SerializeToString()
    return ort.InferenceSession(src, so, providers=["CPUExecutionProvider"])


def run_one(sess: ort.InferenceSession, x):
    return sess.run(None, {sess.get_inputs()[0].name: x})[0]
