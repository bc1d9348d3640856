// Fuzz target for the STARTTLS analyzer and its preamble parsers. The first byte picks the
// protocol; the rest is a sequence of pieces, each a header byte (bit 7: 0 client, 1 server; bits
// 0-6: length; 0 is a one-byte gap) and that many bytes, fed to that direction, so that seeds can
// be whole sessions. Every event is formatted as EVE and must be a tls event.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/starttls/preamble.h"
#include "analyzers/starttls/starttls_analyzer.h"
#include "fuzz_support.h"

namespace {

using namespace medtap;
using namespace medtap::analyzers;

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

  fuzz::StreamContext s;
  AnalyzerContext& ctx = s.ctx;
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
  // The analyzer reports TLS handshakes only.
  for (const std::string& line : s.sink.lines) {
    fuzz::check(line.find("\"event_type\":\"tls\"") != std::string::npos);
  }
  return 0;
}
