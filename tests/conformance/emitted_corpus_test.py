#!/usr/bin/env python3
"""Emit every pipeline of the repository in every form ctp writes, and validate each document.

Usage:
    python3 emitted_corpus_test.py CTP_BINARY REPO_ROOT [--keep DIR]

The corpus (emit_corpus) is built in a temporary folder (or DIR with --keep,
which is emptied first) from:

  * every scripts/*.lua: each must pass `ctp check` and emit; a failure is a
    finding;
  * every Lua file under tests/ that `ctp check` accepts (today
    tests/interpreter/scripts/, tests/interpreter/kfp_components/,
    tests/runner/scripts/); the others (modules, tests/interpreter/*.lua
    helpers) are skipped with ctp's message.  tests/interpreter/bad_scripts/
    is left out: those scripts must fail.

Each script is emitted as Argo in every kind (`--kind workflow`, `template`,
and, when the script has a schedule, `cron` and `all`), each once with
`-o FILE` and once with `--dir DIR` (one file per resource); and as KFP
(`--format kfp`, with `-o` and with `--dir`).  Whether a script has a
schedule is learnt from `--kind cron`, which fails with "needs a schedule"
when it has none.  Argo output is for ctp's default target, Argo 4: the
schema validate_argo.py checks against is Argo 4's (data/argo/SOURCES.md),
which has no Argo 3 `spec.schedule`.  A document byte-identical to one
already in the corpus (`-o` and `--dir` write the same single resource) is
validated once.  Parameters without defaults come from SCRIPT_PARAMETERS.

The checks (CORPUS_CHECKS) then run over the corpus: validate_argo.py --refs
over all Argo files and validate_kfp.py over all KFP files, one call each.
Another check plugs in by adding a function to CORPUS_CHECKS, or by importing
this module and calling emit_corpus(): `corpus.files("argo")` and
`corpus.files("kfp")` are the emitted files per format.

Output: one line per document, `OK   FORMAT SCRIPT FORM` or `FAIL FORMAT
SCRIPT FORM` with the findings indented below (`FILE: message`); one line per
skipped script or check; then a summary.  Exit status: 0 when nothing was
found, 1 on any finding, 2 on a usage error.
"""

import argparse
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))

# Scripts, as globs relative to the repository; `required` scripts must pass
# `ctp check`, the others are skipped (with ctp's message) when it refuses them.
SCRIPT_SOURCES = (
    ("scripts/*.lua", True),
    ("tests/**/*.lua", False),
)
# Scripts that must fail, never emitted.
EXCLUDED_FOLDERS = ("tests/interpreter/bad_scripts/",)
# Scripts left out on purpose, with the reason.
EXCLUDED_SCRIPTS = {
    "tests/runner/scripts/no_command.lua": "a container without a command, on purpose: ctp run "
                                           "refuses it (the cluster would run the image's "
                                           "entrypoint, which ctp cannot check)",
}

# `-p name=value` for scripts whose parameters have no default, by script path
# relative to the repository.
SCRIPT_PARAMETERS = {
    "tests/runner/scripts/interrupted.lua": ("dir=/tmp/interrupted",),
    "tests/runner/scripts/leftover.lua": ("dir=/tmp/leftover",),
    "tests/runner/scripts/volume_hold.lua": ("dir=/tmp/volume-hold",),
}

ARGO_KINDS = ("workflow", "template", "cron", "all")
SCHEDULED_KINDS = ("cron", "all")
NO_SCHEDULE = "needs a schedule"
CTP_TIMEOUT_S = 60


@dataclass
class Document:
    """One emitted file."""
    path: str
    script: str  # relative to the repository
    format: str  # "argo" or "kfp"
    form: str    # the emit options that wrote it, e.g. "--kind all --dir (cronworkflow-x.yaml)"
    same_as: list = field(default_factory=list)  # other forms that wrote the same bytes


