"""Build the torch network named by a recipe (timm, torchvision, or a user's module) and load its weights."""

import contextlib
import importlib.util
import json
import os
import re
import socket
import sys
import urllib.parse
from typing import Any, Dict, Tuple

import torch

from zooforge.protocol.worker import ZfError


def _from_module(spec: str, kwargs: Dict[str, Any]) -> torch.nn.Module:
    path, factory = spec.rsplit(":", 1)
    # As when the file runs as a script: its own folder first on sys.path, so its local imports work (and are the
    # files the export stage keys on).
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    mod_spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
    if mod_spec is None or mod_spec.loader is None:
        raise ZfError(f"cannot import {path}")
    module = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(module)
    if not hasattr(module, factory):
        raise ZfError(f"{path} has no function {factory}")
    return getattr(module, factory)(**kwargs)


def timm_hint(name: str) -> str:
    """timm's names are lower case (the zoo's MobileOne_S0 is timm's mobileone_s0): the nearest one, if any."""
    import difflib

    import timm

    lower = {n.lower(): n for n in timm.list_models()}
    close = (
        [lower[name.lower()]]
        if name.lower() in lower
        else [lower[c] for c in difflib.get_close_matches(name.lower(), list(lower), n=1)]
    )
    return f" (did you mean model.source.timm: {close[0]}?)" if close else ""


# Where pretrained weights come from: timm's from the Hugging Face hub, torchvision's from download.pytorch.org.
# shared with the export stage's check before this worker starts (pipeline/stages/pretrained-weights.ts)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "weight_hosts.json")) as _f:
    _WEIGHTS = json.load(_f)
WEIGHT_HOSTS, FIX = _WEIGHTS["hosts"], _WEIGHTS["fix"]


def _clipped(text: str, limit: int = 200) -> str:
    """The first line of an error, cut at a word boundary (a message cut mid-word reads as garbled)."""
    first = (text.splitlines() or [""])[0]
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + " ..."


