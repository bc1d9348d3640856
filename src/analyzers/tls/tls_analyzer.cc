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
  if (stopped_) return FeedResult::Consumed;
  Callbacks cb(*this, ctx, dir, ts);
  const FeedResult r = framers_[index(dir)].feed(data, cb);
  if (r == FeedResult::OutOfSync) {
    emit(ctx, ts);
    stop();
  }
  return r;
}

void TlsAnalyzer::gap(AnalyzerContext& ctx, Direction dir, uint64_t /*length*/, Timestamp ts) {
  if (stopped_) return;
  Callbacks cb(*this, ctx, dir, ts);
  framers_[index(dir)].gap(cb);  // the direction cannot be framed any more
  onEncrypted(ctx, dir, ts);
}

void TlsAnalyzer::end(AnalyzerContext& ctx, Direction dir, Timestamp ts) {
  ended_[index(dir)] = true;
  if (stopped_) return;
  Callbacks cb(*this, ctx, dir, ts);
  framers_[index(dir)].end(cb);
  if (ended_[0] && ended_[1]) {
    emit(ctx, ts);
    stop();
  }
}

void TlsAnalyzer::onHandshake(AnalyzerContext& ctx, Direction dir, uint8_t type, Bytes body,
                              Timestamp ts) {
  if (type == kClientHello) {
    onClientHello(ctx, dir, body, ts);
    return;
  }
  const bool from_server = client_ && dir != *client_;
  if (!from_server || !current_) return;
  switch (type) {
    case kServerHello:
      onServerHello(ctx, body, ts);
      return;
    case kCertificate:
      onCertificate(ctx, body);
      return;
    case kServerHelloDone:
      emit(ctx, ts);
      return;
    default:
      return;
  }
}

void TlsAnalyzer::onClientHello(AnalyzerContext& ctx, Direction dir, Bytes body, Timestamp ts) {
  if (client_ && dir != *client_) return;  // the server does not send one
  const auto ch = parseClientHello(body);
  if (!ch) {
    ctx.anomalies.add(Anomaly::TlsBadHandshake);
    return;
  }
  emit(ctx, ts);  // the previous handshake, if the server's part did not close it
  if (handshakes_ == kMaxHandshakesPerFlow) {
    ctx.anomalies.add(Anomaly::TlsHandshakeLimit);
    stop();
    return;
  }
  ++handshakes_;
  client_ = dir;
  current_ = std::make_unique<Handshake>();
  events::TlsHandshake& e = current_->event;
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
}

void TlsAnalyzer::onServerHello(AnalyzerContext& ctx, Bytes body, Timestamp ts) {
  if (current_->server_hello) return;
  const auto sh = parseServerHello(body);
  if (!sh) {
    ctx.anomalies.add(Anomaly::TlsBadHandshake);
    return;
  }
  current_->server_hello = true;
  events::TlsHandshake& e = current_->event;
  e.version = versionName(sh->version());
  e.ja3s_string = ja3sString(*sh);
  e.ja3s_hash = md5Hex(e.ja3s_string);
  if (!sh->alpn.empty()) e.alpn_tc = {sh->alpn};
  if (sh->hello_retry_request) {
    // The client's second ClientHello starts the next handshake, after a dummy ChangeCipherSpec.
    for (RecordFramer& f : framers_) f.setTls13();
    emit(ctx, ts);
  } else if (sh->version() == kTls13) {
    // Everything after a TLS 1.3 ServerHello is encrypted, in both directions.
    emit(ctx, ts);
    stop();
  }
}

void TlsAnalyzer::onCertificate(AnalyzerContext& ctx, Bytes body) {
  if (current_->certificate) return;
  current_->certificate = true;
  const Bytes der = firstCertificate(body);
  CertificateInfo info;
  if (der.empty() || !parseCertificate(der, info)) {
    ctx.anomalies.add(Anomaly::TlsBadCertificate);
    return;
  }
  events::TlsHandshake& e = current_->event;
  e.subject = std::move(info.subject);
  e.issuerdn = std::move(info.issuerdn);
  e.serial = std::move(info.serial);
  e.fingerprint = std::move(info.fingerprint);
  e.notbefore = std::move(info.notbefore);
  e.notafter = std::move(info.notafter);
  e.subjectaltname = std::move(info.subjectaltname);
}

// `dir` sends no more plaintext handshake messages (encrypted, or cut by a gap).
void TlsAnalyzer::onEncrypted(AnalyzerContext& ctx, Direction dir, Timestamp ts) {
  encrypted_[index(dir)] = true;
  const bool from_server = client_ && dir != *client_;
  if (from_server && current_ && current_->server_hello) emit(ctx, ts);
  if (encrypted_[0] && encrypted_[1]) {
    emit(ctx, ts);
    stop();
  }
}

void TlsAnalyzer::emit(AnalyzerContext& ctx, Timestamp ts) {
  if (!current_) return;
  events::Event ev{ts, ctx.flow, std::move(current_->event)};
  ev.direction = current_->server_hello ? events::Direction::ToClient : events::Direction::ToServer;
  current_.reset();
  ctx.events.emit(ev);
}

void TlsAnalyzer::stop() {
  stopped_ = true;
  for (RecordFramer& f : framers_) f.stop();
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
