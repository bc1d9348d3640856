// Fuzzes the Health Canada recall export parser (CSV or JSON; `advisories sync`): any bytes give
// the records or one error line naming the file, with bounded fields; each record is matched
// against the watched models.
#include <cstdint>
#include <string>

#include "advisories/limits.h"
#include "advisories/notice.h"
#include "advisories/recalls.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medtap::advisories;
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)looksLikeRecalls(text);
  auto items = parseRecalls(text, "recalls");
  if (!items) {
    medtap::fuzz::check(items.error().rfind("recalls", 0) == 0);
    medtap::fuzz::check(items.error().find('\n') == std::string::npos);
    return 0;
  }
  static const auto kModels = watchedModels({}, Aliases::builtIn());
  for (const auto& item : items.value()) {
    medtap::fuzz::check(!item.title.empty());
    medtap::fuzz::check(item.summary.size() <= kMaxNoticeFieldBytes);
    (void)mentionedModel(item, kModels);
  }
  return 0;
}
