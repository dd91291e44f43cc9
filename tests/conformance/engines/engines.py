"""The workflow engines' own expression libraries, for tests: what Argo and KFP make of expressions.

    argo_when(exprs)            govaluate, as Argo evaluates a `when` (after substitution)
    argo_substitute(rows)       the `when` text Argo hands govaluate: [(when, values)] -> [text]
    argo_depends(rows)          expr, as Argo evaluates `depends`: [(depends, tasks)] -> [bool]
    argo_expression_tag(rows)   expr, as Argo evaluates {{=...}}: [(tag, env)] -> [text]
    kfp_condition(cond, params) CEL, as the KFP driver evaluates triggerPolicy.condition

Each list function returns one item per input, in order: the result, or an EngineError (the
engine's error text). The Go programs (govaluate_when.go, expr_depends.go) are built once into
$CTP_ENGINES_CACHE (default: $TMPDIR/ctp-engines), again when their source changes.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOPATH = "/usr/share/gocode"
_PACKAGES = {
    "govaluate_when": ("github.com/Knetic/govaluate", "golang-github-knetic-govaluate-dev"),
    "expr_depends": ("github.com/antonmedv/expr", "golang-github-antonmedv-expr-dev"),
}


class EngineError(str):
    """An engine's error, in place of a result."""

    def __repr__(self):
        return f"EngineError({str(self)!r})"


class MissingTool(RuntimeError):
    """A tool or package the evaluators need is not installed."""


def cache_dir():
    folder = os.environ.get("CTP_ENGINES_CACHE") or os.path.join(tempfile.gettempdir(),
                                                                 "ctp-engines")
    os.makedirs(folder, exist_ok=True)
    return Path(folder)


def _go():
    go = shutil.which("go")
    if not go:
        raise MissingTool("the Argo expression evaluators need Go: apt-get install golang-go "
                          "(deps/packages.txt, test group)")
    return go


def build(name):
    """The path of the built program `name` (govaluate_when or expr_depends), built if needed."""
    source = HERE / f"{name}.go"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    binary = cache_dir() / f"{name}-{digest}"
    if binary.exists():
        return binary
    package, debian = _PACKAGES[name]
    if not (Path(GOPATH) / "src" / package).is_dir():
        raise MissingTool(f"{name}.go needs {package}: apt-get install {debian} "
                          "(deps/packages.txt, test group)")
    go = _go()
    env = dict(os.environ, GO111MODULE="off", GOPATH=GOPATH, GOFLAGS="",
               GOCACHE=str(cache_dir() / "go-build"))
    partial = binary.with_name(f"{binary.name}.{os.getpid()}.tmp")
    run = subprocess.run([go, "build", "-o", str(partial), str(source)], env=env, cwd=HERE,
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"go build {source.name} failed:\n{run.stderr}")
    os.replace(partial, binary)
    return binary


def _batch(name, requests):
    """Runs the program over JSON-line requests; one reply dict each."""
    if not requests:
        return []
    text = "".join(json.dumps(r) + "\n" for r in requests)
    run = subprocess.run([str(build(name))], input=text, capture_output=True, text=True, check=True)
    replies = [json.loads(line) for line in run.stdout.splitlines()]
    if len(replies) != len(requests):
        raise RuntimeError(f"{name}: {len(requests)} requests, {len(replies)} replies:\n"
                           f"{run.stderr}")
    return replies


def _results(replies):
    return [EngineError(r["error"]) if "error" in r else r["result"] for r in replies]


def argo_when(exprs):
    """[when text] -> [True | False | EngineError], as Argo's shouldExecute (govaluate)."""
    return _results(_batch("govaluate_when", [{"expr": e} for e in exprs]))


def argo_substitute(rows):
    """[(when, values)] -> [text | EngineError]: the {{...}} substitution Argo does before govaluate
    (values: Argo variable name -> string, e.g. {"tasks.a.outputs.parameters.x": "1"})."""
    return _results(_batch("expr_depends", [{"template": w, "values": v} for w, v in rows]))


def argo_depends(rows):
    """[(depends, tasks)] -> [True | False | EngineError]; tasks: name -> phase, or name ->
    {"phase", "continueOn": {"failed", "error"}, "daemoned", "children": [phase]}."""
    return _results(_batch("expr_depends", [{"depends": d, "tasks": t} for d, t in rows]))


def argo_expression_tag(rows):
    """[(tag, env)] -> [text | EngineError]: what Argo puts in place of {{=tag}} (env: Argo
    variable name -> value). A tag Argo leaves unresolved comes back as itself."""
    return _results(_batch("expr_depends", [{"tag": t, "env": e} for t, e in rows]))


def kfp_condition(condition, typed_params):
    """True | False | EngineError for a triggerPolicy.condition; typed_params:
    {name: (parameterType, value)}."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    try:
        import cel_condition
    except ImportError as e:
        raise MissingTool(f"the KFP condition evaluator needs cel-python ({e}): "
                          "python3 -m pip install -r deps/python-test-requirements.txt") from None
    try:
        return cel_condition.evaluate(condition, typed_params)
    except cel_condition.CelError as e:
        return EngineError(str(e))
