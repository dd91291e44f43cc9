#!/usr/bin/env python3
"""PyTorch peer of `ctp_kernel_bench --benchmark_filter=ReferenceNetEpoch`: one epoch of the
reference CNN on 60,000 random 1x28x28 images, batch 128, SGD lr 0.05 momentum 0.9, each batch
copied from a host buffer to the device as a data loader would hand it over. Eager mode (the
default), optionally with cuDNN autotuning and/or torch.compile. Prints images/s per epoch.

    python3 bench/peers/cnn_epoch_torch.py --device cuda [--cudnn-benchmark] [--compile]
Needs PyTorch (a test-time peer only).
"""
import argparse
import time

import torch
from torch import nn


def reference_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--images", type=int, default=60000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs after one warm-up")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: PyTorch's default)")
    parser.add_argument("--cudnn-benchmark", action="store_true")
    parser.add_argument("--compile", action="store_true")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.backends.cudnn.benchmark = args.cudnn_benchmark
    torch.manual_seed(0)
    device = torch.device(args.device)
    images = torch.rand(args.images, 1, 28, 28) * 2 - 1
    labels = torch.arange(args.images) % 10
    model = reference_cnn().to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def train_step(x, y):
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    step = torch.compile(train_step) if args.compile else train_step

    def epoch():
        for first in range(0, args.images, args.batch):
            x = images[first:first + args.batch].to(device)
            y = labels[first:first + args.batch].to(device)
            step(x, y)
        if device.type == "cuda":
            torch.cuda.synchronize()

    epoch()  # warm-up (cuDNN/cuBLAS handles, autotuning, compilation)
    mode = "compile" if args.compile else "eager"
    for index in range(args.epochs):
        start = time.perf_counter()
        epoch()
        seconds = time.perf_counter() - start
        print(f"torch {torch.__version__} {mode} device={args.device} "
              f"cudnn.benchmark={args.cudnn_benchmark} epoch {index + 1}: "
              f"{args.images / seconds:.0f} images/s ({seconds:.3f} s)")


if __name__ == "__main__":
    main()
