"""The preprocessing record from recipe settings and the model's own preprocessing config: timm's pretrained_cfg,
or a torchvision model's weights transforms (recipe wins, then the model's, then plain defaults, said out loud)."""

from typing import Any, Dict, Optional


def preprocessing_record(p: Dict[str, Any], cfg: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """Recipe settings win; the rest comes from the model's config (timm pretrained_cfg form); then defaults, and
    `source` says which of them were used."""
    s, cfg = p["preprocess"], dict(cfg or {})
    shape = p["input"].get("shape") or [1, *cfg.get("input_size", (3, 224, 224))]
    size = s.get("size") or list(shape[2:])
    channels = shape[1]
    colour = s.get("colour") or ("gray" if channels == 1 else "rgb")
    default_mean, default_std = ([0.5] * channels, [0.5] * channels) if not cfg else (cfg["mean"], cfg["std"])
    mean, std = list(s.get("mean") or default_mean), list(s.get("std") or default_std)
    mean, std = (mean * channels if len(mean) == 1 else mean), (std * channels if len(std) == 1 else std)
    crop_mode = cfg.get("crop_mode") or "center"
    if crop_mode not in ("center", "squash"):
        from zooforge.protocol.worker import ZfError

        raise ZfError(
            f"the model's preprocessing uses crop_mode {crop_mode}; zooforge reproduces center and squash only"
        )
    if cfg:
        source = cfg.get("source") or f"timm pretrained_cfg {cfg.get('architecture', '')}.{cfg.get('tag', '')}".rstrip(
            "."
        )
    else:
        # nothing from the model: what the recipe does not set is an assumption, and the record says so
        assumed = [k for k in ("mean", "std") if not s.get(k)]
        source = f"recipe; default {' and '.join(assumed)} 0.5 (no model config)" if assumed else "recipe"
    return {
        "input_name": p["input"]["name"],
        "output_name": p["input"]["output_name"],
        "input_shape": list(shape),
        "size": list(size),
        "crop_pct": s.get("crop_pct") or cfg.get("crop_pct") or 1.0,
        "crop_mode": crop_mode,
        "interpolation": s.get("interpolation") or cfg.get("interpolation") or "bilinear",
        "mean": mean,
        "std": std,
        "colour": colour,
        "layout": "NCHW",
        "source": source,
    }


def timm_cfg(name: str) -> Optional[Dict[str, Any]]:
    """timm's pretrained_cfg for a model name, without building the model or fetching weights."""
    import timm

    cfg = timm.models.get_pretrained_cfg(name)
    return cfg.to_dict() if cfg is not None else None


def torchvision_cfg(name: str) -> Optional[Dict[str, Any]]:
    """A torchvision model's default weights' own eval transform (resize_size/crop_size/interpolation/mean/std), in
    timm's pretrained_cfg form: crop_pct = crop / resize. Constructing the transform downloads nothing."""
    import torchvision

    try:
        weights = torchvision.models.get_model_weights(name).DEFAULT
    except (ValueError, KeyError, AttributeError):
        return None
    t = weights.transforms()
    crop, resize = t.crop_size[0], t.resize_size[0]
    interp = str(getattr(t.interpolation, "value", t.interpolation)).lower()
    return {
        "input_size": (3, crop, crop),
        "crop_pct": crop / resize,
        "interpolation": interp,
        "mean": list(t.mean),
        "std": list(t.std),
        "crop_mode": "center",
        "source": f"torchvision {name} {weights.name} transforms",
    }
