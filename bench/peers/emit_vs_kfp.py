#!/usr/bin/env python3
"""Side by side: compiling the same generated pipeline with the real KFP compiler and with `ctp emit`.

The pipeline has N container steps: step i reads the outputs of two earlier steps (i-1 and i/2), and
every tenth step has a condition and a retry and is read by no other step (KFP forbids reading a
conditional task from outside its condition); the shape of bench/support/generated_pipeline.h. The KFP
version is written with the KFP SDK's container components; the ctp version is the same pipeline as
a Lua script. Both are timed as whole processes (what a user waits for), best of --repeat runs:
wall time, and the CPU time (user + system) of the process tree. `bench/run_all --only emit-kfp`
runs the same commands interleaved, with min / median / max.

    python3 bench/peers/emit_vs_kfp.py --ctp build/ctp --steps 10 100 2000
Needs `pip install kfp` (a test-time peer only).
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
from measure import run_measured  # noqa: E402

KFP_PROGRAM = '''
import sys, time
from kfp import compiler, dsl

N = {steps}

@dsl.container_component
def first(size: int, out: dsl.OutputPath(str)):
    return dsl.ContainerSpec(image="alpine:3.19", command=["sh", "-c"], args=["echo", size, out])

@dsl.container_component
def step(a: str, b: str, out: dsl.OutputPath(str)):
    return dsl.ContainerSpec(image="alpine:3.19", command=["sh", "-c"], args=["echo", a, b, out])

@dsl.pipeline(name="generated")
def generated(size: int = 3, mode: str = "fast"):
    def readable(j):  # the closest earlier step that is not conditional
        return j - 1 if j % 10 == 0 else j
    tasks = [None, first(size=size)]
    for i in range(2, N + 1):
        def make():
            return step(a=tasks[readable(i - 1)].outputs["out"],
                        b=tasks[readable(max(1, i // 2))].outputs["out"])
        if i % 10 == 0:
            with dsl.If(mode == "fast"):
                t = make()
                t.set_retry(num_retries=2, backoff_duration="5s")
        else:
            t = make()
        tasks.append(t)

start = time.perf_counter()
compiler.Compiler().compile(generated, sys.argv[1])
print(time.perf_counter() - start)
'''


def readable(j):
    """The closest step at or before j that is not conditional (every tenth step is)."""
    return j - 1 if j % 10 == 0 else j


def lua_script(steps):
    lines = ["local ctp = require 'ctp'",
             "local params = ctp.params { size = ctp.int { default = 3 }, mode = ctp.string { default = 'fast' } }",
             "local s = {}"]
    for i in range(1, steps + 1):
        reads = ("params.size" if i == 1 else
                 f"s[{readable(i - 1)}].outputs.out, s[{readable(max(1, i // 2))}].outputs.out")
        extra = ", when = params.mode:eq('fast'), retry = { limit = 2, backoff = '5s' }" if i % 10 == 0 else ""
        lines.append(f"s[{i}] = ctp.container {{ name = 'step-{i}', image = 'alpine:3.19', command = {{ 'sh', '-c' }}, "
                     f"args = {{ 'echo', {reads}, ctp.output_path 'out' }}, outputs = {{ out = 'parameter' }}{extra} }}")
    lines.append("return ctp.pipeline { name = 'generated', params = params, steps = s }")
    return "\n".join(lines) + "\n"


def write_inputs(folder, steps):
    """Writes the N-step pipeline as a KFP SDK program and as a Lua script into folder; returns
    (program, script)."""
    program = os.path.join(folder, f"kfp_{steps}.py")
    script = os.path.join(folder, f"generated_{steps}.lua")
    with open(program, "w") as f:
        f.write(KFP_PROGRAM.format(steps=steps))
    with open(script, "w") as f:
        f.write(lua_script(steps))
    return program, script


def kfp_command(program, out):
    return [sys.executable, program, out]


def ctp_command(ctp, script, out, fmt="kfp"):
    return [ctp, "emit", script] + (["--format", fmt] if fmt != "argo" else []) + ["-o", out]


def best(command, repeat):
    """(wall, CPU) seconds of the run with the smallest wall time of `repeat`."""
    samples = [run_measured(command)[0] for _ in range(repeat)]
    return min(((s.wall, s.cpu) for s in samples))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ctp", default="build/ctp")
    parser.add_argument("--steps", type=int, nargs="+", default=[10, 100, 2000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("Each cell: wall s (CPU s, user + system of the process tree), best of --repeat by wall.")
    print(f"{'steps':>6} {'kfp compile':>18} {'ctp emit --format kfp':>22} {'ctp emit argo':>18} "
          f"{'kfp/ctp wall':>13} {'kfp/ctp CPU':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for steps in args.steps:
            program, script = write_inputs(tmp, steps)
            kfp = best(kfp_command(program, os.path.join(tmp, "kfp.yaml")), args.repeat)
            ctp_kfp = best(ctp_command(args.ctp, script, os.path.join(tmp, "ctp.yaml")), args.repeat)
            ctp_argo = best(ctp_command(args.ctp, script, os.path.join(tmp, "argo.yaml"), "argo"),
                            args.repeat)

            def cell(t):
                return f"{t[0]:.3f} ({t[1]:.3f})"
            print(f"{steps:>6} {cell(kfp):>18} {cell(ctp_kfp):>22} {cell(ctp_argo):>18} "
                  f"{kfp[0] / ctp_kfp[0]:>12.0f}x {kfp[1] / ctp_kfp[1]:>11.0f}x")


if __name__ == "__main__":
    main()
