// Fuzzes the segmentation policy loader (docs/POLICY.md): any text gives a policy or one line
// `fuzz.yaml:...: what`, never a crash or a hang; a policy that loads puts a few endpoints into
// zones and judges flows between them without a crash.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "policy/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medtap;
  using namespace medtap::policy;
  if (size > kMaxPolicyFileBytes) return 0;  // loadPolicyFile refuses these before parsing
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loaded = loadPolicyText(text, "fuzz.yaml");
  if (!loaded) {
    const std::string& e = loaded.error();
    if (e.rfind("fuzz.yaml", 0) != 0 || e.find('\n') != std::string::npos) std::abort();
    return 0;
  }
  const Policy& p = loaded.value();
  if (p.zones.empty() || p.zones.size() > kMaxZones) std::abort();
  if (p.allow.size() + p.deny.size() > kMaxRules) std::abort();
  const std::vector<IpNetwork> site = {*IpNetwork::parse("10.0.0.0/8")};
  events::DeviceRecord family;
  family.tags = {"cms8000-family"};
  const detect::AddressInfo monitor{"mac:00:60:6e:00:00:01", "patient-monitor", "local", &family};
  const detect::AddressInfo routed{"ip:202.114.4.119", "central-station", "routed"};
  const std::vector<Endpoint> ends = {{*IpAddress::parse("10.12.1.19"), &monitor},
                                      {*IpAddress::parse("202.114.4.119"), &routed},
                                      {*IpAddress::parse("10.12.0.10"), nullptr},
                                      {*IpAddress::parse("fd00::1"), nullptr}};
  for (const Endpoint& a : ends) {
    for (const Endpoint& b : ends) {
      const std::string_view from = zoneName(zoneOf(p, a, site));
      const std::string_view to = zoneName(zoneOf(p, b, site));
      for (uint8_t proto : {uint8_t{6}, uint8_t{17}, uint8_t{1}}) {
        Decision d = evaluate(p, {from, to, proto, 515, "contec_cms"});
        if (d.verdict == Verdict::Deny && (d.severity < 1 || d.severity > 3)) std::abort();
      }
    }
  }
  return 0;
}
