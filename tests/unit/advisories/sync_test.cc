// The Syncer against a map of fixtures instead of a server: a provider with a ROLIE feed and a
// directory, checksums, conditional requests on the second sync, and a server that is down.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "advisories/provider.h"
#include "advisories/sync.h"

namespace medtap::advisories {
namespace {

const std::string kShared = std::string(MEDTAP_SHARED_DIR) + "/data/advisories/";

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Serves `files` by URL; the ETag is the body's SHA-256, and a matching If-None-Match is a 304.
class FakeFetcher : public Fetcher {
 public:
  Result<HttpResponse> get(const std::string& url, const Validators& known) override {
    ++requests;
    if (down) return Error{url + ": Couldn't connect to server"};
    auto it = files.find(url);
    if (it == files.end()) return Error{url + ": HTTP 404"};
    HttpResponse r;
    r.validators.etag = "\"" + hexDigest(it->second, 64) + "\"";
    if (known.etag == r.validators.etag) {
      r.outcome = FetchOutcome::NotModified;
      r.status = 304;
      return r;
    }
    ++bodies;
    r.status = 200;
    r.body = it->second;
    return r;
  }
  std::map<std::string, std::string> files;
  size_t requests = 0, bodies = 0;
  bool down = false;
};

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = (std::filesystem::temp_directory_path() /
           ("medtap_sync_test_" + std::to_string(::getpid()) + ".db"))
              .string();
    std::filesystem::remove(db_);
    const std::string base = "https://p.test/.well-known/csaf/";
    fetcher_.files[base + "provider-metadata.json"] =
        R"({"canonical_url": ")" + base + R"(provider-metadata.json", "metadata_version": "2.0",
            "publisher": {"name": "Test"}, "distributions": [
            {"rolie": {"feeds": [{"url": "feed.json"}]}}, {"directory_url": "white"}]})";
    std::string entries;
    for (const char* f : {"icsma-25-030-01.json", "icsma-24-151-02.json"}) {
      const std::string url = base + "white/" + f;
      const std::string text = readFile(kShared + f);
      fetcher_.files[url] = text;
      fetcher_.files[url + ".sha256"] = hexDigest(text, 64) + "  " + f + "\n";
      if (!entries.empty()) entries += ",";
      entries += R"({"updated": "2025-01-01T00:00:00Z", "content": {"src": ")" + url +
                 R"("}, "link": [{"rel": "hash", "href": ")" + url + R"(.sha256"}]})";
    }
    fetcher_.files[base + "feed.json"] = R"({"feed": {"entry": [)" + entries + "]}}";
    // The directory adds one advisory with no hash file, and lists one of the feed's again.
    const std::string text = readFile(kShared + "icsma-22-251-01.json");
    fetcher_.files[base + "white/icsma-22-251-01.json"] = text;
    fetcher_.files[base + "white/changes.csv"] =
        "\"icsma-22-251-01.json\",\"2023-01-01T00:00:00Z\"\n"
        "\"icsma-25-030-01.json\",\"2025-01-01T00:00:00Z\"\n";
  }
  void TearDown() override { std::filesystem::remove(db_); }

  SyncCounters sync(const std::string& url) {
    auto store = AdvisoryStore::open(db_);
    EXPECT_TRUE(store) << store.error();
    errors_.clear();
    Syncer s(
        fetcher_, **store, {"CMS8000"}, [this](const std::string& l) { errors_.push_back(l); },
        [](const std::string&) {});
    s.sync(url);
    offline_ = s.nothingFetched();
    return s.counters();
  }

  std::string db_;
  FakeFetcher fetcher_;
  std::vector<std::string> errors_;
  bool offline_ = false;
};

TEST_F(SyncTest, ProviderThenNothingTransferred) {
  auto first = sync("p.test/.well-known/csaf/provider-metadata.json");
  EXPECT_EQ(first.added, 3u);
  EXPECT_EQ(first.rejected, 0u);
  EXPECT_TRUE(errors_.empty()) << errors_[0];
  auto stored = loadAdvisories(db_);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->size(), 4u);  // ICSMA-22-244-01 is built in

  fetcher_.bodies = 0;
  auto second = sync("https://p.test/.well-known/csaf/provider-metadata.json");
  EXPECT_EQ(fetcher_.bodies, 0u);
  EXPECT_EQ(second.transferred, 0u);
  EXPECT_EQ(second.added + second.updated, 0u);
  EXPECT_EQ(second.skipped, 3u);  // every listed `updated` already imported: not asked for
  EXPECT_TRUE(errors_.empty());
}

TEST_F(SyncTest, ChecksumMismatchSkipsOnlyThatAdvisory) {
  const std::string hash = "https://p.test/.well-known/csaf/white/icsma-24-151-02.json.sha256";
  fetcher_.files[hash] = hexDigest("something else", 64) + "  icsma-24-151-02.json\n";
  auto c = sync("https://p.test/.well-known/csaf/provider-metadata.json");
  EXPECT_EQ(c.rejected, 1u);
  EXPECT_EQ(c.added, 2u);
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_NE(errors_[0].find("icsma-24-151-02.json: SHA-256 mismatch"), std::string::npos)
      << errors_[0];
  // Still rejected, and still reported, the next time; nothing transferred again.
  fetcher_.bodies = 0;
  c = sync("https://p.test/.well-known/csaf/provider-metadata.json");
  EXPECT_EQ(c.rejected, 1u);
  EXPECT_EQ(fetcher_.bodies, 0u);
}

TEST_F(SyncTest, OfflineKeepsTheStore) {
  sync("https://p.test/.well-known/csaf/provider-metadata.json");
  fetcher_.down = true;
  auto c = sync("https://p.test/.well-known/csaf/provider-metadata.json");
  EXPECT_TRUE(offline_);
  EXPECT_EQ(c.failed, 1u);
  ASSERT_EQ(errors_.size(), 1u);
  auto stored = loadAdvisories(db_);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->size(), 4u);
}

TEST_F(SyncTest, OneDocumentAndUnknownBodies) {
  auto c = sync("https://p.test/.well-known/csaf/white/icsma-22-251-01.json");
  EXPECT_EQ(c.added, 1u);
  fetcher_.files["https://p.test/x"] = "{\"hello\": 1}";
  c = sync("https://p.test/x");
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_NE(errors_[0].find("not a CSAF provider-metadata.json"), std::string::npos);
}

TEST_F(SyncTest, FeedItemsBecomeNotices) {
  fetcher_.files["https://fda.test/rss"] =
      "<rss><channel><item><title>CMS8000 monitors</title><guid>1</guid></item>"
      "<item><title>Other</title></item></channel></rss>";
  auto c = sync("https://fda.test/rss");
  EXPECT_EQ(c.notices_new, 1u);
  c = sync("https://fda.test/rss");
  EXPECT_EQ(c.notices_new, 0u);
  EXPECT_EQ(c.notices_seen, 1u);
  auto store = AdvisoryStore::open(db_);
  auto notices = (*store)->notices();
  ASSERT_TRUE(notices);
  ASSERT_EQ(notices->size(), 1u);
  EXPECT_EQ((*notices)[0].keyword, "CMS8000");
  EXPECT_EQ((*notices)[0].key, "1");
}

TEST(StartUrl, DomainsAndUrls) {
  EXPECT_EQ(startUrl("example.com"), "https://example.com/.well-known/csaf/provider-metadata.json");
  EXPECT_EQ(startUrl("example.com/feed.json"), "https://example.com/feed.json");
  EXPECT_EQ(startUrl("http://x/y"), "http://x/y");
}

}  // namespace
}  // namespace medtap::advisories
