#!/usr/bin/env python3
"""Side by side: the reference CNN on Fashion-MNIST trained by `ctp step train` and by PyTorch.

The PyTorch side is ../shared/tools/torch_reference.py (same recipe: conv3x3(1->32)+ReLU+maxpool2
-> conv3x3(32->64)+ReLU+maxpool2 -> fc(3136->128)+ReLU -> fc(128->10), batch 128, SGD lr 0.05
momentum 0.9, PyTorch's default init, inputs normalised by the training pixels' mean and std).
Both run with the same number of CPU threads; each reports its own training images/s (ctp: the
train step's per-epoch `images_per_second` metric, which includes batch preparation; PyTorch:
forward + backward + step only) and the test accuracy after the last epoch.

    python3 bench/peers/cnn_vs_torch.py --ctp build/ctp --epochs 1 --threads 2
Needs `pip install torch` (a test-time peer only; CPU is enough).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TORCH = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "tools",
                                              "torch_reference.py"))


def pinned(threads):
    """The prefix that runs a command on the first `threads` cores (both sides size their
    thread pools by the affinity mask)."""
    return ["taskset", "-c", f"0-{threads - 1}"]


def ctp_train_command(ctp, data, epochs, threads, work):
    return pinned(threads) + [
        ctp, "step", "train", "--data", data, "--model", "reference_cnn", "--epochs", str(epochs),
        "--batch_size", "128", "--learning_rate", "0.05", "--momentum", "0.9", "--seed", "0",
        "--eval_data", data, "--checkpoint_root", os.path.join(work, "ckpt"),
        "--output-dir", os.path.join(work, "out")]


def torch_command(script, data, epochs, threads):
    return pinned(threads) + [sys.executable, script, "--data", data, "--epochs", str(epochs),
                              "--threads", str(threads)]


def run_ctp(ctp, data, epochs, threads):
    with tempfile.TemporaryDirectory() as work:
        start = time.perf_counter()
        log = subprocess.run(ctp_train_command(ctp, data, epochs, threads, work), check=True,
                             capture_output=True, text=True)
        wall = time.perf_counter() - start
        folder = open(os.path.join(work, "out", "checkpoint")).read().strip()
        metrics = json.load(open(os.path.join(folder, "metrics.json")))
        rates = [float(m) for m in re.findall(r"(\d+) img/s", log.stdout + log.stderr)]
        return {"images_per_second": metrics["images_per_second"],
                "accuracy": metrics.get("eval_accuracy"), "wall_s": wall,
                "last_progress_rate": rates[-1] if rates else None}


def run_torch(script, data, epochs, threads):
    start = time.perf_counter()
    log = subprocess.run(torch_command(script, data, epochs, threads), check=True,
                         capture_output=True, text=True).stdout
    wall = time.perf_counter() - start
    rates = [float(r) for r in re.findall(r"images/s=(\d+)", log)]
    accuracy = float(re.search(r"final test accuracy: ([0-9.]+)", log).group(1))
    return {"images_per_second": rates[-1], "accuracy": accuracy, "wall_s": wall}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ctp", required=True, help="the ctp binary")
    parser.add_argument("--torch-script", default=DEFAULT_TORCH)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-torch", action="store_true")
    args = parser.parse_args()

    ctp = run_ctp(args.ctp, args.data, args.epochs, args.threads)
    print(f"ctp     epochs={args.epochs} threads={args.threads} "
          f"last-epoch images/s={ctp['images_per_second']:.0f} "
          f"test accuracy={ctp['accuracy']:.4f} wall={ctp['wall_s']:.1f}s")
    if args.skip_torch:
        return
    try:
        import torch  # noqa: F401
    except ImportError:
        print("torch   SKIPPED: pip install torch")
        return
    peer = run_torch(args.torch_script, args.data, args.epochs, args.threads)
    print(f"pytorch epochs={args.epochs} threads={args.threads} "
          f"last-epoch images/s={peer['images_per_second']:.0f} "
          f"test accuracy={peer['accuracy']:.4f} wall={peer['wall_s']:.1f}s")
    print(f"ratio ctp/pytorch images/s: {ctp['images_per_second'] / peer['images_per_second']:.2f}")


if __name__ == "__main__":
    main()
