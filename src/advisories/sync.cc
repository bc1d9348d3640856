#include "advisories/sync.h"

#include "advisories/csaf.h"
#include "advisories/feed.h"
#include "advisories/json_bounded.h"
#include "advisories/recalls.h"

namespace medtap::advisories {

namespace {

constexpr const char* kWellKnown = "/.well-known/csaf/provider-metadata.json";

enum class Kind { Csaf, Provider, Rolie, Feed, Recalls, Unknown };

// What a body is, from its content (CSAF 2.0 names no media types a server must send).
Kind kindOf(std::string_view text) {
  if (looksLikeXml(text)) return Kind::Feed;
  if (looksLikeRecalls(text)) return Kind::Recalls;
  auto parsed = parseJsonBounded(text, "");
  if (!parsed || !parsed->is_object()) return Kind::Unknown;
  const auto& j = parsed.value();
  if (j.contains("document")) return Kind::Csaf;
  if (j.contains("feed")) return Kind::Rolie;
  if (j.contains("distributions") || j.contains("canonical_url") ||
      j.contains("metadata_version")) {
    return Kind::Provider;
  }
  return Kind::Unknown;
}

std::string withSlash(const std::string& dir) {
  return !dir.empty() && dir.back() == '/' ? dir : dir + "/";
}

}  // namespace

std::string startUrl(std::string_view given) {
  if (isHttpUrl(given)) return std::string(given);
  if (given.find('/') == std::string_view::npos)
    return "https://" + std::string(given) + kWellKnown;
  return "https://" + std::string(given);
}

Syncer::Syncer(Fetcher& fetcher, AdvisoryStore& store, std::vector<std::string> watched,
               Lines error, Lines info)
    : fetcher_(fetcher),
      store_(store),
      watched_(std::move(watched)),
      error_(std::move(error)),
      info_(std::move(info)) {}

std::optional<Syncer::Body> Syncer::fetch(const std::string& url, Quiet quiet) {
  auto cached = store_.cached(url);
  if (!cached) {
    error_(cached.error());
    return std::nullopt;
  }
  const Validators known = cached.value() ? cached.value()->validators : Validators{};
  ++counters_.requests;
  auto r = fetcher_.get(url, known);
  if (!r) {
    const bool not_found =
        r.error().size() >= 8 && r.error().compare(r.error().size() - 8, 8, "HTTP 404") == 0;
    if (!(quiet == Quiet::NotFound && not_found)) {
      ++counters_.failed;
      error_(r.error());
    } else {
      ++counters_.not_found;  // an answer all the same: the server is there
    }
    return std::nullopt;
  }
  if (r->outcome == FetchOutcome::NotModified) {
    if (!cached.value()) {  // a 304 for a request that was not conditional
      ++counters_.failed;
      error_(url + ": HTTP 304 without a cached copy");
      return std::nullopt;
    }
    ++counters_.not_modified;
    return Body{std::move(cached.value()->body), false};
  }
  ++counters_.transferred;
  if (auto s = store_.cache(url, r->validators, r->body); !s) error_(s.error());
  return Body{std::move(r->body), true};
}

void Syncer::sync(const std::string& given_url) {
  const std::string url = startUrl(given_url);
  auto body = fetch(url);
  if (body) dispatch(url, *body);
}

void Syncer::dispatch(const std::string& url, const Body& body) {
  switch (kindOf(body.text)) {
    case Kind::Csaf:
      if (visited_.insert(url).second) importCsaf(url, body.text);
      return;
    case Kind::Provider: {
      auto m = parseProviderMetadata(body.text, url);
      if (!m) {
        ++counters_.failed;
        error_(m.error());
        return;
      }
      followProvider(url, m.value());
      return;
    }
    case Kind::Rolie:
      followRolie(url, body.text);
      return;
    case Kind::Feed: {
      auto feed = parseFeed(body.text, url);
      if (!feed) {
        ++counters_.failed;
        error_(feed.error());
        return;
      }
      keepNotices(url, feed->kind, feed->items);
      return;
    }
    case Kind::Recalls: {
      auto items = parseRecalls(body.text, url);
      if (!items) {
        ++counters_.failed;
        error_(items.error());
        return;
      }
      keepNotices(url, NoticeKind::HealthCanada, items.value());
      return;
    }
    case Kind::Unknown:
      ++counters_.failed;
      error_(url +
             ": not a CSAF provider-metadata.json, ROLIE feed, CSAF document, RSS or Atom feed, "
             "or recalls export");
      return;
  }
}

void Syncer::followProvider(const std::string& url, const ProviderMetadata& m) {
  info_(url + ": provider " + (m.publisher_name.empty() ? "(unnamed)" : m.publisher_name) + ", " +
        std::to_string(m.rolie_feeds.size()) + " ROLIE feeds, " +
        std::to_string(m.directories.size()) + " directories");
  for (const auto& f : m.rolie_feeds) {
    const std::string feed_url = resolveUrl(url, f);
    auto body = fetch(feed_url);
    if (body) followRolie(feed_url, body->text);
  }
  for (const auto& d : m.directories) followDirectory(resolveUrl(url, d));
}

void Syncer::followRolie(const std::string& url, const std::string& text) {
  auto entries = parseRolieFeed(text, url);
  if (!entries) {
    ++counters_.failed;
    error_(entries.error());
    return;
  }
  for (const auto& e : entries.value()) syncAdvisory(url, e);
}

void Syncer::followDirectory(const std::string& directory_url) {
  const std::string dir = withSlash(directory_url);
  // changes.csv gives each file's last change, which makes the sync incremental; index.txt only
  // lists them.
  if (auto changes = fetch(dir + "changes.csv", Quiet::NotFound)) {
    auto entries = parseChangesCsv(changes->text, dir + "changes.csv");
    if (!entries) {
      ++counters_.failed;
      error_(entries.error());
      return;
    }
    for (const auto& e : entries.value()) syncAdvisory(dir, e);
    return;
  }
  if (auto index = fetch(dir + "index.txt")) {
    auto entries = parseIndexTxt(index->text, dir + "index.txt");
    if (!entries) {
      ++counters_.failed;
      error_(entries.error());
      return;
    }
    for (const auto& e : entries.value()) syncAdvisory(dir, e);
  }
}

void Syncer::syncAdvisory(const std::string& base, const FeedEntry& e) {
  const std::string url = resolveUrl(base, e.url);
  if (!isHttpUrl(url)) {
    ++counters_.failed;
    error_(base + ": " + e.url + ": not an http(s) URL, skipped");
    return;
  }
  if (!visited_.insert(url).second) return;
  if (!e.updated.empty()) {
    auto synced = store_.syncedUpdated(url);
    if (synced && synced.value() == e.updated) {
      ++counters_.skipped;
      return;
    }
  }
  auto body = fetch(url);
  if (!body) return;
  const bool from_directory = e.sha256_url.empty() && e.sha512_url.empty();
  if (!checksumOk(url, body->text, e, base, from_directory)) return;
  if (!importCsaf(url, body->text)) return;
  if (!e.updated.empty()) {
    if (auto s = store_.markSynced(url, e.updated); !s) error_(s.error());
  }
}

// CSAF 2.0 section 7.1.18: FILE.sha256 / FILE.sha512 beside the advisory. A ROLIE entry names
// its hash links; in a directory they are looked for (SHA-512 first), and a provider that
// publishes neither is taken on the transport's word.
bool Syncer::checksumOk(const std::string& url, const std::string& text, const FeedEntry& e,
                        const std::string& base, bool from_directory) {
  struct Candidate {
    std::string url;
    size_t hex_chars;
  };
  std::vector<Candidate> candidates;
  if (!e.sha512_url.empty()) candidates.push_back({resolveUrl(base, e.sha512_url), 128});
  if (!e.sha256_url.empty()) candidates.push_back({resolveUrl(base, e.sha256_url), 64});
  if (from_directory) candidates = {{url + ".sha512", 128}, {url + ".sha256", 64}};
  for (const auto& c : candidates) {
    auto hash = fetch(c.url, from_directory ? Quiet::NotFound : Quiet::No);
    if (!hash) continue;
    auto expected = parseHashFile(hash->text, c.url, c.hex_chars);
    if (!expected) {
      ++counters_.rejected;
      error_(expected.error() + "; " + url + " skipped");
      return false;
    }
    const std::string got = hexDigest(text, c.hex_chars);
    if (got != expected.value()) {
      ++counters_.rejected;
      error_(url + ": " + (c.hex_chars == 128 ? "SHA-512" : "SHA-256") +
             " mismatch: the file's digest is " + got.substr(0, 16) + "..., " + c.url + " says " +
             expected->substr(0, 16) + "...; skipped");
      return false;
    }
    return true;  // one verified digest is enough
  }
  return true;
}

bool Syncer::importCsaf(const std::string& url, const std::string& text) {
  auto a = parseCsaf(text, url);
  if (!a) {
    ++counters_.failed;
    error_(a.error());
    return false;
  }
  auto outcome = store_.put(a.value(), text);
  if (!outcome) {
    ++counters_.failed;
    error_(outcome.error());
    return false;
  }
  switch (outcome.value()) {
    case PutOutcome::Added:
      ++counters_.added;
      break;
    case PutOutcome::Updated:
      ++counters_.updated;
      break;
    case PutOutcome::Unchanged:
      ++counters_.unchanged;
      return true;  // not worth a line
    case PutOutcome::Older:
      ++counters_.older;
      break;
  }
  info_(a->id + " (version " + a->version + ", " + std::to_string(a->cves().size()) +
        " CVEs): " + std::string(outcomeName(outcome.value())));
  return true;
}

void Syncer::keepNotices(const std::string& url, NoticeKind kind,
                         const std::vector<NoticeItem>& items) {
  size_t mentioning = 0;
  for (const auto& item : items) {
    auto keyword = mentionedModel(item, watched_);
    if (!keyword) continue;
    ++mentioning;
    Notice n;
    n.key = !item.id.empty() ? item.id : !item.link.empty() ? item.link : item.title;
    n.source = url;
    n.kind = kind;
    n.item = item;
    n.keyword = keyword.value();
    auto fresh = store_.putNotice(n);
    if (!fresh) {
      ++counters_.failed;
      error_(fresh.error());
      continue;
    }
    ++counters_.notices_seen;
    if (fresh.value()) {
      ++counters_.notices_new;
      info_("notice (" + std::string(noticeKindName(kind)) + ", mentions " + n.keyword +
            "): " + item.title);
    }
  }
  info_(url + ": " + std::string(noticeKindName(kind)) + ", " + std::to_string(items.size()) +
        " items, " + std::to_string(mentioning) + " mention a watched model");
}

}  // namespace medtap::advisories
