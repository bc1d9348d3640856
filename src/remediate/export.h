// `medtap export`: the isolation (isolation.h) and the Contec indicators (contec.h) as text for
// the tools a hospital already runs. Each writer is a pure function of its input: the same store
// and options give the same bytes (no clock, no random ids), so that a change review shows only
// what changed on the network. docs/EXPORT.md describes every format.
#pragma once

#include <string>

#include "remediate/isolation.h"

namespace medtap::remediate {

// An nftables ruleset (`nft -f`): table `inet medtap`, replaced whole on each load; drops the
// Contec network and isolates the selected devices except their kept flows, with counters.
std::string nftablesRuleset(const Isolation& isolation);

struct IptablesRules {
  std::string v4;  // iptables-restore --noflush input
  std::string v6;  // ip6tables-restore --noflush input; "" when no selected device has IPv6
};
// The same rules for iptables: chains MEDTAP* in the filter table.
IptablesRules iptablesRules(const Isolation& isolation);

// First and last sid of the Suricata rules medtap writes: a local range (Emerging Threats keeps
// 2000000-2999999, medtap's own alerts are 9000000-9000999).
constexpr uint32_t kFirstSid = 9100001;
constexpr uint32_t kLastSid = 9100999;
enum class SuricataAction : uint8_t { Alert, Drop };
// Suricata rules for the Contec indicators: traffic to and from 202.114.4.0/24, the NFS mount of
// /pm, HL7 to .120:511, the Contec stream ports.
std::string suricataRules(SuricataAction action);

// A Zeek intel file (frameworks/intel) of the Contec indicators.
std::string zeekIntel();

// A STIX 2.1 bundle: an indicator per Contec indicator, the infrastructure they point at, a
// vulnerability per CVE of the advisory, the relationships between them. Ids are UUIDv5 of the
// content; created/modified are the advisory's dates.
std::string stixBundle();

// UUIDv5 (RFC 9562 5.5) of `name` in the STIX 2.1 namespace (STIX 2.1 2.9).
std::string uuid5(std::string_view name);

}  // namespace medtap::remediate
