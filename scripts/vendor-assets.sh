#!/usr/bin/env bash
# Copy the front-end libraries installed from the npm registry into the static folder.
# They are build products: .gitignore keeps them out of the repository.
set -euo pipefail
dest=${1:?usage: vendor-assets.sh DEST}
mkdir -p "$dest"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx.min.js"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts.min.js"
