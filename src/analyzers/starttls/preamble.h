// Pure parse helpers for the plaintext preambles of protocols that upgrade in-band to TLS: which
// protocol a flow's first bytes are, whether a client line asks for the upgrade, and whether the
// server's reply grants it. SMTP (RFC 3207), IMAP (RFC 3501 section 6.2.1), POP3 (RFC 2595
// section 4), FTP (RFC 4217 section 4), LDAP (RFC 4511 section 4.14) and the PostgreSQL
// SSLRequest (PostgreSQL protocol docs, "SSL Session Encryption").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "analyzers/registry.h"
#include "core/bytes.h"

namespace medtap::analyzers::starttls {

// The app_proto value of each is Suricata's name for it.
enum class Protocol : uint8_t { Smtp, Imap, Pop3, Ftp, Ldap, Pgsql };

std::string_view protocolName(Protocol p);

// Content probes, one per protocol (ports are only hints). The text protocols are server-first:
// a server greeting alone decides for IMAP ("* OK") and POP3 ("+OK"); SMTP and FTP greet alike
// ("220"), so their greeting answers Maybe and the client's first command decides (EHLO/HELO;
// USER/AUTH/FEAT/SYST/OPTS). LDAP and PostgreSQL are client-first: an LDAPMessage with a request
// operation; an SSLRequest, GSSENCRequest or version 3 StartupMessage.
ProbeResult probe(Protocol p, Bytes first_bytes, Direction dir);

// What a server line says about a pending upgrade.
enum class Reply : uint8_t {
  Continues,  // not the final reply to the upgrade command (continuation or untagged line)
  Granted,    // TLS starts after this line
  Refused,    // the session goes on in clear
};

// `line` is one line without its line end (CR LF or LF). For IMAP, `tag` receives the command's
// tag, which the reply repeats.
bool isUpgradeCommand(Protocol p, std::string_view line, std::string& tag);
Reply classifyReply(Protocol p, std::string_view line, std::string_view tag);

// LDAP (RFC 4511 section 4.2, BER per X.690 section 8.1): the head of an LDAPMessage.
struct LdapHead {
  size_t total = 0;  // header and contents, in bytes
  uint32_t message_id = 0;
  uint8_t operation = 0;  // the protocolOp's tag
};
enum class LdapParse : uint8_t { Ok, NeedMore, Invalid };
// Reads the message head from `b` (its first bytes; kLdapHead are enough).
LdapParse parseLdapHead(Bytes b, LdapHead& head);
// The request is an ExtendedRequest whose requestName is the StartTLS OID 1.3.6.1.4.1.1466.20037.
bool isLdapStartTls(Bytes message_head);
// An ExtendedResponse: Granted when its resultCode is success (0), else Refused; Continues for any
// other operation (RFC 4511 section 4.14.2).
Reply classifyLdapReply(Bytes message_head);

// PostgreSQL: the 8-byte SSLRequest, and the server's one-byte answer ('S' yes, 'N' no).
constexpr size_t kPgsqlRequestSize = 8;
bool isPgsqlSslRequest(Bytes first8);
constexpr uint8_t kPgsqlSslGranted = 'S';

}  // namespace medtap::analyzers::starttls
