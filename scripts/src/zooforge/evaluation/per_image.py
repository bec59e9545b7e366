"""What happened to each image: predictions.npz keeps every image's file, label (datasets.UNLABELLED: none), float and int8 top-5 with
probabilities and the output cosine; images.json and thumbs/ (the model's crop) show the flipped, the least similar
and the labelled ones both models get wrong."""

import json
import os
from typing import Any, Dict, List, Tuple

import numpy as np
from PIL import Image

from zooforge.data.datasets import UNLABELLED, load_raw

THUMB = 112  # px, longest side
MAX_THUMBS = 100  # 3-6 KB each, embedded in report.html: every flip is still listed, the first 100 are pictured


def _top5(probs: np.ndarray, names: List[str]) -> List[Dict[str, Any]]:
    idx = np.argsort(-probs)[:5]
    return [{"class": int(i), "name": names[int(i)], "p": round(float(probs[int(i)]), 4)} for i in idx]


def _flips(fpred: np.ndarray, qpred: np.ndarray, labels: np.ndarray) -> List[Tuple[int, str]]:
    """Images whose answer changed: right to wrong and back where a label says which is right, and every change of
    top-1 on an image without one."""
    f1, q1, has = fpred == labels, qpred == labels, labels != UNLABELLED
    return (
        [(int(k), "float right, int8 wrong") for k in np.nonzero(has & f1 & ~q1)[0]]
        + [(int(k), "int8 right, float wrong") for k in np.nonzero(has & ~f1 & q1)[0]]
        + [(int(k), "no label; int8 top-1 differs from float") for k in np.nonzero(~has & (fpred != qpred))[0]]
    )


def _crop_seen(ds, i: int, rec: Dict[str, Any]) -> Image.Image:
    """The image as the model saw it: resized and cropped by the preprocessing record (a panorama's centre, not the
    whole frame shrunk to a sliver), in RGB for the JPEG."""
    raw = load_raw(ds, i, rec)  # C x H x W, 0..255, in the record's colour order
    hwc = np.clip(np.round(raw), 0, 255).astype(np.uint8).transpose(1, 2, 0)
    if hwc.shape[2] == 1:
        return Image.fromarray(hwc[..., 0]).convert("RGB")
    return Image.fromarray(hwc[..., ::-1] if rec["colour"] == "bgr" else hwc)


def _both_wrong(fpred, qpred, labels, fprobs, most: int) -> List[Tuple[int, str]]:
    """Labelled images both models get wrong (no flip to show, but a mistake to look at): the `most` that float is
    surest of, which are the likeliest label errors or hard cases."""
    wrong = np.nonzero((labels != UNLABELLED) & (fpred != labels) & (qpred != labels))[0]
    sure = wrong[np.argsort(-fprobs[wrong, fpred[wrong]], kind="stable")][:most]
    return [(int(k), "both wrong") for k in sure]


def save(
    work_dir: str,
    ds,
    used: List[int],
    labels: np.ndarray,
    logits: Dict[str, np.ndarray],
    cosine: np.ndarray,
    names: List[str],
    softmax,
    rec: Dict[str, Any],
    least_similar: int = 5,
    both_wrong: int = 20,
) -> None:
    probs = {k: softmax(v) for k, v in logits.items()}
    top = {k: np.argsort(-p, axis=1)[:, :5] for k, p in probs.items()}
    np.savez_compressed(
        os.path.join(work_dir, "predictions.npz"),
        index=np.asarray(used),
        files=np.asarray([ds.source(i) for i in used]),
        label=labels,
        cosine=cosine,
        float_top5=top["float"],
        float_top5_p=np.take_along_axis(probs["float"], top["float"], 1),
        quant_top5=top["quant"],
        quant_top5_p=np.take_along_axis(probs["quant"], top["quant"], 1),
    )
    shown = _flips(top["float"][:, 0], top["quant"][:, 0], labels)
    picked = {int(k) for k, _ in shown}
    shown += [(int(k), "least similar outputs") for k in np.argsort(cosine)[:least_similar] if int(k) not in picked]
    shown += _both_wrong(top["float"][:, 0], top["quant"][:, 0], labels, probs["float"], both_wrong)
    os.makedirs(os.path.join(work_dir, "thumbs"))
    rows = []
    for n, (k, kind) in enumerate(shown):
        thumb = f"thumbs/{n:04d}.jpg" if n < MAX_THUMBS else None
        rows.append(
            {
                "file": ds.source(used[int(k)]),
                "kind": kind,
                "label": None if labels[k] == UNLABELLED else int(labels[k]),
                "label_name": None if labels[k] == UNLABELLED else names[int(labels[k])],
                "cosine": float(cosine[k]),
                "float_top5": _top5(probs["float"][k], names),
                "quant_top5": _top5(probs["quant"][k], names),
                "thumb": thumb,
            }
        )
        if thumb is None:
            continue
        img = _crop_seen(ds, used[int(k)], rec)
        if max(img.size) < THUMB:  # tiny images (28x28 Fashion-MNIST): scaled up, pixels kept sharp
            f = THUMB // max(img.size)
            img = img.resize((img.size[0] * f, img.size[1] * f), Image.NEAREST)
        img.thumbnail((THUMB, THUMB))
        img.save(os.path.join(work_dir, thumb), quality=85)
    with open(os.path.join(work_dir, "images.json"), "w") as f:
        json.dump(rows, f, indent=1)
