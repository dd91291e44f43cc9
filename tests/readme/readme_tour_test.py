#!/usr/bin/env python3
"""The README's 5-minute tour runs as written.

usage: readme_tour_test.py CTP_BINARY SOURCE_DIR

Takes the first ```sh block after the heading "## A 5-minute tour" in README.md and runs each line
with bash (pipefail) in a scratch folder that holds a link to the repository's scripts/, with `ctp`
on PATH. Every line must exit 0; the files the tour writes must be there and look like what they
claim to be (an SVG, Argo and KFP YAML, the HTML report).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def tour_commands(readme_text):
    """The command lines of the tour's first ```sh block, comments removed."""
    section = readme_text.split("## A 5-minute tour", 1)
    if len(section) != 2:
        raise SystemExit("README.md: no '## A 5-minute tour' section")
    block = re.search(r"```sh\n(.*?)```", section[1], re.S)
    if not block:
        raise SystemExit("README.md: the tour has no ```sh block")
    commands = []
    for line in block.group(1).splitlines():
        command = re.sub(r"\s+#.*$", "", line).strip()
        if command:
            commands.append(command)
    return commands


def main():
    ctp_binary, source_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with open(os.path.join(source_dir, "README.md"), encoding="utf-8") as f:
        commands = tour_commands(f.read())
    if not any(c.startswith("ctp run ") for c in commands):
        raise SystemExit("README.md: the tour runs no pipeline")
    if shutil.which("dot") is None:
        raise SystemExit("the tour draws with `dot`: install Graphviz (deps/packages.txt, make test)")
    failures = []
    with tempfile.TemporaryDirectory(prefix="ctp_readme_tour_") as scratch:
        os.symlink(os.path.join(source_dir, "scripts"), os.path.join(scratch, "scripts"))
        bin_dir = os.path.join(scratch, "bin")
        os.mkdir(bin_dir)
        os.symlink(ctp_binary, os.path.join(bin_dir, "ctp"))
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
        for command in commands:
            done = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=scratch, env=env,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=300)
            status = "ok" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
            print(f"$ {command}  -> {status}")
            if done.returncode != 0:
                failures.append(f"{command}\n{done.stdout}{done.stderr}")

        def text(name):
            path = os.path.join(scratch, name)
            if not os.path.isfile(path):
                failures.append(f"the tour did not write {name}")
                return ""
            with open(path, encoding="utf-8") as f:
                return f.read()

        if "<svg" not in text("hello.svg"):
            failures.append("hello.svg is not an SVG")
        if "kind: Workflow\n" not in text("hello.yaml"):
            failures.append("hello.yaml is not an Argo Workflow")
        gitops = text("gitops/train.yaml")
        if "kind: WorkflowTemplate\n" not in gitops or "kind: CronWorkflow\n" not in gitops:
            failures.append("gitops/train.yaml lacks the WorkflowTemplate or the CronWorkflow")
        if "pipelineInfo:" not in text("hello.kfp.yaml"):
            failures.append("hello.kfp.yaml is not a KFP pipeline spec")
        runs = os.path.join(scratch, ".ctp", "runs")
        reports = [r for r in (os.listdir(runs) if os.path.isdir(runs) else [])
                   if os.path.isfile(os.path.join(runs, r, "report.html"))]
        if not reports:
            failures.append("ctp report latest wrote no .ctp/runs/RUN/report.html")
    if failures:
        print("\n\n".join(failures), file=sys.stderr)
        return 1
    print(f"the README tour: {len(commands)} commands ran as written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
