"""The preprocessing record from recipe settings and timm's pretrained_cfg (recipe wins, then timm, then defaults)."""
from typing import Any, Dict, Optional


def preprocessing_record(p: Dict[str, Any], cfg: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """Recipe settings win; the rest comes from timm's pretrained_cfg; then plain defaults."""
    s, cfg = p["preprocess"], dict(cfg or {})
    shape = p["input"].get("shape") or [1, *cfg.get("input_size", (3, 224, 224))]
    size = s.get("size") or list(shape[2:])
    channels = shape[1]
    colour = s.get("colour") or ("gray" if channels == 1 else "rgb")
    default_mean, default_std = ([0.5] * channels, [0.5] * channels) if not cfg else (cfg["mean"], cfg["std"])
    mean, std = list(s.get("mean") or default_mean), list(s.get("std") or default_std)
    mean, std = (mean * channels if len(mean) == 1 else mean), (std * channels if len(std) == 1 else std)
    return {"input_name": p["input"]["name"], "output_name": p["input"]["output_name"], "input_shape": list(shape),
            "size": list(size), "crop_pct": s.get("crop_pct") or cfg.get("crop_pct") or 1.0,
            "interpolation": s.get("interpolation") or cfg.get("interpolation") or "bilinear",
            "mean": mean, "std": std, "colour": colour, "layout": "NCHW",
            "source": f"timm pretrained_cfg {cfg.get('architecture', '')}.{cfg.get('tag', '')}".rstrip(".") if cfg else "recipe"}


def timm_cfg(name: str) -> Optional[Dict[str, Any]]:
    """timm's pretrained_cfg for a model name, without building the model or fetching weights."""
    import timm
    cfg = timm.models.get_pretrained_cfg(name)
    return cfg.to_dict() if cfg is not None else None
