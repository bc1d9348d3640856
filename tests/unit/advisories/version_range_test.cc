// Version ranges: vers: strings by the spec, CISA's free text best effort and marked so, and the
// version order vendors use.
#include <gtest/gtest.h>

#include "advisories/version_range.h"

namespace medtap::advisories {
namespace {

TEST(CompareVersions, NumbersCompareAsNumbers) {
  EXPECT_LT(compareVersions("2.9", "2.10"), 0);
  EXPECT_EQ(compareVersions("1.02", "1.2"), 0);
  EXPECT_LT(compareVersions("1.0", "1.0.1"), 0);
  EXPECT_GT(compareVersions("L81", "L9"), 0);
  EXPECT_EQ(compareVersions("v22D28", "V22d28"), 0);
  EXPECT_LT(compareVersions("CMS7.820.075.08/0.74(0.75)", "CMS7.820.120.01/0.93(0.95)"), 0);
}

TEST(ParseVers, AllIsEveryVersion) {
  auto r = parseVers("vers:all/*");
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(r->all);
  EXPECT_EQ(r->scheme, "all");
  EXPECT_EQ(contains(*r, "anything"), InRange::Yes);
}

TEST(ParseVers, SortsConstraintsAndChecksTheSpec) {
  auto r = parseVers("vers:generic/<2.0|>=1.0");
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->constraints.size(), 2u);
  EXPECT_EQ(r->constraints[0].op, Comparator::GreaterEqual);
  EXPECT_EQ(r->certainty, RangeCertainty::Exact);
  EXPECT_FALSE(parseVers("vers:generic/<1.0|<2.0"));  // two upper bounds in a row
  EXPECT_FALSE(parseVers("vers:generic/1.0|1.0"));    // a version twice
  EXPECT_FALSE(parseVers("vers:generic"));            // no scheme separator
  EXPECT_FALSE(parseVers("vers:generic/>=1.0|*"));    // '*' with others
  EXPECT_FALSE(parseVers("vers:generic/>="));         // no version
  EXPECT_FALSE(parseVers("generic/1.0"));
}

TEST(Contains, FollowsTheSpecAlgorithm) {
  auto r = parseVers("vers:generic/>=1.0|<1.5|>=2.0|<=2.4|3.1|!=2.2");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(contains(*r, "0.9"), InRange::No);
  EXPECT_EQ(contains(*r, "1.0"), InRange::Yes);
  EXPECT_EQ(contains(*r, "1.4.9"), InRange::Yes);
  EXPECT_EQ(contains(*r, "1.5"), InRange::No);
  EXPECT_EQ(contains(*r, "2.2"), InRange::No);
  EXPECT_EQ(contains(*r, "2.4"), InRange::Yes);
  EXPECT_EQ(contains(*r, "3.0"), InRange::No);
  EXPECT_EQ(contains(*r, "3.1"), InRange::Yes);
  auto open_above = parseVers("vers:semver/>=4.2");
  ASSERT_TRUE(open_above);
  EXPECT_EQ(contains(*open_above, "10.0"), InRange::Yes);
  EXPECT_EQ(contains(*open_above, "4.1"), InRange::No);
}

TEST(ParseRange, CisaFreeTextIsUncertain) {
  auto le = parseRange("<=1.52");
  EXPECT_EQ(le.certainty, RangeCertainty::Uncertain);
  EXPECT_EQ(contains(le, "1.52"), InRange::Yes);
  EXPECT_EQ(contains(le, "1.60"), InRange::No);
  auto spaced = parseRange("<= L81");
  EXPECT_EQ(spaced.certainty, RangeCertainty::Uncertain);
  EXPECT_EQ(contains(spaced, "L80"), InRange::Yes);
  auto all = parseRange("All versions");
  EXPECT_TRUE(all.all);
  EXPECT_EQ(all.certainty, RangeCertainty::Uncertain);
  auto prior = parseRange("versions prior to 3.1");
  ASSERT_EQ(prior.constraints.size(), 1u);
  EXPECT_EQ(prior.constraints[0].op, Comparator::Less);
  EXPECT_EQ(contains(prior, "3.0.9"), InRange::Yes);
  EXPECT_EQ(contains(prior, "3.1"), InRange::No);
  auto earlier = parseRange("L81 and earlier");
  ASSERT_EQ(earlier.constraints.size(), 1u);
  EXPECT_EQ(earlier.constraints[0].op, Comparator::LessEqual);
  // ICSMA-22-244-01 lost the parentheses: still ordered, best effort.
  auto garbled = parseRange("<=CMS7.820.075.08/0.740.75");
  EXPECT_EQ(garbled.certainty, RangeCertainty::Uncertain);
  EXPECT_EQ(contains(garbled, "CMS7.820.075.08/0.74(0.75)"), InRange::Yes);
  // Versions of another line (another prefix) are not ordered against it.
  EXPECT_EQ(contains(parseRange("<=smart3250-2.6.27-wlan2.1.7.cramfs"), "CMS7.820"), InRange::No);
  EXPECT_EQ(contains(parseRange("<= L81"), "012U000061"), InRange::No);
}

TEST(ParseRange, UnreadableFreeTextSaysSo) {
  for (const char* text : {"9.x (with Wireless Battery Modules >= 22D19 | <= v22D28)", "A10 < A11",
                           "", "see vendor", "vers:generic/<1|<2"}) {
    auto r = parseRange(text);
    EXPECT_EQ(r.certainty, RangeCertainty::Unreadable) << text;
    EXPECT_EQ(contains(r, "1.0"), InRange::Unknown) << text;
    EXPECT_FALSE(r.note.empty()) << text;
  }
}

}  // namespace
}  // namespace medtap::advisories
