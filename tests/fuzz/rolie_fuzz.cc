// Fuzzes the ROLIE feed parser (`advisories sync`, CSAF 2.0 section 7.1.21): any bytes give the
// entries or one error line naming the file; every entry has a URL, resolvable against the feed's.
#include <cstdint>
#include <string>

#include "advisories/http_client.h"
#include "advisories/provider.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medtap::advisories;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto entries = parseRolieFeed(text, "feed.json");
  if (!entries) {
    medtap::fuzz::check(entries.error().rfind("feed.json: ", 0) == 0);
    medtap::fuzz::check(entries.error().find('\n') == std::string::npos);
    return 0;
  }
  for (const auto& e : entries.value()) {
    medtap::fuzz::check(!e.url.empty());
    (void)resolveUrl("https://p.test/a/feed.json", e.url);
    (void)resolveUrl("https://p.test/a/feed.json", e.sha512_url);
  }
  return 0;
}
