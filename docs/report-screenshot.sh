#!/usr/bin/env bash
# Render the HTML report of the Berlin conference and photograph it in headless Chromium:
#   bash docs/report-screenshot.sh      (from the repository root; writes docs/berlin-conference-report.{html,png})
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/fonds export html --from 1940-11-12 --to 1940-11-13 \
    --title "The Berlin conference, 12–13 November 1940" --out docs/berlin-conference-report.html
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --window-size=1100,2200 \
    --screenshot="$PWD/docs/berlin-conference-report.png" \
    "file://$PWD/docs/berlin-conference-report.html" 2>/dev/null
echo "docs/berlin-conference-report.png"
