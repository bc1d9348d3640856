#!/usr/bin/env bash
# The live path, for real: `medtap watch` on one end of a veth pair while tcpreplay sends a trace
# into the other end, then the same trace through `medtap analyze`; both must report the same flows
# (5-tuple, VLAN, packets per direction).
#
# Usage: live_veth.sh MEDTAP_BINARY [TRACE]
#   TRACE: an Ethernet capture with several TCP and UDP flows, shorter than the shortest idle
#   timeout (30 s) so that no flow expires in one run and not the other; frames must fit the
#   veth MTU set below. Default: the shared test data's tls/nDPI/tls_certificate_too_long.pcap
#   (315 packets over 7.2 s, 16 TCP and 17 UDP conversations, largest frame 1514 bytes).
#
# Isolation: each end of the veth pair lives in its own new network namespace (names carry this
# shell's PID); nothing is created, addressed or routed in the host's namespace, the veths have
# no IP addresses and IPv6 is disabled on them so that the kernel injects nothing (router
# solicitations, MLD). Everything is removed by the EXIT trap.
#
# Exit: 0 match, 1 mismatch or failure, 77 skipped (not root, a tool missing, or network
# namespaces unavailable) with the reason on stdout.
set -u

medtap=${1:?usage: live_veth.sh MEDTAP_BINARY [TRACE]}
here=$(cd "$(dirname "$0")" && pwd)
trace=${2:-$here/../../../shared/testdata/tls/nDPI/tls_certificate_too_long.pcap}

readonly kSkip=77
readonly kReplayMbps=20          # modest: far below what the receive backlog (1000 pkts) drops at
readonly kVethMtu=9000           # room for any frame of the trace
readonly kReadyTimeoutS=10       # for medtap's capture socket to appear
readonly kStopTimeoutS=20        # for medtap to flush and exit after SIGINT

skip() { echo "SKIP: $*"; exit $kSkip; }
fail() { echo "FAIL: $*"; exit 1; }

[[ $(id -u) -eq 0 ]] || skip "needs root to create network namespaces"
for tool in ip tcpreplay python3; do
  command -v $tool >/dev/null || skip "$tool not installed"
done
[[ -x $medtap ]] || fail "medtap binary $medtap not executable"
[[ -r $trace ]] || fail "trace $trace not readable"

ns_tx=medtap-e2e-tx-$$
ns_rx=medtap-e2e-rx-$$
veth_tx=mtx$$                    # interface names: at most 15 characters
veth_rx=mrx$$
work=$(mktemp -d /tmp/medtap-live-XXXXXX)
medtap_pid=

cleanup() {
  if [[ -n $medtap_pid ]] && kill -0 "$medtap_pid" 2>/dev/null; then
    kill -KILL "$medtap_pid" 2>/dev/null
    wait "$medtap_pid" 2>/dev/null
  fi
  # Deleting a namespace destroys the veth end inside it, and with it the pair.
  ip netns del "$ns_tx" 2>/dev/null
  ip netns del "$ns_rx" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$ns_tx" 2>/dev/null || skip "cannot create network namespaces (ip netns add failed)"
ip netns add "$ns_rx" 2>/dev/null || skip "cannot create a second network namespace"

for ns in "$ns_tx" "$ns_rx"; do
  # Before the veth exists, so that it is born with IPv6 off; repeated per device below.
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
done
# Created inside the namespaces directly: the host namespace never holds either end.
ip -n "$ns_tx" link add "$veth_tx" type veth peer name "$veth_rx" netns "$ns_rx" ||
  skip "cannot create a veth pair inside a network namespace"
ip netns exec "$ns_tx" sysctl -qw "net.ipv6.conf.$veth_tx.disable_ipv6=1" 2>/dev/null
ip netns exec "$ns_rx" sysctl -qw "net.ipv6.conf.$veth_rx.disable_ipv6=1" 2>/dev/null
ip -n "$ns_tx" link set "$veth_tx" mtu $kVethMtu up || fail "cannot bring $veth_tx up"
ip -n "$ns_rx" link set "$veth_rx" mtu $kVethMtu up || fail "cannot bring $veth_rx up"

# Job control on, so that the background medtap does not start with SIGINT ignored (bash ignores
# it for background jobs of non-interactive shells).
set -m
ip netns exec "$ns_rx" "$medtap" watch -i "$veth_rx" -o "$work/live" >"$work/watch.out" \
  2>"$work/watch.err" &
medtap_pid=$!
set +m

# Ready when a packet socket bound to the veth exists in the receiving namespace
# (/proc/net/packet lists them with the interface index), then a little more for libpcap to finish
# setting up its ring after the bind.
ifindex=$(ip netns exec "$ns_rx" cat "/sys/class/net/$veth_rx/ifindex")
ready=
for ((i = 0; i < kReadyTimeoutS * 10; i++)); do
  kill -0 "$medtap_pid" 2>/dev/null || break
  if ip netns exec "$ns_rx" awk -v idx="$ifindex" 'NR > 1 && $5 == idx { found = 1 }
       END { exit !found }' /proc/net/packet; then
    ready=1
    break
  fi
  sleep 0.1
done
if [[ -z $ready ]]; then
  cat "$work/watch.err"
  fail "medtap watch did not open $veth_rx within ${kReadyTimeoutS}s"
fi
sleep 0.5

echo "replaying $(basename "$trace") into $veth_tx at ${kReplayMbps} Mbit/s"
ip netns exec "$ns_tx" tcpreplay -i "$veth_tx" --mbps=$kReplayMbps "$trace" >"$work/replay.out" 2>&1 ||
  { cat "$work/replay.out"; fail "tcpreplay failed"; }
grep -E 'Actual:|Failed packets:' "$work/replay.out" | sed 's/^ */  /'
failed_packets=$(awk '/Failed packets:/ { print $3 }' "$work/replay.out")
[[ ${failed_packets:-0} -eq 0 ]] || fail "tcpreplay could not send $failed_packets packets"
sleep 1

kill -INT "$medtap_pid"
for ((i = 0; i < kStopTimeoutS * 10; i++)); do
  kill -0 "$medtap_pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$medtap_pid" 2>/dev/null; then
  fail "medtap watch still running ${kStopTimeoutS}s after SIGINT"
fi
wait "$medtap_pid"
watch_rc=$?
medtap_pid=
echo "medtap watch summary:"
sed 's/^/  /' "$work/watch.out"
[[ $watch_rc -eq 0 ]] || { cat "$work/watch.err"; fail "medtap watch exited $watch_rc (want 0)"; }
[[ -s $work/live/eve.json ]] || fail "medtap watch wrote no eve.json"

"$medtap" analyze "$trace" -o "$work/offline" >"$work/analyze.out" 2>"$work/analyze.err" ||
  { cat "$work/analyze.err"; fail "medtap analyze failed"; }

python3 "$here/compare_flows.py" "$work/live/eve.json" "$work/offline/eve.json" ||
  fail "live and offline flows differ"
echo "PASS"
