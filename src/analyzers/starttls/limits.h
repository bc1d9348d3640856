// Limits of the STARTTLS analyzer, each with the reason for its value (STYLE.md 10). Every limit
// has an anomaly counted when it is hit (core/anomaly.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace medtap::analyzers::starttls {

// Bytes kept of one plaintext line: commands and reply codes are all in a line's first bytes.
// SMTP command and reply lines are at most 512 bytes with CRLF (RFC 5321 section 4.5.3.1.4-5),
// POP3 commands 255 and replies 512 (RFC 2449 section 4), FTP follows Telnet lines of similar
// size; IMAP lines may be longer (capability lists, literals) but its tag and status come first.
// Beyond it: starttls_long_line, and the rest of the line is skipped unbuffered.
constexpr size_t kMaxLine = 512;

// Plaintext bytes watched per direction for the upgrade. Clients upgrade at the start of the
// session (RFC 3207 section 4: after EHLO; RFC 3501 section 6.2.1: before LOGIN; RFC 4511 section
// 4.14: usually the first operation), so a session still in clear after this much never will.
// Beyond it: starttls_plaintext_limit, and the flow is ignored.
constexpr size_t kMaxPlaintext = size_t{64} << 10;

// LDAP: the first bytes of a message read to find an ExtendedRequest or ExtendedResponse
// (LDAPMessage header, message id, operation tag and length, requestName or resultCode, RFC 4511
// section 4.12); the rest of the message is skipped by its BER length.
constexpr size_t kLdapHead = 64;
}  // namespace medtap::analyzers::starttls
