#include "sinks/syslog_format.h"

#include <array>

namespace medtap::sinks {

namespace {

constexpr std::array<std::string_view, 24> kFacilities = {
    "kern",   "user",   "mail",     "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "audit",  "alert",  "clock",
    "local0", "local1", "local2",   "local3", "local4", "local5", "local6", "local7"};

const events::AlertRecord* alertOf(const events::Event& e) {
  return std::get_if<events::AlertRecord>(&e.body);
}

// SD-NAME (RFC 5424 6.3.3): printable US-ASCII but '=', ' ', ']', '"'; at most 32.
void appendSdName(std::string& out, std::string_view name) {
  size_t n = 0;
  for (char c : name) {
    if (n++ == 32) break;
    const bool ok = c > 32 && c < 127 && c != '=' && c != ']' && c != '"';
    out.push_back(ok ? c : '_');
  }
}

// HOSTNAME, APP-NAME (RFC 5424 6.2): printable US-ASCII, bounded, "-" when empty.
void appendHeaderField(std::string& out, std::string_view value, size_t max) {
  if (value.empty()) {
    out.push_back('-');
    return;
  }
  for (size_t i = 0; i < value.size() && i < max; ++i) {
    const char c = value[i];
    out.push_back(c > 32 && c < 127 ? c : '_');
  }
}

void param(std::string& out, std::string_view name, std::string_view value) {
  out.push_back(' ');
  appendSdName(out, name);
  out.append("=\"");
  appendSdParamValue(out, value);
  out.push_back('"');
}

std::string joined(const std::vector<std::string_view>& values, std::string_view sep) {
  std::string out;
  for (auto v : values) {
    if (!out.empty()) out += sep;
    out += v;
  }
  return out;
}

// The longest prefix of `s` of at most `max` bytes that does not split a UTF-8 sequence.
std::string_view utf8Prefix(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

void structuredData(std::string& out, const events::Event& e, bool truncated) {
  out.push_back('[');
  out.append(kSdId);
  if (const auto* a = alertOf(e)) {
    param(out, "sid", std::to_string(a->signature_id));
    param(out, "signature", a->signature);
    param(out, "category", a->category);
    param(out, "severity", std::to_string(a->severity));
    param(out, "device_id", a->device_id);
    param(out, "device_ip", a->device_ip.toString());
    param(out, "count", std::to_string(a->count));
    if (!a->cve.empty()) param(out, "cve", joined(a->cve, ","));
    if (!a->attack.empty()) param(out, "attack", joined(a->attack, ","));
    for (const auto& [k, v] : a->evidence) param(out, k, v);
  } else {
    param(out, "event_type", eventTypeName(e.body));
  }
  if (truncated) param(out, "truncated", "1");
  out.push_back(']');
}

void extension(std::string& out, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  if (!out.empty() && out.back() != '|') out.push_back(' ');
  out.append(key);
  out.push_back('=');
  appendCefExtensionValue(out, value);
}

std::string millis(Timestamp t) {
  return std::to_string(t.ns / 1'000'000);
}

// CEF:0|medtap|medtap|VERSION|SID|NAME|SEV|extension
void appendCef(std::string& out, const events::Event& e, const SyslogMessageOptions& o) {
  const auto* a = alertOf(e);
  out.append("CEF:0|medtap|medtap|");
  appendCefHeaderField(out, o.version);
  out.push_back('|');
  appendCefHeaderField(
      out, a != nullptr ? std::to_string(a->signature_id) : std::string(eventTypeName(e.body)));
  out.push_back('|');
  appendCefHeaderField(out, a != nullptr ? a->signature : eventTypeName(e.body));
  out.push_back('|');
  out.append(std::to_string(a != nullptr ? cefSeverity(a->severity) : 2));
  out.push_back('|');
  extension(out, "rt", millis(e.ts));
  if (e.flow) {
    extension(out, "src", e.flow->src_ip.toString());
    extension(out, "dst", e.flow->dest_ip.toString());
    if (e.flow->src_port != 0) extension(out, "spt", std::to_string(e.flow->src_port));
    if (e.flow->dest_port != 0) extension(out, "dpt", std::to_string(e.flow->dest_port));
    std::string_view proto = e.flow->proto == 6 ? "TCP" : e.flow->proto == 17 ? "UDP" : "";
    extension(out, "proto", proto);
    extension(out, "app", e.flow->app_proto);
  }
  if (a == nullptr) return;
  extension(out, "cat", a->category);
  extension(out, "deviceExternalId", a->device_id);
  extension(out, "cnt", std::to_string(a->count));
  extension(out, "start", millis(a->first_seen));
  extension(out, "end", millis(a->last_seen));
  if (!a->cve.empty()) {
    extension(out, "cs1Label", "cve");
    extension(out, "cs1", joined(a->cve, ","));
  }
  if (!a->attack.empty()) {
    extension(out, "cs2Label", "attack");
    extension(out, "cs2", joined(a->attack, ","));
  }
  std::string evidence;
  for (const auto& [k, v] : a->evidence) {
    evidence += (evidence.empty() ? "" : "; ") + std::string(k) + ": " + v;
  }
  if (!evidence.empty()) {
    extension(out, "cs3Label", "evidence");
    extension(out, "cs3", evidence);
  }
  if (a->device_ip.family() != IpFamily::None) {
    extension(out, "cs4Label", "deviceIp");
    extension(out, "cs4", a->device_ip.toString());
  }
}

}  // namespace

std::optional<int> syslogFacility(std::string_view name) {
  for (size_t i = 0; i < kFacilities.size(); ++i) {
    if (kFacilities[i] == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

int syslogSeverity(const events::Event& event) {
  const auto* a = alertOf(event);
  if (a == nullptr) return 6;
  switch (a->severity) {
    case 1:
      return 2;
    case 2:
      return 4;
    default:
      return 5;
  }
}

int cefSeverity(uint8_t alert_severity) {
  switch (alert_severity) {
    case 1:
      return 10;
    case 2:
      return 7;
    default:
      return 4;
  }
}

void appendSdParamValue(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '"' || c == '\\' || c == ']') out.push_back('\\');
    out.push_back(c);
  }
}

void appendCefHeaderField(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\' || c == '|') out.push_back('\\');
    out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  }
}

void appendCefExtensionValue(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\' || c == '=') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else {
      out.push_back(c);
    }
  }
}

