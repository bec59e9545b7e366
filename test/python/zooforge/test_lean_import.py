"""zooforge.protocol.lean_import: one module of a package without the package's __init__ (onnxsim's imports torch)."""

import sys

import pytest
from conftest import conv_bn, run_python

from zooforge.protocol.lean_import import import_skipping_init

SIMPLIFY = """
import sys
{load}
import onnx
model, ok = onnxsim.simplify(onnx.load({source!r}), check_n=0)
onnx.save(model, {out!r})
print(sorted(m for m in ("torch", "sympy", "onnxsim") if m in sys.modules))
"""
LEAN = 'from zooforge.protocol.lean_import import import_skipping_init\nonnxsim = import_skipping_init("onnxsim", "onnx_simplifier", absent=("sympy",))'


def test_onnxsim_s_simplifier_alone_writes_what_onnxsim_writes_without_torch(tmp_path):
    source = conv_bn(tmp_path / "model.onnx")
    ours, theirs = tmp_path / "ours.onnx", tmp_path / "theirs.onnx"
    loaded = run_python("-c", SIMPLIFY.format(load=LEAN, source=source, out=str(ours)))
    assert loaded.strip() == "[]"  # neither torch nor sympy, and onnxsim's place in sys.modules is free again
    loaded = run_python("-c", SIMPLIFY.format(load="import onnxsim", source=source, out=str(theirs)))
    assert loaded.strip() == "['onnxsim', 'sympy', 'torch']"  # the plain import: what the lean one saves
    assert ours.read_bytes() == theirs.read_bytes()


def package(root, init: str, module: str) -> None:
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text(init)
    (root / "pkg" / "mod.py").write_text(module)


def test_the_init_never_runs_and_a_later_import_is_the_real_package(tmp_path, monkeypatch):
    package(tmp_path, "raise RuntimeError('__init__ ran')\n", "from . import helper\nVALUE = helper.X\n")
    (tmp_path / "pkg" / "helper.py").write_text("X = 3\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert import_skipping_init("pkg", "mod").VALUE == 3
        assert "pkg" not in sys.modules and import_skipping_init("pkg", "mod") is sys.modules["pkg.mod"]
        with pytest.raises(RuntimeError, match="__init__ ran"):
            __import__("pkg")
    finally:
        for name in ("pkg", "pkg.mod", "pkg.helper"):
            sys.modules.pop(name, None)


def test_an_absent_dependency_is_missing_only_while_the_module_loads(tmp_path, monkeypatch):
    package(tmp_path, "", "try:\n    import costly\nexcept ImportError:\n    costly = None\n")
    (tmp_path / "costly.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert import_skipping_init("pkg", "mod", absent=("costly",)).costly is None
        assert "costly" not in sys.modules
        __import__("costly")  # importable again
    finally:
        for name in ("pkg", "pkg.mod", "costly"):
            sys.modules.pop(name, None)


def test_a_missing_package_is_a_module_not_found_error():
    with pytest.raises(ModuleNotFoundError, match="zooforge_no_such_package"):
        import_skipping_init("zooforge_no_such_package", "mod")