def unreachable(host: str, timeout: float = 2.0) -> str | None:
    """Why the weights' host (or the HTTPS proxy in between) takes no connection within `timeout` s; None if it does.
    Checked once before a download, so an offline machine fails in seconds instead of a minute of hub retries."""
    proxy = urllib.parse.urlsplit(os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy") or "")
    address = (proxy.hostname, proxy.port or 443) if proxy.hostname else (host, 443)
    try:
        socket.create_connection(address, timeout=timeout).close()
        return None
    except OSError as err:
        return f"{address[0]}:{address[1]} {_clipped(str(err) or type(err).__name__, 80)}"


def _pretrained_error(name: str, err: Exception, offline: str | None = None) -> ZfError:
    if offline:
        return ZfError(
            f"pretrained weights for {name} are not in the local cache and no model hub answers ({offline}): {FIX}."
        )
    return ZfError(f"could not load pretrained weights for {name} ({type(err).__name__}: {_clipped(str(err))}): {FIX}.")


def _hub_offline_if_unreachable(source: str) -> str | None:
    """When the hub does not answer, put huggingface_hub in offline mode (cached weights still load, no retries)."""
    offline = unreachable(WEIGHT_HOSTS[source])
    if offline:
        os.environ["HF_HUB_OFFLINE"] = "1"
        with contextlib.suppress(ImportError, AttributeError):
            import huggingface_hub.constants

            huggingface_hub.constants.HF_HUB_OFFLINE = True
    return offline


def create(p: Dict[str, Any]) -> Tuple[torch.nn.Module, Any]:
    """Returns (model, timm pretrained_cfg or None). An argument the model does not take is the recipe's mistake:
    named as model.kwargs.<name>."""
    try:
        return _create(p)
    except TypeError as err:
        wrong = re.search(r"unexpected keyword argument '(\w+)'", str(err))
        if not wrong:
            raise
        field = (
            "model.num_classes"
            if wrong.group(1) == "num_classes" and p.get("num_classes")
            else f"model.kwargs.{wrong.group(1)}"
        )
        raise ZfError(f"{field}: {p['name']} takes no argument {wrong.group(1)!r} ({str(err).splitlines()[0]})")


# How torch words an input the network cannot take (a conv's channels, a linear layer's width, a view's size).
SHAPE_MISMATCH = re.compile(
    r"expected input\[|to have \d+ channels|shapes cannot be multiplied|size of tensor|sizes of tensors|"
    r"invalid for input of size"
)


@contextlib.contextmanager
def input_shape_named(shape, name: str):
    """Around the first forward passes (a 224x224 forward of a large net costs seconds on one thread, so there is no
    separate probe): an input the network cannot take is named as input.shape, not left as an internal error."""
    try:
        yield
    except RuntimeError as err:
        if not SHAPE_MISMATCH.search(str(err)):
            raise
        raise ZfError(
            f"input.shape {list(shape)} does not fit {name}: {str(err).splitlines()[0][:300]}. Set input.shape "
            "(and preprocess.colour for the channel count) to what the network takes"
        )


def _create(p: Dict[str, Any]) -> Tuple[torch.nn.Module, Any]:
    src, kwargs = p["source"], dict(p.get("kwargs") or {})
    if p.get("num_classes"):
        kwargs["num_classes"] = p["num_classes"]
    if "timm" in src:
        offline = _hub_offline_if_unreachable("timm") if p["pretrained"] else None
        import timm

        try:
            model = timm.create_model(src["timm"], pretrained=p["pretrained"], **kwargs)
        except RuntimeError as err:
            raise (
                ZfError(f"timm: {err}{timm_hint(src['timm'])}")
                if "Unknown model" in str(err)
                else _pretrained_error(src["timm"], err, offline)
            )
        except OSError as err:  # hub download failures surface as OSError/HTTP errors
            raise _pretrained_error(src["timm"], err, offline)
        return model, getattr(model, "pretrained_cfg", None)
    if "torchvision" in src:
        import torchvision

        fn = getattr(torchvision.models, src["torchvision"], None)
        if fn is None:
            raise ZfError(f"torchvision.models has no {src['torchvision']}")
        offline = unreachable(WEIGHT_HOSTS["torchvision"]) if p["pretrained"] else None
        try:
            return fn(weights="DEFAULT" if p["pretrained"] else None, **kwargs), None
        except (OSError, RuntimeError) as err:
            raise _pretrained_error(src["torchvision"], err, offline)
    if p["pretrained"]:
        raise ZfError("model.pretrained applies to timm/torchvision sources; for module: set model.checkpoint")
    return _from_module(src["module"], kwargs), None


def load_checkpoint(model: torch.nn.Module, path: str, name: str = "the model") -> None:
    """Any checkpoint that cannot become this model's weights is the user's file, not a bug: one clear message."""

    def unfit(why: str) -> ZfError:
        return ZfError(f"checkpoint {path} does not fit model {name}: {why}")

    try:
        if path.endswith(".safetensors"):
            from safetensors.torch import load_file

            state = load_file(path)
        else:
            state = torch.load(path, map_location="cpu")
    except Exception as err:  # directory, truncated zip, random bytes, pickle errors: all "not a checkpoint"
        raise unfit(
            f"not a readable state_dict ({type(err).__name__}: {str(err).splitlines()[0][:200] if str(err) else ''})"
        )
    for key in ("state_dict", "model", "model_state_dict"):
        if isinstance(state, dict) and key in state and isinstance(state[key], dict):
            state = state[key]
    if not isinstance(state, dict):
        raise unfit(f"holds a {type(state).__name__}, not a state_dict")
    try:
        missing, unexpected = model.load_state_dict(state, strict=False)
    except RuntimeError as err:  # shape mismatches: "size mismatch for fc.weight: ..."
        lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
        raise unfit("; ".join(lines[1:4] or lines[:1])[:400])
    if missing or unexpected:
        raise unfit(f"missing {list(missing)[:5]}, unexpected {list(unexpected)[:5]}")


def randomize_batchnorm(model: torch.nn.Module, seed: int) -> int:
    """Random (but fixed) BN statistics and affine terms: without them every folded bias is equal and the
    exporter deduplicates initializers, so the parameter count of a random model would be wrong."""
    gen = torch.Generator().manual_seed(seed)
    n = 0
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            c = m.num_features
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(c, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(c, generator=gen) + 0.5)
                if m.affine:
                    m.weight.copy_(torch.rand(c, generator=gen) + 0.5)
                    m.bias.copy_(torch.randn(c, generator=gen) * 0.1)
            n += 1
    return n


FUSE_METHODS = ("fuse", "reparameterize", "switch_to_deploy")


def reparameterize(model: torch.nn.Module, mode) -> Tuple[torch.nn.Module, int]:
    """The deployed (fused) form of a re-parameterizable model, as timm.utils.reparameterize_model builds it, and
    how many modules offered a fusion. mode: "auto" (fuse when offered), True (must fuse), False (never)."""
    offered = sum(1 for m in model.modules() if m is not model and any(hasattr(m, a) for a in FUSE_METHODS))
    if mode is False or (mode == "auto" and offered == 0):
        return model, 0
    if offered == 0:
        raise ZfError(
            "model.reparameterize is true, but no module of this model offers a fusion (fuse, reparameterize or switch_to_deploy)"
        )
    from timm.utils.model import reparameterize_model

    return reparameterize_model(model).eval(), offered
