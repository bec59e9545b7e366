"""Quantization transforms on ONNX graphs: QDQ insertion, weight-quantization memo, bias correction, cross-layer
equalization, grouped-conv regrouping, and the per-node float/int8 table."""
