// The parsers of what `advisories sync` fetches: provider-metadata.json, ROLIE feeds,
// changes.csv and index.txt, hash files, RSS and Atom, Health Canada's recall exports; and the
// keyword match that turns a feed item into a notice about a device. Hostile inputs give one
// error line.
#include <gtest/gtest.h>

#include <string>

#include "advisories/feed.h"
#include "advisories/http_client.h"
#include "advisories/notice.h"
#include "advisories/provider.h"
#include "advisories/recalls.h"

namespace medtap::advisories {
namespace {

bool oneLine(const std::string& s) {
  return s.find('\n') == std::string::npos;
}

TEST(ProviderMetadata, FeedsAndDirectories) {
  auto m = parseProviderMetadata(R"({
    "canonical_url": "https://p.test/.well-known/csaf/provider-metadata.json",
    "metadata_version": "2.0",
    "publisher": {"name": "CISA", "category": "coordinator", "namespace": "https://cisa.gov"},
    "distributions": [
      {"rolie": {"feeds": [{"url": "https://p.test/feed-white.json", "tlp_label": "WHITE"},
                           {"url": "https://p.test/feed-green.json", "tlp_label": "GREEN"}]}},
      {"directory_url": "https://p.test/white/"}]})",
                                 "pm.json");
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ(m->publisher_name, "CISA");
  ASSERT_EQ(m->rolie_feeds.size(), 2u);
  EXPECT_EQ(m->rolie_feeds[1], "https://p.test/feed-green.json");
  ASSERT_EQ(m->directories.size(), 1u);
}

TEST(ProviderMetadata, WrongShapesAreOneLine) {
  for (const char* text : {"", "[1,2]", "{\"a\": 1}", "{\"distributions\": 3}",
                           "{\"distributions\": [{\"rolie\": {\"feeds\": 1}}]}", "{\"x\":"}) {
    auto m = parseProviderMetadata(text, "pm.json");
    ASSERT_FALSE(m) << text;
    EXPECT_EQ(m.error().rfind("pm.json: ", 0), 0u) << m.error();
    EXPECT_TRUE(oneLine(m.error()));
  }
  const std::string deep = std::string(1000, '[') + std::string(1000, ']');
  auto m = parseProviderMetadata(deep, "deep.json");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().find("nested deeper"), std::string::npos) << m.error();
}

TEST(RolieFeed, EntriesWithHashes) {
  auto f = parseRolieFeed(R"({"feed": {"id": "x", "entry": [
    {"id": "a", "updated": "2025-02-25T00:00:00Z",
     "link": [{"rel": "self", "href": "https://p.test/2025/a.json"},
              {"rel": "hash", "href": "https://p.test/2025/a.json.sha256"},
              {"rel": "hash", "href": "https://p.test/2025/a.json.sha512"}],
     "content": {"type": "application/json", "src": "https://p.test/2025/a.json"}},
    {"id": "b", "link": {"rel": "self", "href": "b.json"}},
    {"id": "c"}]}})",
                          "feed.json");
  ASSERT_TRUE(f) << f.error();
  ASSERT_EQ(f->size(), 2u);  // c has no URL
  EXPECT_EQ((*f)[0].url, "https://p.test/2025/a.json");
  EXPECT_EQ((*f)[0].updated, "2025-02-25T00:00:00Z");
  EXPECT_EQ((*f)[0].sha512_url, "https://p.test/2025/a.json.sha512");
  EXPECT_EQ((*f)[0].sha256_url, "https://p.test/2025/a.json.sha256");
  EXPECT_EQ((*f)[1].url, "b.json");
  EXPECT_FALSE(parseRolieFeed(R"({"feed": {"entry": 7}})", "feed.json"));
  EXPECT_FALSE(parseRolieFeed(R"({"document": {}})", "feed.json"));
}

TEST(Directory, ChangesCsvAndIndexTxt) {
  auto c = parseChangesCsv(
      "\"2025/a.json\",\"2025-02-25T00:00:00Z\"\r\n\"2022/b.json\",\"2022-09-01\"\n",
      "changes.csv");
  ASSERT_TRUE(c) << c.error();
  ASSERT_EQ(c->size(), 2u);
  EXPECT_EQ((*c)[1].url, "2022/b.json");
  EXPECT_EQ((*c)[1].updated, "2022-09-01");
  auto bad = parseChangesCsv("2025/a.json\n", "changes.csv");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().rfind("changes.csv:1: ", 0), 0u) << bad.error();
  auto i = parseIndexTxt("2025/a.json\n\n2022/b.json\n", "index.txt");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->size(), 2u);
  auto ctl = parseIndexTxt(std::string("a.json\nb\x01.json\n"), "index.txt");
  ASSERT_FALSE(ctl);
  EXPECT_EQ(ctl.error(), "index.txt:2: not a path");
}

