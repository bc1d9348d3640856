#include "analyzers/tls/tls_analyzer.h"

#include <algorithm>
#include <utility>

#include "analyzers/tls/certificate.h"
#include "analyzers/tls/hello.h"
#include "analyzers/tls/limits.h"

namespace medtap::analyzers::tls {

namespace {

constexpr std::string_view kName = "tls";
// 443 https, 8443/4443 alternates, 2762 DICOM over TLS (DICOM PS3.15 Annex B), 6443 (HL7 over
// TLS on some interface engines); hints only.
constexpr uint16_t kPortHints[] = {443, 8443, 4443, 2762, 6443};
constexpr size_t kProbeBytes = kRecordHeaderSize + 1;

std::unique_ptr<StreamAnalyzer> makeStream() {
  return std::make_unique<TlsAnalyzer>();
}

}  // namespace

ProbeResult probe(Bytes b, Direction /*dir*/) {
  if (b.empty()) return ProbeResult::Maybe;
  if (b[0] != kContentHandshake) return ProbeResult::No;
  if (b.size() >= 2 && b[1] != 3) return ProbeResult::No;
  if (b.size() >= 3 && b[2] > 4) return ProbeResult::No;
  if (b.size() >= 5) {
    const size_t length = readBe16(b, 3);
    if (length < kHandshakeHeaderSize || length > kMaxRecordLength) return ProbeResult::No;
  }
  if (b.size() < kProbeBytes) return ProbeResult::Maybe;
  return b[5] == kClientHello ? ProbeResult::Yes : ProbeResult::No;
}

class TlsAnalyzer::Callbacks final : public RecordCallbacks {
 public:
  Callbacks(TlsAnalyzer& a, AnalyzerContext& ctx, Direction dir, Timestamp ts)
      : a_(a), ctx_(ctx), dir_(dir), ts_(ts) {}
  void onHandshake(uint8_t type, Bytes body) override {
    a_.onHandshake(ctx_, dir_, type, body, ts_);
  }
  void onEncrypted() override { a_.onEncrypted(ctx_, dir_, ts_); }
  void onAnomaly(Anomaly a) override { ctx_.anomalies.add(a); }

 private:
  TlsAnalyzer& a_;
  AnalyzerContext& ctx_;
  Direction dir_;
  Timestamp ts_;
};

FeedResult TlsAnalyzer::feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) {
  if (emitted_) return FeedResult::Consumed;
  Callbacks cb(*this, ctx, dir, ts);
  const FeedResult r = framers_[index(dir)].feed(data, cb);
  if (r == FeedResult::OutOfSync) emit(ctx, ts);
  return r;
}

void TlsAnalyzer::gap(AnalyzerContext& ctx, Direction dir, uint64_t /*length*/, Timestamp ts) {
  if (emitted_) return;
  Callbacks cb(*this, ctx, dir, ts);
  framers_[index(dir)].gap(cb);
}

void TlsAnalyzer::end(AnalyzerContext& ctx, Direction dir, Timestamp ts) {
  ended_[index(dir)] = true;
  if (emitted_) return;
  Callbacks cb(*this, ctx, dir, ts);
  framers_[index(dir)].end(cb);
  if (ended_[0] && ended_[1]) emit(ctx, ts);
}

events::TlsHandshake& TlsAnalyzer::event() {
  if (!event_) event_ = std::make_unique<events::TlsHandshake>();
  return *event_;
}

void TlsAnalyzer::onHandshake(AnalyzerContext& ctx, Direction dir, uint8_t type, Bytes body,
                              Timestamp ts) {
  const bool from_server = client_ && dir != *client_;
  switch (type) {
    case kClientHello: {
      if (client_) return;  // only the first handshake is reported
      const auto ch = parseClientHello(body);
      if (!ch) {
        ctx.anomalies.add(Anomaly::TlsBadHandshake);
        return;
      }
      client_ = dir;
      events::TlsHandshake& e = event();
      e.sni = ch->sni;
      e.alpn_ts = ch->alpn;
      e.ja3_string = ja3String(*ch);
      e.ja3_hash = md5Hex(e.ja3_string);
      e.ja4 = ja4(*ch);
      uint16_t offered = ch->legacy_version;
      for (uint16_t v : ch->supported_versions) {
        if (!isGrease(v)) offered = std::max(offered, v);
      }
      e.version = versionName(offered);
      return;
    }
    case kServerHello: {
      if (!from_server || server_hello_) return;
      const auto sh = parseServerHello(body);
      if (!sh) {
        ctx.anomalies.add(Anomaly::TlsBadHandshake);
        return;
      }
      server_hello_ = true;
      events::TlsHandshake& e = event();
      e.version = versionName(sh->version());
      e.ja3s_string = ja3sString(*sh);
      e.ja3s_hash = md5Hex(e.ja3s_string);
      if (!sh->alpn.empty()) e.alpn_tc = {sh->alpn};
      if (sh->version() == 0x0304) emit(ctx, ts);  // certificate and the rest are encrypted
      return;
    }
    case kCertificate: {
      if (!from_server || certificate_) return;
      certificate_ = true;
      const Bytes der = firstCertificate(body);
      CertificateInfo info;
      if (der.empty() || !parseCertificate(der, info)) {
        ctx.anomalies.add(Anomaly::TlsBadCertificate);
        return;
      }
      events::TlsHandshake& e = event();
      e.subject = std::move(info.subject);
      e.issuerdn = std::move(info.issuerdn);
      e.serial = std::move(info.serial);
      e.fingerprint = std::move(info.fingerprint);
      e.notbefore = std::move(info.notbefore);
      e.notafter = std::move(info.notafter);
      e.subjectaltname = std::move(info.subjectaltname);
      return;
    }
    case kServerHelloDone:
      if (from_server) emit(ctx, ts);
      return;
    default:
      return;
  }
}

void TlsAnalyzer::onEncrypted(AnalyzerContext& ctx, Direction dir, Timestamp ts) {
  if (client_ && dir != *client_ && server_hello_) emit(ctx, ts);
}

void TlsAnalyzer::emit(AnalyzerContext& ctx, Timestamp ts) {
  if (emitted_) return;
  emitted_ = true;
  for (RecordFramer& f : framers_) f.stop();
  if (!event_) return;
  events::Event ev{ts, ctx.flow, std::move(*event_)};
  ev.direction = server_hello_ ? events::Direction::ToClient : events::Direction::ToServer;
  ctx.events.emit(ev);
  event_.reset();
}

void registerAnalyzer(Registry& registry) {
  registry.add(AnalyzerDef{
      .name = kName,
      .transport = Transport::Tcp,
      .port_hints = {std::begin(kPortHints), std::end(kPortHints)},
      .probe = &probe,
      .make_stream = &makeStream,
      .make_datagram = nullptr,
  });
}

}  // namespace medtap::analyzers::tls
