"""A timm model's module paths for the names of the original code a zoo exported from, through timm's own mapping of
the original checkpoints (`checkpoint_filter_fn` in the model's timm module): the zoo's node names are the
original's, our export is timm's."""

from typing import Callable, Dict, List, Optional


def _fastvit_network_keys(model) -> List[str]:
    """Apple's FastViT keeps its stages in one flat `network` list (per stage: [downsample] [pos_emb] blocks) and
    timm's filter finds the stage ends from its downsample keys (`network.N.proj`): the keys it would see there,
    from timm's stages."""
    from torch import nn

    keys, index = [], 0
    for stage in model.stages:
        if not isinstance(stage.downsample, nn.Identity):
            keys.append(f"network.{index}.proj.0.weight")
            index += 1
        index += 0 if isinstance(stage.pos_emb, nn.Identity) else 1
        index += 1
    return keys


# What a filter needs of the original checkpoint besides the names asked about, by timm module.
ORIGINAL_LAYOUT: Dict[str, Callable[[object], List[str]]] = {"fastvit": _fastvit_network_keys}


def timm_translator(arch: str) -> Optional[Callable[[str], Optional[str]]]:
    """path -> timm's path for the original module `path` (None when the filter does not map it one to one), or None
    when the model's timm module keeps no mapping of original checkpoints."""
    import importlib

    import timm
    import torch

    module = importlib.import_module(timm.models.model_entrypoint(arch).__module__)
    keep = getattr(module, "checkpoint_filter_fn", None)
    if keep is None:
        return None
    model = timm.create_model(arch, pretrained=False)
    layout = ORIGINAL_LAYOUT.get(module.__name__.rpartition(".")[2], lambda _: [])(model)

    def filtered(keys: List[str]) -> List[str]:
        return list(keep({k: torch.zeros(1, 1) for k in keys}, model))

    base = set(filtered(layout))

    def translate(path: str) -> Optional[str]:
        try:
            new = [k for k in filtered([*layout, f"{path}.weight"]) if k not in base]
        except Exception:  # a filter that needs real tensors or keys we cannot make: no translation
            return None
        return new[0][: -len(".weight")] if len(new) == 1 and new[0].endswith(".weight") else None

    return translate
