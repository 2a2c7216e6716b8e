#!/usr/bin/env bash
# Install what is missing (runtime and test peers), then run the whole suite.
# Extra arguments go to `deno test` (a filter, for example: --filter ring).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_install.sh"
install_packages test
install_deno
cd "$EYRIE_ROOT"
"$DENO" fmt --check
"$DENO" lint
"$DENO" task --quiet check
exec "$DENO" task --quiet test "$@"
