// Alerts as syslog messages for a SIEM: RFC 5424 with the alert in structured data and its EVE
// line as MSG, or ArcSight CEF inside the same RFC 5424 header. Pure formatting, no sockets
// (sinks/syslog_sink.h sends them), so that every byte is unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/event.h"

namespace medtap::sinks {

enum class SyslogFormat : uint8_t { Rfc5424, Cef };

struct SyslogMessageOptions {
  SyslogFormat format = SyslogFormat::Rfc5424;
  int facility = 16;                // local0
  std::string hostname = "-";       // RFC 5424 HOSTNAME: printable US-ASCII, at most 255
  std::string app_name = "medtap";  // at most 48
  std::string version = "0.1.0";    // CEF Device Version
};

// RFC 5424 section 7.2.2: the private enterprise number medtap's SD-ID is registered under in
// the brief (medtap@32473: 32473 is the IANA number reserved for documentation, RFC 5612).
constexpr std::string_view kSdId = "medtap@32473";
// Largest message sent (header, structured data and MSG): rsyslog's default maxMessageSize is
// 8 KiB, and RFC 5426 asks receivers for at least 2 KiB; a longer EVE line is cut at a UTF-8
// boundary and the message says so in its structured data (truncated="1").
constexpr size_t kMaxSyslogMessageBytes = 8192;

// "local0" -> 16; nullopt for an unknown name. kern..local7 (RFC 5424 table 1).
std::optional<int> syslogFacility(std::string_view name);
// Alert severity (1 high ... 3 low) -> RFC 5424 severity: 1 crit(2), 2 warning(4),
// 3 notice(5); any other event info(6).
int syslogSeverity(const events::Event& event);
// Alert severity -> CEF 0..10: 1 -> 10, 2 -> 7, 3 -> 4; other events 2.
int cefSeverity(uint8_t alert_severity);

// RFC 5424 PARAM-VALUE escaping: '"', '\' and ']' get a backslash.
void appendSdParamValue(std::string& out, std::string_view value);
// CEF header field: '\' and '|' get a backslash; CR/LF become spaces.
void appendCefHeaderField(std::string& out, std::string_view value);
// CEF extension value: '\' and '=' get a backslash; CR, LF as \r, \n.
void appendCefExtensionValue(std::string& out, std::string_view value);
// RFC 3339 as RFC 5424 wants it: 2025-11-25T10:00:02.022903Z (microseconds, UTC).
void appendRfc3339(std::string& out, Timestamp t);

// The whole message for one event, without transport framing. `eve_line` is the event's EVE
// JSON (formatEve), the MSG of an RFC 5424 message.
std::string formatSyslog(const events::Event& event, std::string_view eve_line,
                         const SyslogMessageOptions& options);

}  // namespace medtap::sinks
