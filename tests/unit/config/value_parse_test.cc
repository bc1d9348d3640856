#include "config/value_parse.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>

namespace medtap::config {
namespace {

using ::testing::HasSubstr;

TEST(ParseSize, PlainNumbersAreBytes) {
  EXPECT_EQ(parseSize("262144").value(), 262144u);
  EXPECT_EQ(parseSize("0").value(), 0u);
  EXPECT_EQ(parseSize("1_048_576").value(), 1048576u);
  EXPECT_EQ(parseSize("  42  ").value(), 42u);
}

TEST(ParseSize, SiAndIecUnitsKeepTheirUsualMeanings) {
  EXPECT_EQ(parseSize("5B").value(), 5u);
  EXPECT_EQ(parseSize("1KB").value(), 1000u);
  EXPECT_EQ(parseSize("1KiB").value(), 1024u);
  EXPECT_EQ(parseSize("16MB").value(), 16'000'000u);
  EXPECT_EQ(parseSize("16MiB").value(), 16u << 20);
  EXPECT_EQ(parseSize("2GB").value(), 2'000'000'000u);
  EXPECT_EQ(parseSize("2GiB").value(), uint64_t{2} << 30);
  EXPECT_EQ(parseSize("256 KiB").value(), 262144u);
}

TEST(ParseSize, RefusesWhatItCannotReadExactly) {
  EXPECT_THAT(parseSize("").error(), HasSubstr("empty"));
  EXPECT_THAT(parseSize("-1MiB").error(), HasSubstr("negative"));
  EXPECT_THAT(parseSize("1.5GiB").error(), HasSubstr("fraction"));
  EXPECT_THAT(parseSize("big").error(), HasSubstr("is not a size"));
  EXPECT_THAT(parseSize("16TB").error(), HasSubstr("unknown unit 'TB'"));
  EXPECT_THAT(parseSize("1__0").error(), HasSubstr("is not a size"));
  EXPECT_THAT(parseSize("10_").error(), HasSubstr("is not a size"));
  EXPECT_THAT(parseSize("+5").error(), HasSubstr("is not a size"));
  EXPECT_THAT(parseSize("99999999999999999999").error(), HasSubstr("too large"));
  EXPECT_THAT(parseSize("20000000000GiB").error(), HasSubstr("too large"));
}

TEST(ParseSize, SuggestsTheUnitForCommonSlips) {
  EXPECT_THAT(parseSize("16mib").error(), HasSubstr("did you mean MiB?"));
  EXPECT_THAT(parseSize("16mb").error(), HasSubstr("did you mean MiB (1024-based) or MB"));
  EXPECT_THAT(parseSize("64k").error(), HasSubstr("did you mean KiB (1024-based) or KB"));
  EXPECT_THAT(parseSize("1G").error(), HasSubstr("did you mean GiB"));
  EXPECT_THAT(parseSize("7 bytes").error(), HasSubstr("use B, KB, KiB"));
}

TEST(ParseDuration, UnitsAndPlainSeconds) {
  EXPECT_EQ(parseDuration("30").value(), Duration::seconds(30));
  EXPECT_EQ(parseDuration("30s").value(), Duration::seconds(30));
  EXPECT_EQ(parseDuration("5m").value(), Duration::seconds(300));
  EXPECT_EQ(parseDuration("1h").value(), Duration::seconds(3600));
  EXPECT_EQ(parseDuration("7d").value(), Duration::seconds(7 * 86400));
  EXPECT_EQ(parseDuration("250ms").value().ns, 250'000'000);
  EXPECT_EQ(parseDuration("1 h").value(), Duration::seconds(3600));
}

TEST(ParseDuration, Refusals) {
  EXPECT_THAT(parseDuration("").error(), HasSubstr("empty"));
  EXPECT_THAT(parseDuration("-5s").error(), HasSubstr("negative"));
  EXPECT_THAT(parseDuration("1.5h").error(), HasSubstr("fraction"));
  EXPECT_THAT(parseDuration("5 minutes").error(), HasSubstr("unknown unit 'minutes'"));
  EXPECT_THAT(parseDuration("1h30m").error(), HasSubstr("unknown unit 'h30m'"));
  EXPECT_THAT(parseDuration("soon").error(), HasSubstr("is not a duration"));
  EXPECT_THAT(parseDuration("200000000000d").error(), HasSubstr("too long"));
}

TEST(ParseCount, WholeNumbersOnly) {
  EXPECT_EQ(parseCount("1000000").value(), 1000000u);
  EXPECT_EQ(parseCount("1_000_000").value(), 1000000u);
  EXPECT_FALSE(parseCount("1e6").ok());
  EXPECT_FALSE(parseCount("10KiB").ok());
  EXPECT_THAT(parseCount("-1").error(), HasSubstr("negative"));
  EXPECT_THAT(parseCount("").error(), HasSubstr("empty"));
}

TEST(ParseBool, CommonSpellings) {
  for (const char* t : {"true", "True", "yes", "on", "ON"}) EXPECT_TRUE(parseBool(t).value()) << t;
  for (const char* f : {"false", "FALSE", "no", "off"}) EXPECT_FALSE(parseBool(f).value()) << f;
  EXPECT_THAT(parseBool("maybe").error(), HasSubstr("not true or false"));
  EXPECT_FALSE(parseBool("1").ok());
}

TEST(ParseNetwork, AcceptsBothFamiliesAndBareAddresses) {
  EXPECT_EQ(parseNetwork("10.0.0.0/8").value().toString(), "10.0.0.0/8");
  EXPECT_EQ(parseNetwork("fd00::/8").value().toString(), "fd00::/8");
  EXPECT_EQ(parseNetwork("192.168.1.7").value().toString(), "192.168.1.7/32");
  EXPECT_EQ(parseNetwork("0.0.0.0/0").value().toString(), "0.0.0.0/0");
}

TEST(ParseNetwork, RefusesHostBitsAndNonsense) {
  EXPECT_THAT(parseNetwork("10.0.0.1/8").error(),
              HasSubstr("host bits set; the network is 10.0.0.0/8"));
  EXPECT_THAT(parseNetwork("fd00::1/8").error(), HasSubstr("the network is fd00::/8"));
  EXPECT_THAT(parseNetwork("172.16.5.0/12").error(), HasSubstr("the network is 172.16.0.0/12"));
  EXPECT_THAT(parseNetwork("10.0.0.0/33").error(), HasSubstr("not a CIDR network"));
  EXPECT_THAT(parseNetwork("10.0.0/8").error(), HasSubstr("not a CIDR network"));
  EXPECT_THAT(parseNetwork("").error(), HasSubstr("not a CIDR network"));
}

TEST(FormatSize, LargestExactUnit) {
  EXPECT_EQ(formatSize(0), "0B");
  EXPECT_EQ(formatSize(262144), "256KiB");
  EXPECT_EQ(formatSize(16u << 20), "16MiB");
  EXPECT_EQ(formatSize(uint64_t{64} << 30), "64GiB");
  EXPECT_EQ(formatSize(16'000'000), "16MB");
  EXPECT_EQ(formatSize(1000), "1KB");
  EXPECT_EQ(formatSize(1023), "1023B");
  // Round trip for a spread of values.
  for (uint64_t v :
       {uint64_t{1}, uint64_t{1536}, uint64_t{65535}, uint64_t{3} << 30, uint64_t{5'000'000'000}}) {
    EXPECT_EQ(parseSize(formatSize(v)).value(), v) << v;
  }
}

TEST(FormatDuration, LargestExactUnit) {
  EXPECT_EQ(formatDuration(Duration::seconds(3600)), "1h");
  EXPECT_EQ(formatDuration(Duration::seconds(300)), "5m");
  EXPECT_EQ(formatDuration(Duration::seconds(90)), "90s");
  EXPECT_EQ(formatDuration(Duration::seconds(7 * 86400)), "7d");
  EXPECT_EQ(formatDuration(Duration{250'000'000}), "250ms");
  EXPECT_EQ(formatDuration(Duration{}), "0s");
  EXPECT_EQ(formatDuration(Duration{5}), "5ns");
  for (int64_t s : {1, 59, 61, 3599, 86401}) {
    EXPECT_EQ(parseDuration(formatDuration(Duration::seconds(s))).value(), Duration::seconds(s));
  }
}

TEST(EditDistance, Basics) {
  EXPECT_EQ(editDistance("", ""), 0u);
  EXPECT_EQ(editDistance("flow", "flow"), 0u);
  EXPECT_EQ(editDistance("flow", "flows"), 1u);
  EXPECT_EQ(editDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(editDistance("", "abc"), 3u);
  // Long inputs are cut, not overflowed.
  std::string long_a(1000, 'a'), long_b(1000, 'b');
  EXPECT_EQ(editDistance(long_a, long_b), kMaxEditInput);
}

TEST(ClosestMatch, OnlyPlausibleTypos) {
  std::array<std::string_view, 3> keys{"max_flows", "timeouts", "reassembly"};
  EXPECT_EQ(closestMatch("max_flow", keys), "max_flows");
  EXPECT_EQ(closestMatch("timeout", keys), "timeouts");
  EXPECT_EQ(closestMatch("reasembly", keys), "reassembly");
  EXPECT_EQ(closestMatch("Max_Flows", keys), "max_flows");
  EXPECT_EQ(closestMatch("colour", keys), "");
  EXPECT_EQ(closestMatch("", keys), "");
  std::array<std::string_view, 1> short_key{"tcp"};
  EXPECT_EQ(closestMatch("ttl", short_key), "");  // 2 edits in 3 letters is another word
}

}  // namespace
}  // namespace medtap::config
