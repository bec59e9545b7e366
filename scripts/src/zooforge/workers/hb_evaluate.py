"""Worker (runs where the Horizon toolchain is: its Python with horizon_tc_ui, local or in the OpenExplorer image):
the float ONNX model (onnxruntime) and the Horizon *_quantized_model.onnx (horizon_tc_ui.HB_ONNXRuntime) on the
same images, inputs built from the one preprocessing record; the same metrics as evaluate.py."""

import sys

try:  # this runs in the toolchain's Python: say plainly when it is the wrong one
    import numpy as np

    from zooforge.data.datasets import check_labels
    from zooforge.data.hb_input import hb_input
    from zooforge.data.preprocess import normalize
    from zooforge.evaluation.paired import collect_logits, open_evaluation, paired_metrics, used_labels
    from zooforge.protocol.worker import ZfError, quiet_onnxruntime, run_worker
    from zooforge.runtime.batching import batched_session
except ImportError as err:
    print(
        f"zooforge: {sys.executable} cannot run hb_evaluate.py ({err}); it needs the OpenExplorer toolchain's Python "
        "(numpy, onnx, onnxruntime, pillow, horizon_tc_ui): set quantize.toolchain.python or quantize.toolchain.docker_image",
        file=sys.stderr,
    )
    sys.exit(1)


def hb_runner(model_path: str, rec, rt_type: str):
    try:
        from horizon_tc_ui import HB_ONNXRuntime
    except ImportError:
        raise ZfError(
            f"horizon_tc_ui is not importable by {sys.executable}: run hb_evaluate where the OpenExplorer toolchain is "
            "(quantize.toolchain.docker_image, or quantize.toolchain.python pointing at its Python)"
        )
    sess = HB_ONNXRuntime(model_file=model_path)
    name, outputs = sess.input_names[0], sess.output_names

    def run(raw: np.ndarray) -> np.ndarray:  # the quantized model takes one image (N=1) at a time
        x = hb_input(raw, rec, rt_type)
        return np.concatenate(
            [np.asarray(sess.run(outputs, {name: x[i : i + 1]})[0]).reshape(1, -1) for i in range(len(x))]
        )

    return run


def main(p):
    quiet_onnxruntime()
    rec, ds, idx = open_evaluation(p)
    fl = batched_session(p["float_model"], p["batch_size"])
    runners = {
        "float": lambda raw: fl(normalize(raw, rec)),
        "quant": hb_runner(p["quant_model"], rec, p["input_type_rt"]),
    }
    run = collect_logits(ds, idx, rec, runners, p["batch_size"])
    check_labels(ds, run["logits"]["float"].shape[-1])
    metrics = paired_metrics(
        run["logits"]["float"], run["logits"]["quant"], used_labels(ds, run["used"]), ds.classes or []
    )
    metrics.pop("_pred")
    return {
        **metrics,
        "skipped": run["skipped"],
        "dataset": ds.kind,
        "seconds": run["seconds"],
        "quant_runtime": "horizon_tc_ui.HB_ONNXRuntime",
        "outputs": {},
    }


if __name__ == "__main__":
    run_worker("hb_evaluate", main)
