// The TLS analyzer: records and handshake messages split any way give the same event; bad
// records, oversized messages and truncation are named and bounded.
#include "analyzers/tls/tls_analyzer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../test_support.h"
#include "analyzers/tls/hello.h"
#include "analyzers/tls/limits.h"
#include "tls_builder.h"

namespace medtap::analyzers::tls {
namespace {

using flow::Direction;

struct Harness {
  fixtures::RecordingSink sink;
  AnomalyCounters anomalies;
  privacy::PhiTokenizer phi = privacy::PhiTokenizer::withSecret("test");
  events::FlowRef ref;
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  TlsAnalyzer analyzer;

  FeedResult send(Direction dir, std::string_view bytes) {
    return analyzer.feed(ctx, dir, asBytes(bytes), Timestamp{});
  }
  std::vector<events::TlsHandshake> tls() const {
    std::vector<events::TlsHandshake> out;
    for (const auto& e : sink.events) {
      if (const auto* t = std::get_if<events::TlsHandshake>(&e.body)) out.push_back(*t);
    }
    return out;
  }
};

const std::string kClientFlight =
    testing::records(testing::handshake(1, testing::clientHelloBody("pacs.example", "h2")), 40);
// ServerHello (TLS 1.2) and ServerHelloDone in one record.
const std::string kServerFlight = testing::records(
    testing::handshake(2, testing::serverHelloBody(0)) + testing::handshake(14, ""));

void expectEvent(const events::TlsHandshake& t) {
  EXPECT_EQ(t.sni, "pacs.example");
  EXPECT_EQ(t.alpn_ts, std::vector<std::string>{"h2"});
  EXPECT_EQ(t.version, "TLS 1.2");
  EXPECT_EQ(t.ja3_string, "771,4865-49195-47,0-10-11-13-16-43,29-23,0");
  EXPECT_EQ(t.ja3_hash, md5Hex(t.ja3_string));
  EXPECT_EQ(t.ja3s_string, "771,49195,65281");
  EXPECT_EQ(t.ja4.substr(0, 11), "t13d0306h2_");
}

TEST(TlsProbe, Strict) {
  EXPECT_EQ(probe(asBytes(kClientFlight), Direction::Originator), ProbeResult::Yes);
  EXPECT_EQ(probe(asBytes(kClientFlight.substr(0, 5)), Direction::Originator), ProbeResult::Maybe);
  EXPECT_EQ(probe(asBytes(kServerFlight), Direction::Responder), ProbeResult::No);
  EXPECT_EQ(probe(asBytes("\x16\x03\x05"), Direction::Originator), ProbeResult::No);
  EXPECT_EQ(probe(asBytes("\x17\x03\x03"), Direction::Originator), ProbeResult::No);
  EXPECT_EQ(probe(asBytes("GET / HTTP/1.1"), Direction::Originator), ProbeResult::No);
  EXPECT_EQ(probe(asBytes(std::string("\x16\x03\x01\xff\xff\x01", 6)), Direction::Originator),
            ProbeResult::No);  // record length beyond 2^14 + 2048
}

// A ClientHello spanning four records (40 bytes each), the records split at every offset.
TEST(TlsAnalyzer, SplitAtEveryOffset) {
  for (size_t cut = 1; cut < kClientFlight.size(); ++cut) {
    Harness h;
    EXPECT_EQ(h.send(Direction::Originator, kClientFlight.substr(0, cut)), FeedResult::Consumed);
    EXPECT_EQ(h.send(Direction::Originator, kClientFlight.substr(cut)), FeedResult::Consumed);
    EXPECT_EQ(h.send(Direction::Responder, kServerFlight), FeedResult::Consumed);
    const auto tls = h.tls();
    ASSERT_EQ(tls.size(), 1u) << cut;
    expectEvent(tls[0]);
    EXPECT_EQ(h.anomalies.total(), 0u);
  }
}

TEST(TlsAnalyzer, OneByteAtATime) {
  Harness h;
  for (char c : kClientFlight) h.send(Direction::Originator, std::string_view(&c, 1));
  for (char c : kServerFlight) h.send(Direction::Responder, std::string_view(&c, 1));
  const auto tls = h.tls();
  ASSERT_EQ(tls.size(), 1u);
  expectEvent(tls[0]);
}

TEST(TlsAnalyzer, Tls13EmitsAtServerHello) {
  Harness h;
  h.send(Direction::Originator, kClientFlight);
  h.send(Direction::Responder,
         testing::records(testing::handshake(2, testing::serverHelloBody(0x0304))));
  const auto tls = h.tls();
  ASSERT_EQ(tls.size(), 1u);
  EXPECT_EQ(tls[0].version, "TLS 1.3");
  EXPECT_EQ(tls[0].ja3s_string, "771,49195,65281-43");
  // Later bytes are ignored, whatever they are.
  EXPECT_EQ(h.send(Direction::Responder, "garbage"), FeedResult::Consumed);
}

TEST(TlsAnalyzer, ClientOnlyAtEnd) {
  Harness h;
  h.send(Direction::Originator, kClientFlight);
  EXPECT_TRUE(h.tls().empty());
  h.analyzer.end(h.ctx, Direction::Originator, Timestamp{});
  h.analyzer.end(h.ctx, Direction::Responder, Timestamp{});
  const auto tls = h.tls();
  ASSERT_EQ(tls.size(), 1u);
  EXPECT_EQ(tls[0].sni, "pacs.example");
  EXPECT_EQ(tls[0].version, "TLS 1.3");  // the client's highest offer
  EXPECT_TRUE(tls[0].ja3s_hash.empty());
}

TEST(TlsAnalyzer, BadRecordIsOutOfSync) {
  Harness h;
  h.send(Direction::Originator, kClientFlight);
  EXPECT_EQ(h.send(Direction::Responder, "HTTP/1.1 400 Bad Request\r\n"), FeedResult::OutOfSync);
  EXPECT_EQ(h.anomalies.get(Anomaly::TlsBadRecord), 1u);
  EXPECT_EQ(h.tls().size(), 1u);  // what was seen is reported
}

TEST(TlsAnalyzer, OversizedHandshakeSkippedUnbuffered) {
  Harness h;
  // A Certificate message claiming 16 MiB: skipped, not buffered.
  std::string msg = "\x0b\xff\xff\xff" + std::string(1000, 'x');
  h.send(Direction::Originator, kClientFlight);
  EXPECT_EQ(h.send(Direction::Responder,
                   testing::records(testing::handshake(2, testing::serverHelloBody(0)))),
            FeedResult::Consumed);
  EXPECT_EQ(h.send(Direction::Responder, testing::records(msg)), FeedResult::Consumed);
  EXPECT_EQ(h.anomalies.get(Anomaly::TlsOversizedHandshake), 1u);
}

TEST(TlsAnalyzer, MalformedCertificateCounted) {
  Harness h;
  h.send(Direction::Originator, kClientFlight);
  std::string cert_body;
  testing::put24(cert_body, 7);
  testing::put24(cert_body, 4);
  cert_body += "\x30\x82\x00\x00";  // not a certificate
  h.send(Direction::Responder,
         testing::records(testing::handshake(2, testing::serverHelloBody(0)) +
                          testing::handshake(11, cert_body) + testing::handshake(14, "")));
  EXPECT_EQ(h.anomalies.get(Anomaly::TlsBadCertificate), 1u);
  ASSERT_EQ(h.tls().size(), 1u);
  EXPECT_TRUE(h.tls()[0].subject.empty());
}

TEST(TlsAnalyzer, GapStopsTheDirection) {
  Harness h;
  h.send(Direction::Originator, kClientFlight.substr(0, 20));
  h.analyzer.gap(h.ctx, Direction::Originator, 100, Timestamp{});
  EXPECT_EQ(h.anomalies.get(Anomaly::TlsTruncatedHandshake), 1u);
  h.analyzer.end(h.ctx, Direction::Originator, Timestamp{});
  h.analyzer.end(h.ctx, Direction::Responder, Timestamp{});
  EXPECT_TRUE(h.tls().empty());
}

}  // namespace
}  // namespace medtap::analyzers::tls