TEST(HashFile, DigestsAndFormats) {
  const std::string sha256 = hexDigest("abc", 64);
  EXPECT_EQ(sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hexDigest("abc", 128).substr(0, 16), "ddaf35a193617aba");
  auto h = parseHashFile(sha256 + "  a.json\n", "a.json.sha256", 64);
  ASSERT_TRUE(h);
  EXPECT_EQ(h.value(), sha256);
  std::string upper = sha256;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(parseHashFile(upper + " *a.json", "x", 64).value(), sha256);
  EXPECT_FALSE(parseHashFile(sha256.substr(1), "x", 64));
  EXPECT_FALSE(parseHashFile("<html>not found</html>", "x", 64));
  EXPECT_FALSE(parseHashFile(sha256, "x", 128));
}

TEST(Urls, ResolveAndSchemes) {
  EXPECT_EQ(resolveUrl("https://p.test/a/b/feed.json", "c.json"), "https://p.test/a/b/c.json");
  EXPECT_EQ(resolveUrl("https://p.test/a/b/", "../c.json"), "https://p.test/a/c.json");
  EXPECT_EQ(resolveUrl("https://p.test/a/b/", "/x/y.json"), "https://p.test/x/y.json");
  EXPECT_EQ(resolveUrl("https://p.test/a/", "//q.test/z"), "https://q.test/z");
  EXPECT_EQ(resolveUrl("https://p.test/a/", "HTTP://q.test/z"), "HTTP://q.test/z");
  EXPECT_EQ(resolveUrl("https://p.test", "2025/a.json"), "https://p.test/2025/a.json");
  EXPECT_EQ(resolveUrl("https://p.test/a/", "../../../../x"), "https://p.test/x");
  EXPECT_TRUE(isHttpUrl("https://x"));
  EXPECT_TRUE(isHttpUrl("HTTP://x"));
  EXPECT_FALSE(isHttpUrl("file:///etc/passwd"));
  EXPECT_FALSE(isHttpUrl("ftp://x"));
}

TEST(Feed, Rss) {
  auto f = parseFeed(R"(<?xml version="1.0"?>
<rss version="2.0"><channel><title>FDA</title>
<item><title> CMS8000 patient monitors </title><link>https://fda.test/1</link>
<guid>g1</guid><pubDate>Thu, 30 Jan 2025 10:00:00 EST</pubDate>
<description><![CDATA[<p>Contec &amp; Epsimed</p>]]></description></item>
<item><title>Other</title></item></channel></rss>)",
                     "fda.rss");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->kind, NoticeKind::Rss);
  ASSERT_EQ(f->items.size(), 2u);
  EXPECT_EQ(f->items[0].title, "CMS8000 patient monitors");
  EXPECT_EQ(f->items[0].link, "https://fda.test/1");
  EXPECT_EQ(f->items[0].id, "g1");
  EXPECT_EQ(f->items[0].date, "Thu, 30 Jan 2025 10:00:00 EST");
  EXPECT_EQ(f->items[0].summary, "<p>Contec &amp; Epsimed</p>");
}

TEST(Feed, Atom) {
  auto f = parseFeed(R"(<feed xmlns="http://www.w3.org/2005/Atom"><title>CCCS</title>
<entry><title>MN-120 advisory</title><id>urn:x:1</id>
<link rel="self" href="https://cccs.test/self"/><link href="https://cccs.test/page"/>
<updated>2025-02-03T12:00:00Z</updated><published>2025-02-01T00:00:00Z</published>
<summary>Relabel &lt;b&gt;</summary><source><title>not mine</title></source></entry></feed>)",
                     "cccs.atom");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->kind, NoticeKind::Atom);
  ASSERT_EQ(f->items.size(), 1u);
  EXPECT_EQ(f->items[0].title, "MN-120 advisory");
  EXPECT_EQ(f->items[0].link, "https://cccs.test/page");
  EXPECT_EQ(f->items[0].date, "2025-02-03T12:00:00Z");
  EXPECT_EQ(f->items[0].summary, "Relabel <b>");
}

TEST(Feed, HostileXmlIsOneLine) {
  const std::string laughs = R"(<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<rss><channel><item><title>&c;</title></item></channel></rss>)";
  auto f = parseFeed(laughs, "laughs.rss");
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().find("entity declarations are refused"), std::string::npos) << f.error();
  EXPECT_EQ(f.error().rfind("laughs.rss:2:", 0), 0u) << f.error();

  const std::string external = R"(<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&x;</title></item></channel></rss>)";
  EXPECT_FALSE(parseFeed(external, "x.rss"));

  std::string deep = "<rss>";
  for (int i = 0; i < 100; ++i) deep += "<a>";
  auto d = parseFeed(deep, "deep.rss");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().find("nested deeper"), std::string::npos) << d.error();

  for (const char* text :
       {"", "<html><body/></html>", "<rss><channel>", "<rss>&undefined;</rss>", "not xml"}) {
    auto e = parseFeed(text, "bad.rss");
    ASSERT_FALSE(e) << text;
    EXPECT_EQ(e.error().rfind("bad.rss:", 0), 0u) << e.error();
    EXPECT_TRUE(oneLine(e.error()));
  }
}

