"""The worker protocol (worker.py: JSON in and out, checked against contracts/, progress and warning lines) and the
task a Ray node runs (ray_task.py). Imports nothing else of zooforge."""
