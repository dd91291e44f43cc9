"""The rows of README's benchmark table, each measured as ctp's side against its peer's,
interleaved (ctp, peer, ctp, peer, ...) so that both see the same load.

A row returns its table lines and the exact commands it ran. The commands come from the peer
scripts in bench/peers, which can still run alone.
"""
import importlib.util
import json
import os
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass, field

from machine import shown_path
from measure import Sample, run_measured
from table import Line

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "peers"))
import cnn_vs_torch  # noqa: E402
import emit_vs_kfp  # noqa: E402
import kfp_local_bench  # noqa: E402
import tile_vs_reference  # noqa: E402

TORCH_INSTALL = "pip install torch --index-url https://download.pytorch.org/whl/cpu"


@dataclass
class Context:
    source: str    # the repository
    build: str     # the Release build folder
    repeat: int
    quick: bool
    scratch: str   # a folder on the disk for the rows' outputs, removed after each row
    log: callable = print

    @property
    def ctp(self):
        return os.path.join(self.build, "ctp")

    def inputs(self, row):
        """A folder for a row's generated inputs (scripts, programs, slides), kept between runs so
        that the commands in the report can be rerun by hand."""
        path = os.path.join(self.build, "bench-inputs", row)
        os.makedirs(path, exist_ok=True)
        return path

    def shared(self, *parts):
        """A path under the team's shared folder next to the repository (../shared)."""
        return os.path.normpath(os.path.join(self.source, "..", "shared", *parts))


@dataclass
class Side:
    """One side of a comparison: command() gives (argv, env) before each run (untimed, so it
    may make a fresh folder); scale turns seconds into the row's unit."""
    name: str
    command: callable
    scale: float = 1.0
    runs: int = 1  # runs per repetition
    samples: list = field(default_factory=list)
    shown: str = ""
    stdout: str = ""  # of the last run


def shell_text(argv, env):
    return " ".join([f"{k}={shlex.quote(v)}" for k, v in (env or {}).items()] +
                    [shlex.quote(a) for a in argv])


def interleave(ctx, sides):
    """Runs each side in turn, ctx.repeat times over; fills each side's samples (in its unit)."""
    for i in range(ctx.repeat):
        for side in sides:
            for _ in range(side.runs):
                argv, env = side.command()
                text = shell_text(argv, env).replace(ctx.source + "/", "")
                side.shown = side.shown or text
                ctx.log(f"  [{i + 1}/{ctx.repeat}] {side.name}: {text}")
                sample, side.stdout = run_measured(argv, env)
                side.samples.append(Sample(sample.wall * side.scale, sample.cpu * side.scale))


def fresh(base, prefix):
    return tempfile.mkdtemp(prefix=prefix, dir=base)


def missing_module(name):
    return importlib.util.find_spec(name) is None


# --- 1. ctp emit vs the KFP compiler -----------------------------------------------------------

def emit_kfp(ctx, work):
    steps = 20 if ctx.quick else 2000
    what = f"`ctp emit --format kfp` vs the KFP compiler, {steps:,} steps"
    if missing_module("kfp"):
        return [Line(what, "s", goal="≥100×", skipped="skipped: kfp not installed (make python-deps)")], []
    program, script = emit_vs_kfp.write_inputs(ctx.inputs("emit-kfp"), steps)
    ctp = Side("ctp", lambda: (emit_vs_kfp.ctp_command(ctx.ctp, script, f"{work}/ctp.yaml"), None))
    kfp = Side("KFP", lambda: (emit_vs_kfp.kfp_command(program, f"{work}/kfp.yaml"), None))
    interleave(ctx, [ctp, kfp])
    return ([Line(what, "s", "KFP", "peer/ctp", "≥100×", ctp.samples, kfp.samples)],
            [ctp.shown, kfp.shown])


# --- 2. ctp emit, 5 steps, whole process --------------------------------------------------------

def emit_startup(ctx, work):
    script = os.path.join(ctx.source, "bench", "startup", "g5.lua")
    ctp = Side("ctp", lambda: ([ctx.ctp, "emit", script, "-o", f"{work}/g5.yaml"], None),
               scale=1000, runs=3 if ctx.quick else 20)
    interleave(ctx, [ctp])
    return ([Line(f"`ctp emit`, 5 steps, whole process ({ctp.runs} runs per repetition)", "ms",
                  goal="<10 ms wall", ctp=ctp.samples)], [ctp.shown])


# --- 3. ctp run per no-op step vs fork/exec, tmpfs and disk -------------------------------------

def mounts():
    with open("/proc/mounts") as f:
        return [line.split()[:3] for line in f]


