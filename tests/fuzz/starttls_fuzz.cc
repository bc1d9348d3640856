// Fuzz target for the STARTTLS analyzer and its preamble parsers. The first byte picks the
// protocol; the rest is a sequence of pieces, each a header byte (bit 7: 0 client, 1 server; bits
// 0-6: length) and that many bytes, fed to that direction, so that seeds can be whole sessions.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "analyzers/starttls/preamble.h"
#include "analyzers/starttls/starttls_analyzer.h"
#include "analyzers/tls/limits.h"

namespace {

using namespace medtap;
using namespace medtap::analyzers;

void check(bool ok) {
  if (!ok) std::abort();
}

class Sink : public events::EventSink {
 public:
  void emit(const events::Event& e) override {
    const auto* t = std::get_if<events::TlsHandshake>(&e.body);
    check(t != nullptr);  // the analyzer reports TLS handshakes only
    check(t->sni.size() <= tls::kMaxNameLength);
  }
};

constexpr starttls::Protocol kProtocols[] = {starttls::Protocol::Smtp, starttls::Protocol::Imap,
                                             starttls::Protocol::Pop3, starttls::Protocol::Ftp,
                                             starttls::Protocol::Ldap, starttls::Protocol::Pgsql};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const starttls::Protocol protocol = kProtocols[data[0] % std::size(kProtocols)];
  const Bytes bytes(data + 1, size - 1);
  for (Direction dir : {Direction::Originator, Direction::Responder}) {
    starttls::probe(protocol, bytes, dir);
  }
  std::string tag;
  starttls::isUpgradeCommand(protocol, asChars(bytes), tag);
  starttls::classifyReply(protocol, asChars(bytes), tag);
  starttls::isLdapStartTls(bytes);
  starttls::classifyLdapReply(bytes);

  static const auto phi = privacy::PhiTokenizer::withSecret("fuzz");
  Sink sink;
  AnomalyCounters anomalies;
  events::FlowRef ref;
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  starttls::StartTlsAnalyzer analyzer(protocol);
  size_t pos = 0;
  while (pos < bytes.size()) {
    const uint8_t header = bytes[pos++];
    const Direction dir = (header & 0x80) != 0 ? Direction::Responder : Direction::Originator;
    const size_t length = std::min<size_t>(header & 0x7F, bytes.size() - pos);
    if ((header & 0x7F) == 0) {
      analyzer.gap(ctx, dir, 1, Timestamp{});  // a zero length stands for a lost segment
      continue;
    }
    if (analyzer.feed(ctx, dir, bytes.subspan(pos, length), Timestamp{}) == FeedResult::OutOfSync) {
      break;
    }
    pos += length;
  }
  analyzer.end(ctx, Direction::Originator, Timestamp{});
  analyzer.end(ctx, Direction::Responder, Timestamp{});
  return 0;
}
