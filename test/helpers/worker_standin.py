"""A stand-in for a Ray task's worker in tests: starts `zooforge run ...` the way scripts/src/zooforge/protocol/ray_task.py does
(start_watched: a pipe only it holds the write end of), then waits to be killed, or with --die-at-once exits straight
away (a worker lost in the run's first moments). Usage: worker_standin.py [--die-at-once] ARGV..."""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "src"))
from zooforge.protocol.ray_task import start_watched

args = sys.argv[1:]
die = args[:1] == ["--die-at-once"]
start_watched(args[1:] if die else args, dict(os.environ))
if die:
    os._exit(0)
while True:
    time.sleep(60)
