// Fuzzes the RSS 2.0 / Atom parser (libexpat; `advisories sync` of FDA and CCCS feeds): any bytes
// give the items or one error line "feed.xml:LINE:COL: what", bounded fields, no entity expansion;
// each item is then matched against the watched models.
#include <cstdint>
#include <string>

#include "advisories/feed.h"
#include "advisories/limits.h"
#include "advisories/notice.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace medtap::advisories;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto feed = parseFeed(text, "feed.xml");
  if (!feed) {
    medtap::fuzz::check(feed.error().rfind("feed.xml:", 0) == 0);
    medtap::fuzz::check(feed.error().find('\n') == std::string::npos);
    return 0;
  }
  static const auto kModels = watchedModels({}, Aliases::builtIn());
  for (const auto& item : feed->items) {
    medtap::fuzz::check(item.title.size() <= kMaxNoticeFieldBytes);
    medtap::fuzz::check(item.summary.size() <= kMaxNoticeFieldBytes);
    (void)mentionedModel(item, kModels);
  }
  return 0;
}
