"""The worker protocol: `python -m zooforge.workers.<name> --input-json IN --output-json OUT`; progress/warnings as tagged
stdout lines; a ZfError becomes one `zooforge: <message>` line and exit 1 (never a traceback as the only message).
Input and output are checked against the worker's contract (zooforge/protocol/contracts/<name>.json, generated from the zod
schemas in pipeline/contracts): a wrong field fails here, named by worker and path, not three calls deeper."""

import argparse
import ctypes
import errno
import json
import os
import signal
import sys
import traceback
from typing import Any, Callable, Dict

CONTRACTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "contracts")
with open(os.path.join(CONTRACTS, "protocol.json")) as _f:
    PROTOCOL = json.load(_f)


MACHINE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.EIO}


class ZfError(Exception):
    """An expected failure with a message for the user."""


def progress(message: str, done: int = None, total: int = None) -> None:
    payload = {"message": message}
    if done is not None:
        payload["done"] = done
    if total is not None:
        payload["total"] = total
    print(PROTOCOL["progress"] + json.dumps(payload), flush=True)


def warn(message: str) -> None:
    print(PROTOCOL["warn"] + message.replace("\n", " "), flush=True)


class ContractError(Exception):
    """Data that does not match a worker's contract: a bug on the side that wrote it."""


def check_contract(worker: str, side: str, data: Any) -> None:
    """Validate `data` against the `side` ("input" or "output") schema of `worker`; raise ContractError naming the
    worker and the path of the first wrong field."""
    try:
        import jsonschema
    except ImportError:  # the toolchain's own Python (hb_evaluate) may not have it; TypeScript still checks the output
        print(f"contract of {worker} not checked in {sys.executable}: jsonschema is not installed there", flush=True)
        return
    with open(os.path.join(CONTRACTS, f"{worker}.json")) as f:
        schema = json.load(f)[side]
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        where = ".".join(str(p) for p in e.absolute_path) or "(top level)"
        raise ContractError(
            f"{worker} worker {side} does not match its contract: {where}: {e.message[:300]}"
            + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
        )


def write_json(path: str, data: Any) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2)
    os.replace(tmp, path)


def die_with_parent() -> None:
    """A kill -9 of the CLI must not leave its worker computing for nobody: on Linux the kernel sends this process
    SIGTERM when its parent (ZOOFORGE_WORKER_PARENT, set by the CLI that started it) dies; if it died already, exit."""
    parent = os.environ.get("ZOOFORGE_WORKER_PARENT", "")
    if not parent.isdigit() or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != int(parent):
        sys.exit(1)


def run_worker(worker: str, fn: Callable[[Dict[str, Any]], Dict[str, Any]]) -> None:
    die_with_parent()
    ap = argparse.ArgumentParser(prog=f"python -m zooforge.workers.{worker}")
    ap.add_argument("--input-json", required=True)
    ap.add_argument("--output-json", required=True)
    args = ap.parse_args()
    with open(args.input_json) as f:
        params = json.load(f)
    try:
        check_contract(worker, "input", params)
        result = fn(params)
        check_contract(worker, "output", result)
        write_json(args.output_json, result)
    except ContractError as err:
        print(f"zooforge: {err}", file=sys.stderr, flush=True)
        sys.exit(1)
    except ZfError as err:
        print(f"zooforge: {err}", file=sys.stderr, flush=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as err:
        if err.errno not in MACHINE_ERRNOS:
            raise_internal(err)
        # the machine, not a bug: a full or read-only disk, a folder we may not write
        print(f"zooforge: {err.filename or '(unknown path)'}: {err.strerror}", file=sys.stderr, flush=True)
        sys.exit(1)
    except Exception as err:
        raise_internal(err)


def raise_internal(err: Exception) -> None:
    """An unexpected bug: the traceback goes to the stage log, the summary to the user."""
    traceback.print_exc()
    print(
        f"zooforge: internal error in {os.path.basename(sys.argv[0])}: {type(err).__name__}: {str(err)[:300]} "
        "(traceback in the stage log)",
        file=sys.stderr,
        flush=True,
    )
    sys.exit(1)


def quiet_onnxruntime() -> None:
    """ORT warns on stderr by default; users should only see what matters."""
    import onnxruntime as ort

    ort.set_default_logger_severity(3)
