#!/usr/bin/env bash
# Throughput of `medtap analyze` side by side with its peers on the same capture, in one run:
#   tshark -r F -q [-Y frame]       reading only / plain dissection (see below), and with
#                                   -z conv,tcp its conversation table
#   ndpiReader -i F -q              nDPI's flow classification (checked to read every packet)
#   tcpdump -r F -w /dev/null       reading and writing records only: the I/O floor
# Each runs pinned to one core (taskset), best of RUNS (3) by wall time, page cache warm; prints
# MB/s (file bytes, 10^6) and packets/s, peak RSS (/usr/bin/time), and medtap's speed ratio to
# each. Figures only: this never fails on a time (exit 1 only when medtap itself fails to run).
#
# Usage: bench/throughput.sh [CAPTURE]
#   Without CAPTURE it makes a 1 GB ward-like capture first (`medtap simulate --size` when the
#   binary has it, else bench/gen_capture.py), cached in $BENCH_DIR for the next run.
# Environment:
#   MEDTAP     the binary (default: build/medtap in the repository)
#   BENCH_DIR  work folder (default: ${TMPDIR:-/tmp}/medtap-bench)
#   BENCH_CPU  the core to pin to (default: the last one)
#   RUNS       runs per tool (default 3)
#   SIZE       size of the generated capture (default 1G)
#   SEED       seed of the generated capture (default 1)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
medtap=${MEDTAP:-$root/build/medtap}
bench_dir=${BENCH_DIR:-${TMPDIR:-/tmp}/medtap-bench}
cpu=${BENCH_CPU:-$(($(nproc) - 1))}
runs=${RUNS:-3}
size=${SIZE:-1G}
seed=${SEED:-1}

die() { echo "throughput.sh: $*" >&2; exit 1; }
[[ -x $medtap ]] || die "medtap binary $medtap not found (build it, or set MEDTAP)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time missing: apt-get install time"
mkdir -p "$bench_dir" || die "cannot create $bench_dir"

pin=()
command -v taskset >/dev/null && pin=(taskset -c "$cpu")

capture=${1:-}
if [[ -z $capture ]]; then
  # The cache name says which generator made it, so that a capture from gen_capture.py is not
  # reused once the simulator can make one.
  if "$medtap" simulate --help 2>&1 | grep -q -- '--size'; then
    capture=$bench_dir/ward-simulate-$size-seed$seed.pcap
    if [[ ! -s $capture ]]; then
      echo "generating $capture with medtap simulate --size $size --seed $seed"
      "$medtap" simulate --size "$size" --seed "$seed" -o "$capture.tmp" >/dev/null ||
        die "medtap simulate failed"
      mv "$capture.tmp" "$capture"
    fi
  else
    capture=$bench_dir/ward-gen_capture-$size-seed$seed.pcap
    if [[ ! -s $capture ]]; then
      echo "generating $capture with bench/gen_capture.py (no medtap simulate --size)"
      python3 "$here/gen_capture.py" "$capture.tmp" --size "$size" --seed "$seed" ||
        die "gen_capture.py failed"
      mv "$capture.tmp" "$capture"
    fi
  fi
fi
[[ -r $capture ]] || die "cannot read $capture"

bytes=$(stat -L -c %s "$capture")
packets=$(capinfos -M -c "$capture" 2>/dev/null | awk -F': *' '/Number of packets/ { print $2 }')
[[ $packets =~ ^[0-9]+$ ]] || packets=$(tcpdump -qnr "$capture" 2>/dev/null | wc -l)
cat "$capture" >/dev/null  # warm the page cache: every tool then reads from memory

work=$(mktemp -d "$bench_dir/run-XXXXXX")
trap 'rm -rf "$work"' EXIT

# best NAME CMD...: runs CMD $runs times pinned; sets best_s (wall seconds, best run),
# best_rss_kb (peak RSS of that run) and last_rc. Wall time from the clock around the process;
# RSS from /usr/bin/time.
best() {
  local name=$1
  shift
  best_s= best_rss_kb= last_rc=0
  local i t0 t1 s rss
  for ((i = 1; i <= runs; i++)); do
    t0=$(date +%s%N)
    "${pin[@]}" /usr/bin/time -f '%M' -o "$work/time" "$@" >"$work/$name.out" 2>"$work/$name.err"
    last_rc=$?
    t1=$(date +%s%N)
    [[ $last_rc -eq 0 ]] || return
    s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    rss=$(tail -n1 "$work/time")
    if [[ -z $best_s ]] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
      best_s=$s best_rss_kb=$rss
    fi
  done
}

