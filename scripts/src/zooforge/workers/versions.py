"""Print the versions of the tools zooforge's workers use, as JSON (null when not installed); the names come from
the generated protocol.json (pipeline/contracts/tools.ts).

Reads package metadata instead of importing (importing torch costs seconds on every run)."""

import json
import os
import platform
from importlib import metadata

with open(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "protocol", "contracts", "protocol.json")
) as f:
    TOOLS = json.load(f)["tools"]


def main() -> None:
    versions = {"python": platform.python_version()}
    for name in TOOLS:
        if name != "python":
            try:
                versions[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                versions[name] = None
    print(json.dumps(versions))


if __name__ == "__main__":
    main()
