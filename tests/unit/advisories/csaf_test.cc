// Every real CISA advisory in ../shared/data/advisories parses, with exact counts, and its quirks
// as warnings; files that are not CSAF fail in one line with the file and a JSON pointer.
#include <gtest/gtest.h>

#include <string>

#include "advisories/csaf.h"
#include "advisories/limits.h"
#include "advisories/matcher.h"

namespace medtap::advisories {
namespace {

const std::string kShared = std::string(MEDTAP_SHARED_DIR) + "/data/advisories/";

size_t remediationCount(const Advisory& a) {
  size_t n = 0;
  for (const auto& v : a.vulnerabilities) n += v.remediations.size();
  return n;
}

bool hasWarning(const Advisory& a, const std::string& part) {
  for (const auto& w : a.warnings) {
    if (w.find(part) != std::string::npos) return true;
  }
  return false;
}

struct Expected {
  const char* file;
  const char* id;
  size_t products, cves, remediations;
  double max_score;
};

TEST(Csaf, EveryRealAdvisoryParsesWithExactCounts) {
  const Expected expected[] = {
      {"icsma-21-294-01.json", "ICSMA-21-294-01", 5, 5, 25, 9.0},
      {"icsma-22-244-01.json", "ICSMA-22-244-01", 3, 5, 5, 7.5},
      {"icsma-22-251-01.json", "ICSMA-22-251-01", 6, 4, 40, 7.5},
      {"icsma-24-151-02.json", "ICSMA-24-151-02", 1, 1, 7, 7.4},
      {"icsma-25-030-01.json", "ICSMA-25-030-01", 4, 4, 12, 9.8},
  };
  for (const auto& e : expected) {
    auto a = readCsafFile(kShared + e.file);
    ASSERT_TRUE(a) << a.error();
    EXPECT_EQ(a->id, e.id);
    EXPECT_EQ(a->products.size(), e.products) << e.file;
    EXPECT_EQ(a->cves().size(), e.cves) << e.file;
    EXPECT_EQ(remediationCount(*a), e.remediations) << e.file;
    EXPECT_DOUBLE_EQ(a->maxScore(), e.max_score) << e.file;
    EXPECT_EQ(a->publisher_name, "CISA") << e.file;
    EXPECT_FALSE(a->url().empty()) << e.file;
  }
}

TEST(Csaf, ContecAdvisoryInDetail) {
  auto a = readCsafFile(kShared + "icsma-25-030-01.json");
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->title, "Contec Health CMS8000 Patient Monitor (Update A)");
  EXPECT_EQ(a->version, "2");
  EXPECT_EQ(a->status, "final");
  ASSERT_EQ(a->revisions.size(), 2u);
  EXPECT_EQ(a->current_release_date, "2025-02-25T07:00:00.000000Z");
  EXPECT_EQ(a->url(), "https://www.cisa.gov/news-events/ics-medical-advisories/icsma-25-030-01");
  EXPECT_EQ(a->cves(), (std::vector<std::string>{"CVE-2024-12248", "CVE-2025-0626", "CVE-2025-0683",
                                                 "CVE-2025-1204"}));
  const Product* all = a->product("CSAFPID-0004");
  ASSERT_NE(all, nullptr);
  EXPECT_EQ(all->vendor, "Contec Health");
  EXPECT_EQ(all->product, "CMS8000 Patient Monitor");
  EXPECT_TRUE(all->has_range);
  EXPECT_TRUE(all->range.all);
  EXPECT_EQ(all->range.certainty, RangeCertainty::Exact);
  const Product* fw = a->product("CSAFPID-0002");
  ASSERT_NE(fw, nullptr);
  EXPECT_EQ(fw->version, "CMS7.820.075.08/0.74(0.75)");
  const Vulnerability& v = a->vulnerabilities[0];
  EXPECT_EQ(v.cwe_id, "CWE-787");
  ASSERT_EQ(v.scores.size(), 1u);
  EXPECT_EQ(v.scores[0].vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  EXPECT_EQ(v.product_status.at("known_affected").size(), 3u);
  EXPECT_EQ(v.remediations[0].category, "mitigation");
  // CISA's typo in the acknowledgment, kept as a warning.
  EXPECT_TRUE(hasWarning(*a, "CVE-2025-1024")) << a->warnings.size();
}

TEST(Csaf, FreeTextRangesAreWarnings) {
  auto a = readCsafFile(kShared + "icsma-22-251-01.json");
  ASSERT_TRUE(a) << a.error();
  EXPECT_TRUE(hasWarning(*a, "is not a vers: string"));
  EXPECT_EQ(a->product("CSAFPID-0002")->range.certainty, RangeCertainty::Unreadable);
}

TEST(Csaf, ShippedAdvisoriesAreBuiltIn) {
  auto built_in = builtInAdvisories();
  ASSERT_EQ(built_in.size(), 2u);
  EXPECT_EQ(built_in[0].id, "ICSMA-22-244-01");
  EXPECT_EQ(built_in[1].id, "ICSMA-25-030-01");
}

TEST(Csaf, NotCsafFailsInOneLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"", "f.json: not JSON: error at byte 1"},
      {"{\"document\": ", "f.json: not JSON: error at byte 14"},
      {"[]", "f.json: not a CSAF document: not an object (at JSON pointer /)"},
      {"{}", "f.json: not a CSAF document: no document object (at JSON pointer /document)"},
      {R"({"document": {}})",
       "f.json: not a CSAF document: no csaf_version (at JSON pointer /document/csaf_version)"},
      {R"({"document": {"csaf_version": "1.2"}})",
       "f.json: CSAF version 1.2 is not 2.0 (at JSON pointer /document/csaf_version)"},
      {R"({"document": {"csaf_version": "2.0", "tracking": {}}})",
       "f.json: CSAF document without a tracking id (at JSON pointer /document/tracking/id)"},
  };
  for (const auto& c : cases) {
    auto a = parseCsaf(c.text, "f.json");
    ASSERT_FALSE(a) << c.text;
    EXPECT_EQ(a.error(), c.message);
  }
  const std::string deep(kMaxJsonDepth + 1, '[');
  auto a = parseCsaf(deep, "f.json");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error(), "f.json: JSON nested deeper than 64 levels at byte 64");
}

