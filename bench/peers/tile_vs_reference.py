#!/usr/bin/env python3
"""Patches/s of `ctp step tile` against the Python reference tiler and the OpenSlide read floor.

For each slide, with the reference tiler's rule (level 0, Otsu on gray, no mask cleanup, full
patches with tissue fraction >= --min-tissue, every tissue patch kept):
  ctp        `ctp step tile` (image + ground-truth PNG + shard record + metadata per patch)
  ctp shard  `ctp step tile --images false` (shard record + metadata only: what the trainer reads)
  ctp floor  ctp_tile_read_floor: openslide_read_region of the same patches, same threads, nothing
             converted or written (the OpenSlide decode floor)
  direct     ctp_tile_read_floor --direct: the same patches through the step's direct JPEG tile
             reader (libtiff + TurboJPEG; n/a where the slide is not JPEG-tiled TIFF/SVS)
  reference  ../shared/tools/reference_tiler.py (openslide-python + numpy + PIL, one thread,
             image only)
  ref floor  reference_tiler.py --read-only
Whole processes, wall time (what a user waits for). Needs python3-openslide, numpy, PIL.

Every run writes into a folder of its own, and nothing is deleted until the whole series is done:
on ext4, new inodes are slow for a minute or more after many files were deleted, so deleting a
previous run's outputs right before a run charges the file system's clean-up to that run (to
whichever tiler happens to come next).

    python3 bench/peers/tile_vs_reference.py --ctp build/ctp \\
      --floor build/bench/native/ctp_tile_read_floor --slides SLIDE... [--threads 2]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_REFERENCE = os.path.normpath(os.path.join(HERE, "../../../shared/tools/reference_tiler.py"))


def cpu_seconds():
    """User + system CPU seconds of all finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command, may_fail=False):
    """Runs a command; returns (wall seconds, CPU seconds, stdout), or None when it fails and
    may_fail. Fails on a non-zero exit otherwise."""
    cpu_start, start = cpu_seconds(), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
    if done.returncode != 0:
        if may_fail:
            print(f"  n/a: {done.stderr.strip()}", file=sys.stderr, flush=True)
            return None
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr}")
    return seconds, cpu, done.stdout


def best_of(repeat, command, may_fail=False):
    """The run with the smallest wall time of `repeat`; `command` is an argument list or a
    function returning one (called untimed before each run, e.g. to make a fresh folder)."""
    results = []
    for _ in range(repeat):
        argv = command() if callable(command) else command
        result = timed(argv, may_fail)
        if result is None:
            return None
        results.append(result)
    best = min(results, key=lambda r: r[0])
    print(f"  {os.path.basename(argv[0])} ...: {best[0]:.2f} s wall, {best[1]:.2f} s CPU",
          file=sys.stderr, flush=True)
    return best


def fresh_folder(scratch, name):
    """A new, empty folder under scratch (name-1, name-2, ...): no run reuses or deletes one."""
    n = 1
    while os.path.exists(os.path.join(scratch, f"{name}-{n}")):
        n += 1
    path = os.path.join(scratch, f"{name}-{n}")
    os.makedirs(path)
    return path


def fresh_data_root(scratch, slide):
    """A new data root under scratch holding slide (a symlink) at slide/train/, as `ctp step tile`
    reads it."""
    stem = os.path.splitext(os.path.basename(slide))[0]
    root = fresh_folder(scratch, stem)
    os.makedirs(os.path.join(root, "slide", "train"))
    os.symlink(os.path.abspath(slide), os.path.join(root, "slide", "train", os.path.basename(slide)))
    return root


def ctp_tile_command(ctp, root, size=256, min_tissue=0.5, image_format="png", mask_min_side=1024,
                     threads=2, images=True):
    """`ctp step tile` with the reference tiler's rule; image_format is the reference's
    (png or jpg); images=False writes the shard and metadata only."""
    return [ctp, "step", "tile", "--data", root, "--patch_size", str(size),
            "--min_tissue", str(min_tissue), "--keep_unlabelled", "true",
            "--min_hole_pixels", "0", "--min_speck_pixels", "0",
            "--format", "jpeg" if image_format == "jpg" else "png",
            "--mask_min_side", str(mask_min_side), "--threads", str(threads),
            "--device", "cpu", "--output-dir", os.path.join(root, "step-outputs")] + \
        ([] if images else ["--images", "false"])


