"""A fixed validation subset, preprocessed once, and what a candidate model does on it versus float:
Top-1, mean output cosine and SQNR. Deterministic: same subset, same numbers."""

from typing import Dict, List

import numpy as np

from zooforge.data.datasets import UNLABELLED, eval_indices, load_raw, open_dataset
from zooforge.data.preprocess import normalize
from zooforge.runtime.batching import batched_session


class _Labelled:
    """The labelled images of a dataset, as a dataset of their own (what the stratified draw picks from)."""

    def __init__(self, ds, indices: List[int]) -> None:
        self.labels = ds.labels[indices]

    def __len__(self) -> int:
        return len(self.labels)


class Subset:
    def __init__(self, dataset: Dict, rec: Dict, limit: int) -> None:
        ds = open_dataset(dataset, rec["input_shape"][1:])
        labelled = [] if ds.labels is None else [int(i) for i in np.nonzero(ds.labels != UNLABELLED)[0]]
        if not labelled:  # plan refuses this first (stages/sensitivity.ts): a worker run directly still says why
            raise ValueError("the evaluation dataset has no labels: node sensitivity ranks by Top-1")
        chosen = [labelled[k] for k in eval_indices(_Labelled(ds, labelled), limit, "stratified")]
        raws = {i: load_raw(ds, i, rec) for i in chosen}
        self.indices: List[int] = [i for i, r in raws.items() if r is not None]
        self.labels = ds.labels[self.indices]
        self.x = np.stack([normalize(raws[i], rec) for i in self.indices])
        self.float_logits = None

    def logits(self, model_path_or_bytes, batch: int = 256) -> np.ndarray:
        run = batched_session(model_path_or_bytes, batch)
        return np.concatenate([run(self.x[i : i + batch]) for i in range(0, len(self.x), batch)])

    def score(self, logits: np.ndarray) -> Dict[str, float]:
        ref = self.float_logits
        top1 = 100.0 * float((logits.argmax(1) == self.labels).mean())
        dot = (ref * logits).sum(1)
        cos = dot / np.maximum(np.linalg.norm(ref, axis=1) * np.linalg.norm(logits, axis=1), 1e-30)
        noise = np.linalg.norm(ref - logits)
        sqnr = float(20 * np.log10(np.linalg.norm(ref) / max(noise, 1e-30)))
        return {"top1": top1, "cosine": float(cos.mean()), "sqnr_db": sqnr}
