#!/usr/bin/env bash
# The command line's promises (README "Exit status"): bad input gets one line naming the file and
# the reason with status 2; damaged captures are read to the damage with a warning, status 0;
# configuration mistakes are reported with their line.
set -uo pipefail
medtap=$1
source "$(dirname "$0")/setup.sh"
passed=0
failed=0

check() {  # check NAME CONDITION-DESCRIPTION COMMAND...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}

run() {  # run ARGS...: sets status, out, err
  "$medtap" "$@" >"$work/out" 2>"$work/err"
  status=$?
  out=$(cat "$work/out"); err=$(cat "$work/err")
}

run analyze "$work/missing.pcap" -o "$work/o1"
check "missing file: status 2" test "$status" = 2
check "missing file: one line naming file and reason" \
  test "$err" = "medtap: error: $work/missing.pcap: No such file or directory"

printf '<html>not a capture</html>' >"$work/page.pcap"
run analyze "$work/page.pcap" -o "$work/o2"
check "not a capture: status 2" test "$status" = 2
check "not a capture: one line" test "$(echo "$err" | wc -l)" = 1
check "not a capture: names the file" grep -q "page.pcap" <<<"$err"

: >"$work/empty.pcap"
run analyze "$work/empty.pcap" -o "$work/o3"
check "empty file: status 2, one line" test "$status" = 2 -a "$(echo "$err" | wc -l)" = 1

run analyze "$root/tests/traces/hl7_mllp.pcap" "$work/missing.pcap" -o "$work/o4"
check "one missing among several: status 2 before reading any" test "$status" = 2 -a ! -s "$work/o4/eve.json"

# A capture cut in the middle of a record: read up to the cut, warning, status 0, flows kept.
head -c 2000 "$root/tests/traces/hl7_mllp.pcap" >"$work/cut.pcap"
run analyze "$work/cut.pcap" -o "$work/o5"
check "cut capture: status 0" test "$status" = 0
check "cut capture: warning says where" grep -q "warning: .*cut.pcap" <<<"$err"
check "cut capture: flow kept" grep -q '"event_type":"flow"' "$work/o5/eve.json"

damaged=$shared/testdata/malformed/suricata-verify/bug-6875-01/fuzz.pcap
run analyze "$damaged" -o "$work/o6"
check "16 MB record: status 0 with a warning" test "$status" = 0
check "16 MB record: warning names offset" grep -q "offset" <<<"$err"

gzip -c "$root/tests/traces/hl7_mllp.pcap" >"$work/hl7.pcap.gz"
run analyze "$work/hl7.pcap.gz" -o "$work/o7"
"$medtap" analyze "$root/tests/traces/hl7_mllp.pcap" -o "$work/o8" >/dev/null 2>&1
check "gzip: same events as the plain file" cmp -s "$work/o7/eve.json" "$work/o8/eve.json"

run analyze "$root/tests/traces/hl7_mllp.pcap" -o /proc/medtap-cannot-be-here
check "unwritable output: status 2, one line" test "$status" = 2 -a "$(echo "$err" | wc -l)" = 1

printf 'flow:\n  max_flows: 0\n  bogus_key: 1\n' >"$work/bad.yaml"
run config check "$work/bad.yaml"
check "config check: status 1" test "$status" = 1
check "config check: line of each mistake" grep -q "bad.yaml:2:" <<<"$out"
check "config check: unknown key on line 3" grep -q "bad.yaml:3:" <<<"$out"
run analyze "$root/tests/traces/hl7_mllp.pcap" -c "$work/bad.yaml" -o "$work/o9"
check "analyze with a bad config: status 2" test "$status" = 2

run analyze "$root/tests/traces/hl7_mllp.pcap" -o "$work/o10"
check "summary: packets line" grep -q "packets" <<<"$out"
check "summary: flows line" grep -qE "flows +1 \(tcp 1" <<<"$out"

echo "cli: $passed passed, $failed failed"
[[ $failed == 0 ]]