@dataclass
class Corpus:
    """The emitted documents, the scripts left out, and where emitting failed."""
    documents: list = field(default_factory=list)
    skipped: list = field(default_factory=list)   # (script, reason)
    findings: dict = field(default_factory=dict)  # script -> [what ctp failed to do]
    duplicates: int = 0

    def files(self, format_name):
        """The emitted files of one format ("argo" or "kfp")."""
        return [d.path for d in self.documents if d.format == format_name]

    def add_finding(self, key, message):
        self.findings.setdefault(key, []).append(message)


def run_ctp(ctp, args, cwd):
    """Runs ctp; returns (exit status, stdout + stderr as one string)."""
    try:
        process = subprocess.run([ctp, *args], cwd=cwd, capture_output=True, text=True,
                                 timeout=CTP_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return -1, f"timed out after {CTP_TIMEOUT_S} s"
    return process.returncode, (process.stdout + process.stderr).strip()


def first_line(text):
    return text.splitlines()[0] if text else "(no output)"


def script_sources(repo_root):
    """(relative script path, required) for every script of SCRIPT_SOURCES."""
    seen = set()
    for pattern, required in SCRIPT_SOURCES:
        for path in sorted(glob.glob(os.path.join(repo_root, pattern), recursive=True)):
            relative = os.path.relpath(path, repo_root)
            if relative in EXCLUDED_SCRIPTS:
                print(f"SKIP      {relative}  {EXCLUDED_SCRIPTS[relative]}")
                seen.add(relative)
            if relative not in seen and not relative.startswith(EXCLUDED_FOLDERS):
                seen.add(relative)
                yield relative, required


def parameter_args(script):
    return [arg for value in SCRIPT_PARAMETERS.get(script, ()) for arg in ("-p", value)]


def emit_forms(has_schedule):
    """(format, form name, ctp emit options) for every form a script is emitted in."""
    for kind in ARGO_KINDS:
        if kind in SCHEDULED_KINDS and not has_schedule:
            continue
        yield "argo", f"--kind {kind}", ["--kind", kind]
    yield "kfp", "--format kfp", ["--format", "kfp"]


class CorpusBuilder:
    """Emits the scripts of SCRIPT_SOURCES into `out_dir`, one folder per script."""

    def __init__(self, ctp, repo_root, out_dir):
        self.ctp, self.repo_root, self.out_dir = ctp, repo_root, out_dir
        self.corpus = Corpus()
        self.by_digest = {}  # sha256 of a file -> its Document

    def build(self):
        for script, required in script_sources(self.repo_root):
            self.add_script(script, required)
        return self.corpus

    def add_script(self, script, required):
        source = os.path.join(self.repo_root, script)
        params = parameter_args(script)
        status, output = run_ctp(self.ctp, ["check", source, *params], self.out_dir)
        if status != 0:
            reason = f"ctp check refuses it: {first_line(output)}"
            if required:
                self.corpus.add_finding(script, reason)
            else:
                self.corpus.skipped.append((script, reason))
            return
        has_schedule = self.has_schedule(script, source, params)
        if not has_schedule:
            self.corpus.skipped.append(
                (script, "no schedule: --kind cron and --kind all are not emitted"))
        folder = os.path.join(self.out_dir, re.sub(r"[^A-Za-z0-9_.-]", "_", script[:-4]))
        os.makedirs(folder, exist_ok=True)
        for index, (format_name, form, options) in enumerate(emit_forms(has_schedule)):
            base = os.path.join(folder, f"{index:02d}-{format_name}")
            self.emit(script, format_name, form, options, "-o", base + ".yaml")
            self.emit(script, format_name, form, options, "--dir", base + ".d")

    def has_schedule(self, script, source, params):
        """Whether `--kind cron` works; a failure other than "needs a schedule" is a finding."""
        probe = os.path.join(self.out_dir, "schedule-probe.yaml")
        status, output = run_ctp(self.ctp, ["emit", source, *params, "--kind", "cron",
                                            "-o", probe], self.out_dir)
        if os.path.exists(probe):
            os.remove(probe)
        if status != 0 and NO_SCHEDULE not in output:
            self.corpus.add_finding(script, f"ctp emit --kind cron: {first_line(output)}")
        return status == 0

    def emit(self, script, format_name, form, options, output_flag, target):
        """`ctp emit SCRIPT OPTIONS -o FILE` or `... --dir DIR`; adds the files it writes."""
        source = os.path.join(self.repo_root, script)
        form = f"{form} {output_flag}"
        status, output = run_ctp(self.ctp, ["emit", source, *parameter_args(script), *options,
                                            output_flag, target], self.out_dir)
        if status != 0:
            self.corpus.add_finding(script, f"ctp emit {form}: {first_line(output)}")
            return
        in_folder = output_flag == "--dir"
        files = sorted(glob.glob(os.path.join(target, "*.yaml"))) if in_folder else [target]
        if not files:
            self.corpus.add_finding(script, f"ctp emit {form}: wrote no file")
        for path in files:
            with open(path, "rb") as stream:
                digest = hashlib.sha256(stream.read()).hexdigest()
            name = form + (f" ({os.path.basename(path)})" if in_folder else "")
            if digest in self.by_digest:
                self.by_digest[digest].same_as.append(name)
                self.corpus.duplicates += 1
                continue
            self.by_digest[digest] = Document(path, script, format_name, name)
            self.corpus.documents.append(self.by_digest[digest])


def emit_corpus(ctp, repo_root, out_dir):
    """Emits every script into `out_dir` (which must exist); returns the Corpus."""
    return CorpusBuilder(os.path.abspath(ctp), os.path.abspath(repo_root), out_dir).build()


# ------------------------------------------------------------------- checks
#
# A check takes the corpus and returns (findings, notes): findings maps an
# emitted file to its messages; notes are lines to print as they are (a
# SKIPPED check, say).

def run_validator(script, args):
    """Runs a validator of this folder; returns (exit status, stdout lines, stderr)."""
    process = subprocess.run([sys.executable, os.path.join(HERE, script), *args],
                             capture_output=True, text=True, check=False)
    return process.returncode, process.stdout.splitlines(), process.stderr.strip()


def argo_validator_check(corpus):
    """validate_argo.py --refs over every Argo file; its lines are `FAIL PATH: a | b`."""
    files = corpus.files("argo")
    if not files:
        return {}, []
    status, lines, stderr = run_validator("validate_argo.py", ["--refs", "--max-errors", "20",
                                                               *files])
    findings = {}
    for line in lines:
        if line.startswith("FAIL "):
            path, _, problems = line[len("FAIL "):].partition(": ")
            findings[path] = problems.split(" | ")
    if status not in (0, 1) or (status == 1 and not findings):
        return {}, [f"FAIL validate_argo.py exited with status {status}: {stderr}"]
    return findings, []


def kfp_validator_check(corpus):
    """validate_kfp.py over every KFP file; a `FAIL PATH` line is followed by indented errors."""
    files = corpus.files("kfp")
    if not files:
        return {}, []
    status, lines, stderr = run_validator("validate_kfp.py", files)
    if status == 3:
        return {}, [f"SKIPPED: KFP validation ({stderr})"]
    findings, notes, current = {}, [], None
    for line in lines:
        if line.startswith("FAIL "):
            current = line[len("FAIL "):]
            findings[current] = []
        elif line.startswith("     ") and current is not None:
            findings[current].append(line.strip())
        else:
            current = None
            if line.startswith("SKIPPED"):
                notes.append(line)
    if status not in (0, 1) or (status == 1 and not findings):
        notes.append(f"FAIL validate_kfp.py exited with status {status}: {stderr}")
    return findings, notes


def expression_check(corpus):
    """Every Argo `when` and `depends` and every KFP condition of the corpus, evaluated by the
    engines' own libraries (engines_test.py's rows: sample values, STRING where no type is known)
    without an error."""
    import engines_test  # the goldens' rows, same folder
    engines = engines_test.engines
    findings = {}
    whens = [(path, when, values) for path in corpus.files("argo")
             for _, when, values in engines_test.argo_rows(path)[0]]
    texts = engines.argo_substitute([(when, values) for _, when, values in whens])
    results = iter(engines.argo_when([t for t in texts if not engines_test.is_error(t)]))
    for (path, when, _), text in zip(whens, texts):
        result = text if engines_test.is_error(text) else next(results)
        if engines_test.is_error(result):
            findings.setdefault(path, []).append(f"when {when!r}: {result}")
    notes = [f"expressions: {len(whens)} Argo `when` evaluated"]
    if engines_test.HAVE_CEL:
        conditions = [(path, row) for path in corpus.files("kfp")
                      for row in engines_test.kfp_rows(path)]
        for path, (_, condition, typed) in conditions:
            result = engines.kfp_condition(condition, typed)
            if engines_test.is_error(result):
                findings.setdefault(path, []).append(f"condition {condition!r}: {result}")
        notes.append(f"expressions: {len(conditions)} KFP conditions evaluated")
    else:
        notes.append(f"SKIPPED: KFP conditions ({engines_test.NO_CEL})")
    return findings, notes


CORPUS_CHECKS = [argo_validator_check, kfp_validator_check, expression_check]


# ------------------------------------------------------------------- report

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ctp", metavar="CTP_BINARY")
    parser.add_argument("repo_root", metavar="REPO_ROOT")
    parser.add_argument("--keep", metavar="DIR", help="emit into DIR and leave it there")
    args = parser.parse_args(argv)
    if not os.access(args.ctp, os.X_OK):
        parser.error(f"{args.ctp} is not an executable")
    if not os.path.isdir(os.path.join(args.repo_root, "scripts")):
        parser.error(f"{args.repo_root} has no scripts/ folder")

    started = time.monotonic()
    if args.keep:
        shutil.rmtree(args.keep, ignore_errors=True)
        os.makedirs(args.keep)
        out_dir, cleanup = args.keep, None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="ctp_emitted_corpus_")
        out_dir = cleanup.name
    try:
        return report(emit_corpus(args.ctp, args.repo_root, out_dir), started)
    finally:
        if cleanup is not None:
            cleanup.cleanup()


