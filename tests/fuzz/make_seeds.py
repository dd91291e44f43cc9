#!/usr/bin/env python3
"""Writes the binary seeds of tests/fuzz/corpus/: tiny valid inputs of each binary format, made by
the format's description (docs/tiling.md for the shard, native/formats/*.h), not by ctp itself.

    python3 tests/fuzz/make_seeds.py     (rewrites tests/fuzz/corpus/{model,patch_shard,idx}/)
"""
import gzip
import json
import os
import struct

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(data)


def safetensors(tensors, metadata):
    """tensors: [(name, shape, values)] -> safetensors bytes (F32, header padded to 8)."""
    header, data = {}, b""
    for name, shape, values in tensors:
        raw = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    header["__metadata__"] = metadata
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


def tensor(name, shape, start=0.0):
    count = 1
    for side in shape:
        count *= side
    return (name, shape, [start + i / 16 for i in range(count)])


def model(layers, tensors, channels=1, side=4):
    info = {
        "format": "ctp-model", "version": 1,
        "model": {"name": "custom", "layers": layers},
        "input": {"channels": channels, "height": side, "width": side},
        "class_names": ["negative", "positive"],
        "normalization": {"mean": [0.5] * channels, "std": [0.25] * channels,
                          "rule": "(x / 255 - mean) / std per channel"},
        "weights": "model.safetensors", "training": {}, "metrics": {},
    }
    weights = safetensors(tensors, {"format": "pt", "producer": "ctp", "model": "custom"})
    return json.dumps(info, indent=1).encode() + b"\n#safetensors\n" + weights


def batchnorm(prefix, c):
    return [tensor(prefix + "weight", [c], 1), tensor(prefix + "bias", [c]),
            tensor(prefix + "running_mean", [c]), tensor(prefix + "running_var", [c], 1)]


def models():
    # conv(2) batchnorm relu maxpool gap linear(2) on 1x4x4
    write("model", "conv_bn_linear", model(
        [{"type": "conv", "out": 2, "kernel": 3, "stride": 1, "padding": 1}, {"type": "batchnorm"},
         {"type": "relu"}, {"type": "maxpool", "kernel": 2, "stride": 2}, {"type": "gap"},
         {"type": "dropout", "p": 0.25}, {"type": "linear", "out": 2}],
        [tensor("layers.0.weight", [2, 1, 3, 3]), tensor("layers.0.bias", [2])]
        + batchnorm("layers.1.", 2)
        + [tensor("layers.6.weight", [2, 2]), tensor("layers.6.bias", [2])]))
    # conv(2) residual gap linear(2) on 3x4x4
    write("model", "residual", model(
        [{"type": "conv", "out": 2, "kernel": 1}, {"type": "residual"}, {"type": "gap"},
         {"type": "linear", "out": 2}],
        [tensor("layers.0.weight", [2, 3, 1, 1]), tensor("layers.0.bias", [2]),
         tensor("layers.1.conv1.weight", [2, 2, 3, 3]), tensor("layers.1.conv1.bias", [2])]
        + batchnorm("layers.1.bn1.", 2)
        + [tensor("layers.1.conv2.weight", [2, 2, 3, 3]), tensor("layers.1.conv2.bias", [2])]
        + batchnorm("layers.1.bn2.", 2)
        + [tensor("layers.3.weight", [2, 2]), tensor("layers.3.bias", [2])], channels=3))


def shard(count, height, width, pixels_align):
    """A version-1 shard: header, labels, coordinates (8-aligned), pixels (pixels_align-aligned)."""
    labels_offset = 64
    coords_offset = (labels_offset + count + 7) // 8 * 8
    pixels_offset = (coords_offset + 8 * count + pixels_align - 1) // pixels_align * pixels_align
    out = bytearray(b"CTPSHARD")
    out += struct.pack("<IIQIIII", 1, 64, count, height, width, 3, 0)
    out += struct.pack("<QQQ", labels_offset, coords_offset, pixels_offset)
    out += bytes([1, 0, 255, 1][:count]).ljust(coords_offset - labels_offset, b"\0")
    for i in range(count):
        out += struct.pack("<ii", 1024 * i, 512 * i)
    out = out.ljust(pixels_offset, b"\0")
    out += bytes((i * 7) % 256 for i in range(count * height * width * 3))
    return bytes(out)


def idx(dims, data):
    return struct.pack(">BBBB", 0, 0, 8, len(dims)) + b"".join(struct.pack(">I", d) for d in dims) + data


def main():
    for target in ("model", "patch_shard", "idx"):
        os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    models()
    write("patch_shard", "three_patches_4096.ctpshard", shard(3, 2, 2, 4096))
    write("patch_shard", "one_patch_64.ctpshard", shard(1, 4, 3, 64))
    images = idx([2, 3, 3], bytes(range(18)))
    write("idx", "images-idx3-ubyte", images)
    write("idx", "images-nchw-idx3-ubyte", idx([1, 3, 2, 2], bytes(range(12))))
    write("idx", "images-idx3-ubyte.gz", gzip.compress(images, mtime=0))


if __name__ == "__main__":
    main()