TEST(Feed, LongFieldsAreCut) {
  const std::string big(100000, 'x');
  auto f =
      parseFeed("<rss><channel><item><title>" + big + "</title></item></channel></rss>", "big.rss");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->items[0].title.size(), 8u * 1024);
}

TEST(Recalls, OpenDataCsv) {
  const std::string csv =
      "NID,Title,Organization,Product,Issue,Category,Recall class,Last updated,URL,Archived\n"
      "1,\"Monitor, CMS8000\",Health Canada,CMS8000,Cyber,Medical devices,Type II,2025-02-10,"
      "https://r.test/1,0\n"
      ",,,,,,,,,\n";
  ASSERT_TRUE(looksLikeRecalls(csv));
  auto r = parseRecalls(csv, "recalls.csv");
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].id, "1");
  EXPECT_EQ((*r)[0].title, "Monitor, CMS8000");
  EXPECT_EQ((*r)[0].date, "2025-02-10");
  EXPECT_EQ((*r)[0].link, "https://r.test/1");
  EXPECT_NE((*r)[0].summary.find("Product: CMS8000"), std::string::npos) << (*r)[0].summary;
  auto bad = parseRecalls("a,b\n1,2\n", "x.csv");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "x.csv:1: not a recall export: no Title column in the header");
}

TEST(Recalls, ApiJson) {
  const std::string json = R"({"results": {"ALL": [
    {"recallId": "77", "title": "MN-120 monitors", "category": ["3"], "date_published": 1739318400,
     "url": "/77"}], "HEALTH": [{"recallId": "77", "title": "MN-120 monitors"}]}})";
  ASSERT_TRUE(looksLikeRecalls(json));
  auto r = parseRecalls(json, "recalls.json");
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->size(), 1u);  // listed under ALL and HEALTH: once
  EXPECT_EQ((*r)[0].date, "1739318400");
  EXPECT_FALSE(looksLikeRecalls(R"({"document": {"title": "x"}})"));
  EXPECT_FALSE(parseRecalls("{\"a\": 1}", "x.json"));
}

TEST(Notices, WatchedModelsAndMentions) {
  const Aliases& aliases = Aliases::builtIn();
  const auto models = watchedModels(
      {{"mac:1", "Acme", "Pump", "", {}}, {"mac:2", "B. Braun", "Infusomat Space", "", {}}},
      aliases);
  EXPECT_NE(std::find(models.begin(), models.end(), "CMS8000"), models.end());
  EXPECT_NE(std::find(models.begin(), models.end(), "MN-120"), models.end());
  EXPECT_NE(std::find(models.begin(), models.end(), "Infusomat Space"), models.end());
  EXPECT_EQ(std::find(models.begin(), models.end(), "Pump"), models.end());  // an ordinary word

  EXPECT_EQ(mentionedModel({"", "The mn120 monitor", "", "", ""}, models), "MN-120");
  EXPECT_EQ(mentionedModel({"", "t", "", "", "a CMS8000 firmware"}, models), "CMS8000");
  EXPECT_FALSE(mentionedModel({"", "CMS80001 and MN-1200", "", "", ""}, models));
  EXPECT_FALSE(mentionedModel({"", "infusion pump", "", "", ""}, models));

  Notice n;
  n.keyword = "CMS8000";
  EXPECT_TRUE(noticeConcerns(n, {"mac:1", "Contec Medical Systems", "CMS8000", "", {}}, aliases));
  auto relabel = noticeConcerns(n, {"mac:2", "Epsimed", "MN-120", "", {}}, aliases);
  ASSERT_TRUE(relabel);
  EXPECT_NE(relabel->find("relabel"), std::string::npos) << *relabel;
  EXPECT_TRUE(noticeConcerns(n, {"mac:3", "", "", "", {"cms8000-family"}}, aliases));
  EXPECT_FALSE(noticeConcerns(n, {"mac:4", "Philips", "MX450", "", {}}, aliases));
  n.keyword = "MN-120";
  EXPECT_TRUE(noticeConcerns(n, {"mac:1", "Contec Health", "CMS8000", "", {}}, aliases));
}

}  // namespace
}  // namespace medtap::advisories
