#!/usr/bin/env bash
# Installs the Debian packages named on the command line that dpkg does not report as
# installed: `apt-get update`, then `apt-get install -y`, through sudo unless run as root.
# Used by `make deps` and `make venv`, so that the README's two commands set up a fresh
# machine with nothing else typed.
set -euo pipefail
missing=()
for package in "$@"; do
  # The status, not `dpkg -s` succeeding: a removed package whose config files remain is
  # still known to dpkg ("deinstall ok config-files") but not installed.
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || {
    echo "cannot install ${missing[*]}: not root and no sudo; install them as root (apt-get install ${missing[*]})" >&2
    exit 1
  }
  sudo=(sudo)
fi
# `env` sets the variable for apt-get alone, as root or through sudo: a bare assignment
# after "$SUDO" would run as a command when SUDO is empty.
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
