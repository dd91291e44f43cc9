#!/bin/sh
# make_large_slide.sh SOURCE_SLIDE OUT.tiff [ACROSS DOWN]: a large benchmark slide made of real
# slide content: level 0 of SOURCE_SLIDE (flattened over white) repeated ACROSS x DOWN times with
# `vips arrayjoin`, saved as a JPEG-compressed (Q80), 256x256-tiled, pyramidal BigTIFF that
# OpenSlide opens as generic-tiff. Not committed (hundreds of MB); needs libvips-tools.
#   bench/native/make_large_slide.sh ../shared/data/slides/tcga-cr-7395-01a-01-ts1.jpeg-pyramid.svs \
#     /tmp/large.tiff 10 12        # 44430 x 42804 pixels
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 SOURCE_SLIDE OUT.tiff [ACROSS DOWN]" >&2
  exit 2
fi
source=$1 out=$2 across=${3:-10} down=${4:-12}
command -v vips >/dev/null || { echo "$0: vips not found (apt-get install libvips-tools)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
vips openslideload "$source" "$work/level0.v"
vips flatten "$work/level0.v" "$work/flat.v" --background "255 255 255"
tiles="$work/flat.v"
i=1
while [ $i -lt $((across * down)) ]; do tiles="$tiles $work/flat.v"; i=$((i + 1)); done
# One pass, no full-size intermediate: arrayjoin streams into the pyramid writer.
vips arrayjoin "$tiles" \
  "$work/large.tiff[tile,tile-width=256,tile-height=256,pyramid,compression=jpeg,Q=80,bigtiff]" \
  --across "$across"
mv "$work/large.tiff" "$out"
vipsheader "$out"
