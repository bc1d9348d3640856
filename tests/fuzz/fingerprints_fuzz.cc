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
  // The rules' patterns, from the fuzzer, meet values from the fuzzer too: the input's last
  // 256 bytes (a value off the wire is at most that). RE2 matches in linear time, so no pair of
  // pattern and value can hang the inventory.
  Observations obs;
  const EndpointKey key{*IpAddress::parse("10.0.0.1"), MacAddress::parse("00:60:6e:00:00:01")};
  const std::string tail = text.substr(text.size() > 256 ? text.size() - 256 : 0);
  for (const Rule& r : db->rules()) {
    for (const Condition& c : r.when) {
      for (const std::string& value : {std::string("CMS8000"), std::string("/pm"), tail}) {
        obs.add(key, c.source, value, Timestamp{});
      }
    }
  }
  auto devices = resolveDevices(obs, db.value(), OuiRegistry{}, {});
  if (devices.size() > 1) std::abort();  // one endpoint is one device
  return 0;
}
