"""Print the versions of the tools zooforge's workers use, as JSON (null when not installed); the names come from
the generated protocol.json (pipeline/contracts/tools.ts).

Reads package metadata instead of importing (importing torch costs seconds on every run)."""

import ctypes
import ctypes.util
import json
import os
import platform
from importlib import metadata
from typing import Optional

with open(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "protocol", "contracts", "protocol.json")
) as f:
    TOOLS = json.load(f)["tools"]


def blas() -> Optional[str]:
    """The system BLAS (libblas.so.3) that Debian's torch and numpy call: update-alternatives picks it, and it
    changes both their speed (the reference BLAS is ~10x slower) and the last bits of their sums. OpenBLAS says its
    own version; any other library is named by its folder and file (the reference BLAS: blas/libblas.so.3.11.0). None when there is none."""
    name = ctypes.util.find_library("blas")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    config = getattr(lib, "openblas_get_config", None)
    if config is not None:
        config.restype = ctypes.c_char_p
        return " ".join(config().decode().split()[:2])  # "OpenBLAS 0.3.21"; the rest names this machine's CPU
    with open("/proc/self/maps") as maps:  # the kernel lists the real file: .../blas/libblas.so.3.11.0
        mapped = [line.rstrip("\n").split(maxsplit=5) for line in maps]  # the path, the 6th field, may hold spaces
    paths = [fields[5] for fields in mapped if len(fields) == 6 and os.path.basename(fields[5]).startswith(name)]
    if not paths:
        return name
    return os.path.relpath(paths[0], os.path.dirname(os.path.dirname(paths[0])))  # Debian's reference BLAS: blas/...


def main() -> None:
    versions = {"python": platform.python_version(), "blas": blas()}
    for name in TOOLS:
        if name not in versions:
            try:
                versions[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                versions[name] = None
    print(json.dumps(versions))


if __name__ == "__main__":
    main()
