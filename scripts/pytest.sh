#!/usr/bin/env bash
# Runs the test suite; "no tests collected" (pytest exit 5) is a failure, not a pass.
set -u
python=${1:-python3}
shift || true
"$python" -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating as a failure" >&2
  exit 1
fi
exit "$status"
