// The matcher on the real advisories: the CMS8000 under its own name, its relabel and its
// behaviour tag; firmware known, unknown, out of range; nothing else matched.
#include <gtest/gtest.h>

#include <string>

#include "advisories/matcher.h"

namespace medtap::advisories {
namespace {

const std::string kShared = std::string(MEDTAP_SHARED_DIR) + "/data/advisories/";

class MatcherTest : public ::testing::Test {
 protected:
  MatcherTest() : matcher_(load(), Aliases::builtIn()) {}

  static std::vector<Advisory> load() {
    std::vector<Advisory> all;
    for (const char* f : {"icsma-21-294-01.json", "icsma-22-244-01.json", "icsma-22-251-01.json",
                          "icsma-24-151-02.json", "icsma-25-030-01.json"}) {
      auto a = readCsafFile(kShared + f);
      EXPECT_TRUE(a) << a.error();
      if (a) all.push_back(std::move(a.value()));
    }
    return all;
  }

  std::vector<Match> match(DeviceFacts d) const { return matcher_.match(d); }

  Matcher matcher_;
};

TEST_F(MatcherTest, Cms8000WithUnknownFirmware) {
  auto m = match({"mac:1", "Contec Medical Systems", "CMS8000", "", {"cms8000-family"}});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].advisory->id, "ICSMA-22-244-01");
  EXPECT_EQ(m[0].status, MatchStatus::PotentiallyAffected);
  EXPECT_EQ(m[0].cves.size(), 5u);
  EXPECT_NE(m[0].reason.find("firmware unknown"), std::string::npos) << m[0].reason;
  EXPECT_EQ(m[1].advisory->id, "ICSMA-25-030-01");
  EXPECT_EQ(m[1].status, MatchStatus::Affected);
  EXPECT_EQ(m[1].reason, "all versions of CMS8000 Patient Monitor (vers:all/*)");
  // CVE-2024-12248 names firmware only: with the firmware unknown it is still listed.
  EXPECT_EQ(m[1].cves, (std::vector<std::string>{"CVE-2024-12248", "CVE-2025-0626", "CVE-2025-0683",
                                                 "CVE-2025-1204"}));
  EXPECT_DOUBLE_EQ(m[1].max_cvss, 9.8);
  EXPECT_DOUBLE_EQ(m[1].status_cvss, 7.5);  // 9.8 is CVE-2024-12248's, only potentially
  EXPECT_EQ(m[1].remediations.size(), 3u);  // the same three for every CVE
  EXPECT_EQ(m[1].remediations[0].rfind("mitigation: Per FDA recommendation", 0), 0u);
}

TEST_F(MatcherTest, RelabelAndTagMatchLikeTheOriginal) {
  auto relabel = match({"mac:2", "Epsimed", "MN-120", "", {}});
  ASSERT_EQ(relabel.size(), 2u);
  EXPECT_EQ(relabel[1].advisory->id, "ICSMA-25-030-01");
  EXPECT_EQ(relabel[1].identity, "relabel of Contec Health CMS8000");
  auto tagged = match({"mac:3", "", "", "", {"cms8000-family"}});
  ASSERT_EQ(tagged.size(), 2u);
  EXPECT_EQ(tagged[1].identity, "tag cms8000-family");
  EXPECT_EQ(tagged[1].status, MatchStatus::Affected);
}

TEST_F(MatcherTest, KnownFirmwareDecides) {
  auto listed = match({"mac:4", "Contec Health", "CMS8000", "CMS7.820.075.08/0.74(0.75)", {}});
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[1].status, MatchStatus::Affected);
  EXPECT_EQ(listed[1].cves.size(), 4u);
  EXPECT_DOUBLE_EQ(listed[1].status_cvss, 9.8);
  // 22-244-01's ranges are free text: in range, but only potentially.
  EXPECT_EQ(listed[0].status, MatchStatus::PotentiallyAffected);
  EXPECT_NE(listed[0].reason.find("best effort"), std::string::npos) << listed[0].reason;
  // A firmware the advisory does not list: the all-versions CVEs still apply, 12248 does not.
  auto other = match({"mac:5", "Contec Health", "CMS8000", "CMS9.000", {}});
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].advisory->id, "ICSMA-25-030-01");
  EXPECT_EQ(other[0].cves,
            (std::vector<std::string>{"CVE-2025-0626", "CVE-2025-0683", "CVE-2025-1204"}));
  EXPECT_DOUBLE_EQ(other[0].max_cvss, 7.5);
}

TEST_F(MatcherTest, OtherDevicesMatchNothingOrTheirOwn) {
  EXPECT_TRUE(match({"mac:6",
                     "Contec Medical Systems",
                     "Central Monitoring System",
                     "V2.0",
                     {"contec-central"}})
                  .empty());
  EXPECT_TRUE(match({"mac:7", "Philips", "IntelliVue MX800", "M.00.03", {}}).empty());
  EXPECT_TRUE(match({"mac:8", "Baxter", "", "", {}}).empty());  // a vendor alone is not a match
  EXPECT_TRUE(match({"mac:9", "Mindray", "CMS8000", "", {}}).empty());  // another vendor's model
  auto csm = match({"mac:10", "Welch Allyn", "Connex Spot Monitor", "1.52", {}});
  ASSERT_EQ(csm.size(), 1u);
  EXPECT_EQ(csm[0].advisory->id, "ICSMA-24-151-02");
  EXPECT_EQ(csm[0].status, MatchStatus::PotentiallyAffected);
  EXPECT_TRUE(match({"mac:11", "Baxter", "Welch Allyn Connex Spot Monitor", "1.60", {}}).empty());
}

TEST(Aliases, NamesAndModels) {
  const Aliases& a = Aliases::builtIn();
  EXPECT_TRUE(a.sameVendor("Contec Health", "Contec Medical Systems Co., Ltd."));
  EXPECT_TRUE(a.sameVendor("B. Braun", "B. Braun Medical"));
  EXPECT_FALSE(a.sameVendor("Contec Health", "Mindray"));
  EXPECT_FALSE(a.sameVendor("", ""));
  EXPECT_EQ(normalizedName("Contec Medical Systems Co., Ltd."), "contec medical systems");
  EXPECT_TRUE(sameModel("CMS8000 Patient Monitor Firmware", "CMS8000"));
  EXPECT_TRUE(sameModel("MN-120", "MN120"));
  EXPECT_FALSE(sameModel("CMS8000 Patient Monitor", "Central Monitoring System"));
  EXPECT_TRUE(sameModel("Welch Allyn Connex Spot Monitor (CSM)", "Connex Spot Monitor"));
  EXPECT_FALSE(Aliases::parse("vendors: [{aliases: [x]}]", "a.yaml"));
  auto bad = Aliases::parse("relabels:\n  - {vendor: A}\n", "a.yaml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "a.yaml:2: expected {vendor: ..., model: ...}");
}

TEST(MergeAdvisories, NewerRevisionWins) {
  Advisory old_one, new_one;
  old_one.id = new_one.id = "X";
  old_one.current_release_date = "2025-01-30";
  new_one.current_release_date = "2025-02-25";
  new_one.title = "new";
  std::vector<Advisory> base{new_one};
  mergeAdvisories(base, {old_one});
  ASSERT_EQ(base.size(), 1u);
  EXPECT_EQ(base[0].title, "new");
}

}  // namespace
}  // namespace medtap::advisories
