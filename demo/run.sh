#!/usr/bin/env bash
# make demo: simulate a 24-bed ward whose Contec CMS8000 monitors carry the backdoor, analyze the
# capture, and say what was found and where the full output is. Deterministic (seeded).
set -euo pipefail
medtap=${1:-build/medtap}
out=${DEMO_OUT:-demo-out}
mkdir -p "$out"

echo "== simulating a 24-bed ward with the contec-backdoor scenario"
"$medtap" simulate --beds 24 --duration 10m --seed 7 --scenario contec-backdoor -o "$out/ward.pcap"
echo
echo "== analyzing $out/ward.pcap"
"$medtap" analyze "$out/ward.pcap" -o "$out"
echo
python3 "$(dirname "$0")/summary.py" "$out"
