"""Worker: host performance of the float and int8 models in ONNX Runtime or OpenVINO (CPU; quantize.host_runtime):
single-thread latency (median of timed runs) and multi-thread throughput (one 1-thread instance per core, all running
at once)."""

import json
import os
import platform
import threading
import time

import numpy as np

from zooforge.protocol.worker import progress, quiet_onnxruntime, run_worker
from zooforge.runtime.runners import runner, runtime_name
from zooforge.runtime.timing import latency


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def throughput(path: str, x: np.ndarray, threads: int, runs: int, runtime: str) -> dict:
    """`threads` instances of one thread each, run concurrently (both runtimes release the GIL while they run)."""
    runners = [runner(path, runtime, threads=1) for _ in range(threads)]
    lat = [[] for _ in range(threads)]

    def work(k):
        for _ in range(runs):
            t0 = time.perf_counter()
            runners[k](x)
            lat[k].append((time.perf_counter() - t0) * 1000)

    for run in runners:
        run(x)
    start = time.perf_counter()
    pool = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    all_lat = [v for per in lat for v in per]
    return {"threads": threads, "fps": threads * runs / elapsed, "mean_latency_ms": float(np.mean(all_lat))}


def cpu_busy_seconds():
    """Seconds of CPU every process on the machine has used (steal included: a busy VM host counts), or None."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_seconds():
    t = os.times()
    return t.user + t.system


def machine_load(before, after, own, elapsed, cores):
    """How much of the machine other processes used while we timed: timings taken beside other work are not the
    machine's, so the stage neither caches nor presents them as such."""
    if before is None or after is None or elapsed <= 0:
        return {"others_busy_fraction": None, "loadavg_1m": os.getloadavg()[0], "busy": False, "measured": False}
    others = max(0.0, (after - before) - own) / (elapsed * cores)
    return {
        "others_busy_fraction": round(others, 3),
        "loadavg_1m": os.getloadavg()[0],
        "busy": others > BUSY_FRACTION,
        "measured": True,
    }


BUSY_FRACTION = 0.25  # other processes using more than a quarter of all cores


def main(p):
    quiet_onnxruntime()
    with open(p["preprocess"]) as f:
        shape = json.load(f)["input_shape"]
    x = np.random.RandomState(0).randn(*shape).astype(np.float32)
    threads = os.cpu_count() or 1
    runtime = p["runtime"]
    out = {"host": {"cpu": cpu_name(), "cores": threads, "runtime": runtime_name(runtime)}}
    busy0, own0, t0 = cpu_busy_seconds(), own_seconds(), time.perf_counter()
    for k, path in (("float", p["float_model"]), ("quant", p["quant_model"])):
        progress(f"timing {k} model")
        out[k] = {
            "single": latency(path, x, p["runs"], runtime),
            "multi": throughput(path, x, threads, p["runs"], runtime),
        }
    out["machine_load"] = machine_load(
        busy0, cpu_busy_seconds(), own_seconds() - own0, time.perf_counter() - t0, threads
    )
    out["speedup_single"] = out["float"]["single"]["median_ms"] / out["quant"]["single"]["median_ms"]
    out["outputs"] = {}
    return out


if __name__ == "__main__":
    run_worker("perf", main)
