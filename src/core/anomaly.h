// Every named anomaly medtap counts, in one place (STYLE.md 7). The names are stable snake_case
// ids: they appear in the run summary, in eve.json stats and in tests, so never rename one.
// Add new ones at the end of their stage's group.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace medtap {

// X(enum_name, "stable_id", "one-line meaning"). Not clang-formatted: engineers add lines here
// in parallel, and a hand-kept column is easier to merge than a reflowed block.
// clang-format off
#define MEDTAP_ANOMALIES(X)                                                                   \
  /* capture: the file or interface */                                                        \
  X(CaptureTruncatedRecord, "capture_truncated_record", "capture ends inside a record")       \
  X(CaptureOversizedRecord, "capture_oversized_record", "record length beyond the limit")     \
  X(CaptureBadBlock, "capture_bad_block", "pcapng block malformed or unknown in a bad way")   \
  X(CaptureUnknownInterface, "capture_unknown_interface", "pcapng packet names no interface") \
  X(CaptureTooManyInterfaces, "capture_too_many_interfaces", "pcapng interface limit hit")    \
  X(CaptureUnsupportedLinkType, "capture_unsupported_link_type", "link type not decoded")     \
  X(CaptureCaplenExceedsWirelen, "capture_caplen_exceeds_wirelen", "caplen > original len")   \
  X(CaptureTimeBackwards, "capture_time_backwards", "packet time earlier than the last one")  \
  X(CaptureGzipCorrupt, "capture_gzip_corrupt", "gzip stream corrupt or cut short")         \
  /* decode: L2-L4 */                                                                         \
  X(TruncatedEthernet, "truncated_ethernet", "frame shorter than an Ethernet header")         \
  X(TruncatedVlan, "truncated_vlan", "802.1Q tag cut short")                                  \
  X(TooManyVlanTags, "too_many_vlan_tags", "more VLAN tags than the decoder follows")         \
  X(TruncatedSll, "truncated_sll", "Linux cooked header cut short")                           \
  X(TruncatedNull, "truncated_null", "BSD loopback header cut short")                         \
  X(UnknownNullFamily, "unknown_null_family", "BSD loopback address family not IP")           \
  X(TruncatedArp, "truncated_arp", "ARP packet cut short")                                    \
  X(TruncatedIpv4, "truncated_ipv4", "IPv4 header cut short")                                 \
  X(Ipv4BadVersion, "ipv4_bad_version", "IP version field does not match")                    \
  X(Ipv4BadHeaderLength, "ipv4_bad_header_length", "IHL below 5 or beyond the packet")        \
  X(Ipv4BadTotalLength, "ipv4_bad_total_length", "total length beyond captured bytes")        \
  X(Ipv4FragmentOverlap, "ipv4_fragment_overlap", "fragments overlap with different bytes")   \
  X(Ipv4FragmentTooLarge, "ipv4_fragment_too_large", "reassembled datagram beyond 65535")     \
  X(Ipv4FragmentTimeout, "ipv4_fragment_timeout", "fragments expired before completion")      \
  X(Ipv4FragmentTableFull, "ipv4_fragment_table_full", "fragment table limit hit")            \
  X(TruncatedIpv6, "truncated_ipv6", "IPv6 header cut short")                                 \
  X(Ipv6BadExtensionHeader, "ipv6_bad_extension_header", "extension header malformed")        \
  X(Ipv6TooManyExtensionHeaders, "ipv6_too_many_extension_headers", "header chain too long")  \
  X(Ipv6Fragment, "ipv6_fragment", "IPv6 fragment (not reassembled)")                         \
  X(TruncatedTcp, "truncated_tcp", "TCP header cut short")                                    \
  X(TcpBadHeaderLength, "tcp_bad_header_length", "TCP data offset below 5 or beyond data")    \
  X(TruncatedUdp, "truncated_udp", "UDP header cut short")                                    \
  X(UdpBadLength, "udp_bad_length", "UDP length field disagrees with the packet")             \
  X(TruncatedIcmp, "truncated_icmp", "ICMP header cut short")                                 \
  X(UnknownEthertype, "unknown_ethertype", "Ethertype not decoded")                           \
  X(Ipv6BadVersion, "ipv6_bad_version", "IPv6 header version field is not 6")                 \
  X(Ipv6BadPayloadLength, "ipv6_bad_payload_length", "payload length beyond captured bytes")  \
  X(Ipv4FragmentInconsistent, "ipv4_fragment_inconsistent", "fragment beyond datagram end")   \
  X(ArpUnsupported, "arp_unsupported", "ARP for other than Ethernet/IPv4, not decoded")       \
  X(ArpBindingChanged, "arp_binding_changed", "an IPv4 address moved to another MAC")         \
  X(ArpTableFull, "arp_table_full", "ARP binding table limit hit, oldest forgotten")          \
  X(ArpSweepTableFull, "arp_sweep_table_full", "ARP sweep sender cap hit, not counted")       \
  /* flow: table and TCP reassembly */                                                        \
  X(FlowTableFull, "flow_table_full", "flow cap hit, oldest flow evicted")                    \
  X(TcpOverlapConflict, "tcp_overlap_conflict", "retransmitted bytes differ from the first")  \
  X(TcpGap, "tcp_gap", "bytes never seen; analyzer told of a gap")                            \
  X(TcpFlowBufferLimit, "tcp_flow_buffer_limit", "per-flow out-of-order buffer limit hit")    \
  X(TcpGlobalBufferLimit, "tcp_global_buffer_limit", "global reassembly memory limit hit")    \
  X(TcpDataAfterClose, "tcp_data_after_close", "data beyond FIN or after RST")                \
  X(TcpMidstreamPickup, "tcp_midstream_pickup", "stream picked up without a handshake")       \
  X(TcpSynWithData, "tcp_syn_with_data", "SYN carries payload")                               \
  /* analyzers */                                                                             \
  X(MllpMissingStartBlock, "mllp_missing_start_block", "bytes outside an MLLP frame")         \
  X(MllpOversizedMessage, "mllp_oversized_message", "MLLP frame beyond the size limit")       \
  X(MllpMissingEndBlock, "mllp_missing_end_block", "0x1C not followed by 0x0D")               \
  X(MllpTruncatedMessage, "mllp_truncated_message", "frame cut by a gap, end or new 0x0B")    \
  X(Hl7MissingMsh, "hl7_missing_msh", "message does not start with MSH")                      \
  X(Hl7BadEncodingCharacters, "hl7_bad_encoding_characters", "MSH-1/MSH-2 unusable")          \
  X(Hl7TooManyFields, "hl7_too_many_fields", "segment field limit hit")                      \
  X(Hl7TooManySegments, "hl7_too_many_segments", "segment limit hit; names beyond it dropped") \
  X(Hl7BadSegmentName, "hl7_bad_segment_name", "segment id not 3 letters/digits; left out")   \
  X(Hl7LongField, "hl7_long_field", "MSH field beyond the length limit; cut in the event")    \
  X(Hl7OversizedMessage, "hl7_oversized_message", "raw HL7 (no MLLP) beyond the size limit")  \
  X(Hl7TruncatedMessage, "hl7_truncated_message", "raw HL7 (no MLLP) message cut by a gap")   \
  X(Hl7TooManyObservations, "hl7_too_many_observations", "OBX beyond the limit; left out")    \
  X(Hl7TooManyDevices, "hl7_too_many_devices", "device ids beyond the limit")                 \
  X(Hl7BadEscape, "hl7_bad_escape", "escape never closed; kept as sent")                      \
  X(DicomUnknownPduType, "dicom_unknown_pdu_type", "PDU type not 1-7; stream not DICOM")      \
  X(DicomOversizedPdu, "dicom_oversized_pdu", "non-P-DATA PDU beyond limit; skipped")         \
  X(DicomMalformedPdu, "dicom_malformed_pdu", "association PDU or item cut short")            \
  X(DicomBadPdvLength, "dicom_bad_pdv_length", "PDV length does not fit its PDU")             \
  X(DicomTruncatedPdu, "dicom_truncated_pdu", "stream ended inside a PDU")                    \
  X(DicomLostSync, "dicom_lost_sync", "no PDU found after a gap; direction ignored")          \
  X(DicomResynced, "dicom_resynced", "PDU found again after a gap over a header")             \
  X(DicomOversizedCommand, "dicom_oversized_command", "command set beyond limit; dropped")    \
  X(DicomMalformedCommand, "dicom_malformed_command", "command set does not parse")           \
  X(DicomUnexpectedFragment, "dicom_unexpected_fragment", "PDV out of message order")         \
  X(DicomTruncatedMessage, "dicom_truncated_message", "DIMSE message cut by gap or end")      \
  X(DicomMalformedDataSet, "dicom_malformed_data_set", "data set element or nesting bad")     \
  X(DicomLongField, "dicom_long_field", "AE/UID/patient value beyond limit; cut")             \
  X(DicomTooManyContexts, "dicom_too_many_contexts", "over 128 presentation contexts")        \
  X(RpcBadRecordMark, "rpc_bad_record_mark", "record mark length 0 or beyond limit")          \
  X(RpcTruncatedRecord, "rpc_truncated_record", "RPC record cut by a gap or end")             \
  X(RpcLostSync, "rpc_lost_sync", "no record found after a gap; direction ignored")           \
  X(RpcResynced, "rpc_resynced", "record found again after a gap")                            \
  X(RpcMalformedMessage, "rpc_malformed_message", "not an RPC call/reply header")             \
  X(RpcMalformedBody, "rpc_malformed_body", "RPC args or results do not parse")               \
  X(RpcUnmatchedReply, "rpc_unmatched_reply", "RPC reply with no pending call")               \
  X(RpcPendingTableFull, "rpc_pending_table_full", "pending call limit; oldest out")          \
  X(LpdMalformedCommand, "lpd_malformed_command", "LPD command line bad or too long")         \
  X(LpdOversizedControlFile, "lpd_oversized_control_file", "control file beyond limit")       \
  X(LpdTruncatedJob, "lpd_truncated_job", "LPD file cut by a gap or end")                     \
  X(ContecBadBlock, "contec_bad_block", "Contec marker or length invalid")                    \
  X(ContecShortBlock, "contec_short_block", "Contec block shorter than layout")               \
  X(ContecTruncatedBlock, "contec_truncated_block", "Contec block cut by gap or end")         \
  X(ContecResynced, "contec_resynced", "block found again after a gap")                       \
  X(ContecLostSync, "contec_lost_sync", "no block found after a gap; ignored")                \
  X(HttpBadStartLine, "http_bad_start_line", "not a request or status line")                  \
  X(HttpBadHeaderLine, "http_bad_header_line", "header line malformed; skipped")              \
  X(HttpOversizedHeader, "http_oversized_header", "header section beyond 64 KiB")             \
  X(HttpBadContentLength, "http_bad_content_length", "Content-Length not a number")           \
  X(HttpConflictingContentLength, "http_conflicting_content_length", "CL values differ")      \
  X(HttpClAndTe, "http_cl_and_te", "both Content-Length and Transfer-Encoding")               \
  X(HttpBadChunk, "http_bad_chunk", "chunk size or framing malformed")                        \
  X(HttpTruncatedMessage, "http_truncated_message", "message cut by a gap or the end")        \
  X(HttpTooManyPendingRequests, "http_too_many_pending_requests", "pipelining limit hit")     \
  X(HttpUnrequestedResponse, "http_unrequested_response", "response with no request waiting") \
  X(HttpLongField, "http_long_field", "header value beyond the limit; cut")                   \
  X(TlsBadRecord, "tls_bad_record", "record header not TLS or length beyond 2^14+2048")       \
  X(TlsOversizedHandshake, "tls_oversized_handshake", "handshake message beyond the limit")   \
  X(TlsBadHandshake, "tls_bad_handshake", "Client/ServerHello malformed")                     \
  X(TlsBadCertificate, "tls_bad_certificate", "Certificate message or DER unparsable")        \
  X(TlsTruncatedHandshake, "tls_truncated_handshake", "handshake cut by a gap or the end")    \
  X(TlsHandshakeLimit, "tls_handshake_limit", "over 8 handshakes in a flow; ignored")         \
  X(StarttlsRefused, "starttls_refused", "server refused STARTTLS; stays in clear")           \
  X(StarttlsLongLine, "starttls_long_line", "preamble line over 512 bytes; rest not read")    \
  X(StarttlsPlaintextLimit, "starttls_plaintext_limit", "64 KiB in clear, no upgrade")        \
  X(StarttlsMalformedPreamble, "starttls_malformed_preamble", "LDAP preamble not BER")        \
  X(DhcpBadMagicCookie, "dhcp_bad_magic_cookie", "no 63 82 53 63 before the options")         \
  X(DhcpTruncatedMessage, "dhcp_truncated_message", "shorter than a BOOTP header")            \
  X(DhcpTruncatedOptions, "dhcp_truncated_options", "option code or length cut short")        \
  X(DhcpOptionOverrun, "dhcp_option_overrun", "option length beyond its field")               \
  X(DnsTruncatedMessage, "dns_truncated_message", "DNS header or record cut short")           \
  X(DnsNamePointerLoop, "dns_name_pointer_loop", "compression pointers loop")                 \
  X(DnsNameForwardPointer, "dns_name_forward_pointer", "compression pointer points forward")  \
  X(DnsNameTooManyLabels, "dns_name_too_many_labels", "name with too many labels")            \
  X(DnsNameTooLong, "dns_name_too_long", "name longer than 255 bytes")                        \
  X(DnsLabelTooLong, "dns_label_too_long", "label type 01/10 (length over 63)")               \
  X(DnsTooManyRecords, "dns_too_many_records", "record limit hit; rest not parsed")           \
  X(DnsTcpBadLength, "dns_tcp_bad_length", "TCP length prefix below a header")                \
  X(DnsTcpTruncatedMessage, "dns_tcp_truncated_message", "TCP DNS message cut short")         \
  X(InventoryEndpointLimit, "inventory_endpoint_limit", "address limit hit; not observed")   \
  X(InventoryFactLimit, "inventory_fact_limit", "an address's fact limit hit; fact dropped")   \
  X(AnalyzerOutOfSync, "analyzer_out_of_sync", "analyzer lost sync; dropped for the flow")    \
  X(AnalyzerProbeLimit, "analyzer_probe_limit", "probe window used up with no protocol found") \
  /* detect */                                                                                 \
  X(PolicyFlowLimit, "policy_flow_limit", "policy flows held at detect.policy_max_flows; not judged")

// clang-format on

enum class Anomaly : uint16_t {
#define MEDTAP_ANOMALY_ENUM(name, id, text) name,
  MEDTAP_ANOMALIES(MEDTAP_ANOMALY_ENUM)
#undef MEDTAP_ANOMALY_ENUM
      kCount
};

constexpr size_t kAnomalyCount = static_cast<size_t>(Anomaly::kCount);

std::string_view anomalyName(Anomaly a);
std::string_view anomalyDescription(Anomaly a);

// Counts per anomaly. Each worker owns one; the summary adds them up. No locks, no atomics.
class AnomalyCounters {
 public:
  void add(Anomaly a, uint64_t n = 1) { counts_[static_cast<size_t>(a)] += n; }
  uint64_t get(Anomaly a) const { return counts_[static_cast<size_t>(a)]; }
  uint64_t total() const;
  void merge(const AnomalyCounters& other);

 private:
  std::array<uint64_t, kAnomalyCount> counts_{};
};

}  // namespace medtap
