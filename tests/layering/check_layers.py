#!/usr/bin/env python3
"""Keeps the include direction of docs/architecture.md: each source folder includes only the public
headers (ctp/<area>/...) of the folders below it, and no folder reaches into another's private files.

    python3 tests/layering/check_layers.py SOURCE_DIR
    python3 tests/layering/check_layers.py --self-test   (a back edge and a private reach are caught)

Prints one line per violation (file:line: what it includes and why that is a back edge) and
`N passed, M failed` (one check per source folder); exit 1 when anything is wrong.
"""
import os
import re
import sys

# What each folder may include (besides itself). The layers: base -> model -> step ->
# {interpreter, native, emit, report, runner} -> cli; kernels sit on base alone.
ALLOWED = {
    "base": set(),
    "kernels": {"base"},
    "model": {"base"},
    "step": {"model", "base"},
    "interpreter": {"step", "model", "base"},
    "native": {"step", "model", "base", "kernels"},
    "emit": {"model", "base"},
    "report": {"model", "base"},
    "runner": {"step", "model", "base"},
    "cli": {"interpreter", "native", "emit", "report", "runner", "step", "model", "base",
            "kernels"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
SOURCE = re.compile(r"\.(cc|h|cu|cuh)$")


def violations(root, folder):
    """Yields (file, line number, message) for each include of `folder` that breaks the layers."""
    base = os.path.join(root, folder)
    for directory, _, files in os.walk(base):
        for name in sorted(files):
            if not SOURCE.search(name):
                continue
            path = os.path.join(directory, name)
            with open(path, encoding="utf-8") as text:
                for number, line in enumerate(text, 1):
                    match = INCLUDE.match(line)
                    if not match:
                        continue
                    included = match.group(1)
                    relative = os.path.relpath(path, root)
                    if included.startswith("../") or "/../" in included:
                        yield relative, number, f'"{included}": reaches into another folder'
                    elif included.startswith("ctp/"):
                        area = included.split("/")[1]
                        if area != folder and area not in ALLOWED[folder]:
                            yield relative, number, (
                                f'"{included}": {folder}/ may not include {area}/ '
                                f"(it may include {', '.join(sorted(ALLOWED[folder])) or 'nothing of ours'})")


def self_test():
    """A tree with one back edge (runner -> interpreter), one reach into a private file and one
    allowed include must give exactly the two violations."""
    import tempfile
    with tempfile.TemporaryDirectory() as root:
        files = {
            "runner/runner.cc": '#include "ctp/interpreter/script.h"\n#include "ctp/model/dag.h"\n',
            "emit/argo.cc": '#include "../model/check.h"\n',
        }
        for name, text in files.items():
            os.makedirs(os.path.join(root, os.path.dirname(name)), exist_ok=True)
            with open(os.path.join(root, name), "w", encoding="utf-8") as out:
                out.write(text)
        found = [(file, line) for folder in ALLOWED for file, line, _ in violations(root, folder)]
    expected = [("runner/runner.cc", 1), ("emit/argo.cc", 1)]
    if sorted(found) != sorted(expected):
        print(f"self-test: expected {expected}, found {found}")
        print("0 passed, 1 failed")
        sys.exit(1)
    print("1 passed, 0 failed")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_layers.py SOURCE_DIR | --self-test")
    if sys.argv[1] == "--self-test":
        self_test()
        return
    root = sys.argv[1]
    passed = failed = 0
    for folder in ALLOWED:
        found = list(violations(root, folder))
        for file, line, message in found:
            print(f"{file}:{line}: {message}")
        if found:
            failed += 1
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
