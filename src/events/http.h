// event_type "http": one HTTP/1.x request and its response (docs/EVENTS.md; Suricata's EVE http).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medtap::events {

// Never holds raw PHI (DESIGN.md): query parameter values of `url` and `http_refer` arrive here
// as tokens (analyzers/http/http_message.h, redactUri).
struct HttpTransaction {
  static constexpr std::string_view kEventType = "http";
  std::string hostname;               // Host header without its port
  std::optional<uint16_t> http_port;  // the Host header's port, when it has one
  std::string url;                    // request target, query values tokenized
  std::string http_user_agent;
  std::string http_method;                  // "" when only the response was seen
  std::string protocol;                     // "HTTP/1.1"
  uint16_t status = 0;                      // 0 when no response was seen
  uint64_t length = 0;                      // response body bytes (decoded chunks)
  std::string http_content_type;            // response Content-Type
  std::string server;                       // response Server header
  std::string http_refer;                   // Referer, query values tokenized
  std::vector<std::string_view> anomalies;  // names (static strings): smuggling hints etc.
};

}  // namespace medtap::events
