// Fuzzes the CSAF 2.0 parser (files from `medtap advisories import`, seeded with CISA's real
// advisories): any bytes give an advisory or one error line naming the file, never a crash; what
// parses is matched against devices, and every version range is checked against versions from
// the input, without a crash or a hang.
#include <cstdint>
#include <string>

#include "advisories/csaf.h"
#include "advisories/matcher.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medtap;
  using namespace medtap::advisories;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto a = parseCsaf(text, "fuzz.json");
  if (!a) {
    fuzz::check(a.error().rfind("fuzz.json: ", 0) == 0);
    fuzz::check(a.error().find('\n') == std::string::npos);
    return 0;
  }
  fuzz::check(!a->id.empty());
  // A range string from the fuzzer against a version from the fuzzer, and each product's range
  // against the others' versions.
  const std::string tail = text.substr(text.size() > 64 ? text.size() - 64 : 0);
  const VersionRange free_text = parseRange(tail);
  (void)contains(free_text, tail);
  for (const Product& p : a->products) {
    (void)contains(p.range, p.version);
    (void)contains(p.range, tail);
  }
  const Matcher matcher({a.value()}, Aliases::builtIn());
  for (const Product& p : a->products) {
    auto matches = matcher.match({"mac:1", p.vendor, p.product, p.version, {"cms8000-family"}});
    for (const auto& m : matches) fuzz::check(m.status != MatchStatus::NotAffected);
  }
  (void)matcher.match({"mac:2", "", "", "", {"cms8000-family"}});
  return 0;
}
