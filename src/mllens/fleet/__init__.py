"""Many repositories at once: `mllens fleet scan` on a process pool or a Dask cluster.

sources.py reads what to scan (folders, git URLs, list files), git.py reads a commit and
keeps shallow clones, task.py is what one worker does for one repository, executors.py
runs tasks and yields their results as they finish, output.py writes DIR/<name>.json and
DIR/fleet.json, and run.py is the coordinator: the one process that writes the store.
"""
