#include "advisories/provider.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "advisories/json_bounded.h"
#include "advisories/limits.h"
#include "core/csv.h"

namespace medtap::advisories {

namespace {

using nlohmann::json;

Error at(std::string_view name, const std::string& pointer, const std::string& what) {
  return Error{std::string(name) + ": " + what + " (at " + pointer + ")"};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool usableUrl(const std::string& u) {
  return !u.empty() && u.size() <= kMaxUrlBytes &&
         std::none_of(u.begin(), u.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; });
}

// ROLIE's link member: one object or an array of them (RFC 8322 JSON form writes an array).
void readLinks(const json& links, FeedEntry& e, std::string& self) {
  auto one = [&](const json& l) {
    const std::string rel = jsonString(l, "rel"), href = jsonString(l, "href");
    if (!usableUrl(href)) return;
    if (rel == "self") {
      self = href;
    } else if (rel == "hash") {
      std::string lower = href;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (lower.size() > 7 && lower.compare(lower.size() - 7, 7, ".sha512") == 0) {
        e.sha512_url = href;
      } else if (lower.size() > 7 && lower.compare(lower.size() - 7, 7, ".sha256") == 0) {
        e.sha256_url = href;
      }
    }
  };
  if (links.is_array()) {
    for (const auto& l : links) one(l);
  } else if (links.is_object()) {
    one(links);
  }
}

}  // namespace

Result<ProviderMetadata> parseProviderMetadata(std::string_view text, std::string_view name) {
  auto parsed = parseJsonBounded(text, name);
  if (!parsed) return Error{parsed.error()};
  const json& root = parsed.value();
  if (!root.is_object()) return at(name, "/", "not a JSON object");
  if (!root.contains("distributions") && !root.contains("canonical_url") &&
      !root.contains("metadata_version")) {
    return at(name, "/", "not a CSAF provider-metadata.json (no distributions)");
  }
  ProviderMetadata m;
  m.canonical_url = jsonString(root, "canonical_url");
  if (root.contains("publisher")) m.publisher_name = jsonString(root["publisher"], "name");
  auto dist = root.find("distributions");
  if (dist == root.end()) return m;  // a provider with nothing published yet
  if (!dist->is_array()) return at(name, "/distributions", "not an array");
  if (dist->size() > kMaxDistributions) {
    return at(name, "/distributions",
              "more than " + std::to_string(kMaxDistributions) + " distributions");
  }
  for (size_t i = 0; i < dist->size(); ++i) {
    const json& d = (*dist)[i];
    const std::string dir = jsonString(d, "directory_url");
    if (usableUrl(dir)) m.directories.push_back(dir);
    if (!d.is_object() || !d.contains("rolie")) continue;
    const json& feeds = d["rolie"].is_object() && d["rolie"].contains("feeds") ? d["rolie"]["feeds"]
                                                                               : json::array();
    if (!feeds.is_array()) {
      return at(name, "/distributions/" + std::to_string(i) + "/rolie/feeds", "not an array");
    }
    for (const auto& f : feeds) {
      const std::string url = jsonString(f, "url");
      if (usableUrl(url) && m.rolie_feeds.size() < kMaxDistributions) m.rolie_feeds.push_back(url);
    }
  }
  return m;
}

Result<std::vector<FeedEntry>> parseRolieFeed(std::string_view text, std::string_view name) {
  auto parsed = parseJsonBounded(text, name);
  if (!parsed) return Error{parsed.error()};
  const json& root = parsed.value();
  if (!root.is_object() || !root.contains("feed") || !root["feed"].is_object()) {
    return at(name, "/feed", "not a ROLIE feed (no feed object)");
  }
  const json& feed = root["feed"];
  std::vector<FeedEntry> out;
  if (!feed.contains("entry")) return out;  // an empty feed
  const json& entries = feed["entry"];
  if (!entries.is_array()) return at(name, "/feed/entry", "not an array");
  if (entries.size() > kMaxFeedEntries) {
    return at(name, "/feed/entry", "more than " + std::to_string(kMaxFeedEntries) + " entries");
  }
  for (const auto& e : entries) {
    FeedEntry entry;
    std::string self;
    if (e.is_object() && e.contains("link")) readLinks(e["link"], entry, self);
    const std::string src =
        e.is_object() && e.contains("content") ? jsonString(e["content"], "src") : std::string{};
    entry.url = usableUrl(src) ? src : self;
    entry.updated = jsonString(e, "updated");
    if (!entry.url.empty()) out.push_back(std::move(entry));
  }
  return out;
}

Result<std::vector<FeedEntry>> parseChangesCsv(std::string_view text, std::string_view name) {
  std::vector<FeedEntry> out;
  std::string problem;
  auto status = forEachCsvRow(text, [&](size_t line, std::vector<std::string>& f) {
    if (!problem.empty()) return;
    if (f.size() == 1 && trim(f[0]).empty()) return;  // a blank line
    if (f.size() < 2) {
      problem = std::string(name) + ":" + std::to_string(line) +
                ": expected \"path\",\"timestamp\" (CSAF 2.0 section 7.1.16)";
      return;
    }
    if (out.size() >= kMaxFeedEntries) {
      problem = std::string(name) + ":" + std::to_string(line) + ": more than " +
                std::to_string(kMaxFeedEntries) + " entries";
      return;
    }
    const std::string path(trim(f[0]));
    if (usableUrl(path)) out.push_back(FeedEntry{path, std::string(trim(f[1])), {}, {}});
  });
  if (!status) return Error{std::string(name) + ": " + status.error()};
  if (!problem.empty()) return Error{problem};
  return out;
}

Result<std::vector<FeedEntry>> parseIndexTxt(std::string_view text, std::string_view name) {
  std::vector<FeedEntry> out;
  size_t line = 0;
  while (!text.empty()) {
    ++line;
    const size_t nl = text.find('\n');
    const std::string path(trim(text.substr(0, nl)));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (path.empty()) continue;
    if (!usableUrl(path)) {
      return Error{std::string(name) + ":" + std::to_string(line) + ": not a path"};
    }
    if (out.size() >= kMaxFeedEntries) {
      return Error{std::string(name) + ":" + std::to_string(line) + ": more than " +
                   std::to_string(kMaxFeedEntries) + " entries"};
    }
    out.push_back(FeedEntry{path, {}, {}, {}});
  }
  return out;
}

Result<std::string> parseHashFile(std::string_view text, std::string_view name, size_t hex_chars) {
  text = trim(text);
  const std::string_view hex = text.substr(0, text.find_first_of(" \t*"));
  const bool ok = hex.size() == hex_chars && std::all_of(hex.begin(), hex.end(), [](char c) {
                    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                  });
  if (!ok) {
    return Error{std::string(name) + ": not a " + std::to_string(hex_chars) +
                 "-digit hex digest (CSAF 2.0 section 7.1.18)"};
  }
  std::string out(hex);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string hexDigest(std::string_view data, size_t hex_chars) {
  const EVP_MD* md = hex_chars == 128 ? EVP_sha512() : EVP_sha256();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, md, nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace medtap::advisories
