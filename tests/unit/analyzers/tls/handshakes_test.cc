// The TLS analyzer past the first hello: a second ClientHello after a HelloRetryRequest (with the
// TLS 1.3 dummy ChangeCipherSpec before it), a TLS <= 1.2 renegotiation before ChangeCipherSpec,
// nothing parsed after a direction's ChangeCipherSpec, and the per-flow handshake limit.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../test_support.h"
#include "analyzers/tls/hello.h"
#include "analyzers/tls/limits.h"
#include "analyzers/tls/tls_analyzer.h"
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
  void endBoth() {
    analyzer.end(ctx, Direction::Originator, Timestamp{});
    analyzer.end(ctx, Direction::Responder, Timestamp{});
  }
  std::vector<events::TlsHandshake> tls() const {
    std::vector<events::TlsHandshake> out;
    for (const auto& e : sink.events) {
      if (const auto* t = std::get_if<events::TlsHandshake>(&e.body)) out.push_back(*t);
    }
    return out;
  }
};

std::string clientHello(const std::string& sni) {
  return testing::records(testing::handshake(kClientHello, testing::clientHelloBody(sni, "h2")));
}

// A ServerHello (TLS 1.3 via supported_versions) whose random is the HelloRetryRequest value.
std::string helloRetryRequest() {
  std::string body = testing::serverHelloBody(kTls13);
  const std::string hrr_random =
      "\xCF\x21\xAD\x74\xE5\x9A\x61\x11\xBE\x1D\x8C\x02\x1E\x65\xB8\x91"
      "\xC2\xA2\x11\x16\x7A\xBB\x8C\x5E\x07\x9E\x09\xE2\xC8\xA8\x33\x9C";
  body.replace(2, 32, hrr_random);
  return testing::handshake(kServerHello, body);
}

const std::string kChangeCipherSpec = std::string("\x14\x03\x03\x00\x01\x01", 6);
const std::string kApplicationData = std::string("\x17\x03\x03\x00\x03xyz", 8);

const std::string kServer12 =
    testing::records(testing::handshake(kServerHello, testing::serverHelloBody(0)) +
                     testing::handshake(kServerHelloDone, ""));

TEST(TlsHelloRetry, ParsedFromTheRandom) {
  const std::string hrr = helloRetryRequest();
  const auto sh = parseServerHello(asBytes(hrr).subspan(kHandshakeHeaderSize));
  ASSERT_TRUE(sh);
  EXPECT_TRUE(sh->hello_retry_request);
  const auto plain = parseServerHello(asBytes(testing::serverHelloBody(kTls13)));
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->hello_retry_request);
}

// RFC 8446 section 4.1.4 with middlebox compatibility (appendix D.4): ClientHello, HRR + CCS,
// CCS + second ClientHello, ServerHello + encrypted records. The client's second flight split at
// every offset gives the same two events.
TEST(TlsHelloRetry, SecondClientHelloReported) {
  const std::string second = kChangeCipherSpec + clientHello("retry.example");
  for (size_t cut = 0; cut <= second.size(); ++cut) {
    Harness h;
    h.send(Direction::Originator, clientHello("first.example"));
    h.send(Direction::Responder, testing::records(helloRetryRequest()) + kChangeCipherSpec);
    h.send(Direction::Originator, second.substr(0, cut));
    h.send(Direction::Originator, second.substr(cut));
    h.send(Direction::Responder,
           testing::records(testing::handshake(kServerHello, testing::serverHelloBody(kTls13))) +
               kApplicationData);
    h.send(Direction::Originator, kChangeCipherSpec + kApplicationData);
    const auto tls = h.tls();
    ASSERT_EQ(tls.size(), 2u) << cut;
    EXPECT_EQ(tls[0].sni, "first.example");
    EXPECT_EQ(tls[0].version, "TLS 1.3");
    EXPECT_FALSE(tls[0].ja3s_hash.empty());  // from the HelloRetryRequest
    EXPECT_EQ(tls[1].sni, "retry.example");
    EXPECT_EQ(tls[1].version, "TLS 1.3");
    EXPECT_EQ(tls[1].ja3s_string, "771,49195,65281-43");
    EXPECT_EQ(h.anomalies.total(), 0u);
    // Both directions encrypted: the flow is ignored from here on.
    EXPECT_EQ(h.send(Direction::Originator, "not tls"), FeedResult::Consumed);
  }
}

