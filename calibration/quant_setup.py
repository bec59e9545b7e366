"""What sensitivity and tune share: the prepared float model, the chosen ranges, and the validation subset."""

import json
import os
from typing import Any, Dict, List, Tuple

from zooforge.calibration.scheme import int16_tensors, widen_int16
from zooforge.evaluation.subset_eval import Subset
from zooforge.quant.equalize import equalize
from zooforge.quant.prepare import prepare
from zooforge.quant.qdq import build_qdq
from zooforge.quant.regroup import regroup


class QuantSetup:
    def __init__(self, p: Dict[str, Any]) -> None:
        with open(p["preprocess"]) as f:
            rec = json.load(f)
        with open(p["calibration_table"]) as f:
            table = json.load(f)
        with open(p["nodes"]) as f:
            self.nodes: List[Dict[str, Any]] = json.load(f)
        self.model, _ = prepare(p["model"], os.path.join(p["work_dir"], ".prepared.onnx"))
        self.ranges: Dict[str, Tuple[float, float]] = {k: tuple(v["range"]) for k, v in table.items()}
        self.full: Dict[str, Tuple[float, float]] = {
            k: (min(v["min"], 0.0), max(v["max"], 0.0)) for k, v in table.items()
        }
        with open(p["quantize_summary"]) as f:
            chosen = json.load(f)
        self.per_channel: bool = chosen["per_channel"]
        self.exclude: List[str] = list(chosen["excluded_nodes"])
        self.scheme: Dict[str, Any] = chosen["scheme"]  # the same kind of int8 model as the quantize stage wrote
        self.input_means = chosen.get("input_means")  # optimization: bias_correction
        if chosen.get("equalized") is not None:  # the ranges were measured on the equalized model
            self.model = equalize(self.model)[0]
        if chosen["emulate"] == "host" and chosen.get(
            "host_speed"
        ):  # narrow grouped convs widened (same values, as written)
            self.model = regroup(self.model, chosen["host_speed"]["regrouped"])
        self.subset = Subset(p["dataset"], rec, p["subset"])
        self.subset.float_logits = self.subset.logits(self.model)
        self.float_top1 = self.subset.score(self.subset.float_logits)["top1"]

    def quantized_nodes(self) -> List[Dict[str, Any]]:
        return [n for n in self.nodes if n["dtype"] != "float"]

    def build(self, extra_float: List[str] = (), only: List[str] = None, extra_int16: List[str] = ()):
        """The QDQ model with the chosen ranges; extra_float kept float, extra_int16 nodes' activations (inputs and
        outputs) int16, or only `only` quantized."""
        scheme = self.scheme
        if (
            extra_int16
        ):  # what node_info {InputType: int16, OutputType: int16} on these nodes asks (tune's variant writes that)
            tensors = int16_tensors(self.model, {n: {"InputType": "int16", "OutputType": "int16"} for n in extra_int16})
            scheme = {**scheme, "int16_tensors": list(dict.fromkeys(scheme["int16_tensors"] + tensors))}
        return build_qdq(
            self.model,
            widen_int16(self.ranges, self.full, scheme),
            self.per_channel,
            self.exclude + list(extra_float),
            only=only,
            scheme=scheme,
            input_means=self.input_means,
        )

    def higher_precision(self) -> str:
        """What tune moves a sensitive node to: int16 when emulating the BPU (which runs int16 on the BPU, as
        node_info does), float on the host (int16 Q/DQ would only be fake-quant there)."""
        return "int16" if self.scheme["emulate"] == "bpu" else "float"

    def score(self, qmodel) -> Dict[str, float]:
        s = self.subset.score(self.subset.logits(qmodel))
        s["drop"] = self.float_top1 - s["top1"]
        return s
