// The facts the inventory learns from events, by source name. Fingerprint rules match on these
// names (data/fingerprints/README.md lists them for rule writers); the store keeps them as rows.
#pragma once

#include <string_view>

namespace medtap::inventory::fact {

// Bindings of an address to a MAC.
inline constexpr std::string_view kSeen = "seen";         // a flow's endpoint (value "")
inline constexpr std::string_view kArp = "arp";           // ARP says this IP is at this MAC
inline constexpr std::string_view kDhcpAck = "dhcp.ack";  // a DHCP ACK leased the IP to the MAC
// What a device says about itself.
inline constexpr std::string_view kOui = "oui";  // IEEE registry owner of the MAC's prefix
inline constexpr std::string_view kDhcpHostname = "dhcp.hostname";
inline constexpr std::string_view kDhcpVendorClass = "dhcp.vendor_class";
inline constexpr std::string_view kDhcpParams = "dhcp.params";  // option 55 in order: "1,3,6"
inline constexpr std::string_view kDhcpClientId = "dhcp.client_id";
inline constexpr std::string_view kDhcpFqdn = "dhcp.fqdn";
inline constexpr std::string_view kHl7SendingApplication = "hl7.sending_application";  // MSH-3
inline constexpr std::string_view kHl7SendingFacility = "hl7.sending_facility";        // MSH-4
inline constexpr std::string_view kHl7Device = "hl7.device";  // OBX-18 / PRT equipment id
inline constexpr std::string_view kHl7Version = "hl7.version";
inline constexpr std::string_view kDicomImplementationClassUid = "dicom.implementation_class_uid";
inline constexpr std::string_view kDicomImplementationVersionName =
    "dicom.implementation_version_name";
inline constexpr std::string_view kDicomAeTitle = "dicom.ae_title";
inline constexpr std::string_view kHttpUserAgent = "http.user_agent";
inline constexpr std::string_view kHttpServer = "http.server";
inline constexpr std::string_view kTlsJa3 = "tls.ja3";
inline constexpr std::string_view kTlsJa4 = "tls.ja4";
inline constexpr std::string_view kTlsSni = "tls.sni";
inline constexpr std::string_view kTlsJa3s = "tls.ja3s";
inline constexpr std::string_view kTlsSubject = "tls.subject";
inline constexpr std::string_view kDnsQuery = "dns.query";
inline constexpr std::string_view kLpdHost = "lpd.host";  // control file H: the sender's name
// What a device does, with the peer's address as the value: roles are counted from these.
inline constexpr std::string_view kHl7ObservationsTo = "hl7.observations_to";
inline constexpr std::string_view kHl7ObservationsFrom = "hl7.observations_from";
inline constexpr std::string_view kHl7SendsTo = "hl7.sends_to";  // any message but an ACK
inline constexpr std::string_view kHl7ReceivesFrom = "hl7.receives_from";
inline constexpr std::string_view kHl7ToPort = "hl7.to_port";  // value: the receiver's port
inline constexpr std::string_view kContecStreamTo = "contec.stream_to";
inline constexpr std::string_view kContecStreamFrom = "contec.stream_from";
inline constexpr std::string_view kNfsMount = "nfs.mount";  // value: the export path
inline constexpr std::string_view kNfsMountFrom = "nfs.mount_from";
inline constexpr std::string_view kRpcServes = "rpc.serves";  // value: program name
inline constexpr std::string_view kDicomStoreTo = "dicom.store_to";
inline constexpr std::string_view kDicomStoreFrom = "dicom.store_from";
inline constexpr std::string_view kDicomQueryTo = "dicom.query_to";  // C-FIND, C-MOVE, C-GET
inline constexpr std::string_view kLpdPrintsTo = "lpd.prints_to";
inline constexpr std::string_view kLpdPrintsFrom = "lpd.prints_from";
inline constexpr std::string_view kDhcpServes = "dhcp.serves";  // value: the client's MAC
inline constexpr std::string_view kDnsServes = "dns.serves";    // value: the client's address
inline constexpr std::string_view kServes = "serves";  // value: "tcp/2575": a port it answered on
inline constexpr std::string_view kTalksTo = "talks_to";  // value: "<peer> tcp/2575"
// Derived when the inventory is resolved, from the facts above; never stored.
inline constexpr std::string_view kBehavior = "behavior";
inline constexpr std::string_view kAddress = "address";  // value: each of the device's IPs

}  // namespace medtap::inventory::fact