def filesystem(path):
    """The type of the file system holding path (the longest mount point above it)."""
    path = os.path.realpath(path)
    best = ("", "unknown")
    for _, point, kind in mounts():
        if (path == point or path.startswith(point.rstrip("/") + "/")) and len(point) > len(best[0]):
            best = (point, kind)
    return best[1]


def find_tmpfs():
    candidates = ["/dev/shm"] + [point for _, point, kind in mounts() if kind == "tmpfs"]
    for path in candidates:
        if os.path.isdir(path) and filesystem(path) == "tmpfs" and os.access(path, os.W_OK):
            return path
    return None


def runner(ctx, work):
    steps = 50 if ctx.quick else 1000
    bench = os.path.join(ctx.build, "bench", "ctp_runner_bench")
    scale = 1000 / (3 * steps)  # three iterations of `steps` steps; ms per step
    places = []
    tmpfs = find_tmpfs()
    if tmpfs:
        places.append((f"tmpfs ({tmpfs})", fresh(tmpfs, "ctp-bench-")))
    places.append((f"disk ({filesystem(work)}, {shown_path(ctx.scratch, ctx.source)})", work))
    sides, lines = [], []
    try:
        for label, base in places:
            def command(benchmark, base=base):
                env = {"TMPDIR": fresh(base, "run-"), "CTP_RUNNER_BENCH_STEPS": str(steps),
                       "CTP_RUNNER_BENCH_KEEP_WORKDIRS": "1"}
                return [bench, f"--benchmark_filter=^{benchmark}/"], env
            ctp = Side(f"ctp run, {label}", lambda c=command: c("BM_RunnerNoopSteps"), scale)
            fork = Side(f"fork/exec, {label}", lambda c=command: c("BM_ForkExecTrue"), scale)
            sides += [ctp, fork]
            lines.append(Line(f"`ctp run` per no-op step vs fork/exec, {label}, 3 × {steps:,} steps",
                              "ms/step", "fork/exec", "ctp/peer", "≤1.2× (CPU)",
                              ctp.samples, fork.samples))
        if not tmpfs:
            lines.insert(0, Line("`ctp run` per no-op step vs fork/exec, tmpfs", "ms/step",
                                 goal="≤1.2× (CPU)",
                                 skipped="skipped: no writable tmpfs (/dev/shm, /proc/mounts)"))
        interleave(ctx, sides)
    finally:
        if tmpfs:
            shutil.rmtree(places[0][1], ignore_errors=True)
    return lines, [side.shown for side in sides]


# --- 4. ctp run per step vs kfp.local -----------------------------------------------------------

def kfp_local(ctx, work):
    kfp_steps, ctp_steps = (2, 20) if ctx.quick else (20, 1000)
    what = f"`ctp run` per step vs kfp.local ({ctp_steps:,} / {kfp_steps} no-op steps)"
    if missing_module("kfp"):
        return [Line(what, "ms/step", goal="≥100×",
                     skipped="skipped: kfp not installed (make python-deps)")], []
    program = kfp_local_bench.write_kfp_program(ctx.inputs("kfp-local"), kfp_steps)
    script = kfp_local_bench.write_ctp_script(ctx.inputs("kfp-local"), ctp_steps)
    ctp = Side("ctp", lambda: (kfp_local_bench.ctp_command(ctx.ctp, script, fresh(work, "ctp-")), None),
               1000 / ctp_steps)
    kfp = Side("kfp.local", lambda: (kfp_local_bench.kfp_command(program, fresh(work, "kfp-")), None),
               1000 / kfp_steps)
    interleave(ctx, [ctp, kfp])
    return ([Line(what, "ms/step", "kfp.local", "peer/ctp", "≥100×", ctp.samples, kfp.samples)],
            [ctp.shown, kfp.shown])


# --- 5. reference CNN, one epoch, vs PyTorch CPU ------------------------------------------------

