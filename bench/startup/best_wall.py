#!/usr/bin/env python3
"""Best-of-N wall and CPU time of ctp start-up commands (docs/benchmarks.md, "Start-up").

On a shared machine the mean (measure.sh) mostly measures waiting for a core; the best of many
runs is the closest to an idle core. Each run is one fork/exec, timed around os.wait4, whose
rusage gives that child's own CPU time.
Usage: bench/startup/best_wall.py [--runs N] [--command "ARGS"]... CTP...   (from the repository root)
--command replaces the default start-up commands, e.g. --command "check /tmp/g2000.lua".
"""
import argparse
import os
import tempfile
import time


def run_once(argv):
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execv(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}")
    return wall * 1e3, (usage.ru_utime + usage.ru_stime) * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--command", action="append", help="ctp arguments (split on spaces)")
    parser.add_argument("ctp", nargs="+")
    args = parser.parse_args()
    out = tempfile.mkdtemp()
    commands = [["--version"], ["emit", "scripts/hello.lua", "-o", f"{out}/h.yaml"],
                ["emit", "bench/startup/g5.lua", "-o", f"{out}/g5.yaml"],
                ["emit", "bench/startup/g5.lua", "--format", "kfp", "-o", f"{out}/g5k.yaml"]]
    if args.command:
        commands = [command.split() for command in args.command]
    print(f"{'binary':24s} {'command':36s} {'best wall':>10s} {'best CPU':>10s}  (ms, {args.runs} runs)")
    for command in commands:
        # Interleaved, so that every binary sees the same load.
        times = {ctp: [] for ctp in args.ctp}
        for _ in range(args.runs):
            for ctp in args.ctp:
                times[ctp].append(run_once([os.path.abspath(ctp)] + command))
        label = " ".join(c for c in command if not c.startswith(out) and c != "-o")
        for ctp in args.ctp:
            print(f"{os.path.basename(ctp):24s} {label:36s} {min(t[0] for t in times[ctp]):10.2f} "
                  f"{min(t[1] for t in times[ctp]):10.2f}")

if __name__ == "__main__":
    main()
