// Fuzzes the simulator's profile loader (`medtap simulate --profiles DIR`): the input stands for
// one device profile among the built-in files; any text loads or gives an error naming the
// file, never a crash.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "simulate/profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medtap::simulate;
  if (size > 64 * 1024) return 0;
  std::vector<ProfileFile> files = embeddedProfileFiles();
  files.emplace_back("devices/fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size));
  auto loaded = loadProfiles(files);
  if (!loaded && loaded.error().empty()) std::abort();
  return 0;
}
