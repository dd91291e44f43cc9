#!/usr/bin/env bash
# Installs the Debian packages ctp needs (deps/packages.txt) that are missing.
# usage: deps/install.sh GROUP...   (groups: build runtime test fuzz)
# As root it runs apt-get; otherwise it lists the missing packages and the command to install them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(build test)

wanted=()
while read -r group package; do
  case "$group" in ''|\#*) continue ;; esac
  for g in "${groups[@]}"; do
    [ "$g" = "$group" ] && wanted+=("$package")
  done
done < "$here/packages.txt"

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "ctp needs these Debian packages, which are not installed:" >&2
  echo "  ${missing[*]}" >&2
  echo "install them with:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