void appendRfc3339(std::string& out, Timestamp t) {
  appendIso8601(out, t);
  out.resize(out.size() - 5);  // "+0000"
  out.push_back('Z');
}

std::string formatSyslog(const events::Event& event, std::string_view eve_line,
                         const SyslogMessageOptions& options) {
  // <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG (RFC 5424 6).
  std::string out = "<" + std::to_string(options.facility * 8 + syslogSeverity(event)) + ">1 ";
  appendRfc3339(out, event.ts);
  out.push_back(' ');
  appendHeaderField(out, options.hostname, 255);
  out.push_back(' ');
  appendHeaderField(out, options.app_name, 48);
  out.append(" - ");
  appendHeaderField(out, eventTypeName(event.body), 32);
  out.push_back(' ');
  if (options.format == SyslogFormat::Cef) {
    out.append("- ");
    std::string cef;
    appendCef(cef, event, options);
    // The header is at most ~360 bytes (hostname 255, app-name 48, msgid 32).
    out.append(utf8Prefix(cef, kMaxSyslogMessageBytes - out.size()));
    return out;
  }
  std::string sd;
  structuredData(sd, event, false);
  size_t room = kMaxSyslogMessageBytes > out.size() + sd.size() + 1
                    ? kMaxSyslogMessageBytes - out.size() - sd.size() - 1
                    : 0;
  if (eve_line.size() > room) {
    sd.clear();
    structuredData(sd, event, true);
    room = room > 16 ? room - 16 : 0;  // ' truncated="1"'
  }
  out.append(sd);
  out.push_back(' ');
  out.append(utf8Prefix(eve_line, room));
  return out;
}

}  // namespace medtap::sinks
