#!/usr/bin/env bash
# Fails when any tracked C++ file differs from what clang-format (the repo's .clang-format) makes of it.
set -uo pipefail
cd "$(dirname "$0")/.."
bad=0
while IFS= read -r f; do
    [[ -f "$f" ]] || continue
    if ! clang-format --style=file --dry-run --Werror "$f" 2>/dev/null; then
        echo "check-format: $f is not clang-formatted (run: clang-format -i $f)" >&2
        bad=1
    fi
done < <(git ls-files --cached --others --exclude-standard -- '*.cpp' '*.h')
exit $bad
