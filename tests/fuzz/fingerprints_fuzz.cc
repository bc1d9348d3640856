// Fuzzes the fingerprint rule loader (a site's own rule files, inventory.fingerprints_directory):
// any text gives rules or one message per problem, never a crash; rules that load resolve a
// device, without a crash or a hang.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "inventory/fingerprints.h"
#include "inventory/resolve.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medtap;
  using namespace medtap::inventory;
  if (size > 64 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto db = FingerprintDb::load({{"fuzz.yaml", text}});
  if (!db) {
    if (db.error().empty()) std::abort();
    return 0;
  }
  Observations obs;
  const EndpointKey key{*IpAddress::parse("10.0.0.1"), MacAddress::parse("00:60:6e:00:00:01")};
  // Fixed values: std::regex backtracks, so a pattern written to be slow (a site's own rule,
  // here the fuzzer's) against a value written to match it can take exponential time. Replacing
  // std::regex with a linear-time engine (RE2) is the fix; until then this exercises the matching
  // and voting on ordinary values only.
  for (const Rule& r : db->rules()) {
    for (const Condition& c : r.when) {
      for (const char* value : {"CMS8000", "MSFT 5.0", "1,3,6,15", "/pm"}) {
        obs.add(key, c.source, value, Timestamp{});
      }
    }
  }
  auto devices = resolveDevices(obs, db.value(), OuiRegistry{}, {});
  if (devices.size() > 1) std::abort();  // one endpoint is one device
  return 0;
}
