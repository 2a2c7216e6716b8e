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
# Type-check everything once (tests and every Worker module included); the
# test run then skips its own checks, which would otherwise type-check each
# Worker's module graph on its first start.
"$DENO" task --quiet check
exec "$DENO" task --quiet test "$@"
