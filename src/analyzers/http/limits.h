// Limits of the HTTP/1.x analyzer, each with the reason for its value (STYLE.md 10). Every limit
// has an anomaly counted when it is hit (core/anomaly.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace medtap::analyzers::http {

// Bytes of one message's start line plus header section buffered. RFC 9112 section 2.3 sets no
// maximum; servers do: Apache LimitRequestFieldSize x fields ~ 8 KiB per line, nginx
// large_client_header_buffers 4 x 8 KiB, Node.js --max-http-header-size 16 KiB; 64 KiB is above
// all of them. Beyond it: http_oversized_header and the direction is given up (the analyzer
// returns OutOfSync), since a header section that large is not a real peer's.
constexpr size_t kMaxHeaderSection = size_t{64} << 10;

// Requests waiting for their response on one connection (pipelining, RFC 9112 section 9.3).
// Browsers pipelined at most 6-8 requests; 64 bounds the queue of a misbehaving client. Beyond
// it: http_too_many_pending_requests, and the oldest request is emitted without its response.
constexpr size_t kMaxPendingRequests = 64;

// Characters of one header value copied into the event (host, user agent, server, content type,
// referer, URI). Real user agents are under 512 bytes; URIs of web apps reach a few KiB (IE's
// 2083-character limit is the usual design bound). 8 KiB keeps every real value while bounding
// the event. Beyond it: http_long_field, and the value is cut.
constexpr size_t kMaxFieldLength = size_t{8} << 10;

// Hex digits of a chunk size line (RFC 9112 section 7.1). 16 hex digits already exceed 2^64;
// zeek's variant-01 capture uses a 2^64 overflow to desynchronise parsers. Beyond: http_bad_chunk.
constexpr size_t kMaxChunkSizeDigits = 16;

// Query parameters tokenized per URI; beyond it the rest of the query is replaced by one token.
// Real web-app queries have tens of parameters.
constexpr size_t kMaxQueryParameters = 256;

}  // namespace medtap::analyzers::http
