// Fuzz target for DNS: the message parser and name decoder over the whole input, and the TCP
// framer over the input cut into chunks.
//
// Input: byte 0 gives a chunk size (low 6 bits, 0 meaning 1); the rest is both one DNS message
// and a TCP stream. Checks, beyond "no crash, no hang": the framer gives the same messages
// however the stream is cut, and never holds more than one message's bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "analyzers/dns/dns_analyzer.h"
#include "analyzers/dns/dns_name.h"
#include "analyzers/dns/dns_parser.h"
#include "analyzers/dns/limits.h"
#include "analyzers/dns/tcp_framer.h"
#include "fuzz_support.h"

namespace {

using namespace medtap;
using namespace medtap::analyzers;

using medtap::fuzz::check;

class Recorder : public dns::FramerCallbacks {
 public:
  void onMessage(Bytes m) override { messages.emplace_back(m.begin(), m.end()); }
  void onAnomaly(Anomaly a) override { anomalies.add(a); }
  std::vector<std::vector<uint8_t>> messages;
  AnomalyCounters anomalies;
};

std::vector<std::vector<uint8_t>> frame(Bytes stream, size_t chunk) {
  dns::TcpFramer framer;
  Recorder rec;
  for (size_t pos = 0; pos < stream.size(); pos += chunk) {
    framer.feed(stream.subspan(pos, std::min(chunk, stream.size() - pos)), rec);
    check(framer.bufferedBytes() <= dns::kMaxTcpMessage);
  }
  framer.end(rec);
  return rec.messages;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = (data[0] & 0x3F) == 0 ? 1 : (data[0] & 0x3F);
  const Bytes body(data + 1, size - 1);

  AnomalyCounters anomalies;
  events::DnsMessage m;
  dns::parseMessage(body, m, anomalies);
  check(m.questions.size() <= dns::kMaxQuestions && m.answers.size() <= dns::kMaxAnswers);
  for (const auto& a : m.answers) check(a.rdata.size() <= 4 * dns::kMaxTxtLength);
  std::string name;
  for (size_t off = 0; off < body.size() && off < 64; ++off) dns::readName(body, off, name);
  dns::probeUdp(body, Direction::Originator);
  dns::probeTcp(body, Direction::Originator);

  check(frame(body, chunk) == frame(body, body.size() + 1));
  return 0;
}
