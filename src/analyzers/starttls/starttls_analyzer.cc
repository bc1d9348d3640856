#include "analyzers/starttls/starttls_analyzer.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "analyzers/starttls/limits.h"
#include "analyzers/tls/limits.h"

namespace medtap::analyzers::starttls {

namespace {

// The connection's originator is the client in every protocol here.
constexpr Direction kClient = Direction::Originator;

template <Protocol P>
ProbeResult probeFor(Bytes first_bytes, Direction dir) {
  return probe(P, first_bytes, dir);
}

template <Protocol P>
std::unique_ptr<StreamAnalyzer> makeFor() {
  return std::make_unique<StartTlsAnalyzer>(P);
}

template <Protocol P>
AnalyzerDef defFor(std::vector<uint16_t> port_hints) {
  return AnalyzerDef{
      .name = protocolName(P),
      .transport = Transport::Tcp,
      .port_hints = std::move(port_hints),
      .probe = &probeFor<P>,
      .make_stream = &makeFor<P>,
      .make_datagram = nullptr,
  };
}

}  // namespace

FeedResult StartTlsAnalyzer::feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) {
  Side& s = side(dir);
  while (!data.empty()) {
    switch (s.phase) {
      case Phase::Tls:
        return tls_.feed(ctx, dir, data, ts);
      case Phase::Ignored:
        return FeedResult::Consumed;
      case Phase::Clear:
        break;
    }
    if (s.clear_bytes >= kMaxPlaintext && !awaiting_reply_) {
      ctx.anomalies.add(Anomaly::StarttlsPlaintextLimit);
      ignore();
      return FeedResult::Consumed;
    }
    size_t used = 0;
    switch (protocol_) {
      case Protocol::Ldap:
        used = feedLdap(ctx, dir, data);
        break;
      case Protocol::Pgsql:
        used = feedPgsql(dir, data);
        break;
      case Protocol::Smtp:
      case Protocol::Imap:
      case Protocol::Pop3:
      case Protocol::Ftp:
        used = feedLines(ctx, dir, data);
        break;
    }
    s.clear_bytes += used;
    data = data.subspan(used);
    if (malformed_) return FeedResult::OutOfSync;
  }
  return FeedResult::Consumed;
}

bool StartTlsAnalyzer::clientStartsTls(Direction dir, uint8_t next_byte) const {
  return dir == kClient && awaiting_reply_ && next_byte == tls::kContentHandshake;
}

// Text protocols: lines end with LF (CR LF on the wire; a bare LF is accepted).
size_t StartTlsAnalyzer::feedLines(AnalyzerContext& ctx, Direction dir, Bytes data) {
  Side& s = side(dir);
  size_t pos = 0;
  while (pos < data.size()) {
    // A client that did not wait for the reply (or whose reply the capture shows later).
    if (s.line.empty() && !s.skip_line && clientStartsTls(dir, data[pos])) {
      s.phase = Phase::Tls;
      upgraded_ = true;
      return pos;
    }
    const auto* begin = data.data() + pos;
    const auto* lf = static_cast<const uint8_t*>(std::memchr(begin, '\n', data.size() - pos));
    const size_t end = lf ? static_cast<size_t>(lf - data.data()) : data.size();
    if (!s.skip_line) {
      const size_t room = kMaxLine - s.line.size();
      const std::string_view part = asChars(data.subspan(pos, end - pos));
      s.line.append(part.substr(0, room));
      if (part.size() > room) {
        ctx.anomalies.add(Anomaly::StarttlsLongLine);
        s.skip_line = true;  // the line's first kMaxLine bytes are still judged at its end
      }
    }
    if (!lf) return data.size();
    pos = end + 1;
    if (!(s.skip_line && s.line.empty())) onLine(ctx, dir, s.line);
    s.line.clear();
    s.skip_line = false;
    if (s.phase != Phase::Clear) return pos;
  }
  return pos;
}

void StartTlsAnalyzer::onLine(AnalyzerContext& ctx, Direction dir, std::string_view line) {
  if (dir == kClient) {
    if (isUpgradeCommand(protocol_, line, imap_tag_)) awaiting_reply_ = true;
    return;
  }
  if (awaiting_reply_) onReply(ctx, classifyReply(protocol_, line, imap_tag_));
}

void StartTlsAnalyzer::onReply(AnalyzerContext& ctx, Reply reply) {
  switch (reply) {
    case Reply::Continues:
      return;
    case Reply::Granted:
      upgrade();
      return;
    case Reply::Refused:
      // The session goes on in clear: worth counting (a refused or stripped STARTTLS).
      ctx.anomalies.add(Anomaly::StarttlsRefused);
      awaiting_reply_ = false;
      return;
  }
}

