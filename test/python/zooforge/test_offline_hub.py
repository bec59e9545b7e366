"""Offline, a pretrained timm model fails in seconds naming the fix, instead of a minute of hub retries."""

import socket
import time

import pytest

from zooforge.model import build_model
from zooforge.protocol.worker import ZfError


def test_a_closed_port_is_unreachable(monkeypatch):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{port}")  # the check goes to the proxy when one is set
    why = build_model.unreachable("huggingface.co")
    assert why is not None and why.startswith(f"127.0.0.1:{port} ")


def test_offline_pretrained_timm_fails_fast_naming_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path))  # an empty local cache
    # the check turns huggingface_hub offline for the rest of the process (a worker is one run): not for later tests
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", huggingface_hub.constants.HF_HUB_OFFLINE)
    monkeypatch.setattr(build_model, "unreachable", lambda host, timeout=2.0: f"{host}:443 refused")
    t0 = time.monotonic()
    with pytest.raises(ZfError) as err:
        build_model.create({"source": {"timm": "resnet18"}, "pretrained": True})
    assert time.monotonic() - t0 < 15  # no retries (the hub client's five retries took about a minute)
    assert "no model hub answers (huggingface.co:443 refused)" in str(err.value)
    assert "set model.checkpoint to a local weights file, or model.pretrained: false" in str(err.value)


def test_long_errors_are_cut_at_a_word():
    text = "word " * 100
    cut = build_model._clipped(text, 42)
    assert cut.endswith(" ...") and len(cut) <= 46 and not cut[:-4].endswith("wor")
