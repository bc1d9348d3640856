#!/usr/bin/env bash
# Golden tests: runs the real medtap binary on each trace and compares eve.json and inventory.json,
# line for line, with the checked-in expectations tests/golden/<name>.{eve,inventory}.json.
#   tests/golden/run.sh path/to/medtap            compare
#   UPDATE_GOLDEN=1 tests/golden/run.sh medtap    rewrite the expectations (review the diff!)
# Traces: tests/traces/*.pcap (made by tests/traces/gen_traces.py) and a few third-party captures
# from ../shared/testdata, listed below.
set -uo pipefail
medtap=$1
source "$(dirname "$0")/setup.sh"

declare -A inputs
for t in "$root"/tests/traces/*.pcap; do inputs[$(basename "$t" .pcap)]=$t; done
inputs[tapirx_hl7_oru]=$shared/testdata/hl7_pcap/tapirx/HL7-ORU.pcap
inputs[ndpi_hl7_adt]=$shared/testdata/hl7_pcap/nDPI/hl7.pcap
inputs[pcpp_ip4_fragments]=$shared/testdata/tcp_reassembly/PcapPlusPlus/ip4_fragments.pcap
inputs[zeek_http_pipelined]=$shared/testdata/http/zeek/pipelined-requests.pcap
inputs[zeek_tls12]=$shared/testdata/tls/zeek/tls1.2.pcap
inputs[tapirx_dicom_arq_1_find_testclient]=$shared/testdata/dicom_pcap/tapirx/dicom_arq_1_find_testclient.pcap
inputs[tapirx_dicom_arq_2_get_testclient]=$shared/testdata/dicom_pcap/tapirx/dicom_arq_2_get_testclient.pcap
inputs[tapirx_dicom_arq_3_find_bogus_local]=$shared/testdata/dicom_pcap/tapirx/dicom_arq_3_find_bogus_local.pcap
inputs[tapirx_dicom_arq_4_get_bogus_local]=$shared/testdata/dicom_pcap/tapirx/dicom_arq_4_get_bogus_local.pcap
inputs[zeek_mount_unmount]=$shared/testdata/nfs_rpc/zeek/mount-unmount.pcap
inputs[zeek_nfs_base]=$shared/testdata/nfs_rpc/zeek/nfs_base.pcap
inputs[zeek_dhcp]=$shared/testdata/dhcp/zeek/dhcp.pcap
inputs[tcpdump_dns_udp]=$shared/testdata/dns/tcpdump/dns_udp.pcap
inputs[tcpdump_dns_tcp]=$shared/testdata/dns/tcpdump/dns_tcp.pcap

passed=0
failed=0
for name in $(printf '%s\n' "${!inputs[@]}" | sort); do
  input=${inputs[$name]}
  expected=$here/$name.eve.json
  out=$work/$name
  if ! "$medtap" analyze "$input" -o "$out" >"$work/$name.stdout" 2>"$work/$name.stderr"; then
    echo "FAIL $name: medtap exited $? on $input"; cat "$work/$name.stderr"
    failed=$((failed + 1)); continue
  fi
  if [[ ${UPDATE_GOLDEN:-0} == 1 ]]; then
    cp "$out/eve.json" "$expected"; cp "$out/inventory.json" "$here/$name.inventory.json"
    echo "updated $name"; continue
  fi
  if [[ ! -f $expected ]]; then
    echo "FAIL $name: no expectation $expected (run with UPDATE_GOLDEN=1 and review)"
    failed=$((failed + 1)); continue
  fi
  if diff -u "$expected" "$out/eve.json" >"$work/$name.diff" &&
    diff -u "$here/$name.inventory.json" "$out/inventory.json" >>"$work/$name.diff"; then
    echo "ok   $name ($(wc -l <"$expected") events)"
    passed=$((passed + 1))
  else
    echo "FAIL $name: eve.json or inventory.json differs from $here/$name.*"
    head -40 "$work/$name.diff"
    failed=$((failed + 1))
  fi
done
echo "golden: $passed passed, $failed failed"
[[ $failed == 0 ]]
