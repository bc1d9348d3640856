// Pure parse helpers for HTTP/1.x messages (RFC 9112): start lines, the header section, body
// framing and the URI redaction that keeps patient data out of events. No state, no I/O; each
// has its own tests (tests/unit/analyzers/http/).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/anomaly.h"
#include "privacy/phi_tokenizer.h"

namespace medtap::analyzers::http {

// request-line = method SP request-target SP HTTP-version (RFC 9112 section 3).
struct RequestLine {
  std::string_view method, target, version;
};
// status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 section 4).
struct StatusLine {
  std::string_view version;
  uint16_t status = 0;
};

// The methods the probe and the request-line parser accept (RFC 9110 section 9, RFC 5789 PATCH).
bool isKnownMethod(std::string_view method);

// `line` without its CR LF. nullopt when it is not a request line with a known method and an
// "HTTP/1.x" version.
std::optional<RequestLine> parseRequestLine(std::string_view line);
// nullopt when it is not "HTTP/1.x" followed by a three-digit status.
std::optional<StatusLine> parseStatusLine(std::string_view line);

// Content-Length value (RFC 9110 section 8.6): 1*DIGIT with optional surrounding whitespace; a
// comma-separated list of identical values is accepted as one (RFC 9112 section 6.3 item 5).
// nullopt for anything else, including a value beyond 2^64 - 1.
std::optional<uint64_t> parseContentLength(std::string_view value);
// chunk-size [ chunk-ext ] (RFC 9112 section 7.1): hex digits up to kMaxChunkSizeDigits.
std::optional<uint64_t> parseChunkSize(std::string_view line);
// Whether the final transfer coding of a Transfer-Encoding value is "chunked" (RFC 9112 6.3).
bool isChunkedFinal(std::string_view transfer_encoding);

// The request or response head, as parsed from its header section. Views point into the bytes
// given to parseHead and are valid as long as they are.
struct Head {
  enum class Kind : uint8_t { Request, Response };
  Kind kind = Kind::Request;
  RequestLine request;
  StatusLine response;
  std::string_view host, user_agent, content_type, server, referer, upgrade;
  std::optional<uint64_t> content_length;
  bool has_content_length = false;
  bool has_transfer_encoding = false;
  bool chunked = false;
  // Anomalies of this message (also counted), kept for the event: smuggling hints.
  std::vector<Anomaly> anomalies;
};

enum class HeadStatus : uint8_t { Ok, BadStartLine };

// Parses a whole head: the start line, header fields, up to and including the empty line.
// Lines end in LF with an optional CR before it. Header lines without a colon are counted
// (http_bad_header_line) and skipped; obsolete line folding is treated as a bad line.
// Anomalies go to `out.anomalies` and to `counters`.
HeadStatus parseHead(std::string_view section, Head& out, AnomalyCounters& counters);

// How the body after a head is delimited (RFC 9112 section 6.3).
enum class Framing : uint8_t {
  None,        // no body
  Length,      // Content-Length bytes
  Chunked,     // chunked transfer coding
  UntilClose,  // response read until the connection closes
  Tunnel,      // after CONNECT 2xx or 101: not HTTP any more
};
// `request_method` is the method of the request a response answers ("" when unknown).
Framing requestFraming(const Head& head);
Framing responseFraming(const Head& head, std::string_view request_method);

// The URI as it goes into an event: scheme, authority and path are kept; each query parameter
// keeps its name and has its value replaced by its patient-data token (ctx.phi.token), since
// hospital web apps put patient ids and names in query strings ("?mrn=123&name=DOE"). A
// parameter without '=' is taken as a bare value and tokenized. The fragment is dropped.
// Paths are kept as they are: they name resources, and REST ids in them are not told apart.
void redactUri(std::string_view uri, const privacy::PhiTokenizer& phi, std::string& out);

// "host:port" -> host and port (Suricata's http.hostname and http.http_port); IPv6 literals in
// brackets keep their brackets.
struct HostPort {
  std::string_view host;
  std::optional<uint16_t> port;
};
HostPort splitHost(std::string_view host_header);

}  // namespace medtap::analyzers::http
