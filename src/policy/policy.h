// A segmentation policy (docs/POLICY.md): zones of devices and the flows allowed between them.
// A device's address belongs to the first zone that matches it, in the order the file lists the
// zones; a flow between two zones is judged by the deny rules, then the allow rules, then the
// default. Immutable once loaded; shared by the detector and `medtap policy check`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "detect/detector.h"
#include "detect/device_index.h"

namespace medtap::policy {

// A site's policy is a few KiB: dozens of zones and rules. The bounds keep a hostile or mistaken
// file from holding unbounded memory or making every flow's evaluation slow.
constexpr size_t kMaxPolicyFileBytes = size_t{1} << 20;
constexpr size_t kMaxZones = 256;
constexpr size_t kMaxRules = 4096;        // allow and deny together
constexpr size_t kMaxZoneEntries = 1024;  // networks, classes, tags or devices of one zone
constexpr size_t kMaxPortsPerRule = 256;  // ports and ranges of one rule
constexpr size_t kMaxNameLength = 64;     // zone names
constexpr size_t kMaxValueLength = 256;   // classes, tags, device ids, apps

// Zone names a rule may use without defining them: every zone, and addresses in no zone.
constexpr std::string_view kAnyZone = "any";
constexpr std::string_view kUnzoned = "unzoned";
// The `networks:` keyword for addresses outside the site: outside site.home_networks and not
// seen on this LAN (a host on the ward LAN with a public address is not off-site).
constexpr std::string_view kOffSite = "off-site";

// A zone matches an address when any of its criteria does.
struct Zone {
  std::string name;
  std::vector<IpNetwork> networks;
  bool off_site = false;             // `networks: [off-site]`
  std::vector<std::string> classes;  // device classes (data/fingerprints vocabulary)
  std::vector<std::string> tags;     // device tags ("cms8000-family")
  std::vector<std::string> devices;  // device ids ("mac:00:60:6e:12:34:56")
  int line = 0;                      // where it is defined, 1-based
};

enum class Proto : uint8_t { Any, Tcp, Udp, Icmp };
enum class Verdict : uint8_t { Allow, Deny };

struct PortRange {
  uint16_t first = 0, last = 0;
};

// One allow or deny rule. An empty field matches anything.
struct FlowRule {
  Verdict verdict = Verdict::Allow;
  std::string from, to;  // zone names, "any" or "unzoned"
  Proto proto = Proto::Any;
  std::vector<PortRange> ports;  // the server's port
  std::string app;               // app_proto ("hl7", "contec_cms", ...)
  uint8_t severity = 2;          // of a violation (deny rules)
  int line = 0;
  // "allow[2] (policy.yaml:14)": how an alert names the rule.
  std::string label;
};

struct Policy {
  std::string source;  // the file name
  std::vector<Zone> zones;
  std::vector<FlowRule> deny, allow;
  Verdict default_verdict = Verdict::Deny;
  uint8_t default_severity = 2;
};

// One end of a flow: its address and what the inventory knows of its device (null: nothing yet).
struct Endpoint {
  IpAddress ip;
  const detect::AddressInfo* device = nullptr;
};

// The first zone that matches, or nullptr (the address is "unzoned").
const Zone* zoneOf(const Policy& policy, const Endpoint& end,
                   const std::vector<IpNetwork>& site_networks);
std::string_view zoneName(const Zone* zone);

// A flow as the policy sees it: the two zones, the IP protocol number, the server's port and the
// application protocol ("" when no analyzer recognised it).
struct FlowKey {
  std::string_view from, to;
  uint8_t ip_proto = 0;
  uint16_t port = 0;
  std::string_view app;
};

struct Decision {
  Verdict verdict = Verdict::Allow;
  const FlowRule* rule = nullptr;  // the rule that decided; nullptr: the default
  uint8_t severity = 2;
};

// Deny rules first (the first that matches), then allow rules, then the default.
Decision evaluate(const Policy& policy, const FlowKey& flow);

// Whether `rule` covers `flow`. An app named by the rule matches a flow of that app, and a flow
// no analyzer recognised (no payload seen, a capture that starts mid-stream): such a flow is
// judged by its zones, protocol and port.
bool matches(const FlowRule& rule, const FlowKey& flow);

// The one place that decides whether a flow between two addresses is allowed: zones from the
// inventory's devices, then evaluate(). The policy-violation detector and the PHI exposure
// detector both ask it.
class PolicyJudge final : public detect::FlowPolicy {
 public:
  PolicyJudge(std::shared_ptr<const Policy> policy, std::vector<IpNetwork> site_networks)
      : policy_(std::move(policy)), site_networks_(std::move(site_networks)) {}
  std::optional<Judgement> judge(const detect::DeviceIndex& devices, const IpAddress& src,
                                 const IpAddress& dst, uint8_t ip_proto, uint16_t port,
                                 std::string_view app, bool final) const override;
  const std::string& source() const override { return policy_->source; }
  const Policy& policy() const { return *policy_; }

 private:
  std::shared_ptr<const Policy> policy_;
  std::vector<IpNetwork> site_networks_;
};

// "tcp", "udp", "icmp", or "ip/<n>".
std::string protoName(uint8_t ip_proto);
// "tcp/515 contec_cms", "udp/53", "icmp".
std::string serviceName(uint8_t ip_proto, uint16_t port, std::string_view app);

// Addresses a policy does not judge: broadcast, multicast, unspecified. They reach no other
// segment through a router.
bool isLinkScoped(const IpAddress& ip);

}  // namespace medtap::policy
