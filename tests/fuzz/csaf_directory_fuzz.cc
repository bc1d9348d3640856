// Fuzzes what a CSAF directory distribution holds besides the advisories (`advisories sync`):
// changes.csv (CSAF 2.0 section 7.1.16), index.txt (7.1.13) and the .sha256/.sha512 files
// (7.1.18), and the URL resolution of each listed path. Errors are one line naming the file.
#include <cstdint>
#include <string>

#include "advisories/http_client.h"
#include "advisories/provider.h"
#include "fuzz_support.h"

namespace {

void checkError(const std::string& error, const std::string& name) {
  medtap::fuzz::check(error.rfind(name, 0) == 0);
  medtap::fuzz::check(error.find('\n') == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medtap::advisories;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string dir = "https://p.test/.well-known/csaf/white/";
  auto changes = parseChangesCsv(text, "changes.csv");
  if (changes) {
    for (const auto& e : changes.value()) {
      medtap::fuzz::check(isHttpUrl(resolveUrl(dir, e.url)) || isHttpUrl(e.url) ||
                          e.url.find("://") != std::string::npos);
    }
  } else {
    checkError(changes.error(), "changes.csv");
  }
  auto index = parseIndexTxt(text, "index.txt");
  if (index) {
    for (const auto& e : index.value()) (void)resolveUrl(dir, e.url);
  } else {
    checkError(index.error(), "index.txt");
  }
  for (size_t hex : {size_t{64}, size_t{128}}) {
    auto h = parseHashFile(text, "a.json.sha", hex);
    if (h) {
      medtap::fuzz::check(h->size() == hex);
    } else {
      checkError(h.error(), "a.json.sha");
    }
  }
  return 0;
}
