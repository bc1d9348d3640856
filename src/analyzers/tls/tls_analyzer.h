// The TLS analyzer: frames both directions into records and handshake messages (RecordFramer),
// reads the ClientHello (SNI, ALPN, JA3, JA4), the ServerHello (version, JA3S, ALPN) and, when it
// travels in clear (TLS <= 1.2), the server certificate, and emits one `tls` event per handshake.
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
  // The event is emitted when the server's part of the handshake is known: at ServerHelloDone,
  // at a TLS 1.3 ServerHello (the rest is encrypted), when the server starts encrypting, or when
  // the flow ends; then both directions are ignored.
  FeedResult feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) override;
  void gap(AnalyzerContext& ctx, Direction dir, uint64_t length, Timestamp ts) override;
  void end(AnalyzerContext& ctx, Direction dir, Timestamp ts) override;

 private:
  class Callbacks;
  friend class Callbacks;

  void onHandshake(AnalyzerContext& ctx, Direction dir, uint8_t type, Bytes body, Timestamp ts);
  void onEncrypted(AnalyzerContext& ctx, Direction dir, Timestamp ts);
  void emit(AnalyzerContext& ctx, Timestamp ts);
  events::TlsHandshake& event();

  std::array<RecordFramer, 2> framers_;
  std::array<bool, 2> ended_{};
  std::optional<Direction> client_;  // the direction that sent the ClientHello
  bool server_hello_ = false;
  bool certificate_ = false;
  bool emitted_ = false;
  std::unique_ptr<events::TlsHandshake> event_;  // created at the first hello
};

// Adds the "tls" analyzer (TCP; port hints 443, 8443, 4443, 2762 DICOM-TLS, 6443).
void registerAnalyzer(Registry& registry);

}  // namespace medtap::analyzers::tls