TEST(Csaf, ToleratesWrongTypesAndUnknownIds) {
  const char* text = R"({
    "document": {"csaf_version": "2.0", "title": 7, "tracking": {"id": "X-1"}},
    "product_tree": {"branches": [{"category": "vendor", "name": "Acme", "branches": [
        {"category": "product_name", "name": "Pump 9", "branches": [
          {"category": "product_version_range", "name": "vers:generic/<3",
           "product": {"name": "Acme Pump 9 <3", "product_id": "P1"}}]}]}],
      "full_product_names": [{"name": "Acme Hub", "product_id": "P2"}, {"name": "no id"}],
      "relationships": [{"category": "installed_on", "product_reference": "P1",
        "relates_to_product_reference": "P2",
        "full_product_name": {"name": "Pump on Hub", "product_id": "P3"}}]},
    "vulnerabilities": [{"cve": "CVE-1-1", "product_status": {"known_affected": ["P1", "P9"]},
      "scores": [{"cvss_v4": {"baseScore": 8.1, "vectorString": "CVSS:4.0/AV:N"},
                  "products": ["P1"]}],
      "remediations": "oops"}, 5]
  })";
  auto a = parseCsaf(text, "t.json");
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->products.size(), 3u);
  EXPECT_EQ(a->product("P3")->vendor, "Acme");
  EXPECT_EQ(a->product("P3")->product, "Pump 9");
  EXPECT_TRUE(a->product("P3")->has_range);
  EXPECT_DOUBLE_EQ(a->maxScore(), 8.1);
  EXPECT_EQ(a->vulnerabilities[0].scores[0].cvss_version, "");
  EXPECT_TRUE(hasWarning(*a, "not a string (at /document/title)"));
  EXPECT_TRUE(hasWarning(*a, "unknown product id P9"));
  EXPECT_TRUE(hasWarning(*a, "not an array (at /vulnerabilities/0/remediations)"));
  EXPECT_TRUE(hasWarning(*a, "not an object (at /vulnerabilities/1)"));
  EXPECT_TRUE(hasWarning(*a, "product without product_id"));
}

TEST(Csaf, DeepBranchesAreCut) {
  std::string text = R"({"document": {"csaf_version": "2.0", "tracking": {"id": "X"}},
    "product_tree": {"branches": )";
  const int depth = 30;
  for (int i = 0; i < depth; ++i)
    text += R"([{"category": "product_family", "name": "f", "branches": )";
  text += "[]";
  for (int i = 0; i < depth; ++i) text += "}]";
  text += "}}";
  auto a = parseCsaf(text, "d.json");
  ASSERT_TRUE(a) << a.error();
  EXPECT_TRUE(hasWarning(*a, "branches nested deeper than"));
}

}  // namespace
}  // namespace medtap::advisories
