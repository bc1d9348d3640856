// The indicator set: canonical values, address and network lookup (IPv4 and IPv6, longest
// prefix), domains with their subdomains, URLs by host and path prefix, the size limit.
#include <gtest/gtest.h>

#include "intel/builtin.h"
#include "intel/indicator.h"

namespace medtap::intel {
namespace {

IpAddress ip(const char* s) {
  return *IpAddress::parse(s);
}

Indicator make(IndicatorType type, const char* text, const char* name = "") {
  Indicator i;
  i.type = type;
  auto v = canonicalValue(type, text);
  EXPECT_TRUE(v.ok()) << text << ": " << v.error();
  i.value = v.ok() ? v.value() : "";
  i.name = name;
  return i;
}

TEST(IntelCanonical, ValuesAreNormalised) {
  EXPECT_EQ(canonicalValue(IndicatorType::Subnet, "203.0.113.77/24").value(), "203.0.113.0/24");
  EXPECT_EQ(canonicalValue(IndicatorType::Subnet, "2001:DB8::1/32").value(), "2001:db8::/32");
  EXPECT_EQ(canonicalValue(IndicatorType::Addr, " 2001:db8::0:1 ").value(), "2001:db8::1");
  EXPECT_EQ(canonicalValue(IndicatorType::Domain, "Evil.Example.COM.").value(), "evil.example.com");
  EXPECT_EQ(canonicalValue(IndicatorType::Domain, "*.example.com").value(), "example.com");
  EXPECT_EQ(canonicalValue(IndicatorType::Url, "HTTP://Example.com:8080/pm/x?y#z").value(),
            "example.com/pm/x?y");
  EXPECT_EQ(canonicalValue(IndicatorType::Url, "example.com").value(), "example.com");
  EXPECT_EQ(canonicalValue(IndicatorType::Url, "http://[2001:DB8::1]:80/a").value(),
            "[2001:db8::1]/a");
}

TEST(IntelCanonical, BadValuesSayWhat) {
  EXPECT_EQ(canonicalValue(IndicatorType::Addr, "10.0.0.256").error(),
            "'10.0.0.256' is not an IP address");
  EXPECT_EQ(canonicalValue(IndicatorType::Subnet, "10.0.0.0/33").error(),
            "'10.0.0.0/33' is not a CIDR network");
  EXPECT_EQ(canonicalValue(IndicatorType::Domain, "a..b").error(), "'a..b' has an empty label");
  EXPECT_EQ(canonicalValue(IndicatorType::Domain, "a b.com").error(),
            "'a b.com' is not a domain name");
  EXPECT_EQ(canonicalValue(IndicatorType::Domain, std::string(64, 'a') + ".com").error(),
            "'" + std::string(60, 'a') + "...' has a label longer than 63 characters");
  EXPECT_EQ(canonicalValue(IndicatorType::Url, "").error(), "empty indicator");
  EXPECT_EQ(canonicalValue(IndicatorType::Url, "http:///x").error(),
            "'http:///x' has no valid host");
}

TEST(IntelSet, AddressesBeforeNetworksLongestPrefixFirst) {
  IndicatorSet set;
  ASSERT_TRUE(set.add(make(IndicatorType::Subnet, "203.0.113.0/24", "net24")).ok());
  ASSERT_TRUE(set.add(make(IndicatorType::Subnet, "203.0.0.0/16", "net16")).ok());
  ASSERT_TRUE(set.add(make(IndicatorType::Addr, "203.0.113.77", "host")).ok());
  ASSERT_TRUE(set.add(make(IndicatorType::Subnet, "2001:db8::/32", "v6net")).ok());
  ASSERT_TRUE(set.add(make(IndicatorType::Addr, "2001:db8::7", "v6host")).ok());
  EXPECT_EQ(set.matchAddress(ip("203.0.113.77"))->name, "host");
  EXPECT_EQ(set.matchAddress(ip("203.0.113.78"))->name, "net24");
  EXPECT_EQ(set.matchAddress(ip("203.0.1.1"))->name, "net16");
  EXPECT_EQ(set.matchAddress(ip("2001:db8::7"))->name, "v6host");
  EXPECT_EQ(set.matchAddress(ip("2001:db8:ffff::1"))->name, "v6net");
  EXPECT_EQ(set.matchAddress(ip("203.1.0.1")), nullptr);
  EXPECT_EQ(set.matchAddress(ip("2001:db9::1")), nullptr);
  EXPECT_EQ(set.matchAddress(IpAddress{}), nullptr);
}

TEST(IntelSet, AnIpv6NetworkNeverHoldsAnIpv4Address) {
  IndicatorSet set;
  ASSERT_TRUE(set.add(make(IndicatorType::Subnet, "::/0")).ok());
  EXPECT_EQ(set.matchAddress(ip("10.1.2.3")), nullptr);
  EXPECT_NE(set.matchAddress(ip("fe80::1")), nullptr);
  ASSERT_TRUE(set.add(make(IndicatorType::Subnet, "0.0.0.0/0")).ok());
  EXPECT_NE(set.matchAddress(ip("10.1.2.3")), nullptr);
}

TEST(IntelSet, DomainsMatchTheirSubdomainsOnly) {
  IndicatorSet set;
  ASSERT_TRUE(set.add(make(IndicatorType::Domain, "medcloud-sync.net", "parent")).ok());
  ASSERT_TRUE(set.add(make(IndicatorType::Domain, "bad.example.org", "child")).ok());
  EXPECT_EQ(set.matchDomain("medcloud-sync.net")->name, "parent");
  EXPECT_EQ(set.matchDomain("Telemetry.MEDCLOUD-sync.net.")->name, "parent");
  EXPECT_EQ(set.matchDomain("x.bad.example.org")->name, "child");
  EXPECT_EQ(set.matchDomain("example.org"), nullptr);
  EXPECT_EQ(set.matchDomain("notmedcloud-sync.net"), nullptr);
  EXPECT_EQ(set.matchDomain(""), nullptr);
}

TEST(IntelSet, UrlsMatchHostAndPathPrefixAtASegmentBoundary) {
  IndicatorSet set;
  ASSERT_TRUE(set.add(make(IndicatorType::Url, "http://cms.example.com/pm", "pm")).ok());
  ASSERT_TRUE(set.add(make(IndicatorType::Url, "cms.example.com/pm/deep/", "deep")).ok());
  ASSERT_TRUE(set.add(make(IndicatorType::Url, "any.example.com", "any")).ok());
  EXPECT_EQ(set.matchUrl("cms.example.com", "/pm")->name, "pm");
  EXPECT_EQ(set.matchUrl("CMS.example.com", "/pm?x=1")->name, "pm");
  EXPECT_EQ(set.matchUrl("cms.example.com", "/pm/deep/file")->name, "deep");
  EXPECT_EQ(set.matchUrl("cms.example.com", "/pmx"), nullptr);
  EXPECT_EQ(set.matchUrl("www.cms.example.com", "/pm"), nullptr);
  EXPECT_EQ(set.matchUrl("any.example.com", "/whatever")->name, "any");
}

TEST(IntelSet, DuplicatesKeepTheFirst) {
  IndicatorSet set;
  ASSERT_TRUE(set.add(make(IndicatorType::Addr, "192.0.2.1", "first")).ok());
  ASSERT_TRUE(set.add(make(IndicatorType::Addr, "192.0.2.1", "second")).ok());
  EXPECT_EQ(set.size(), 1u);
  EXPECT_EQ(set.duplicates(), 1u);
  EXPECT_EQ(set.matchAddress(ip("192.0.2.1"))->name, "first");
}

TEST(IntelSet, HoldsAtMostTheLimit) {
  IndicatorSet set;
  for (uint32_t i = 0; i < kMaxIndicators; ++i) {
    Indicator ind;
    ind.type = IndicatorType::Addr;
    ind.value = IpAddress::v4(0x0a000000u + i).toString();
    ASSERT_TRUE(set.add(std::move(ind)).ok());
  }
  Indicator one_more = make(IndicatorType::Domain, "example.com");
  auto r = set.add(one_more);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "more than 1000000 indicators (intel::kMaxIndicators)");
  EXPECT_NE(set.matchAddress(ip("10.15.66.63")), nullptr);  // the last one, 10.0.0.0 + 999999
}

TEST(IntelBuiltin, TheContecPackLoads) {
  const IndicatorSet& contec = contecPack();
  ASSERT_EQ(contec.size(), 3u);
  EXPECT_EQ(contec.matchAddress(ip("202.114.4.119"))->name,
            "Contec default CMS server (central station), hard-coded NFS server");
  EXPECT_EQ(contec.matchAddress(ip("202.114.4.120"))->name, "Contec default HL7 server");
  EXPECT_EQ(contec.matchAddress(ip("202.114.4.1"))->name, "Contec default network");
  EXPECT_EQ(contec.matchAddress(ip("202.114.4.1"))->source, "ICSMA-25-030-01");
  EXPECT_EQ(contec.matchAddress(ip("202.114.5.1")), nullptr);
}

}  // namespace
}  // namespace medtap::intel
