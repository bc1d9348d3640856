// The STARTTLS analyzer: protocols that begin in clear and upgrade in-band to TLS. It follows the
// plaintext preamble by lines (SMTP, IMAP, POP3, FTP) or messages (LDAP, the PostgreSQL
// SSLRequest) only as far as needed to see the client ask for TLS and the server grant it, then
// hands the rest of both directions to the TLS analyzer, so each handshake gives a `tls` event
// whose app_proto is the protocol the flow began with ("smtp", ...). Registered once per
// protocol; the flow's app_proto says which one it was.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/registry.h"
#include "analyzers/starttls/preamble.h"
#include "analyzers/tls/tls_analyzer.h"

namespace medtap::analyzers::starttls {

class StartTlsAnalyzer final : public StreamAnalyzer {
 public:
  explicit StartTlsAnalyzer(Protocol protocol) : protocol_(protocol) {}

  // Consumed, or OutOfSync when an LDAP preamble is not BER (starttls_malformed_preamble) or the
  // TLS analyzer gives up after the upgrade.
  FeedResult feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) override;
  // Before the upgrade, a text protocol resynchronises at the next line end; a binary one stops.
  void gap(AnalyzerContext& ctx, Direction dir, uint64_t length, Timestamp ts) override;
  void end(AnalyzerContext& ctx, Direction dir, Timestamp ts) override;

 private:
  enum class Phase : uint8_t {
    Clear,    // the preamble: watched for the upgrade
    Tls,      // handed to the TLS analyzer
    Ignored,  // no upgrade will be seen: in clear for good, or lost
  };
  // One direction's preamble state.
  struct Side {
    Phase phase = Phase::Clear;
    std::string line;           // the current line, up to kMaxLine bytes; or pgsql's request
    bool skip_line = false;     // the rest of the current line is not looked at
    std::vector<uint8_t> head;  // LDAP: the current message's first bytes
    uint64_t skip = 0;          // LDAP: bytes of the current message left to skip
    size_t clear_bytes = 0;     // preamble bytes seen, for kMaxPlaintext
  };

  // Each returns the bytes of `data` used in clear; the side's phase says what comes next.
  size_t feedLines(AnalyzerContext& ctx, Direction dir, Bytes data);
  size_t feedLdap(AnalyzerContext& ctx, Direction dir, Bytes data);
  size_t feedPgsql(Direction dir, Bytes data);
  void onLine(AnalyzerContext& ctx, Direction dir, std::string_view line);
  void onLdapMessage(AnalyzerContext& ctx, Direction dir, const LdapHead& head, Bytes message_head);
  // The client's next byte is a TLS handshake record while the upgrade is pending.
  bool clientStartsTls(Direction dir, uint8_t next_byte) const;
  void onReply(AnalyzerContext& ctx, Reply reply);
  void upgrade();
  void ignore();
  Side& side(Direction dir) { return sides_[index(dir)]; }

  Protocol protocol_;
  std::array<Side, 2> sides_;
  bool awaiting_reply_ = false;  // the client asked for TLS; the server has not answered
  bool upgraded_ = false;        // a side was handed to the TLS analyzer
  bool grant_pending_ = false;   // LDAP: TLS starts once the granting response is skipped
  bool malformed_ = false;       // the preamble did not parse (OutOfSync)
  std::string imap_tag_;         // the tag of IMAP's STARTTLS command
  uint32_t ldap_message_ = 0;    // the message id of LDAP's StartTLS request
  std::array<bool, 2> ended_{};
  std::array<bool, 2> tls_ended_{};
  tls::TlsAnalyzer tls_;
};

// Adds one analyzer per protocol: "smtp" (TCP 25, 587), "imap" (143), "pop3" (110), "ftp" (21),
// "ldap" (389, 3268), "pgsql" (5432); hints only.
void registerAnalyzer(Registry& registry);

}  // namespace medtap::analyzers::starttls
