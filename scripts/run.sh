#!/usr/bin/env bash
# Install what is missing, then run eyrie: `./scripts/run.sh [eyrie run options]`.
# With no config, eyrie runs a test-pattern camera and the console on 127.0.0.1:8080.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_install.sh"
install_packages runtime
install_deno
cd "$EYRIE_ROOT"
exec "$DENO" task --quiet eyrie run "$@"
