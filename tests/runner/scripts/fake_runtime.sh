#!/bin/sh
# A stand-in for docker/podman in tests (installed on PATH under those names): appends its name
# and arguments, each in brackets, as one line to $CTP_FAKE_RUNTIME_LOG, then acts the part:
# `info` exits with $CTP_FAKE_RUNTIME_INFO_EXIT (default 0), `kill` succeeds, and `run` skips
# its options and the image and runs the command on this machine.
log="${CTP_FAKE_RUNTIME_LOG:?}"
{
  printf '%s' "$(basename "$0")"
  for arg in "$@"; do printf ' [%s]' "$arg"; done
  printf '\n'
} >> "$log"
case "$1" in
  info) exit "${CTP_FAKE_RUNTIME_INFO_EXIT:-0}" ;;
  kill) exit 0 ;;
  run) shift ;;
  *) echo "fake runtime: unknown command '$1'" >&2; exit 125 ;;
esac
workdir=
while [ $# -gt 0 ]; do
  case "$1" in
    --rm|-i) shift ;;
    --name|-v|-e|--gpus|--device) shift 2 ;;
    -w) workdir="$2"; shift 2 ;;
    *) break ;;
  esac
done
shift  # the image
if [ -n "$workdir" ]; then cd "$workdir" || exit 126; fi
exec "$@"
