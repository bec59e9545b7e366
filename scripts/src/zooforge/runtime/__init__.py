"""Running a model on the host: ONNX Runtime sessions, the OpenVINO alternative, batching and latency timing."""
