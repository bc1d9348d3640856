// Fuzzes the CSAF provider-metadata.json parser (`advisories sync`, CSAF 2.0 section 7.1.7):
// any bytes give the metadata or one error line naming the file; every URL it keeps resolves
// against the provider's without a crash.
#include <cstdint>
#include <string>

#include "advisories/http_client.h"
#include "advisories/provider.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medtap::advisories;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto m = parseProviderMetadata(text, "pm.json");
  if (!m) {
    medtap::fuzz::check(m.error().rfind("pm.json: ", 0) == 0);
    medtap::fuzz::check(m.error().find('\n') == std::string::npos);
    return 0;
  }
  const std::string base = "https://p.test/.well-known/csaf/provider-metadata.json";
  for (const auto& f : m->rolie_feeds) medtap::fuzz::check(!resolveUrl(base, f).empty());
  for (const auto& d : m->directories) medtap::fuzz::check(!resolveUrl(base, d).empty());
  return 0;
}
