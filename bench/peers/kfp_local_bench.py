#!/usr/bin/env python3
"""kfp.local's cost per step, against `ctp run`, on the same trivial DAG: N independent no-op steps.

kfp.local (the KFP SDK's local runner) runs lightweight Python components as subprocesses
(SubprocessRunner, no Docker). Each task is a no-op component; the pipeline runs them all. ctp runs
a Lua pipeline of N no-op container steps (`true`) with the cache off. Both are timed as a whole
(what a user waits for), best of --repeat runs, one step at a time (kfp.local runs tasks one after
the other; ctp with --jobs 1).

    python3 bench/peers/kfp_local_bench.py --ctp build/ctp --steps 20
Needs `pip install kfp` (a test-time peer only).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

KFP_PROGRAM = '''
import sys, time
from kfp import dsl, local

local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=sys.argv[2])

@dsl.component
def noop():
    pass

@dsl.pipeline(name="noop")
def noop_pipeline():
    for _ in range({steps}):
        noop()

start = time.perf_counter()
noop_pipeline()
print(time.perf_counter() - start)
'''

CTP_SCRIPT = '''
local ctp = require "ctp"
local steps = {{}}
for i = 1, {steps} do
  steps[i] = ctp.container {{ name = "s" .. i, image = "alpine:3.19", command = {{ "true" }} }}
end
return ctp.pipeline {{ name = "noop", steps = steps }}
'''


def best_of(repeat, run):
    return min(run() for _ in range(repeat))


def time_kfp(steps, work):
    program = os.path.join(work, "kfp_noop.py")
    with open(program, "w") as f:
        f.write(KFP_PROGRAM.format(steps=steps))

    def run():
        root = tempfile.mkdtemp(dir=work)
        start = time.perf_counter()
        subprocess.run([sys.executable, program, "run", root], check=True, capture_output=True)
        return time.perf_counter() - start
    return run


def time_ctp(ctp, steps, work):
    script = os.path.join(work, "noop.lua")
    with open(script, "w") as f:
        f.write(CTP_SCRIPT.format(steps=steps))

    def run():
        workdir = tempfile.mkdtemp(dir=work)
        start = time.perf_counter()
        subprocess.run([ctp, "run", script, "--jobs", "1", "--no-cache", "--plain", "--workdir", workdir],
                       check=True, capture_output=True)
        return time.perf_counter() - start
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ctp", required=True, help="the ctp binary")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--ctp-steps", type=int, default=1000, help="steps in the ctp pipeline")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        import kfp  # noqa: F401
        from kfp import local  # noqa: F401
    except ImportError:
        print("kfp is not installed (pip install kfp); skipping the kfp.local side", file=sys.stderr)
        return 1
    work = tempfile.mkdtemp(prefix="ctp_kfp_local_")
    try:
        kfp_seconds = best_of(args.repeat, time_kfp(args.steps, work))
        ctp_seconds = best_of(args.repeat, time_ctp(args.ctp, args.ctp_steps, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    kfp_per_step = kfp_seconds / args.steps
    ctp_per_step = ctp_seconds / args.ctp_steps
    print(f"kfp.local: {args.steps} steps in {kfp_seconds:.2f}s = {kfp_per_step * 1000:.1f} ms/step")
    print(f"ctp run:   {args.ctp_steps} steps in {ctp_seconds:.2f}s = {ctp_per_step * 1000:.3f} ms/step")
    print(f"ctp is {kfp_per_step / ctp_per_step:.0f}x faster per step")
    return 0


if __name__ == "__main__":
    sys.exit(main())