// LDAP: BER-framed LDAPMessages; only the first kLdapHead bytes of each are kept, the rest is
// skipped by length.
size_t StartTlsAnalyzer::feedLdap(AnalyzerContext& ctx, Direction dir, Bytes data) {
  Side& s = side(dir);
  size_t pos = 0;
  while (pos < data.size()) {
    if (s.skip > 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(s.skip, data.size() - pos));
      s.skip -= n;
      pos += n;
    } else {
      if (s.head.empty() && clientStartsTls(dir, data[pos])) {
        s.phase = Phase::Tls;
        upgraded_ = true;
        return pos;
      }
      LdapHead head;
      LdapParse parsed = parseLdapHead(s.head, head);
      while (parsed == LdapParse::NeedMore && pos < data.size()) {
        s.head.push_back(data[pos++]);  // a head is a few bytes: its length and message id
        parsed = parseLdapHead(s.head, head);
      }
      if (parsed == LdapParse::NeedMore) return pos;
      if (parsed == LdapParse::Invalid) {
        // Not BER: a SASL security layer, or not LDAP after all. Nothing more can be followed.
        ctx.anomalies.add(Anomaly::StarttlsMalformedPreamble);
        malformed_ = true;
        ignore();
        return pos;
      }
      const size_t keep = std::min(head.total, kLdapHead);
      const size_t n = std::min(keep - std::min(keep, s.head.size()), data.size() - pos);
      s.head.insert(s.head.end(), data.begin() + static_cast<std::ptrdiff_t>(pos),
                    data.begin() + static_cast<std::ptrdiff_t>(pos + n));
      pos += n;
      if (s.head.size() < keep) return pos;
      s.skip = head.total - s.head.size();
      onLdapMessage(ctx, dir, head, s.head);
      s.head.clear();
    }
    // TLS starts after the whole granting response.
    if (grant_pending_ && s.skip == 0) {
      grant_pending_ = false;
      upgrade();
      return pos;
    }
  }
  return pos;
}

void StartTlsAnalyzer::onLdapMessage(AnalyzerContext& ctx, Direction dir, const LdapHead& head,
                                     Bytes message_head) {
  if (dir == kClient) {
    if (isLdapStartTls(message_head)) {
      awaiting_reply_ = true;
      ldap_message_ = head.message_id;
    }
    return;
  }
  if (!awaiting_reply_ || head.message_id != ldap_message_) return;
  const Reply reply = classifyLdapReply(message_head);
  if (reply == Reply::Granted) {
    grant_pending_ = true;
  } else {
    onReply(ctx, reply);
  }
}

// PostgreSQL: the client's first 8 bytes, the server's first byte.
size_t StartTlsAnalyzer::feedPgsql(Direction dir, Bytes data) {
  Side& s = side(dir);
  if (dir == kClient) {
    if (clientStartsTls(dir, data[0])) {
      s.phase = Phase::Tls;
      upgraded_ = true;
      return 0;
    }
    if (awaiting_reply_) {
      ignore();  // more in clear before the server's answer: not an upgrade
      return data.size();
    }
    const size_t n = std::min(kPgsqlRequestSize - s.line.size(), data.size());
    s.line.append(asChars(data.first(n)));
    if (s.line.size() < kPgsqlRequestSize) return n;
    if (isPgsqlSslRequest(asBytes(s.line))) {
      awaiting_reply_ = true;
    } else {
      ignore();  // a StartupMessage or GSSENCRequest: no TLS on this connection
    }
    return n;
  }
  if (awaiting_reply_ && data[0] == kPgsqlSslGranted) {
    upgrade();
  } else {
    ignore();  // 'N' (no TLS), or the server spoke unasked
  }
  return 1;
}

void StartTlsAnalyzer::upgrade() {
  awaiting_reply_ = false;
  upgraded_ = true;
  for (Side& s : sides_) {
    if (s.phase != Phase::Clear) continue;
    s.phase = Phase::Tls;
    std::string().swap(s.line);
    std::vector<uint8_t>().swap(s.head);
  }
}

void StartTlsAnalyzer::ignore() {
  awaiting_reply_ = false;
  for (Side& s : sides_) {
    if (s.phase != Phase::Clear) continue;
    s.phase = Phase::Ignored;
    std::string().swap(s.line);
    std::vector<uint8_t>().swap(s.head);
  }
}

void StartTlsAnalyzer::gap(AnalyzerContext& ctx, Direction dir, uint64_t length, Timestamp ts) {
  Side& s = side(dir);
  switch (s.phase) {
    case Phase::Tls:
      tls_.gap(ctx, dir, length, ts);
      return;
    case Phase::Ignored:
      return;
    case Phase::Clear:
      break;
  }
  if (protocol_ == Protocol::Ldap || protocol_ == Protocol::Pgsql) {
    ignore();  // the message framing is lost
    return;
  }
  // Lines: what follows the gap is the middle of a line; judge again from the next line end.
  s.line.clear();
  s.skip_line = true;
  s.clear_bytes += length;
}

void StartTlsAnalyzer::end(AnalyzerContext& ctx, Direction dir, Timestamp ts) {
  ended_[index(dir)] = true;
  if (!upgraded_) return;
  // The TLS analyzer reports a handshake in progress once both directions have ended.
  for (Direction d : {Direction::Originator, Direction::Responder}) {
    if (ended_[index(d)] && !tls_ended_[index(d)]) {
      tls_ended_[index(d)] = true;
      tls_.end(ctx, d, ts);
    }
  }
}

void registerAnalyzer(Registry& registry) {
  // 25 SMTP, 587 submission (RFC 6409); 143 IMAP; 110 POP3; 21 FTP control; 389 LDAP, 3268 the
  // Active Directory global catalog; 5432 PostgreSQL.
  registry.add(defFor<Protocol::Smtp>({25, 587}));
  registry.add(defFor<Protocol::Imap>({143}));
  registry.add(defFor<Protocol::Pop3>({110}));
  registry.add(defFor<Protocol::Ftp>({21}));
  registry.add(defFor<Protocol::Ldap>({389, 3268}));
  registry.add(defFor<Protocol::Pgsql>({5432}));
}

}  // namespace medtap::analyzers::starttls
