// The TLS analyzer: frames both directions into records and handshake messages (RecordFramer),
// reads each ClientHello (SNI, ALPN, JA3, JA4), ServerHello (version, JA3S, ALPN) and, when it
// travels in clear (TLS <= 1.2), server certificate, and emits one `tls` event per handshake.
#pragma once

#include <array>
#include <memory>
#include <optional>

#include "analyzers/analyzer.h"
#include "analyzers/registry.h"
#include "analyzers/tls/record_framer.h"
#include "events/tls.h"

namespace medtap::analyzers::tls {

// Strict: Yes only for a handshake record header (0x16 0x03 0x00-0x04, a length within
// kMaxRecordLength) whose first message is a ClientHello (type 1); Maybe while fewer than 6 bytes
// have been seen and they agree; No otherwise (including a ServerHello: the client side decides).
ProbeResult probe(Bytes first_bytes, Direction dir);

class TlsAnalyzer final : public StreamAnalyzer {
 public:
  // One `tls` event per handshake seen in clear: each ClientHello starts one (a second
  // ClientHello after a TLS 1.3 HelloRetryRequest, a renegotiation in TLS <= 1.2 before the
  // ChangeCipherSpec), completed by the server's part of it. A handshake is emitted when the
  // server's part is known: at ServerHelloDone, at a HelloRetryRequest, at a TLS 1.3 ServerHello
  // (the rest is encrypted), when the server starts encrypting, at the next ClientHello, or when
  // the flow ends. A direction is parsed until its ChangeCipherSpec (TLS <= 1.2) or its first
  // application-data record; once both are encrypted, or after a TLS 1.3 ServerHello that is not
  // a HelloRetryRequest, the flow is ignored. At most
  // kMaxHandshakesPerFlow handshakes per flow (tls_handshake_limit).
  FeedResult feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) override;
  void gap(AnalyzerContext& ctx, Direction dir, uint64_t length, Timestamp ts) override;
  void end(AnalyzerContext& ctx, Direction dir, Timestamp ts) override;

 private:
  class Callbacks;
  friend class Callbacks;

  void onHandshake(AnalyzerContext& ctx, Direction dir, uint8_t type, Bytes body, Timestamp ts);
  void onClientHello(AnalyzerContext& ctx, Direction dir, Bytes body, Timestamp ts);
  void onServerHello(AnalyzerContext& ctx, Bytes body, Timestamp ts);
  void onCertificate(AnalyzerContext& ctx, Bytes body);
  void onEncrypted(AnalyzerContext& ctx, Direction dir, Timestamp ts);
  // Reports the handshake in progress, if any.
  void emit(AnalyzerContext& ctx, Timestamp ts);
  void stop();

  std::array<RecordFramer, 2> framers_;
  std::array<bool, 2> ended_{};
  std::array<bool, 2> encrypted_{};
  std::optional<Direction> client_;  // the direction that sent the first ClientHello
  bool stopped_ = false;             // nothing more to parse in either direction
  uint32_t handshakes_ = 0;          // ClientHellos reported or in progress
  // The handshake in progress: created at its ClientHello, released when emitted.
  struct Handshake {
    events::TlsHandshake event;
    bool server_hello = false;
    bool certificate = false;
  };
  std::unique_ptr<Handshake> current_;
};

// Adds the "tls" analyzer (TCP; port hints 443, 8443, 4443, 2762 DICOM-TLS, 6443).
void registerAnalyzer(Registry& registry);

}  // namespace medtap::analyzers::tls