def reference_command(reference, slide, out, size=256, min_tissue=0.5, mask_min_side=1024,
                      image_format="png", read_only=False):
    return [sys.executable, reference, slide, out, "--size", str(size),
            "--min-tissue", str(min_tissue), "--mask-min-side", str(mask_min_side),
            "--format", image_format] + (["--read-only"] if read_only else [])


def bench_slide(args, slide, scratch):
    stem = os.path.splitext(os.path.basename(slide))[0]
    roots = []

    def ctp_cmd(images=True):
        roots.append(fresh_data_root(scratch, slide))
        return ctp_tile_command(args.ctp, roots[-1], args.size, args.min_tissue, args.format,
                                args.mask_min_side, args.threads, images)

    shard_s, shard_cpu, _ = best_of(args.repeat, lambda: ctp_cmd(images=False))
    ctp_s, ctp_cpu, _ = best_of(args.repeat, ctp_cmd)
    metadata = os.path.join(roots[-1], "preprocess-metadata", stem + ".json")
    with open(metadata) as fh:
        patches = len(json.load(fh)["patches"])
    floor_s, floor_cpu, _ = best_of(args.repeat, [args.floor, slide, metadata, str(args.threads)])
    direct = best_of(args.repeat, [args.floor, slide, metadata, str(args.threads), "--direct"],
                     may_fail=True)

    def ref_cmd(out, read_only=False):
        return reference_command(args.reference, slide, out, args.size, args.min_tissue,
                                 args.mask_min_side, args.format, read_only)

    ref_s, ref_cpu, ref_stdout = best_of(
        args.repeat, lambda: ref_cmd(os.path.join(fresh_folder(scratch, stem + "-reference"), "out")))
    ref_patches = json.loads(ref_stdout)["kept_patches"]
    ref_floor_s, ref_floor_cpu, _ = best_of(
        args.repeat, lambda: ref_cmd(os.path.join(scratch, "unused"), read_only=True))
    return {"slide": os.path.basename(slide), "patches": patches, "ref_patches": ref_patches,
            "ctp": (ctp_s, ctp_cpu), "shard": (shard_s, shard_cpu), "floor": (floor_s, floor_cpu),
            "direct": direct[:2] if direct else None, "ref": (ref_s, ref_cpu),
            "ref_floor": (ref_floor_s, ref_floor_cpu)}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ctp", required=True)
    p.add_argument("--floor", required=True, help="ctp_tile_read_floor binary")
    p.add_argument("--reference", default=DEFAULT_REFERENCE)
    p.add_argument("--slides", nargs="+", required=True)
    p.add_argument("--size", type=int, default=256)
    p.add_argument("--min-tissue", type=float, default=0.5)
    p.add_argument("--mask-min-side", type=int, default=1024)
    p.add_argument("--format", choices=["png", "jpg"], default="png")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeat", type=int, default=1)
    a = p.parse_args()
    print("Each cell: patches/s wall (wall seconds; CPU seconds, user + system).")
    print("| slide | patches (ctp / ref) | ctp | ctp --images false | OpenSlide read floor "
          "| direct read floor | reference | reference read floor | ctp; shard-only / OpenSlide floor "
          "(wall; CPU) | ctp; shard-only / reference read floor (wall; CPU) "
          "| ctp; shard-only vs reference (wall; CPU) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="ctp-tile-bench-") as scratch:
        for slide in a.slides:
            r = bench_slide(a, slide, scratch)
            n, m = r["patches"], r["ref_patches"]

            def cell(count, timing):
                if timing is None:
                    return "n/a"
                return f"{count / timing[0]:,.0f}/s ({timing[0]:.2f} s; {timing[1]:.2f} s)"

            def ratio(mine, theirs, count_mine, count_theirs):
                return "; ".join(f"{(count_mine / mine[i]) / (count_theirs / theirs[i]):.2f}×"
                                 for i in (0, 1))

            print(f"| {r['slide']} | {n} / {m} | {cell(n, r['ctp'])} | {cell(n, r['shard'])} "
                  f"| {cell(n, r['floor'])} | {cell(n, r['direct'])} "
                  f"| {cell(m, r['ref'])} | {cell(m, r['ref_floor'])} "
                  f"| {ratio(r['floor'], r['ctp'], n, n)}; {ratio(r['floor'], r['shard'], n, n)} "
                  f"| {ratio(r['ref_floor'], r['ctp'], m, n)}; {ratio(r['ref_floor'], r['shard'], m, n)} "
                  f"| {ratio(r['ctp'], r['ref'], n, m)}; {ratio(r['shard'], r['ref'], n, m)} |",
                  flush=True)

if __name__ == "__main__":
    main()
