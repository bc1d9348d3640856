#include "advisories/notice.h"

#include <algorithm>

namespace medtap::advisories {

namespace {

// A one-word model without a digit shorter than this ("Pump", "Vue") is an ordinary word in a
// news item; with a digit ("MN-120") or several words it is specific enough.
constexpr size_t kMinBareKeyword = 6;

bool hasDigit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool specificEnough(const std::string& model) {
  const auto w = nameWords(model);
  if (w.empty()) return false;
  return hasDigit(model) || w.size() > 1 || w.front().size() >= kMinBareKeyword;
}

bool sameWords(std::string_view a, std::string_view b) {
  const auto wa = nameWords(a);
  return !wa.empty() && wa == nameWords(b);
}

bool containsRun(const std::vector<std::string>& whole, const std::vector<std::string>& part) {
  if (part.empty() || part.size() > whole.size()) return false;
  return std::search(whole.begin(), whole.end(), part.begin(), part.end()) != whole.end();
}

}  // namespace

std::string_view noticeKindName(NoticeKind k) {
  switch (k) {
    case NoticeKind::Rss:
      return "rss";
    case NoticeKind::Atom:
      return "atom";
    case NoticeKind::HealthCanada:
      return "health-canada";
  }
  return "";
}

std::vector<std::string> watchedModels(const std::vector<DeviceFacts>& devices,
                                       const Aliases& aliases) {
  std::vector<std::string> out;
  auto add = [&](const std::string& m) {
    if (!specificEnough(m)) return;
    if (std::none_of(out.begin(), out.end(), [&](const auto& o) { return sameWords(o, m); })) {
      out.push_back(m);
    }
  };
  for (const auto& r : aliases.relabels()) {
    add(r.is.model);
    add(r.label.model);
  }
  for (const auto& f : aliases.families()) add(f.is.model);
  for (const auto& d : devices) add(d.model);
  return out;
}

std::optional<std::string> mentionedModel(const NoticeItem& item,
                                          const std::vector<std::string>& models) {
  const auto text = nameWords(item.title + " " + item.summary);
  for (const auto& m : models) {
    if (containsRun(text, nameWords(m))) return m;
  }
  return std::nullopt;
}

std::optional<std::string> noticeConcerns(const Notice& n, const DeviceFacts& device,
                                          const Aliases& aliases) {
  if (!device.model.empty() && sameWords(device.model, n.keyword)) {
    return "the notice mentions " + n.keyword + ", the device's model";
  }
  for (const auto& r : aliases.relabels()) {
    const bool is_label =
        aliases.sameVendor(device.vendor, r.label.vendor) && sameWords(device.model, r.label.model);
    const bool is_original =
        aliases.sameVendor(device.vendor, r.is.vendor) && sameWords(device.model, r.is.model);
    if (is_label && sameWords(r.is.model, n.keyword)) {
      return "the notice mentions " + n.keyword + "; " + r.label.vendor + " " + r.label.model +
             " is a relabel of " + r.is.vendor + " " + r.is.model;
    }
    if (is_original && sameWords(r.label.model, n.keyword)) {
      return "the notice mentions " + n.keyword + ", a relabel of " + r.is.vendor + " " +
             r.is.model;
    }
  }
  for (const auto& f : aliases.families()) {
    const bool tagged =
        std::find(device.tags.begin(), device.tags.end(), f.tag) != device.tags.end();
    if (tagged && sameWords(f.is.model, n.keyword)) {
      return "the notice mentions " + n.keyword + "; the device is tagged " + f.tag;
    }
  }
  return std::nullopt;
}

}  // namespace medtap::advisories