def run_checks(corpus):
    """Every check of CORPUS_CHECKS over the corpus: ({file: [finding]}, [note])."""
    findings, notes = {}, []
    for check in CORPUS_CHECKS:
        check_findings, check_notes = check(corpus)
        for path, messages in check_findings.items():
            findings.setdefault(path, []).extend(messages)
        notes += check_notes
    return findings, notes


def print_documents(corpus, findings):
    """One line per document, its findings below; returns how many documents have findings."""
    failed = 0
    for document in corpus.documents:
        messages = findings.pop(document.path, None)
        failed += bool(messages)
        same = f"  (= {', '.join(document.same_as)})" if document.same_as else ""
        print(f"{'FAIL' if messages else 'OK  '} {document.format:4} {document.script}  "
              f"{document.form}{same}")
        for message in messages or ():
            print(f"       {message}")
    for path, messages in sorted(findings.items()):  # a file no document is (never expected)
        failed += 1
        print(f"FAIL      {path}")
        for message in messages:
            print(f"       {message}")
    return failed


def report(corpus, started):
    """Runs the checks and prints the report; returns the exit status."""
    emitted_s = time.monotonic() - started
    findings, notes = run_checks(corpus)
    failed = print_documents(corpus, findings)
    emit_problems = [(script, message) for script, messages in sorted(corpus.findings.items())
                     for message in messages]
    for script, message in emit_problems:
        print(f"FAIL      {script}  {message}")
    for script, reason in corpus.skipped:
        print(f"SKIP      {script}  {reason}")
    for note in notes:
        print(note)
    check_failures = sum(note.startswith("FAIL") for note in notes)
    checked_s = time.monotonic() - started - emitted_s
    print(f"{len(corpus.documents) - failed}/{len(corpus.documents)} documents valid "
          f"({len(corpus.files('argo'))} Argo, {len(corpus.files('kfp'))} KFP, from "
          f"{len({d.script for d in corpus.documents})} scripts; {corpus.duplicates} identical "
          f"copies validated once); {len(emit_problems)} emit problems; emitted in "
          f"{emitted_s:.1f} s, checked in {checked_s:.1f} s")
    return 1 if failed or emit_problems or check_failures else 0


if __name__ == "__main__":
    sys.exit(main())
