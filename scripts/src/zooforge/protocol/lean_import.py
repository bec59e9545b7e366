"""One module of a package, imported without running the package's __init__: onnxruntime.tools' and onnxsim's import
torch (a second or more per worker) for features our workers never call."""

import importlib
import importlib.util
import sys
from types import ModuleType

_ABSENT = object()


def import_skipping_init(package: str, module: str, absent: tuple = ()) -> ModuleType:
    """`package.module`, loaded while an empty stand-in (the package's spec, its __init__ not run) holds the package's
    place in sys.modules; the stand-in leaves again, so a later `import package` is the real one. `absent` names
    optional dependencies the module falls back from when they do not import: those not imported yet are made
    unimportable while it loads (an import that costs more than the module). Import errors come from the module."""
    name = f"{package}.{module}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(package)  # imports the package's parents, never the package
    if spec is None or spec.submodule_search_locations is None:
        raise ModuleNotFoundError(f"No package named {package!r}", name=package)
    blocked = [n for n in absent if n not in sys.modules]
    saved = {n: sys.modules.get(n, _ABSENT) for n in (package, *blocked)}
    sys.modules[package] = importlib.util.module_from_spec(spec)
    sys.modules.update({n: None for n in blocked})  # None in sys.modules: `import n` raises ImportError
    try:
        return importlib.import_module(name)
    finally:
        for n, kept in saved.items():
            if kept is _ABSENT:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = kept
