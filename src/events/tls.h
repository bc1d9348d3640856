// event_type "tls": one TLS handshake (docs/EVENTS.md; Suricata's EVE tls).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace medtap::events {

struct TlsHandshake {
  static constexpr std::string_view kEventType = "tls";
  std::string subject, issuerdn, serial, fingerprint, notbefore, notafter;  // server certificate
  std::vector<std::string> subjectaltname;
  std::string sni;
  std::string version;  // negotiated ("TLS 1.2"), else the client's offer
  std::string ja3_string, ja3_hash;
  std::string ja3s_string, ja3s_hash;
  std::string ja4;
  std::vector<std::string> alpn_ts;  // offered by the client
  std::vector<std::string> alpn_tc;  // chosen by the server
};

}  // namespace medtap::events
