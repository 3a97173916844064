#!/usr/bin/env bash
# Creates (or brings up to date) the Python environments the extension is built and tested
# with: .venvs/base (JupyterLab alone) and .venvs/collab (JupyterLab + jupyter-collaboration).
# Idempotent: an environment whose requirements file has not changed is left as it is.
# With --install-extension, the built wheel in dist/ is (re)installed into both.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"

for flavor in base collab; do
  venv=".venvs/$flavor"
  requirements="requirements-$flavor.txt"
  stamp="$venv/.lectern-requirements"
  if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
  fi
  if ! cmp -s "$requirements" "$stamp"; then
    echo "setup-venv: installing $requirements into $venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$stamp"
  fi
done

if [ "${1:-}" = "--install-extension" ]; then
  wheel="$(ls -t dist/lectern_jupyterlab-*.whl | head -n 1)"
  for flavor in base collab; do
    ".venvs/$flavor/bin/pip" install --quiet --disable-pip-version-check --no-deps --force-reinstall "$wheel"
  done
  echo "setup-venv: installed $wheel"
fi
