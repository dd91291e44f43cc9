#!/usr/bin/env python3
"""Checks docker/Dockerfile and docker/Dockerfile.cuda without a Docker engine.

usage: check_dockerfiles.py SOURCE_DIR [CTP_BINARY]

- Each Dockerfile parses: every instruction is a known one, ARG may precede the first FROM, the
  build is multi-stage, COPY --from names an earlier stage, ENTRYPOINT is the exec form ["ctp"].
- The final stage is debian:bookworm-slim and installs only the "runtime" group of
  deps/packages.txt through deps/install.sh; build stages install the "build" group the same
  way and build with `make build` (the target CI's `make test` runs). No stage runs
  `apt-get install` itself, so every package comes from deps/packages.txt.
- Every package of those groups exists in the Debian archive (apt-cache show); SKIPPED, visibly,
  when this machine has no apt lists.
- The CUDA image's toolkit version is the one at /usr/local/cuda (SKIPPED without a toolkit).
- Given the ctp binary, every library it links (DT_NEEDED) is installed by a runtime package (or
  by the base image's libc6 / libstdc++6 / libgcc-s1): dpkg -S on what ldd resolves.
Prints one line per check; exits 1 on the first failure.
"""
import json
import os
import re
import shlex
import subprocess
import sys

INSTRUCTIONS = {"FROM", "RUN", "COPY", "ADD", "ARG", "ENV", "WORKDIR", "ENTRYPOINT", "CMD",
                "LABEL", "USER", "EXPOSE", "VOLUME", "SHELL", "HEALTHCHECK", "STOPSIGNAL",
                "ONBUILD"}
BASE_PACKAGES = {"libc6", "libstdc++6", "libgcc-s1"}  # in every Debian image


def fail(message):
    print("FAIL " + message)
    sys.exit(1)


def ok(message):
    print("ok   " + message)


def instructions(path):
    """(line number, INSTRUCTION, arguments) with continuations joined and comments dropped."""
    result, pending, start = [], "", 0
    with open(path) as f:
        for number, line in enumerate(f, 1):
            stripped = line.strip()
            if not pending and (not stripped or stripped.startswith("#")):
                continue
            if not pending:
                start = number
            if stripped.endswith("\\"):
                pending += stripped[:-1] + " "
                continue
            pending += stripped
            word, _, rest = pending.partition(" ")
            result.append((start, word.upper(), rest.strip()))
            pending = ""
    if pending:
        fail(f"{path}: the last instruction ends with a line continuation")
    return result


