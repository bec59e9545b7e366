"""zooforge.quant.prepare: ORT's pre-processing, without the torch import its tools package would add."""

from conftest import conv_bn, run_python
from onnxruntime.quantization.shape_inference import quant_pre_process

from zooforge.quant.prepare import prepare


def test_the_prepared_model_is_ort_s_own_and_torch_is_never_imported(tmp_path):
    source = conv_bn(tmp_path / "model.onnx")
    script = (
        "import sys; from zooforge.quant.prepare import prepare; "
        f"prepare({source!r}, {str(tmp_path / 'ours.onnx')!r}); print('torch' in sys.modules)"
    )
    assert run_python("-c", script).strip() == "False"
    quant_pre_process(source, str(tmp_path / "theirs.onnx"), skip_symbolic_shape=False)
    assert (tmp_path / "ours.onnx").read_bytes() == (tmp_path / "theirs.onnx").read_bytes()
    model, note = prepare(source, str(tmp_path / "again.onnx"))
    assert note is None and [n.op_type for n in model.graph.node] == ["Conv"]  # BatchNorm folded
