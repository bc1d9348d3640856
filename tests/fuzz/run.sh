#!/usr/bin/env bash
# Runs every libFuzzer target in DIR for SECONDS each, starting from its committed seed corpus
# (tests/fuzz/corpus/<name>/, copied so the committed one is never changed). Fails on the first
# crash, leak or timeout, leaving the reproducer in build-fuzz/findings/.
set -euo pipefail
dir=$1
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
findings=$(dirname "$dir")/../findings
mkdir -p "$findings"
status=0
for target in "$dir"/*_fuzz; do
  [[ -x $target ]] || continue
  name=$(basename "$target" _fuzz)
  work=$(mktemp -d)
  [[ -d $here/corpus/$name ]] && cp -r "$here/corpus/$name/." "$work/"
  echo "fuzz: $name for ${seconds}s ($(ls "$work" | wc -l) seeds)"
  if ! "$target" "$work" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$findings/$name-" -print_final_stats=1 >"$work.log" 2>&1; then
    echo "fuzz: $name FAILED; last lines:"
    tail -30 "$work.log"
    status=1
  else
    grep -E 'stat::number_of_executed_units' "$work.log" | sed "s/^/fuzz: $name /" || true
  fi
  rm -rf "$work" "$work.log"
done
exit $status
