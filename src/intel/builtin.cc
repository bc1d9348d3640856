#include "intel/builtin.h"

#include <cstdio>
#include <cstdlib>

#include "intel/pack.h"

namespace medtap::intel {

namespace {

constexpr std::string_view kContecPack = "contec-icsma-25-030-01.intel";

IndicatorSet loadBuiltin(std::string_view name) {
  IndicatorSet set;
  for (const PackFile& f : embeddedPacks()) {
    if (f.name != name) continue;
    auto report = loadPack(f.text, f.name, set);
    if (!report) {
      std::fprintf(stderr, "medtap: built-in pack: %s\n", report.error().c_str());
      std::abort();
    }
    return set;
  }
  std::fprintf(stderr, "medtap: built-in pack %s is missing\n", std::string(name).c_str());
  std::abort();
}

}  // namespace

const IndicatorSet& contecPack() {
  static const IndicatorSet set = loadBuiltin(kContecPack);
  return set;
}

}  // namespace medtap::intel
