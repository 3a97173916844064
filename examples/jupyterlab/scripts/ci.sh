#!/usr/bin/env bash
# Everything the JupyterLab suite needs, from scratch or incrementally: the Python environments,
# the extension's JS dependencies and build, its wheel, installed into both environments.
# Expects the repository's own `npm ci` to have run (lectern/client is built by its `prepare`).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
bash scripts/setup-venv.sh
npm ci --no-audit --no-fund --loglevel=error
npm run clean
npm run build
rm -rf dist
HATCH_JUPYTER_BUILDER_SKIP_NPM=1 .venvs/base/bin/pip wheel . --no-deps --quiet --disable-pip-version-check -w dist
bash scripts/setup-venv.sh --install-extension
.venvs/base/bin/jupyter labextension list 2>&1 | grep -q 'lectern-jupyterlab.*enabled.*OK' \
  || { echo 'ci.sh: the extension is not listed as enabled and OK' >&2; exit 1; }
echo "ci.sh: JupyterLab extension built and installed in $((SECONDS - started)) s"
