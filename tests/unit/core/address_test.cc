#include "core/address.h"

#include <gtest/gtest.h>

namespace medtap {
namespace {

TEST(IpAddress, ParsesAndFormatsBothFamilies) {
  auto v4 = IpAddress::parse("202.114.4.119");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->isV4());
  EXPECT_EQ(v4->toString(), "202.114.4.119");
  EXPECT_EQ(v4->v4HostOrder(), 0xCA720477u);
  auto v6 = IpAddress::parse("fe80::1");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->family(), IpFamily::V6);
  EXPECT_EQ(v6->toString(), "fe80::1");
  EXPECT_FALSE(IpAddress::parse("202.114.4"));
  EXPECT_FALSE(IpAddress::parse(""));
  EXPECT_FALSE(IpAddress::parse("not an address at all, and a long one too, past the buffer"));
}

TEST(IpAddress, MappedV6IsNotV4) {
  // ::ffff:1.2.3.4 written as IPv6 keeps its family, so it never equals the IPv4 address.
  auto mapped = IpAddress::parse("::ffff:1.2.3.4");
  auto v4 = IpAddress::parse("1.2.3.4");
  ASSERT_TRUE(mapped && v4);
  EXPECT_NE(*mapped, *v4);
}

TEST(IpNetwork, ContainsByPrefix) {
  auto net = IpNetwork::parse("202.114.4.0/24");
  ASSERT_TRUE(net);
  EXPECT_TRUE(net->contains(*IpAddress::parse("202.114.4.119")));
  EXPECT_TRUE(net->contains(*IpAddress::parse("202.114.4.255")));
  EXPECT_FALSE(net->contains(*IpAddress::parse("202.114.5.1")));
  EXPECT_FALSE(net->contains(*IpAddress::parse("::ffff:202.114.4.119")));
  auto odd = IpNetwork::parse("10.0.0.0/9");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->contains(*IpAddress::parse("10.127.255.255")));
  EXPECT_FALSE(odd->contains(*IpAddress::parse("10.128.0.0")));
  auto v6 = IpNetwork::parse("fd00::/8");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->contains(*IpAddress::parse("fd12::1")));
  EXPECT_FALSE(IpNetwork::parse("10.0.0.0/33"));
  EXPECT_FALSE(IpNetwork::parse("10.0.0.0/x"));
  EXPECT_TRUE(IpNetwork::parse("0.0.0.0/0")->contains(*IpAddress::parse("8.8.8.8")));
}

TEST(MacAddress, Formats) {
  const uint8_t raw[6] = {0x00, 0x1b, 0x2c, 0xff, 0x4e, 0x5f};
  auto m = MacAddress::from(Bytes(raw, 6));
  EXPECT_EQ(m.toString(), "00:1b:2c:ff:4e:5f");
  EXPECT_FALSE(m.isMulticast());
}

}  // namespace
}  // namespace medtap