def cnn(ctx, work):
    data = os.environ.get("BENCH_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
    script = os.environ.get("BENCH_TORCH_REFERENCE", ctx.shared("tools", "torch_reference.py"))
    threads = [1, 2]
    whats = [f"reference CNN, one epoch of Fashion-MNIST, {t} thread{'s' if t > 1 else ''}, "
             f"whole process" for t in threads]
    why = ""
    if missing_module("torch"):
        why = f"skipped: PyTorch not installed ({TORCH_INSTALL})"
    elif not os.path.isfile(script):
        why = f"skipped: {script} not found (set BENCH_TORCH_REFERENCE)"
    elif not os.path.isdir(data):
        why = f"skipped: {data} not found (make deps; or set BENCH_FASHION_MNIST)"
    elif len(os.sched_getaffinity(0)) < max(threads):
        why = f"skipped: needs {max(threads)} usable cores"
    if why:
        return [Line(what, "s", skipped=why, goal="≥1×") for what in whats], []
    sides, lines = [], []
    for t in threads:
        ctp = Side(f"ctp, {t} threads",
                   lambda t=t: (cnn_vs_torch.ctp_train_command(ctx.ctp, data, 1, t, fresh(work, "train-")),
                                None))
        torch = Side(f"PyTorch, {t} threads",
                     lambda t=t: (cnn_vs_torch.torch_command(script, data, 1, t), None))
        sides += [ctp, torch]
        lines.append(Line(whats[threads.index(t)], "s", "PyTorch", "peer/ctp", "≥1×",
                          ctp.samples, torch.samples))
    interleave(ctx, sides)
    return lines, [side.shown for side in sides]


# --- 6. tiling vs the Python reference tiler ----------------------------------------------------

def tile(ctx, work):
    if ctx.quick:
        source, across, down = os.path.join(ctx.source, "scripts", "data", "slide", "train",
                                            "CMU-1-Small-Region-right.tiff"), 2, 1
    else:
        source = ctx.shared("data", "slides", "tcga-cr-7395-01a-01-ts1.jpeg-pyramid.svs")
        across, down = 10, 12
    source = os.environ.get("BENCH_SLIDE_SOURCE", source)
    reference = os.environ.get("BENCH_REFERENCE_TILER", ctx.shared("tools", "reference_tiler.py"))
    whats = [f"tiling vs the Python reference tiler, {kind}, generated slide "
             f"({across} × {down} × {os.path.basename(source)}), 2 threads, JPEG patches, on the disk"
             for kind in ("image files", "shard only (`--images false`)")]
    why = ""
    if missing_module("openslide"):
        why = ("skipped: openslide-python not installed (make python-deps; "
               "or apt-get install python3-openslide)")
    elif not os.path.isfile(reference):
        why = f"skipped: the reference tiler {reference} not found (set BENCH_REFERENCE_TILER)"
    elif not os.path.isfile(source):
        why = f"skipped: the source slide {source} not found (set BENCH_SLIDE_SOURCE)"
    elif shutil.which("vips") is None:
        why = "skipped: vips not found (apt-get install libvips-tools)"
    if why:
        return [Line(what, "s", skipped=why, goal="≥10×") for what in whats], []
    slides = ctx.inputs("tile")
    slide = os.path.join(slides, f"{os.path.splitext(os.path.basename(source))[0]}-{across}x{down}.tiff")
    make = [os.path.join(ctx.source, "bench", "native", "make_large_slide.sh"), source, slide,
            str(across), str(down)]
    if not os.path.isfile(slide):
        ctx.log(f"  making the slide (once, kept in {slides}): {shell_text(make, None)}")
        run_measured(make)

    roots = []

    def ctp_side(images):
        def command():
            roots.append(tile_vs_reference.fresh_data_root(work, slide))
            return tile_vs_reference.ctp_tile_command(ctx.ctp, roots[-1], image_format="jpg",
                                                      threads=2, images=images), None
        return command
    ctp = Side("ctp, image files", ctp_side(True))
    shard = Side("ctp, shard only", ctp_side(False))
    ref = Side("reference tiler", lambda: (tile_vs_reference.reference_command(
        reference, slide, os.path.join(fresh(work, "reference-"), "out"), image_format="jpg"), None))
    interleave(ctx, [ctp, shard, ref])
    stem = os.path.splitext(os.path.basename(slide))[0]
    with open(os.path.join(roots[-1], "preprocess-metadata", stem + ".json")) as f:
        ctp_patches = len(json.load(f)["patches"])
    patches = f"{ctp_patches:,} / {json.loads(ref.stdout)['kept_patches']:,} patches"
    return ([Line(f"{whats[0]}, {patches}", "s", "reference", "peer/ctp", "≥10×",
                  ctp.samples, ref.samples),
             Line(f"{whats[1]}, {patches}", "s", "reference", "peer/ctp", "≥10×",
                  shard.samples, ref.samples)],
            [shell_text(make, None).replace(ctx.source + "/", "") + "  # once",
             ctp.shown, shard.shown, ref.shown])


ROWS = {"emit-kfp": emit_kfp, "emit-startup": emit_startup, "runner": runner,
        "kfp-local": kfp_local, "cnn": cnn, "tile": tile}
