// Fuzzes the vital-sign parameter table loader (data/vitals): any text gives a table or one line
// per problem, never a crash; a table that loads converts values without a crash.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "vitals/parameters.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medtap::vitals;
  if (size > 64 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto table = ParameterTable::load({{"fuzz.yaml", text}});
  if (!table) {
    if (table.error().empty()) std::abort();
    return 0;
  }
  if (table->parameters().size() > ParameterTable::kMaxParameters) std::abort();
  for (const Parameter& p : table->parameters()) {
    if (table->byName(p.name) != &p) std::abort();
    for (const Unit& u : p.units) (void)table->canonical(p, u.code, 42.0);
    for (const std::string& c : p.codes) {
      if (table->byCode(c) == nullptr) std::abort();
    }
  }
  return 0;
}
