"""Timing one whole process: wall time, and the CPU time (user + system) of its process tree.

The CPU time comes from wait4's rusage, which covers the process and every descendant it waited
for (a runner's steps, a compiler's subprocesses), so it does not depend on a second idle core the
way wall time does.
"""
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float   # seconds, user + system of the process tree


class CommandFailed(Exception):
    pass


def run_measured(argv, env=None, cwd=None):
    """Runs argv to completion; returns (Sample, its stdout). env adds to this process's
    environment. Raises CommandFailed, naming the command and its last stderr lines, on a
    non-zero exit."""
    full_env = None if env is None else {**os.environ, **env}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=full_env, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            err.seek(0)
            tail = "\n".join(err.read().splitlines()[-20:])
            raise CommandFailed(f"exit {process.returncode}: {' '.join(argv)}\n{tail}")
        out.seek(0)
        return Sample(wall, usage.ru_utime + usage.ru_stime), out.read()
