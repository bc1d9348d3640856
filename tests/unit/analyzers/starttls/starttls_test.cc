// The STARTTLS analyzer: each protocol's preamble, split any way, hands both directions to TLS
// exactly after the server grants the upgrade; refusals, long lines, gaps, plaintext sessions and
// malformed LDAP are named and bounded.
#include "analyzers/starttls/starttls_analyzer.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "../test_support.h"
#include "../tls/tls_builder.h"
#include "analyzers/starttls/limits.h"
#include "analyzers/starttls/preamble.h"
#include "analyzers/tls/limits.h"

namespace medtap::analyzers::starttls {
namespace {

using flow::Direction;
constexpr Direction C = Direction::Originator;
constexpr Direction S = Direction::Responder;

using Steps = std::vector<std::pair<Direction, std::string>>;

struct Harness {
  explicit Harness(Protocol p) : analyzer(p) {}
  fixtures::RecordingSink sink;
  AnomalyCounters anomalies;
  privacy::PhiTokenizer phi = privacy::PhiTokenizer::withSecret("test");
  events::FlowRef ref;
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  StartTlsAnalyzer analyzer;

  FeedResult send(Direction dir, std::string_view bytes) {
    return analyzer.feed(ctx, dir, asBytes(bytes), Timestamp{});
  }
  void run(const Steps& steps) {
    for (const auto& [dir, bytes] : steps) send(dir, bytes);
  }
  void endBoth() {
    analyzer.end(ctx, C, Timestamp{});
    analyzer.end(ctx, S, Timestamp{});
  }
  std::vector<events::TlsHandshake> tls() const {
    std::vector<events::TlsHandshake> out;
    for (const auto& e : sink.events) {
      if (const auto* t = std::get_if<events::TlsHandshake>(&e.body)) out.push_back(*t);
    }
    return out;
  }
};

const std::string kHello = tls::testing::records(
    tls::testing::handshake(tls::kClientHello, tls::testing::clientHelloBody("mail.example", "")));
const std::string kServerFlight = tls::testing::records(
    tls::testing::handshake(tls::kServerHello, tls::testing::serverHelloBody(0)) +
    tls::testing::handshake(tls::kServerHelloDone, ""));

std::string ldapStartTls(uint8_t id) {
  std::string oid = "1.3.6.1.4.1.1466.20037";
  std::string req = std::string("\x80", 1) + static_cast<char>(oid.size()) + oid;
  std::string op = std::string("\x77", 1) + static_cast<char>(req.size()) + req;
  std::string body = std::string("\x02\x01", 2) + static_cast<char>(id) + op;
  return std::string("\x30", 1) + static_cast<char>(body.size()) + body;
}

std::string ldapExtendedResponse(uint8_t id, uint8_t result) {
  std::string op =
      std::string("\x0a\x01", 2) + static_cast<char>(result) + std::string("\x04\x00\x04\x00", 4);
  op = std::string("\x78", 1) + static_cast<char>(op.size()) + op;
  std::string body = std::string("\x02\x01", 2) + static_cast<char>(id) + op;
  return std::string("\x30", 1) + static_cast<char>(body.size()) + body;
}

const std::string kLdapBind =
    std::string("\x30\x0c\x02\x01\x01\x60\x07\x02\x01\x03\x04\x00\x80\x00", 14);
const std::string kLdapBindResponse =
    std::string("\x30\x0c\x02\x01\x01\x61\x07\x0a\x01\x00\x04\x00\x04\x00", 14);
const std::string kPgsqlSslRequest = std::string("\x00\x00\x00\x08\x04\xd2\x16\x2f", 8);

// Each protocol's upgrade, ending in a TLS handshake.
struct Session {
  Protocol protocol;
  Steps steps;
};

std::vector<Session> sessions() {
  const std::pair<Direction, std::string> hello{C, kHello};
  const std::pair<Direction, std::string> server{S, kServerFlight};
  return {
      {Protocol::Smtp,
       {{S, "220 mail.example ESMTP\r\n"},
        {C, "EHLO ws1.example\r\n"},
        {S, "250-mail.example\r\n250-PIPELINING\r\n250 STARTTLS\r\n"},
        {C, "STARTTLS\r\n"},
        {S, "220 2.0.0 Ready to start TLS\r\n"},
        hello,
        server}},
      {Protocol::Imap,
       {{S, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"},
        {C, "a1 CAPABILITY\r\n"},
        {S, "* CAPABILITY IMAP4rev1 STARTTLS\r\na1 OK done\r\n"},
        {C, "a2 STARTTLS\r\n"},
        {S, "* OK still here\r\na1 OK not yours\r\na2 OK Begin TLS negotiation now\r\n"},
        hello,
        server}},
      {Protocol::Pop3,
       {{S, "+OK POP3 ready\r\n"}, {C, "STLS\r\n"}, {S, "+OK Begin TLS\r\n"}, hello, server}},
      {Protocol::Ftp,
       {{S, "220-Welcome\r\n to the archive\r\n220 ready\r\n"},
        {C, "AUTH TLS\r\n"},
        {S, "234 AUTH TLS OK.\r\n"},
        hello,
        server}},
      {Protocol::Ldap,
       {{C, kLdapBind},
        {S, kLdapBindResponse},
        {C, ldapStartTls(2)},
        {S, ldapExtendedResponse(2, 0)},
        hello,
        server}},
      {Protocol::Pgsql, {{C, kPgsqlSslRequest}, {S, "S"}, hello, server}},
  };
}

void expectOneHandshake(const Harness& h, const std::string& label) {
  const auto tls = h.tls();
  ASSERT_EQ(tls.size(), 1u) << label;
  EXPECT_EQ(tls[0].sni, "mail.example") << label;
  EXPECT_EQ(tls[0].ja3s_string, "771,49195,65281") << label;
  EXPECT_EQ(h.anomalies.total(), 0u) << label;
}

TEST(StartTls, EveryProtocolUpgrades) {
  for (const Session& s : sessions()) {
    Harness h(s.protocol);
    h.run(s.steps);
    expectOneHandshake(h, std::string(protocolName(s.protocol)));
  }
}

// Every step split at every offset, and the whole session one byte at a time.
TEST(StartTls, SplitAnyWay) {
  for (const Session& s : sessions()) {
    const std::string name(protocolName(s.protocol));
    for (size_t i = 0; i < s.steps.size(); ++i) {
      const auto& [dir, bytes] = s.steps[i];
      for (size_t cut = 1; cut < bytes.size(); ++cut) {
        Harness h(s.protocol);
        for (size_t j = 0; j < s.steps.size(); ++j) {
          if (j != i) {
            h.send(s.steps[j].first, s.steps[j].second);
            continue;
          }
          h.send(dir, bytes.substr(0, cut));
          h.send(dir, bytes.substr(cut));
        }
        expectOneHandshake(h, name + " step " + std::to_string(i) + " cut " + std::to_string(cut));
      }
    }
    Harness h(s.protocol);
    for (const auto& [dir, bytes] : s.steps) {
      for (char c : bytes) h.send(dir, std::string_view(&c, 1));
    }
    expectOneHandshake(h, name + " byte by byte");
  }
}

// The server's reply and the client's hello in the other order (the client did not wait, or the
// capture shows them so): still one handshake.
TEST(StartTls, ClientHelloBeforeTheReply) {
  Harness h(Protocol::Smtp);
  h.run({{S, "220 mx ESMTP\r\n"},
         {C, "EHLO a\r\n"},
         {S, "250 STARTTLS\r\n"},
         {C, "STARTTLS\r\n" + kHello},
         {S, "220 go ahead\r\n" + kServerFlight}});
  expectOneHandshake(h, "smtp");
}

TEST(StartTls, RefusedStaysInClear) {
  Harness h(Protocol::Smtp);
  h.run({{S, "220 mx ESMTP\r\n"},
         {C, "STARTTLS\r\n"},
         {S, "454 4.7.0 TLS not available\r\n"},
         {C, "MAIL FROM:<a@b>\r\n"},
         {S, "250 ok\r\n"}});
  EXPECT_EQ(h.anomalies.get(Anomaly::StarttlsRefused), 1u);
  // A TLS record now is not an upgrade: nothing was granted.
  h.send(C, kHello);
  h.endBoth();
  EXPECT_TRUE(h.tls().empty());
}

TEST(StartTls, ImapOtherTagsAndLdapRefusal) {
  Harness imap(Protocol::Imap);
  imap.run({{C, "x STARTTLS\r\n"}, {S, "* BYE\r\ny OK\r\nx NO [ALERT] not now\r\n"}});
  EXPECT_EQ(imap.anomalies.get(Anomaly::StarttlsRefused), 1u);
  Harness ldap(Protocol::Ldap);
  ldap.run({{C, ldapStartTls(7)}, {S, ldapExtendedResponse(7, 2)}});
  EXPECT_EQ(ldap.anomalies.get(Anomaly::StarttlsRefused), 1u);
}

// A session in clear is watched for kMaxPlaintext bytes only.
TEST(StartTls, PlaintextBounded) {
  Harness h(Protocol::Smtp);
  const std::string line = "DATA line of a message in clear\r\n";
  for (size_t sent = 0; sent <= kMaxPlaintext; sent += line.size()) h.send(C, line);
  h.send(C, "STARTTLS\r\n");
  h.send(S, "220 ready\r\n");
  h.send(C, kHello);
  h.endBoth();
  EXPECT_EQ(h.anomalies.get(Anomaly::StarttlsPlaintextLimit), 1u);
  EXPECT_TRUE(h.tls().empty());
}

TEST(StartTls, LongLineCountedAndSkipped) {
  Harness h(Protocol::Smtp);
  h.send(C, std::string(kMaxLine + 100, 'x') + "\r\n");
  EXPECT_EQ(h.anomalies.get(Anomaly::StarttlsLongLine), 1u);
  h.run({{C, "STARTTLS\r\n"}, {S, "220 ready\r\n"}, {C, kHello}, {S, kServerFlight}});
  EXPECT_EQ(h.tls().size(), 1u);
}

// After a gap the rest of the line is not a command; the next whole line is.
TEST(StartTls, GapResyncsAtTheNextLine) {
  Harness h(Protocol::Smtp);
  h.send(C, "EHLO a\r\nSTAR");
  h.analyzer.gap(h.ctx, C, 4, Timestamp{});
  h.send(C, "TTLS\r\n");
  h.send(S, "220 not a reply to anything\r\n");
  h.run({{C, "STARTTLS\r\n"}, {S, "220 ready\r\n"}, {C, kHello}, {S, kServerFlight}});
  EXPECT_EQ(h.tls().size(), 1u);
}

TEST(StartTls, LdapNotBerIsOutOfSync) {
  Harness h(Protocol::Ldap);
  EXPECT_EQ(h.send(C, kLdapBind), FeedResult::Consumed);
  EXPECT_EQ(h.send(C, std::string("\x00\x00\x00\x10garbage", 11)), FeedResult::OutOfSync);
  EXPECT_EQ(h.anomalies.get(Anomaly::StarttlsMalformedPreamble), 1u);
}

TEST(StartTls, PgsqlRefusedOrPlain) {
  Harness refused(Protocol::Pgsql);
  refused.run({{C, kPgsqlSslRequest}, {S, "N"}, {C, kHello}});
  refused.endBoth();
  EXPECT_TRUE(refused.tls().empty());
  Harness plain(Protocol::Pgsql);
  plain.run({{C, std::string("\x00\x00\x00\x09\x00\x03\x00\x00\x00", 9)}, {S, "R"}});
  plain.endBoth();
  EXPECT_TRUE(plain.tls().empty());
}

// A handshake left open is reported when both directions end.
TEST(StartTls, PendingHandshakeAtTheEnd) {
  Harness h(Protocol::Pop3);
  h.run({{S, "+OK\r\n"}, {C, "STLS\r\n"}, {S, "+OK go\r\n"}, {C, kHello}});
  EXPECT_TRUE(h.tls().empty());
  h.endBoth();
  EXPECT_EQ(h.tls().size(), 1u);
}

TEST(StartTlsProbe, ByContent) {
  auto p = [](Protocol proto, std::string_view bytes, Direction dir) {
    return probe(proto, asBytes(bytes), dir);
  };
  EXPECT_EQ(p(Protocol::Smtp, "220 mx ESMTP\r\n", S), ProbeResult::Maybe);
  EXPECT_EQ(p(Protocol::Smtp, "EHLO ws1\r\n", C), ProbeResult::Yes);
  EXPECT_EQ(p(Protocol::Smtp, "ehlo ws1\r\n", C), ProbeResult::Yes);
  EXPECT_EQ(p(Protocol::Smtp, "EH", C), ProbeResult::Maybe);
  EXPECT_EQ(p(Protocol::Ftp, "EHLO ws1\r\n", C), ProbeResult::No);
  EXPECT_EQ(p(Protocol::Ftp, "AUTH TLS\r\n", C), ProbeResult::Yes);
  EXPECT_EQ(p(Protocol::Ftp, "220 FTP\r\n", S), ProbeResult::Maybe);
  EXPECT_EQ(p(Protocol::Smtp, "HTTP/1.1 200 OK\r\n", S), ProbeResult::No);
  EXPECT_EQ(p(Protocol::Imap, "* OK ready\r\n", S), ProbeResult::Yes);
  EXPECT_EQ(p(Protocol::Imap, "a1 CAPABILITY\r\n", C), ProbeResult::Yes);
  EXPECT_EQ(p(Protocol::Imap, "GET / HTTP/1.1\r\n", C), ProbeResult::No);
  EXPECT_EQ(p(Protocol::Pop3, "+OK POP3\r\n", S), ProbeResult::Yes);
  EXPECT_EQ(p(Protocol::Pop3, "-ERR\r\n", S), ProbeResult::No);
  EXPECT_EQ(p(Protocol::Ldap, ldapStartTls(1), C), ProbeResult::Yes);
  EXPECT_EQ(p(Protocol::Ldap, kLdapBindResponse, S), ProbeResult::Yes);
  EXPECT_EQ(p(Protocol::Ldap, kLdapBindResponse, C), ProbeResult::No);
  EXPECT_EQ(p(Protocol::Ldap, kLdapBind.substr(0, 3), C), ProbeResult::Maybe);
  EXPECT_EQ(p(Protocol::Ldap, "\x30\x80\x02\x01\x01\x60", C), ProbeResult::No);  // indefinite
  EXPECT_EQ(p(Protocol::Pgsql, kPgsqlSslRequest, C), ProbeResult::Yes);
  EXPECT_EQ(p(Protocol::Pgsql, kPgsqlSslRequest.substr(0, 5), C), ProbeResult::Maybe);
  EXPECT_EQ(p(Protocol::Pgsql, "GET / HTTP/1.1\r\n", C), ProbeResult::No);
  EXPECT_EQ(p(Protocol::Pgsql, "S", S), ProbeResult::No);
}

TEST(StartTlsPreamble, CommandsAndReplies) {
  std::string tag;
  EXPECT_TRUE(isUpgradeCommand(Protocol::Smtp, "starttls \r", tag));
  EXPECT_FALSE(isUpgradeCommand(Protocol::Smtp, "STARTTLSX", tag));
  EXPECT_TRUE(isUpgradeCommand(Protocol::Ftp, "AUTH SSL", tag));
  EXPECT_FALSE(isUpgradeCommand(Protocol::Ftp, "AUTH GSSAPI", tag));
  EXPECT_TRUE(isUpgradeCommand(Protocol::Imap, "A001 StartTLS\r", tag));
  EXPECT_EQ(tag, "A001");
  EXPECT_EQ(classifyReply(Protocol::Smtp, "220-first\r", ""), Reply::Continues);
  EXPECT_EQ(classifyReply(Protocol::Smtp, "220\r", ""), Reply::Granted);
  EXPECT_EQ(classifyReply(Protocol::Ftp, "234 ok", ""), Reply::Granted);
  EXPECT_EQ(classifyReply(Protocol::Ftp, " text", ""), Reply::Continues);
  EXPECT_EQ(classifyReply(Protocol::Ftp, "534 no", ""), Reply::Refused);
  EXPECT_EQ(classifyReply(Protocol::Imap, "A0011 OK", "A001"), Reply::Continues);
  EXPECT_EQ(classifyReply(Protocol::Imap, "A001 BAD", "A001"), Reply::Refused);
  EXPECT_TRUE(isLdapStartTls(asBytes(ldapStartTls(3))));
  EXPECT_FALSE(isLdapStartTls(asBytes(kLdapBind)));
  EXPECT_EQ(classifyLdapReply(asBytes(ldapExtendedResponse(3, 0))), Reply::Granted);
  EXPECT_EQ(classifyLdapReply(asBytes(kLdapBindResponse)), Reply::Continues);
}

}  // namespace
}  // namespace medtap::analyzers::starttls
