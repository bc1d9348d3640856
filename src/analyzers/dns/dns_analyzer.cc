#include "analyzers/dns/dns_analyzer.h"

#include <utility>

#include "analyzers/dns/dns_parser.h"
#include "analyzers/dns/limits.h"

namespace medtap::analyzers::dns {

namespace {

constexpr std::string_view kName = "dns";
constexpr uint16_t kUdpPortHints[] = {kDnsPort, kMdnsPort, kLlmnrPort};
constexpr uint16_t kTcpPortHints[] = {kDnsPort};

std::unique_ptr<DatagramAnalyzer> makeDatagram() {
  return std::make_unique<DnsUdpAnalyzer>();
}

std::unique_ptr<StreamAnalyzer> makeStream() {
  return std::make_unique<DnsTcpAnalyzer>();
}

}  // namespace

ProbeResult probeUdp(Bytes first_bytes, Direction /*dir*/) {
  // A datagram is whole: too short to tell means not DNS.
  return checkHeader(first_bytes) == HeaderCheck::Plausible ? ProbeResult::Yes : ProbeResult::No;
}

ProbeResult probeTcp(Bytes first_bytes, Direction /*dir*/) {
  if (first_bytes.size() < kTcpLengthPrefix) return ProbeResult::Maybe;
  const size_t length = readBe16(first_bytes, 0);
  if (length < kHeaderSize) return ProbeResult::No;
  Bytes message = first_bytes.subspan(kTcpLengthPrefix);
  if (message.size() > length) message = message.first(length);
  switch (checkHeader(message)) {
    case HeaderCheck::Plausible:
      return ProbeResult::Yes;
    case HeaderCheck::NotDns:
      return ProbeResult::No;
    case HeaderCheck::NeedMore:
      break;
  }
  // The whole message is here and still too short: not DNS.
  return message.size() >= length ? ProbeResult::No : ProbeResult::Maybe;
}

void emitMessage(AnalyzerContext& ctx, Bytes message, Timestamp ts,
                 std::unique_ptr<events::DnsMessage>& scratch) {
  if (!scratch) scratch = std::make_unique<events::DnsMessage>();
  if (parseMessage(message, *scratch, ctx.anomalies) != ParseStatus::Ok) return;
  const events::Direction direction =
      scratch->qr() ? events::Direction::ToClient : events::Direction::ToServer;
  events::Event event{ts, ctx.flow, std::move(*scratch), direction};
  ctx.events.emit(event);
  *scratch = std::move(std::get<events::DnsMessage>(event.body));
}

FeedResult DnsUdpAnalyzer::feed(AnalyzerContext& ctx, Direction /*dir*/,
                                const decode::DecodedPacket& packet) {
  emitMessage(ctx, packet.payload, packet.ts, scratch_);
  return FeedResult::Consumed;
}

class DnsTcpAnalyzer::Emitter final : public FramerCallbacks {
 public:
  Emitter(DnsTcpAnalyzer& analyzer, AnalyzerContext& ctx, Timestamp ts)
      : analyzer_(analyzer), ctx_(ctx), ts_(ts) {}
  void onMessage(Bytes message) override { emitMessage(ctx_, message, ts_, analyzer_.scratch_); }
  void onAnomaly(Anomaly anomaly) override { ctx_.anomalies.add(anomaly); }

 private:
  DnsTcpAnalyzer& analyzer_;
  AnalyzerContext& ctx_;
  Timestamp ts_;
};

FeedResult DnsTcpAnalyzer::feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) {
  Emitter emitter(*this, ctx, ts);
  return framers_[index(dir)].feed(data, emitter);
}

void DnsTcpAnalyzer::gap(AnalyzerContext& ctx, Direction dir, uint64_t /*length*/, Timestamp ts) {
  Emitter emitter(*this, ctx, ts);
  framers_[index(dir)].gap(emitter);
}

void DnsTcpAnalyzer::end(AnalyzerContext& ctx, Direction dir, Timestamp ts) {
  Emitter emitter(*this, ctx, ts);
  framers_[index(dir)].end(emitter);
}

void registerAnalyzer(Registry& registry) {
  registry.add(AnalyzerDef{
      .name = kName,
      .transport = Transport::Udp,
      .port_hints = {std::begin(kUdpPortHints), std::end(kUdpPortHints)},
      .probe = &probeUdp,
      .make_stream = nullptr,
      .make_datagram = &makeDatagram,
  });
  registry.add(AnalyzerDef{
      .name = kName,
      .transport = Transport::Tcp,
      .port_hints = {std::begin(kTcpPortHints), std::end(kTcpPortHints)},
      .probe = &probeTcp,
      .make_stream = &makeStream,
      .make_datagram = nullptr,
  });
}

}  // namespace medtap::analyzers::dns
