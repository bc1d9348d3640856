#include "analyzers/starttls/preamble.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>

#include "analyzers/starttls/limits.h"

namespace medtap::analyzers::starttls {

namespace {

bool equalsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && equalsNoCase(s.substr(0, prefix.size()), prefix);
}

std::string_view trimRight(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Yes when `b` starts with one of `words`, Maybe when it is a prefix of one, else No.
ProbeResult startsWithAny(Bytes b, std::initializer_list<std::string_view> words) {
  const std::string_view s = asChars(b);
  bool partial = false;
  for (std::string_view w : words) {
    if (startsWithNoCase(s, w)) return ProbeResult::Yes;
    if (s.size() < w.size() && startsWithNoCase(w, s)) partial = true;
  }
  return partial ? ProbeResult::Maybe : ProbeResult::No;
}

// SMTP and FTP servers greet alike; only the client's first command tells them apart.
ProbeResult probeCodeGreeting(Bytes b) {
  const ProbeResult r = startsWithAny(b, {"220 ", "220-"});
  return r == ProbeResult::No ? ProbeResult::No : ProbeResult::Maybe;
}

// An IMAP tag (RFC 3501 section 9: astring characters except '+'), bounded for the probe.
constexpr size_t kMaxImapTag = 32;
bool isTagChar(char c) {
  return std::isgraph(static_cast<unsigned char>(c)) && c != '(' && c != ')' && c != '{' &&
         c != '%' && c != '*' && c != '"' && c != '\\' && c != '+';
}

ProbeResult probeImapCommand(Bytes b) {
  const std::string_view s = asChars(b);
  const size_t space = s.find(' ');
  const std::string_view tag = s.substr(0, std::min(space, s.size()));
  if (tag.size() > kMaxImapTag || !std::all_of(tag.begin(), tag.end(), isTagChar)) {
    return ProbeResult::No;
  }
  if (space == std::string_view::npos) return ProbeResult::Maybe;
  if (tag.empty()) return ProbeResult::No;
  return startsWithAny(b.subspan(space + 1),
                       {"CAPABILITY", "STARTTLS", "LOGIN ", "AUTHENTICATE ", "NOOP", "ID "});
}

// LDAP operation tags (RFC 4511 section 4.2, [APPLICATION n]).
constexpr std::array<uint8_t, 10> kLdapRequests = {0x60, 0x42, 0x63, 0x66, 0x68,
                                                   0x4a, 0x6c, 0x6e, 0x50, 0x77};
constexpr std::array<uint8_t, 11> kLdapResponses = {0x61, 0x64, 0x65, 0x73, 0x67, 0x69,
                                                    0x6b, 0x6d, 0x6f, 0x78, 0x79};
constexpr uint8_t kLdapExtendedRequest = 0x77;
constexpr uint8_t kLdapExtendedResponse = 0x78;
constexpr uint8_t kBerSequence = 0x30;
constexpr uint8_t kBerInteger = 0x02;
constexpr uint8_t kBerEnumerated = 0x0a;
constexpr uint8_t kLdapRequestName = 0x80;  // [0] LDAPOID, primitive
constexpr std::string_view kStartTlsOid = "1.3.6.1.4.1.1466.20037";

// PostgreSQL start-up codes (protocol docs, "Message Formats"): a length then a code.
constexpr uint32_t kPgsqlSslRequest = 80877103;
constexpr uint32_t kPgsqlGssEncRequest = 80877104;
constexpr uint32_t kPgsqlCancelRequest = 80877102;
constexpr uint32_t kPgsqlProtocol3 = 0x00030000;
constexpr uint32_t kPgsqlCancelSize = 16;
// The server's own bound on a StartupMessage (MAX_STARTUP_PACKET_LENGTH in its source).
constexpr uint32_t kPgsqlMaxStartup = 10000;

// A BER definite length (X.690 section 8.1.3; LDAP allows no other form, RFC 4511 section 5.1)
// at `pos`: advances `pos` past it.
LdapParse readBerLength(Bytes b, size_t& pos, size_t& length) {
  if (pos >= b.size()) return LdapParse::NeedMore;
  const uint8_t first = b[pos++];
  if (first < 0x80) {
    length = first;
    return LdapParse::Ok;
  }
  const size_t n = first & 0x7F;
  if (n == 0 || n > 4) return LdapParse::Invalid;  // indefinite, or beyond 4 GiB
  if (b.size() - pos < n) return LdapParse::NeedMore;
  length = 0;
  for (size_t i = 0; i < n; ++i) length = (length << 8) | b[pos++];
  return LdapParse::Ok;
}

// The protocolOp's contents: its offset in the message and its length.
bool ldapOperation(Bytes b, size_t& contents, size_t& length) {
  LdapHead head;
  if (parseLdapHead(b, head) != LdapParse::Ok) return false;
  size_t pos = 1;
  size_t ignored = 0;
  if (readBerLength(b, pos, ignored) != LdapParse::Ok) return false;  // LDAPMessage
  ++pos;                                                              // messageID tag
  if (readBerLength(b, pos, ignored) != LdapParse::Ok) return false;  // its length
  pos += ignored;                                                     // its value
  ++pos;                                                              // protocolOp tag
  if (readBerLength(b, pos, length) != LdapParse::Ok) return false;
  contents = pos;
  return true;
}

}  // namespace

std::string_view protocolName(Protocol p) {
  switch (p) {
    case Protocol::Smtp:
      return "smtp";
    case Protocol::Imap:
      return "imap";
    case Protocol::Pop3:
      return "pop3";
    case Protocol::Ftp:
      return "ftp";
    case Protocol::Ldap:
      return "ldap";
    case Protocol::Pgsql:
      return "pgsql";
  }
  return "";
}

ProbeResult probe(Protocol p, Bytes b, Direction dir) {
  if (b.empty()) return ProbeResult::Maybe;
  const bool from_server = dir == Direction::Responder;
  switch (p) {
    case Protocol::Smtp:
      return from_server ? probeCodeGreeting(b) : startsWithAny(b, {"EHLO ", "HELO "});
    case Protocol::Ftp:
      return from_server ? probeCodeGreeting(b)
                         : startsWithAny(b, {"USER ", "AUTH ", "FEAT\r", "FEAT\n", "SYST\r",
                                             "SYST\n", "OPTS "});
    case Protocol::Pop3:
      return from_server ? startsWithAny(b, {"+OK"}) : startsWithAny(b, {"CAPA\r", "STLS\r"});
    case Protocol::Imap:
      return from_server ? startsWithAny(b, {"* OK", "* PREAUTH", "* BYE"}) : probeImapCommand(b);
    case Protocol::Ldap: {
      LdapHead head;
      switch (parseLdapHead(b, head)) {
        case LdapParse::NeedMore:
          return ProbeResult::Maybe;
        case LdapParse::Invalid:
          return ProbeResult::No;
        case LdapParse::Ok:
          break;
      }
      const Bytes ops = from_server ? Bytes(kLdapResponses) : Bytes(kLdapRequests);
      const bool known = std::find(ops.begin(), ops.end(), head.operation) != ops.end();
      return known ? ProbeResult::Yes : ProbeResult::No;
    }
    case Protocol::Pgsql: {
      if (from_server) return ProbeResult::No;
      if (b.size() < 4) return ProbeResult::Maybe;
      const uint32_t length = readBe32(b, 0);
      // An SSLRequest or GSSENCRequest (8), a CancelRequest (16), a StartupMessage.
      if (length < kPgsqlRequestSize || length > kPgsqlMaxStartup) return ProbeResult::No;
      if (b.size() < kPgsqlRequestSize) return ProbeResult::Maybe;
      const uint32_t code = readBe32(b, 4);
      const bool ok = (length == kPgsqlRequestSize &&
                       (code == kPgsqlSslRequest || code == kPgsqlGssEncRequest)) ||
                      (length == kPgsqlCancelSize && code == kPgsqlCancelRequest) ||
                      (length > kPgsqlRequestSize && code == kPgsqlProtocol3);
      return ok ? ProbeResult::Yes : ProbeResult::No;
    }
  }
  return ProbeResult::No;
}

bool isUpgradeCommand(Protocol p, std::string_view line, std::string& tag) {
  line = trimRight(line);
  switch (p) {
    case Protocol::Smtp:
      return equalsNoCase(line, "STARTTLS");
    case Protocol::Pop3:
      return equalsNoCase(line, "STLS");
    case Protocol::Ftp: {
      // AUTH TLS, AUTH SSL and the older TLS-C / TLS-P arguments (RFC 4217 section 4).
      if (!startsWithNoCase(line, "AUTH ")) return false;
      const std::string_view arg = line.substr(5);
      return startsWithNoCase(arg, "TLS") || startsWithNoCase(arg, "SSL");
    }
    case Protocol::Imap: {
      const size_t space = line.find(' ');
      if (space == std::string_view::npos || space == 0) return false;
      if (!equalsNoCase(line.substr(space + 1), "STARTTLS")) return false;
      tag.assign(line.substr(0, space));
      return true;
    }
    case Protocol::Ldap:
    case Protocol::Pgsql:
      return false;  // binary preambles
  }
  return false;
}

Reply classifyReply(Protocol p, std::string_view line, std::string_view tag) {
  line = trimRight(line);
  switch (p) {
    case Protocol::Smtp:
    case Protocol::Ftp: {
      // The last line of a reply is "ddd" or "ddd text"; "ddd-text" and, in FTP, any other text
      // continue it (RFC 5321 section 4.2.1, RFC 959 section 4.2).
      const bool code = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                        std::isdigit(static_cast<unsigned char>(line[1])) &&
                        std::isdigit(static_cast<unsigned char>(line[2]));
      if (!code || (line.size() > 3 && line[3] != ' ')) return Reply::Continues;
      const std::string_view granted = p == Protocol::Smtp ? "220" : "234";
      return line.substr(0, 3) == granted ? Reply::Granted : Reply::Refused;
    }
    case Protocol::Pop3:
      if (startsWithNoCase(line, "+OK")) return Reply::Granted;
      if (startsWithNoCase(line, "-ERR")) return Reply::Refused;
      return Reply::Continues;
    case Protocol::Imap: {
      if (tag.empty() || line.size() <= tag.size() || line.substr(0, tag.size()) != tag ||
          line[tag.size()] != ' ') {
        return Reply::Continues;  // untagged ("* ..."), continuation or another command's
      }
      const std::string_view status = line.substr(tag.size() + 1);
      if (startsWithNoCase(status, "OK")) return Reply::Granted;
      if (startsWithNoCase(status, "NO") || startsWithNoCase(status, "BAD")) return Reply::Refused;
      return Reply::Continues;
    }
    case Protocol::Ldap:
    case Protocol::Pgsql:
      return Reply::Continues;
  }
  return Reply::Continues;
}

LdapParse parseLdapHead(Bytes b, LdapHead& head) {
  if (b.empty()) return LdapParse::NeedMore;
  if (b[0] != kBerSequence) return LdapParse::Invalid;
  size_t pos = 1;
  size_t length = 0;
  if (const LdapParse r = readBerLength(b, pos, length); r != LdapParse::Ok) return r;
  const size_t header = pos;
  if (pos >= b.size()) return LdapParse::NeedMore;
  if (b[pos++] != kBerInteger) return LdapParse::Invalid;
  size_t id_length = 0;
  if (const LdapParse r = readBerLength(b, pos, id_length); r != LdapParse::Ok) return r;
  // MessageID ::= INTEGER (0 .. maxInt), maxInt 2^31 - 1 (RFC 4511 section 4.1.1).
  if (id_length == 0 || id_length > 4) return LdapParse::Invalid;
  if (b.size() - pos < id_length + 1) return LdapParse::NeedMore;
  if ((b[pos] & 0x80) != 0) return LdapParse::Invalid;
  uint32_t id = 0;
  for (size_t i = 0; i < id_length; ++i) id = (id << 8) | b[pos++];
  if (pos - header + 1 > length) return LdapParse::Invalid;  // the op does not fit
  head.total = header + length;
  head.message_id = id;
  head.operation = b[pos];
  return LdapParse::Ok;
}

bool isLdapStartTls(Bytes b) {
  LdapHead head;
  size_t pos = 0, length = 0;
  if (parseLdapHead(b, head) != LdapParse::Ok || head.operation != kLdapExtendedRequest ||
      !ldapOperation(b, pos, length)) {
    return false;
  }
  if (pos >= b.size() || b[pos++] != kLdapRequestName) return false;
  size_t oid_length = 0;
  if (readBerLength(b, pos, oid_length) != LdapParse::Ok) return false;
  if (oid_length != kStartTlsOid.size() || b.size() - pos < oid_length) return false;
  return asChars(b.subspan(pos, oid_length)) == kStartTlsOid;
}

Reply classifyLdapReply(Bytes b) {
  LdapHead head;
  size_t pos = 0, length = 0;
  if (parseLdapHead(b, head) != LdapParse::Ok || head.operation != kLdapExtendedResponse ||
      !ldapOperation(b, pos, length)) {
    return Reply::Continues;
  }
  // LDAPResult: resultCode ENUMERATED first (RFC 4511 section 4.1.9); success is 0.
  if (b.size() - pos < 3 || b[pos] != kBerEnumerated || b[pos + 1] != 1) return Reply::Refused;
  return b[pos + 2] == 0 ? Reply::Granted : Reply::Refused;
}

bool isPgsqlSslRequest(Bytes b) {
  return b.size() >= kPgsqlRequestSize && readBe32(b, 0) == kPgsqlRequestSize &&
         readBe32(b, 4) == kPgsqlSslRequest;
}

}  // namespace medtap::analyzers::starttls