def read_groups(source):
    groups = {}
    with open(os.path.join(source, "deps", "packages.txt")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            group, package = line.split()
            groups.setdefault(group, []).append(package)
    return groups


def stages(path):
    """Stages of a Dockerfile: dicts with name, base and instructions."""
    parsed = instructions(path)
    result = []
    for number, word, rest in parsed:
        if word not in INSTRUCTIONS:
            fail(f"{path}:{number}: unknown instruction {word}")
        if word == "FROM":
            parts = rest.split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else None
            if len(parts) not in (1, 3):
                fail(f"{path}:{number}: FROM takes IMAGE [AS NAME]")
            result.append({"name": name, "base": parts[0], "lines": []})
        elif not result:
            if word != "ARG":
                fail(f"{path}:{number}: {word} before the first FROM")
        else:
            result[-1]["lines"].append((number, word, rest))
    return result


def check_dockerfile(path, groups):
    found = stages(path)
    if len(found) < 2:
        fail(f"{path}: not a multi-stage build")
    names = []
    for stage in found:
        for number, word, rest in stage["lines"]:
            if word == "COPY" and rest.startswith("--from="):
                source = rest.split()[0][len("--from="):]
                if source not in names:
                    fail(f"{path}:{number}: COPY --from={source} names no earlier stage")
            if word == "RUN" and re.search(r"apt-get\s+install|apt\s+install", rest):
                fail(f"{path}:{number}: installs packages itself; use deps/install.sh GROUP")
        names.append(stage["name"])
    final = found[-1]
    if final["base"] != "debian:bookworm-slim":
        fail(f"{path}: the runtime stage is {final['base']}, not debian:bookworm-slim")
    runs = " ".join(rest for _, word, rest in final["lines"] if word == "RUN")
    installed = re.findall(r"deps/install\.sh\s+([a-z ]+)", runs)
    if [group.split() for group in installed] != [["runtime"]]:
        fail(f"{path}: the runtime stage must install exactly the runtime group, got {installed}")
    entrypoints = [rest for _, word, rest in final["lines"] if word == "ENTRYPOINT"]
    if len(entrypoints) != 1 or json.loads(entrypoints[0]) != ["ctp"]:
        fail(f"{path}: the runtime stage needs ENTRYPOINT [\"ctp\"], got {entrypoints}")
    build = [stage for stage in found if stage["name"] == "build"]
    if not build:
        fail(f"{path}: no stage named build")
    build_runs = " ".join(rest for _, word, rest in build[0]["lines"] if word == "RUN")
    if "deps/install.sh build" not in build_runs:
        fail(f"{path}: the build stage does not run deps/install.sh build")
    if not re.search(r"\bmake build\b", build_runs):
        fail(f"{path}: the build stage does not run `make build` (what CI runs)")
    for group in ("build", "runtime"):
        if group not in groups:
            fail(f"deps/packages.txt has no {group} group")
    ok(f"{os.path.basename(path)}: {len(found)} stages, runtime on {final['base']}, "
       f"ENTRYPOINT [\"ctp\"], packages only through deps/install.sh, builds with make build")
    return found


def check_ci_runs_make_build(source):
    with open(os.path.join(source, "Makefile")) as f:
        makefile = f.read()
    if not re.search(r"^test:.*\bbuild\b", makefile, re.M):
        fail("Makefile: `make test` no longer depends on `build`; the Dockerfiles build with it")
    with open(os.path.join(source, ".ci", "run")) as f:
        if "make test" not in f.read():
            fail(".ci/run does not run `make test`")
    ok("CI (.ci/run -> make test -> make build) builds with the target the Dockerfiles run")


def check_archive(groups):
    lists = "/var/lib/apt/lists"
    if not os.path.isdir(lists) or not any("_Packages" in n for n in os.listdir(lists)):
        print("SKIPPED: no apt lists on this machine (run apt-get update); cannot check that "
              "the packages exist in the Debian archive")
        return
    packages = groups["build"] + groups["runtime"]
    shown = subprocess.run(["apt-cache", "show", "--no-all-versions", *packages],
                           capture_output=True, text=True).stdout
    found = set(re.findall(r"^Package: (\S+)$", shown, re.M))
    missing = [p for p in packages if p not in found]
    if missing:
        fail("not in the Debian archive: " + " ".join(missing))
    ok(f"all {len(packages)} build and runtime packages exist in the Debian archive")


def check_cuda_version(path):
    with open(path) as f:
        text = f.read()
    match = re.search(r"ARG CUDA_VERSION=(\d+)\.(\d+)\.(\d+)", text)
    if not match:
        fail(f"{path}: no ARG CUDA_VERSION=X.Y.Z")
    wanted = f"{match.group(1)}.{match.group(2)}"
    if f"/usr/local/cuda-{wanted}/" not in text:
        fail(f"{path}: copies from a toolkit folder other than /usr/local/cuda-{wanted}")
    nvcc = "/usr/local/cuda/bin/nvcc"
    if not os.path.exists(nvcc):
        print(f"SKIPPED: no CUDA toolkit at /usr/local/cuda; cannot compare with CUDA {wanted}")
        return
    output = subprocess.run([nvcc, "--version"], capture_output=True, text=True).stdout
    release = re.search(r"release (\d+\.\d+)", output)
    if not release or release.group(1) != wanted:
        fail(f"{path}: CUDA {wanted}, but the project builds with "
             f"{release.group(1) if release else 'an unknown release'} (/usr/local/cuda)")
    ok(f"Dockerfile.cuda uses CUDA {wanted}, the toolkit at /usr/local/cuda")


def check_runtime_libraries(binary, groups):
    """The libraries ctp links directly (DT_NEEDED) come from runtime packages; what those need
    in turn, their packages' dependencies bring."""
    if not os.path.exists(binary):
        fail(f"{binary}: no such binary")
    dynamic = subprocess.run(["objdump", "-p", binary], capture_output=True, text=True).stdout
    needed = [name for name in re.findall(r"^\s*NEEDED\s+(\S+)$", dynamic, re.M)
              if not name.startswith("ld-linux")]  # the loader, part of libc6
    resolved = dict(re.findall(r"^\s*(\S+) => (/\S+)", subprocess.run(
        ["ldd", binary], capture_output=True, text=True).stdout, re.M))
    missing = [name for name in needed if name not in resolved]
    if missing:
        fail(f"{binary}: libraries not found on this machine: {' '.join(missing)}")
    # dpkg knows the /usr/lib path (merged /usr) or the /lib one; ask for both in one call.
    paths = {}
    for name in needed:
        real = os.path.realpath(resolved[name])
        for candidate in (real, real.replace("/usr/lib/", "/lib/", 1)):
            paths[candidate] = name
    owners = subprocess.run(["dpkg", "-S", *paths], capture_output=True, text=True).stdout
    packages = {}
    for line in owners.splitlines():
        package, _, path = line.partition(": ")
        if path in paths:
            packages[paths[path]] = package.split(":")[0]
    allowed = set(groups["runtime"]) | BASE_PACKAGES
    unexplained = [f"{name} ({packages.get(name, 'no package')})" for name in needed
                   if packages.get(name) not in allowed]
    if unexplained:
        fail(f"{binary} links libraries that no runtime package of deps/packages.txt installs: "
             + ", ".join(unexplained))
    ok(f"every library ctp links ({len(needed)}) comes from the runtime group or libc")


def main():
    if len(sys.argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    source = sys.argv[1]
    groups = read_groups(source)
    for name in ("Dockerfile", "Dockerfile.cuda"):
        check_dockerfile(os.path.join(source, "docker", name), groups)
    check_ci_runs_make_build(source)
    check_archive(groups)
    check_cuda_version(os.path.join(source, "docker", "Dockerfile.cuda"))
    if len(sys.argv) == 3:
        check_runtime_libraries(sys.argv[2], groups)
    return 0


if __name__ == "__main__":
    sys.exit(main())