// TLS <= 1.2: a second ClientHello before either ChangeCipherSpec is a renegotiation in clear.
TEST(TlsRenegotiation, BeforeChangeCipherSpecReported) {
  Harness h;
  h.send(Direction::Originator, clientHello("one.example"));
  h.send(Direction::Responder, kServer12);
  h.send(Direction::Originator, clientHello("two.example"));
  h.send(Direction::Responder, kServer12 + kChangeCipherSpec);
  const auto tls = h.tls();
  ASSERT_EQ(tls.size(), 2u);
  EXPECT_EQ(tls[0].sni, "one.example");
  EXPECT_EQ(tls[1].sni, "two.example");
  EXPECT_EQ(tls[1].ja3s_string, "771,49195,65281");
}

// A server that answers the second ClientHello without ServerHelloDone (resumption): the next
// ClientHello, then the end of the flow, close each handshake.
TEST(TlsRenegotiation, ClosedByTheNextHelloOrTheEnd) {
  Harness h;
  h.send(Direction::Originator, clientHello("one.example"));
  h.send(Direction::Originator, clientHello("two.example"));
  ASSERT_EQ(h.tls().size(), 1u);
  h.endBoth();
  const auto tls = h.tls();
  ASSERT_EQ(tls.size(), 2u);
  EXPECT_EQ(tls[1].sni, "two.example");
}

// After its ChangeCipherSpec a TLS <= 1.2 direction is encrypted: a handshake record there is
// not read, even when its bytes look like a ClientHello.
TEST(TlsRenegotiation, NothingParsedAfterChangeCipherSpec) {
  Harness h;
  h.send(Direction::Originator, clientHello("one.example"));
  h.send(Direction::Responder, kServer12);
  h.send(Direction::Originator, kChangeCipherSpec + clientHello("hidden.example"));
  h.endBoth();
  const auto tls = h.tls();
  ASSERT_EQ(tls.size(), 1u);
  EXPECT_EQ(tls[0].sni, "one.example");
}

// Each handshake reads its own certificate (here a malformed one, counted once per handshake).
TEST(TlsRenegotiation, CertificatePerHandshake) {
  std::string cert_body;
  testing::put24(cert_body, 7);
  testing::put24(cert_body, 4);
  cert_body += "\x30\x82\x00\x00";
  const std::string server = testing::records(
      testing::handshake(kServerHello, testing::serverHelloBody(0)) +
      testing::handshake(kCertificate, cert_body) + testing::handshake(kServerHelloDone, ""));
  Harness h;
  h.send(Direction::Originator, clientHello("one.example"));
  h.send(Direction::Responder, server);
  h.send(Direction::Originator, clientHello("two.example"));
  h.send(Direction::Responder, server);
  EXPECT_EQ(h.tls().size(), 2u);
  EXPECT_EQ(h.anomalies.get(Anomaly::TlsBadCertificate), 2u);
}

TEST(TlsRenegotiation, HandshakesPerFlowBounded) {
  Harness h;
  for (uint32_t i = 0; i <= kMaxHandshakesPerFlow; ++i) {
    h.send(Direction::Originator, clientHello("flood.example"));
    h.send(Direction::Responder, kServer12);
  }
  h.endBoth();
  EXPECT_EQ(h.tls().size(), kMaxHandshakesPerFlow);
  EXPECT_EQ(h.anomalies.get(Anomaly::TlsHandshakeLimit), 1u);
  EXPECT_EQ(h.send(Direction::Originator, clientHello("late.example")), FeedResult::Consumed);
  EXPECT_EQ(h.tls().size(), kMaxHandshakesPerFlow);
}

// A ClientHello from the server's side is not a handshake.
TEST(TlsRenegotiation, ClientHelloFromTheServerIgnored) {
  Harness h;
  h.send(Direction::Originator, clientHello("one.example"));
  h.send(Direction::Responder, clientHello("server.example"));
  h.endBoth();
  ASSERT_EQ(h.tls().size(), 1u);
  EXPECT_EQ(h.tls()[0].sni, "one.example");
}

}  // namespace
}  // namespace medtap::analyzers::tls