declare -a names times rsses
row() {  # row NAME: records the figures of the last `best`
  names+=("$1")
  if [[ $last_rc -ne 0 || -z $best_s ]]; then
    times+=("failed")
    rsses+=("-")
    echo "  $1: failed (exit $last_rc): $(head -c 300 "$work/$2.err")" >&2
  else
    times+=("$best_s")
    rsses+=("$best_rss_kb")
  fi
}

echo "capture:  $capture ($(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB, $packets packets)"
echo "machine:  $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores, Linux $(uname -r)"
echo "method:   ${pin[*]:-unpinned}, best of $runs by wall time, page cache warm"
echo

rm -rf "$work/medtap-out"
best medtap "$medtap" analyze "$capture" -o "$work/medtap-out"
row "medtap analyze" medtap
medtap_s=$best_s
[[ $last_rc -eq 0 ]] || { cat "$work/medtap.err" >&2; die "medtap analyze failed"; }
medtap_summary=$(cat "$work/medtap.out")

# Peak RSS counts the pages of a memory-mapped capture (medtap maps its input file): those are
# the page cache, shared and reclaimable. Its own memory is the anonymous part: sampled from
# /proc every 10 ms during one more run.
peak_anon_kb=0
"${pin[@]}" "$medtap" analyze "$capture" -o "$work/medtap-anon" >/dev/null 2>&1 &
anon_pid=$!
while kill -0 "$anon_pid" 2>/dev/null; do
  kb=$(awk '/^RssAnon:/ { print $2 }' "/proc/$anon_pid/status" 2>/dev/null)
  [[ -n $kb && $kb -gt $peak_anon_kb ]] && peak_anon_kb=$kb
  sleep 0.01
done
wait "$anon_pid"

if command -v tshark >/dev/null; then
  # `tshark -r F -q` alone does not dissect at all: with nothing to print, filter or tap, tshark
  # only reads the records (about tcpdump's figure). A display filter makes it dissect every
  # packet (-Y frame matches them all), and a conversation tap adds its flow table.
  best tshark tshark -r "$capture" -q
  row "tshark -q (no dissection)" tshark
  best tshark_dissect tshark -r "$capture" -q -Y frame
  row "tshark -q -Y frame" tshark_dissect
  best tshark_conv tshark -r "$capture" -q -z conv,tcp
  row "tshark -q -z conv,tcp" tshark_conv
fi
if command -v ndpiReader >/dev/null; then
  # Once verbose, to check that it reads every packet of the file ("IP packets: N of M packets
  # total"); then timed with -q.
  ndpiReader -i "$capture" >"$work/ndpi-verbose.out" 2>&1
  ndpi_total=$(awk '/IP packets:/ { print $5 }' "$work/ndpi-verbose.out")
  [[ $ndpi_total == "$packets" ]] ||
    echo "  note: ndpiReader read ${ndpi_total:-?} of $packets packets" >&2
  best ndpi ndpiReader -i "$capture" -q
  row "ndpiReader -q" ndpi
fi
if command -v tcpdump >/dev/null; then
  best tcpdump tcpdump -r "$capture" -w /dev/null
  row "tcpdump -w /dev/null" tcpdump
fi

printf '%-26s %9s %9s %10s %12s %14s\n' tool "time s" "MB/s" "kpkt/s" "peak RSS MB" "medtap speed"
for i in "${!names[@]}"; do
  t=${times[$i]}
  if [[ $t == failed ]]; then
    printf '%-26s %9s\n' "${names[$i]}" failed
    continue
  fi
  awk -v n="${names[$i]}" -v t="$t" -v b="$bytes" -v p="$packets" -v r="${rsses[$i]}" \
    -v m="$medtap_s" 'BEGIN {
      ratio = (n == "medtap analyze") ? "1.0x" : sprintf("%.1fx", t / m)
      printf "%-26s %9.2f %9.1f %10.1f %12.1f %14s\n", n, t, b / 1e6 / t, p / 1e3 / t, r / 1024, ratio
    }'
done
echo
echo "medtap speed = its MB/s divided by the tool's (>1: medtap is faster)."
echo "medtap peak anonymous RSS (its own memory, without the mapped capture):" \
  "$(awk -v k="$peak_anon_kb" 'BEGIN { printf "%.1f", k / 1024 }') MB"
echo "medtap analyze summary (last run):"
sed 's/^/  /' <<<"$medtap_summary"
exit 0
