"""A stand-in for a Ray task's worker (scripts/zf/ray_task.py) in tests: starts `zooforge run ...` with the read end
of a pipe it alone holds the write end of (ZOOFORGE_PARENT_FD), then waits to be killed, or with --die-at-once exits
straight away (a worker lost in the run's first moments). Usage: worker_standin.py [--die-at-once] ARGV..."""
import os
import subprocess
import sys
import time

args = sys.argv[1:]
die = args[:1] == ["--die-at-once"]
argv = args[1:] if die else args
alive_r, alive_w = os.pipe()
subprocess.Popen(argv, env={**os.environ, "ZOOFORGE_PARENT_FD": str(alive_r)}, pass_fds=(alive_r,))
os.close(alive_r)
if die:
    os._exit(0)
while True:
    time.sleep(60)
