"""The worker protocol: `--input-json IN --output-json OUT`; progress/warnings as tagged stdout lines;
a ZfError becomes one `zooforge: <message>` line and exit 1 (never a traceback as the only message)."""
import argparse
import errno
import json
import os
import sys
import traceback
from typing import Any, Callable, Dict


MACHINE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.EIO}


class ZfError(Exception):
    """An expected failure with a message for the user."""


def progress(message: str, done: int = None, total: int = None) -> None:
    payload = {"message": message}
    if done is not None:
        payload["done"] = done
    if total is not None:
        payload["total"] = total
    print("##zf-progress " + json.dumps(payload), flush=True)


def warn(message: str) -> None:
    print("##zf-warn " + message.replace("\n", " "), flush=True)


def write_json(path: str, data: Any) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2)
    os.replace(tmp, path)


def run_worker(fn: Callable[[Dict[str, Any]], Dict[str, Any]]) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input-json", required=True)
    ap.add_argument("--output-json", required=True)
    args = ap.parse_args()
    with open(args.input_json) as f:
        params = json.load(f)
    try:
        write_json(args.output_json, fn(params))
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
    except Exception as err:  # noqa: BLE001
        raise_internal(err)


def raise_internal(err: Exception) -> None:
    """An unexpected bug: the traceback goes to the stage log, the summary to the user."""
    traceback.print_exc()
    print(f"zooforge: internal error in {os.path.basename(sys.argv[0])}: {type(err).__name__}: {str(err)[:300]} "
          "(traceback in the stage log)", file=sys.stderr, flush=True)
    sys.exit(1)


def quiet_onnxruntime() -> None:
    """ORT warns on stderr by default; users should only see what matters."""
    import onnxruntime as ort
    ort.set_default_logger_severity(3)
