#!/usr/bin/env bash
# Creates the Python venv for the interop checks: `make-venv.sh DIR PACKAGE...`.
# Debian's python3 has no venv/ensurepip without the python3-venv package: it is
# installed when missing, and a python3 that still cannot make a venv is named in one line.
set -euo pipefail
venv=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null 2>&1 || {
  echo "cannot create $venv: python3 is not installed (apt-get install python3 python3-venv)" >&2
  exit 1
}
if ! python3 -m venv "$venv" >/dev/null 2>&1; then
  rm -rf "$venv"
  if command -v dpkg-query >/dev/null 2>&1; then "$here/install-packages.sh" python3-venv; fi
  python3 -m venv "$venv" >/dev/null 2>&1 || {
    rm -rf "$venv"
    echo "cannot create $venv: $(command -v python3) has no working venv module (on Debian: apt-get install python3-venv; else use a Python with venv and ensurepip)" >&2
    exit 1
  }
fi
"$venv/bin/pip" install -q --disable-pip-version-check "$@"
