#include "analyzers/dns/dns_parser.h"

#include <gtest/gtest.h>

#include "../test_support.h"
#include "analyzers/dns/dns_analyzer.h"
#include "dns_builder.h"
#include "sinks/eve_writer.h"

namespace medtap::analyzers::dns {
namespace {

using testing::DnsBuilder;

TEST(DnsParser, QueryAndAnswer) {
  DnsBuilder q(0x1234, 0x0100);
  q.question("pacs.ward.test", 1);
  events::DnsMessage m;
  AnomalyCounters a;
  ASSERT_EQ(parseMessage(Bytes(q.bytes), m, a), ParseStatus::Ok);
  EXPECT_FALSE(m.qr());
  EXPECT_TRUE(m.rd());
  ASSERT_EQ(m.questions.size(), 1u);
  EXPECT_EQ(m.questions[0].rrname, "pacs.ward.test");
  EXPECT_EQ(m.questions[0].rrtype, 1);

  DnsBuilder r(0x1234, 0x8180);
  r.question("pacs.ward.test", 1);
  r.answer(1, 300, {10, 0, 0, 9});
  r.answer(5, 60, {0xC0, 12});  // CNAME pointing at the question name
  r.answer(28, 60, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  r.answer(16, 60, {3, 'a', 'b', 'c', 2, 'd', 'e'});
  r.answer(15, 60, {0, 10, 0xC0, 12});
  ASSERT_EQ(parseMessage(Bytes(r.bytes), m, a), ParseStatus::Ok);
  EXPECT_TRUE(m.qr());
  EXPECT_TRUE(m.ra());
  EXPECT_EQ(m.rcode(), 0);
  ASSERT_EQ(m.answers.size(), 5u);
  EXPECT_EQ(m.answers[0].rrname, "pacs.ward.test");
  EXPECT_EQ(m.answers[0].rdata, "10.0.0.9");
  EXPECT_EQ(m.answers[0].ttl, 300u);
  EXPECT_EQ(m.answers[1].rdata, "pacs.ward.test");
  EXPECT_EQ(m.answers[2].rdata, "2001:db8::1");
  EXPECT_EQ(m.answers[3].rdata, "abcde");
  EXPECT_EQ(m.answers[4].rdata, "pacs.ward.test");
  EXPECT_EQ(a.total(), 0u);
}

TEST(DnsParser, TruncatedAndBadNamesAreNamed) {
  events::DnsMessage m;
  AnomalyCounters a;
  const std::vector<uint8_t> shorty(5, 0);
  EXPECT_EQ(parseMessage(Bytes(shorty), m, a), ParseStatus::NotDns);
  EXPECT_EQ(a.get(Anomaly::DnsTruncatedMessage), 1u);

  DnsBuilder r(1, 0x8180);
  r.question("x.test", 1);
  r.answer(1, 1, {10, 0, 0, 1});
  auto cut = r.bytes;
  cut.resize(cut.size() - 2);
  EXPECT_EQ(parseMessage(Bytes(cut), m, a), ParseStatus::Ok);
  EXPECT_EQ(m.questions.size(), 1u);
  EXPECT_TRUE(m.answers.empty());
  EXPECT_EQ(a.get(Anomaly::DnsTruncatedMessage), 2u);

  DnsBuilder loop(2, 0x0100);
  loop.bytes.insert(loop.bytes.end(), {0xC0, 12, 0, 1, 0, 1});
  loop.bytes[5] = 1;
  EXPECT_EQ(parseMessage(Bytes(loop.bytes), m, a), ParseStatus::Ok);
  EXPECT_EQ(a.get(Anomaly::DnsNamePointerLoop), 1u);
}

TEST(DnsProbe, HeaderSanity) {
  DnsBuilder q(7, 0x0100);
  q.question("monitor.ward.test", 1);
  EXPECT_EQ(probeUdp(Bytes(q.bytes), Direction::Originator), ProbeResult::Yes);
  EXPECT_EQ(probeTcp(Bytes(q.tcp()), Direction::Originator), ProbeResult::Yes);
  EXPECT_EQ(probeTcp(Bytes(q.tcp()).first(10), Direction::Originator), ProbeResult::Maybe);
  auto many = q.bytes;
  many[5] = 40;  // 40 questions
  EXPECT_EQ(probeUdp(Bytes(many), Direction::Originator), ProbeResult::No);
  auto opcode = q.bytes;
  opcode[2] = 0x78;  // opcode 15
  EXPECT_EQ(probeUdp(Bytes(opcode), Direction::Originator), ProbeResult::No);
  const std::string http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_EQ(probeUdp(asBytes(http), Direction::Originator), ProbeResult::No);
  EXPECT_EQ(probeTcp(asBytes(http), Direction::Originator), ProbeResult::No);
  const DnsBuilder empty(7, 0x0100);
  EXPECT_EQ(probeUdp(Bytes(empty.bytes), Direction::Originator), ProbeResult::No);
}

TEST(DnsEve, SuricataV2Fields) {
  DnsBuilder r(0x1234, 0x8183);
  r.question("gone.ward.test", 28);
  events::DnsMessage m;
  AnomalyCounters a;
  ASSERT_EQ(parseMessage(Bytes(r.bytes), m, a), ParseStatus::Ok);
  events::Event e{Timestamp::fromSecNs(1, 0), std::nullopt, m, events::Direction::ToClient};
  std::string line;
  sinks::formatEve(e, line);
  EXPECT_NE(line.find("\"dns\":{\"version\":2,\"type\":\"answer\",\"id\":4660,\"flags\":\"8183\","
                      "\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,"
                      "\"rrname\":\"gone.ward.test\",\"rrtype\":\"AAAA\",\"rcode\":\"NXDOMAIN\""),
            std::string::npos)
      << line;
}

}  // namespace
}  // namespace medtap::analyzers::dns
