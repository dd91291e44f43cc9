#!/usr/bin/env bash
# Builds the two consumer projects against ctp: after `cmake --install` (find_package) and from
# source (add_subdirectory), runs each and checks what it prints.
# usage: run_embed_test.sh SOURCE_DIR BUILD_DIR WORK_DIR "CMAKE FLAGS OF THE MAIN BUILD"
# The add_subdirectory build uses the main build's flags so that ccache serves its objects.
set -euo pipefail
source_dir=$1 build_dir=$2 work=$3 main_flags=${4:-}
export CCACHE_NOHASHDIR=1
expected="pipeline embedded: who=embedder greet show argo-ok"
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"

check() {
  local got
  got=$("$1")
  if [ "$got" != "$expected" ]; then
    echo "FAIL: $1 printed '$got', expected '$expected'" >&2
    exit 1
  fi
  echo "ok: $1"
}

cmake -S "$source_dir/tests/embed/find_package" -B "$work/find_package" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/find_package.log"
cmake --build "$work/find_package" >> "$work/find_package.log"
check "$work/find_package/consumer"

cmake -S "$source_dir/tests/embed/add_subdirectory" -B "$work/add_subdirectory" -G Ninja \
  -DCTP_SOURCE_DIR="$source_dir" $main_flags > "$work/add_subdirectory.log"
cmake --build "$work/add_subdirectory" --target consumer >> "$work/add_subdirectory.log"
check "$work/add_subdirectory/consumer"
rm -rf "$work"
