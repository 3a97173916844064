#!/usr/bin/env bash
# Builds the prebuilt (federated) extension into lectern_jupyterlab/labextension with
# @jupyterlab/builder, against the JupyterLab core of a Python environment: the core's
# package.json tells the builder which packages JupyterLab already shares at runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${LECTERN_JUPYTER_PYTHON:-.venvs/base/bin/python}"
if [ ! -x "$python" ]; then
  echo "build-labextension: no Python with JupyterLab at $python; run scripts/setup-venv.sh first or set LECTERN_JUPYTER_PYTHON" >&2
  exit 1
fi
core_path="$("$python" -c 'import jupyterlab, os; print(os.path.join(os.path.dirname(jupyterlab.__file__), "staging"))')"
# Extra arguments (e.g. --development) go to the builder.
node node_modules/@jupyterlab/builder/lib/build-labextension.js --core-path "$core_path" "$@" .
