// Fuzzes the medtap.yaml loader: any text must give either a Config or errors, never a crash or
// a hang; every error must format as one line; and a Config that loads must survive formatYaml
// and load back equal (what `medtap config show` prints is a valid file).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medtap::config;
  if (size > kMaxConfigFileBytes) return 0;  // loadConfigFile refuses these before parsing
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto errors = checkConfigString(text, "fuzz.yaml");
  for (const ConfigError& e : errors) {
    if (e.format().find('\n') != std::string::npos || e.line < 0 || e.column < 0) std::abort();
  }
  auto loaded = loadConfigString(text, "fuzz.yaml");
  if (loaded.ok() != errors.empty()) std::abort();
  if (loaded.ok()) {
    auto again = loadConfigString(formatYaml(loaded.value()), "show.yaml");
    if (!again.ok()) std::abort();
    if (formatSettings(again.value()) != formatSettings(loaded.value())) std::abort();
  }
  return 0;
}
