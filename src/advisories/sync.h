// `medtap advisories sync URL`: what one URL leads to, fetched through a Fetcher and kept in the
// AdvisoryStore. The URL may be
//   - a CSAF provider-metadata.json (CSAF 2.0 section 7.1.7), or a bare domain, for which
//     https://DOMAIN/.well-known/csaf/provider-metadata.json is asked (7.1.8): every ROLIE feed
//     (7.1.21) and directory (7.1.14: changes.csv 7.1.16, else index.txt 7.1.13) it distributes
//     is followed;
//   - a ROLIE feed, or one CSAF document;
//   - an RSS 2.0 or Atom feed, or a Health Canada recalls export: items that mention a watched
//     model become notices (notice.h).
// The kind is recognised from the body, not the URL. Each advisory is checked against its
// .sha512 or .sha256 file when the provider publishes one (a mismatch skips that advisory, with
// one line), parsed (csaf.h) and put in the store like `advisories import` (an older revision is
// kept out). Incremental: every request is conditional on the last response's ETag and
// Last-Modified, and an advisory whose listed `updated` time is the one already imported is not
// asked for at all. A failure is one line through `error` and never stops the rest.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "advisories/http_client.h"
#include "advisories/provider.h"
#include "advisories/store.h"

namespace medtap::advisories {

struct SyncCounters {
  size_t requests = 0, transferred = 0, not_modified = 0, not_found = 0, failed = 0;
  size_t added = 0, updated = 0, unchanged = 0, older = 0, rejected = 0;
  size_t skipped = 0;  // listed with the `updated` time already imported: not asked for
  size_t notices_new = 0, notices_seen = 0;
};

// The URL `sync` starts from: http(s) URLs as they are; "host/path" gets https://; a bare
// domain ("example.com") becomes https://example.com/.well-known/csaf/provider-metadata.json.
std::string startUrl(std::string_view given);

class Syncer {
 public:
  using Lines = std::function<void(const std::string&)>;
  // `watched`: the models a feed item must mention to become a notice (watchedModels()).
  Syncer(Fetcher& fetcher, AdvisoryStore& store, std::vector<std::string> watched, Lines error,
         Lines info);

  void sync(const std::string& given_url);

  const SyncCounters& counters() const { return counters_; }
  // No request had an answer: the sync was offline (what is stored is kept).
  bool nothingFetched() const {
    return counters_.requests > 0 &&
           counters_.transferred + counters_.not_modified + counters_.not_found == 0;
  }

 private:
  struct Body {
    std::string text;
    bool fresh = false;  // transferred by this request, not the cached copy of a 304
  };
  enum class Quiet { No, NotFound };  // NotFound: a 404 is an expected answer, not reported
  std::optional<Body> fetch(const std::string& url, Quiet quiet = Quiet::No);
  void dispatch(const std::string& url, const Body& body);
  void followProvider(const std::string& url, const ProviderMetadata& m);
  void followRolie(const std::string& url, const std::string& text);
  void followDirectory(const std::string& directory_url);
  void syncAdvisory(const std::string& base, const FeedEntry& e);
  bool checksumOk(const std::string& url, const std::string& text, const FeedEntry& e,
                  const std::string& base, bool from_directory);
  bool importCsaf(const std::string& url, const std::string& text);
  void keepNotices(const std::string& url, NoticeKind kind, const std::vector<NoticeItem>& items);

  Fetcher& fetcher_;
  AdvisoryStore& store_;
  std::vector<std::string> watched_;
  Lines error_, info_;
  SyncCounters counters_;
  std::set<std::string> visited_;  // URLs handled in this sync (a feed and a directory overlap)
};

}  // namespace medtap::advisories
