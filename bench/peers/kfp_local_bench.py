#!/usr/bin/env python3
"""kfp.local's cost per step, against `ctp run`, on the same trivial DAG: N independent no-op steps.

kfp.local (the KFP SDK's local runner) runs lightweight Python components as subprocesses
(SubprocessRunner, no Docker). Each task is a no-op component; the pipeline runs them all. ctp runs
a Lua pipeline of N no-op container steps (`true`) with the cache off. Both are timed as a whole
(what a user waits for): wall time and the CPU time (user + system) of the process tree, best of
--repeat runs, one step at a time (kfp.local runs tasks one after the other; ctp with --jobs 1).
`bench/run_all --only kfp-local` runs the same commands interleaved, with min / median / max.

    python3 bench/peers/kfp_local_bench.py --ctp build/ctp --steps 20
Needs `pip install kfp` (a test-time peer only).
"""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
from measure import run_measured  # noqa: E402

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


def write_kfp_program(work, steps):
    program = os.path.join(work, f"kfp_noop_{steps}.py")
    with open(program, "w") as f:
        f.write(KFP_PROGRAM.format(steps=steps))
    return program


def write_ctp_script(work, steps):
    script = os.path.join(work, f"noop_{steps}.lua")
    with open(script, "w") as f:
        f.write(CTP_SCRIPT.format(steps=steps))
    return script


def kfp_command(program, pipeline_root):
    return [sys.executable, program, "run", pipeline_root]


def ctp_command(ctp, script, workdir):
    return [ctp, "run", script, "--jobs", "1", "--no-cache", "--plain", "--workdir", workdir]


def best_of(repeat, command):
    """(wall, CPU) seconds of the run with the smallest wall time; command() makes the argument
    list (with a fresh folder) before each run."""
    return min((s.wall, s.cpu) for s in (run_measured(command())[0] for _ in range(repeat)))


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
        program = write_kfp_program(work, args.steps)
        script = write_ctp_script(work, args.ctp_steps)
        kfp_wall, kfp_cpu = best_of(args.repeat,
                                    lambda: kfp_command(program, tempfile.mkdtemp(dir=work)))
        ctp_wall, ctp_cpu = best_of(args.repeat,
                                    lambda: ctp_command(args.ctp, script, tempfile.mkdtemp(dir=work)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"kfp.local: {args.steps} steps in {kfp_wall:.2f}s = {kfp_wall / args.steps * 1000:.1f} ms/step "
          f"wall, {kfp_cpu / args.steps * 1000:.1f} ms/step CPU")
    print(f"ctp run:   {args.ctp_steps} steps in {ctp_wall:.2f}s = "
          f"{ctp_wall / args.ctp_steps * 1000:.3f} ms/step wall, "
          f"{ctp_cpu / args.ctp_steps * 1000:.3f} ms/step CPU")
    print(f"ctp is {(kfp_wall / args.steps) / (ctp_wall / args.ctp_steps):.0f}x faster per step (wall), "
          f"{(kfp_cpu / args.steps) / (ctp_cpu / args.ctp_steps):.0f}x (CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
