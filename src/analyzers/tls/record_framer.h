// Cuts one direction of a TLS connection into records (RFC 8446 section 5.1) and the plaintext
// handshake records into handshake messages (section 4), whichever way records and messages
// are split: a message may span records, a record may span TCP segments. Only the record header
// and the handshake messages of interest are buffered; other records are skipped by length.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "analyzers/analyzer.h"
#include "core/anomaly.h"

namespace medtap::analyzers::tls {

class RecordCallbacks {
 public:
  virtual ~RecordCallbacks() = default;
  // A complete handshake message of type ClientHello, ServerHello, Certificate or
  // ServerHelloDone; `body` (after the 4-byte header) is valid during the call only.
  virtual void onHandshake(uint8_t type, Bytes body) = 0;
  // What follows in this direction is encrypted: a ChangeCipherSpec record (TLS <= 1.2) or an
  // application-data record. Called once per direction.
  virtual void onEncrypted() = 0;
  virtual void onAnomaly(Anomaly a) = 0;
};

class RecordFramer {
 public:
  // Consumed, or OutOfSync when a record header is not TLS (tls_bad_record); then the framer
  // ignores the rest of the direction.
  FeedResult feed(Bytes data, RecordCallbacks& cb);
  // Bytes lost: nothing after can be framed; a handshake message in progress is dropped.
  void gap(RecordCallbacks& cb);
  void end(RecordCallbacks& cb);
  // Stop looking at this direction (nothing more of interest can come).
  void stop() { state_ = State::Stopped; }
  // The connection negotiates TLS 1.3 (a 1.3 ServerHello or a HelloRetryRequest was seen): from
  // now on a ChangeCipherSpec record is the middlebox-compatibility dummy (RFC 8446 appendix
  // D.4), sent for instance before a second ClientHello; encryption shows as application-data
  // records (section 5.2), and handshake records stay plaintext.
  void setTls13() { tls13_ = true; }

 private:
  enum class State : uint8_t { Header, Body, Stopped };

  void handshakeBytes(Bytes data, RecordCallbacks& cb);

  State state_ = State::Header;
  std::array<uint8_t, 5> header_{};
  size_t header_len_ = 0;
  uint8_t content_type_ = 0;
  size_t record_left_ = 0;  // bytes of the current record body still to come
  bool encrypted_ = false;  // after ChangeCipherSpec: handshake records are not plaintext
  bool tls13_ = false;      // see setTls13()
  // Handshake reassembly across records: the current message's header and body.
  std::vector<uint8_t> message_;
  size_t message_skip_ = 0;  // bytes of an uninteresting or oversized message left to skip
};

}  // namespace medtap::analyzers::tls
