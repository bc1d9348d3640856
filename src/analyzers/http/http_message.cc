#include "analyzers/http/http_message.h"

#include <algorithm>
#include <array>

#include "analyzers/http/limits.h"

namespace medtap::analyzers::http {

namespace {

constexpr std::string_view kHttp1Prefix = "HTTP/1.";
constexpr std::array<std::string_view, 9> kMethods = {
    "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "PATCH", "TRACE"};

bool isOws(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trimOws(std::string_view s) {
  while (!s.empty() && isOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && (isOws(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const char l = lower(c);
  if (l >= 'a' && l <= 'f') return l - 'a' + 10;
  return -1;
}

// "HTTP/1.0" or "HTTP/1.1" (any single digit minor version).
bool isHttp1Version(std::string_view v) {
  return v.size() == kHttp1Prefix.size() + 1 && v.starts_with(kHttp1Prefix) && isDigit(v.back());
}

std::optional<uint64_t> parseDigits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (!isDigit(c)) return std::nullopt;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

void noteAnomaly(Head& out, AnomalyCounters& counters, Anomaly a) {
  counters.add(a);
  if (std::find(out.anomalies.begin(), out.anomalies.end(), a) == out.anomalies.end()) {
    out.anomalies.push_back(a);
  }
}

// Keeps the first value of a header that should appear once.
void keepFirst(std::string_view& slot, std::string_view value) {
  if (slot.data() == nullptr) slot = value;
}

void applyField(std::string_view name, std::string_view value, Head& out,
                AnomalyCounters& counters) {
  if (equalsIgnoreCase(name, "host")) {
    keepFirst(out.host, value);
  } else if (equalsIgnoreCase(name, "user-agent")) {
    keepFirst(out.user_agent, value);
  } else if (equalsIgnoreCase(name, "content-type")) {
    keepFirst(out.content_type, value);
  } else if (equalsIgnoreCase(name, "server")) {
    keepFirst(out.server, value);
  } else if (equalsIgnoreCase(name, "referer")) {
    keepFirst(out.referer, value);
  } else if (equalsIgnoreCase(name, "upgrade")) {
    keepFirst(out.upgrade, value);
  } else if (equalsIgnoreCase(name, "content-length")) {
    const auto length = parseContentLength(value);
    if (!length) {
      noteAnomaly(out, counters, Anomaly::HttpBadContentLength);
    } else if (out.content_length && *out.content_length != *length) {
      // RFC 9112 section 6.3 item 5: differing Content-Length values are unrecoverable; the
      // classic request-smuggling setup (CL.CL).
      noteAnomaly(out, counters, Anomaly::HttpConflictingContentLength);
    } else if (!out.content_length) {
      out.content_length = length;
    }
    out.has_content_length = true;
  } else if (equalsIgnoreCase(name, "transfer-encoding")) {
    out.has_transfer_encoding = true;
    out.chunked = isChunkedFinal(value);
  }
}

}  // namespace

bool isKnownMethod(std::string_view method) {
  return std::find(kMethods.begin(), kMethods.end(), method) != kMethods.end();
}

std::optional<RequestLine> parseRequestLine(std::string_view line) {
  const size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return std::nullopt;
  const size_t sp2 = line.rfind(' ');
  if (sp2 == sp1) return std::nullopt;
  RequestLine r{line.substr(0, sp1), trimOws(line.substr(sp1 + 1, sp2 - sp1 - 1)),
                line.substr(sp2 + 1)};
  if (!isKnownMethod(r.method) || !isHttp1Version(r.version)) return std::nullopt;
  return r;
}

std::optional<StatusLine> parseStatusLine(std::string_view line) {
  if (line.size() < kHttp1Prefix.size() + 5 || !isHttp1Version(line.substr(0, 8)) ||
      line[8] != ' ') {
    return std::nullopt;
  }
  const std::string_view code = line.substr(9, 3);
  if (!std::all_of(code.begin(), code.end(), isDigit)) return std::nullopt;
  if (line.size() > 12 && line[12] != ' ') return std::nullopt;
  return StatusLine{line.substr(0, 8), static_cast<uint16_t>(*parseDigits(code))};
}

std::optional<uint64_t> parseContentLength(std::string_view value) {
  value = trimOws(value);
  std::optional<uint64_t> result;
  while (true) {
    const size_t comma = value.find(',');
    const auto v = parseDigits(trimOws(value.substr(0, comma)));
    if (!v || (result && *result != *v)) return std::nullopt;
    result = v;
    if (comma == std::string_view::npos) return result;
    value.remove_prefix(comma + 1);
  }
}

std::optional<uint64_t> parseChunkSize(std::string_view line) {
  line = trimOws(line.substr(0, line.find(';')));
  if (line.empty() || line.size() > kMaxChunkSizeDigits) return std::nullopt;
  uint64_t v = 0;
  for (char c : line) {
    const int d = hexValue(c);
    if (d < 0) return std::nullopt;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

bool isChunkedFinal(std::string_view te) {
  const size_t comma = te.rfind(',');
  const std::string_view last =
      trimOws(comma == std::string_view::npos ? te : te.substr(comma + 1));
  return equalsIgnoreCase(last, "chunked");
}

HeadStatus parseHead(std::string_view section, Head& out, AnomalyCounters& counters) {
  size_t eol = section.find('\n');
  std::string_view start = section.substr(0, eol);
  if (!start.empty() && start.back() == '\r') start.remove_suffix(1);
  if (start.starts_with(kHttp1Prefix)) {
    const auto status = parseStatusLine(start);
    if (!status) return HeadStatus::BadStartLine;
    out.kind = Head::Kind::Response;
    out.response = *status;
  } else {
    const auto request = parseRequestLine(start);
    if (!request) return HeadStatus::BadStartLine;
    out.kind = Head::Kind::Request;
    out.request = *request;
  }
  size_t pos = eol == std::string_view::npos ? section.size() : eol + 1;
  while (pos < section.size()) {
    eol = section.find('\n', pos);
    std::string_view line = section.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
    pos = eol == std::string_view::npos ? section.size() : eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // the end of the header section
    const size_t colon = line.find(':');
    // No colon, a name with whitespace (RFC 9112 section 5.1 forbids it: a smuggling vector) or
    // obsolete folding (section 5.2).
    if (colon == std::string_view::npos || colon == 0 ||
        line.substr(0, colon).find_first_of(" \t") != std::string_view::npos) {
      noteAnomaly(out, counters, Anomaly::HttpBadHeaderLine);
      continue;
    }
    applyField(line.substr(0, colon), trimOws(line.substr(colon + 1)), out, counters);
  }
  if (out.has_content_length && out.has_transfer_encoding) {
    // RFC 9112 section 6.1: a sender must not send both; the TE.CL / CL.TE smuggling setup.
    noteAnomaly(out, counters, Anomaly::HttpClAndTe);
  }
  return HeadStatus::Ok;
}

Framing requestFraming(const Head& head) {
  if (head.request.method == "CONNECT") return Framing::Tunnel;
  // RFC 9112 section 6.3: Transfer-Encoding overrides Content-Length.
  if (head.has_transfer_encoding) return head.chunked ? Framing::Chunked : Framing::None;
  if (head.content_length && *head.content_length > 0) return Framing::Length;
  return Framing::None;
}

Framing responseFraming(const Head& head, std::string_view request_method) {
  const uint16_t status = head.response.status;
  if (status == 101) return Framing::Tunnel;
  if (request_method == "CONNECT" && status >= 200 && status < 300) return Framing::Tunnel;
  if (request_method == "HEAD" || (status >= 100 && status < 200) || status == 204 ||
      status == 304) {
    return Framing::None;
  }
  if (head.has_transfer_encoding) return head.chunked ? Framing::Chunked : Framing::UntilClose;
  if (head.content_length) return *head.content_length > 0 ? Framing::Length : Framing::None;
  return Framing::UntilClose;
}

void redactUri(std::string_view uri, const privacy::PhiTokenizer& phi, std::string& out) {
  out.clear();
  uri = uri.substr(0, uri.find('#'));
  const size_t q = uri.find('?');
  out.append(uri.substr(0, q));
  if (q == std::string_view::npos) return;
  out.push_back('?');
  std::string_view query = uri.substr(q + 1);
  size_t params = 0;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    if (++params > kMaxQueryParameters) {
      out.append(phi.token(query));
      return;
    }
    const size_t eq = param.find('=');
    if (eq == std::string_view::npos) {
      out.append(phi.token(param));
    } else {
      out.append(param.substr(0, eq + 1));
      out.append(phi.token(param.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    out.push_back('&');
    query.remove_prefix(amp + 1);
  }
}

HostPort splitHost(std::string_view host) {
  size_t colon = std::string_view::npos;
  if (host.starts_with('[')) {
    const size_t close = host.find(']');
    if (close != std::string_view::npos && close + 1 < host.size() && host[close + 1] == ':') {
      colon = close + 1;
    }
  } else {
    colon = host.rfind(':');
    if (colon != std::string_view::npos && host.find(':') != colon) colon = std::string_view::npos;
  }
  if (colon == std::string_view::npos) return {host, std::nullopt};
  const auto port = parseDigits(host.substr(colon + 1));
  if (!port || *port > UINT16_MAX) return {host, std::nullopt};
  return {host.substr(0, colon), static_cast<uint16_t>(*port)};
}

}  // namespace medtap::analyzers::http
