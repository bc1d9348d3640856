// Notices: items of plain feeds that are not CSAF (FDA and CCCS RSS/Atom, Health Canada's recalls
// export) kept because they mention a model medtap watches. A notice has no product tree and no
// version range: it is matched to a device by keyword only (the device's model, or a model the
// aliases tie it to), and the keyword is the reason. Listed by `advisories list` and `advisories
// match`; a notice never raises an alert (docs/ADVISORIES.md says why).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "advisories/aliases.h"
#include "advisories/matcher.h"

namespace medtap::advisories {

enum class NoticeKind { Rss, Atom, HealthCanada };
std::string_view noticeKindName(NoticeKind k);  // "rss", "atom", "health-canada"

// One item of a feed or an export, as the parsers give it (text already cut to limits.h).
struct NoticeItem {
  std::string id;  // guid / Atom id / NID; "" when the source gives none
  std::string title, link, date, summary;
};

struct Notice {
  std::string key;     // what identifies it across syncs: the id, else the link, else the title
  std::string source;  // the feed's URL
  NoticeKind kind = NoticeKind::Rss;
  NoticeItem item;
  std::string keyword;  // the watched model it mentions ("CMS8000")
};

// The models worth watching for: every model of the inventory's devices, and every model the
// aliases name (relabels and families), deduplicated, without those with no digit and under
// kMinBareKeyword characters, which would match ordinary words.
std::vector<std::string> watchedModels(const std::vector<DeviceFacts>& devices,
                                       const Aliases& aliases);

// The first of `models` that the item's title or summary mentions, as whole words ("MN-120"
// matches "MN120" and "mn-120"; "CMS8000" does not match "CMS80001").
std::optional<std::string> mentionedModel(const NoticeItem& item,
                                          const std::vector<std::string>& models);

// Why the notice concerns the device, or nothing: the device's model is the notice's keyword, or
// a relabel or family of it.
std::optional<std::string> noticeConcerns(const Notice& n, const DeviceFacts& device,
                                          const Aliases& aliases);

}  // namespace medtap::advisories
