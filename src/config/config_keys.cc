#include "config/config_keys.h"

#include <algorithm>
#include <array>
#include <type_traits>

#include "config/bpf_check.h"
#include "config/value_parse.h"

namespace medtap::config {

namespace {

constexpr int64_t kKiB = 1024;
constexpr int64_t kMiB = kKiB * 1024;
constexpr int64_t kGiB = kMiB * 1024;
constexpr int64_t kSecond = Timestamp::kNsPerSec;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

// Ranges. The lower bounds refuse values that would make a stage useless or wrong rather than
// merely small; the upper bounds keep a typo ("1000000GiB") from asking for more memory than a
// sensor has, and keep every value within its field's type.

// A string option longer than this is a mistake (a pasted file); paths and names are far shorter.
constexpr int64_t kMaxTextLength = 4096;
// home_networks entries; the list is searched per event, and a site has a handful of blocks.
constexpr int64_t kMaxHomeNetworks = 1024;
// detect.intel_files entries; a site has a few feeds, each pack holds many indicators.
constexpr int64_t kMaxIntelFiles = 64;
// The smallest Ethernet frame; a record limit below it would refuse every packet.
constexpr int64_t kMinRecordBytes = 64;
// The file reader holds one record at a time; 16 MiB is above any link type medtap decodes.
constexpr int64_t kMaxRecordBytes = 16 * kMiB;
// Room for Ethernet + two VLAN tags + IPv6 + a full 60-byte TCP header (14+8+40+60 = 122).
constexpr int64_t kMinSnaplen = 128;
// libpcap's MAXIMUM_SNAPLEN (pcap-int.h); it silently clamps anything larger.
constexpr int64_t kMaxSnaplen = 262144;
// pcap_set_buffer_size takes an int; 1 GiB is the largest power of two below INT_MAX. libpcap's
// own default is 2 MiB; less than 1 MiB drops packets on any busy SPAN port.
constexpr int64_t kMinLiveBuffer = 1 * kMiB;
constexpr int64_t kMaxLiveBuffer = 1 * kGiB;
// One largest IPv4 datagram (65535 bytes) must fit in the fragment buffer.
constexpr int64_t kMinFragmentBytes = 64 * kKiB;
// One TCP segment can be 64 KiB in captures taken with segmentation offload.
constexpr int64_t kMinFlowBuffer = 64 * kKiB;
// Every probe decides within its protocol's first header (DICOM's A-ASSOCIATE-RQ needs 74 bytes);
// above 64 KiB the window stops being a window and becomes per-flow buffering of unknown traffic.
constexpr int64_t kMinProbeWindow = 256;
constexpr int64_t kMaxProbeWindow = 64 * kKiB;

using K = ValueKind;

const KeySpec kKeys[] = {
    {"site.name", K::Text, 0, 256, "A label for this site, to tell reports and sensors apart.",
     [](Config& c) -> FieldRef { return &c.site.name; }},
    {"site.home_networks", K::NetworkList, 0, kMaxHomeNetworks,
     "The site's own networks: addresses inside them are inside, all others outside.",
     [](Config& c) -> FieldRef { return &c.site.home_networks; }},
    {"site.token_secret_file", K::Text, 0, kMaxTextLength,
     "File of the secret that keys patient tokens; created (mode 0600) on first run.",
     [](Config& c) -> FieldRef { return &c.site.token_secret_file; }},

    {"capture.max_record_bytes", K::Size, kMinRecordBytes, kMaxRecordBytes,
     "Largest capture-file record accepted; a bigger one is counted and skipped.",
     [](Config& c) -> FieldRef { return &c.file_limits.max_record_bytes; }},
    {"capture.max_interfaces", K::Count, 1, 65536,
     "pcapng interfaces kept; packets of further interfaces are counted and skipped.",
     [](Config& c) -> FieldRef { return &c.file_limits.max_interfaces; }},
    {"capture.live.snaplen", K::Size, kMinSnaplen, kMaxSnaplen,
     "Bytes captured of each packet on a live interface.",
     [](Config& c) -> FieldRef { return &c.live.snaplen; }},
    {"capture.live.promiscuous", K::Bool, 0, 1,
     "Put the interface in promiscuous mode (needed on a SPAN or TAP port).",
     [](Config& c) -> FieldRef { return &c.live.promiscuous; }},
    {"capture.live.buffer_size", K::Size, kMinLiveBuffer, kMaxLiveBuffer,
     "Kernel capture buffer; large, since a SPAN port bursts.",
     [](Config& c) -> FieldRef { return &c.live.buffer_bytes; }},
    {"capture.live.bpf_filter", K::BpfFilter, 0, kMaxTextLength,
     "libpcap filter expression applied in the kernel; empty captures everything.",
     [](Config& c) -> FieldRef { return &c.live.bpf_filter; }},

    {"decode.max_fragment_datagrams", K::Count, 1, 1 << 20,
     "IPv4 datagrams reassembled at once; beyond it the oldest is dropped.",
     [](Config& c) -> FieldRef { return &c.decoder.max_fragment_datagrams; }},
    {"decode.max_fragment_bytes", K::Size, kMinFragmentBytes, 4 * kGiB,
     "Bytes held across all partially reassembled IPv4 datagrams.",
     [](Config& c) -> FieldRef { return &c.decoder.max_fragment_bytes; }},
    {"decode.fragment_timeout", K::Duration, kSecond, 10 * kMinute,
     "A partial IPv4 datagram older than this is dropped.",
     [](Config& c) -> FieldRef { return &c.decoder.fragment_timeout; }},
    {"decode.max_ipv6_extension_headers", K::Count, 1, 64,
     "IPv6 extension headers followed before the packet is given up on.",
     [](Config& c) -> FieldRef { return &c.decoder.max_ipv6_extension_headers; }},

    {"flow.max_flows", K::Count, 1, 100'000'000,
     "Flows tracked at once; a new flow beyond it evicts the least recently active one.",
     [](Config& c) -> FieldRef { return &c.flows.max_flows; }},
    {"flow.timeouts.tcp_new", K::Duration, kSecond, 7 * kDay,
     "Idle time after which a TCP flow that never completed its handshake ends.",
     [](Config& c) -> FieldRef { return &c.flows.tcp_new_timeout; }},
    {"flow.timeouts.tcp_established", K::Duration, kSecond, 7 * kDay,
     "Idle time after which an established TCP flow ends.",
     [](Config& c) -> FieldRef { return &c.flows.tcp_established_timeout; }},
    {"flow.timeouts.tcp_closed", K::Duration, kSecond, 7 * kDay,
     "Idle time after which a TCP flow that saw FIN or RST ends.",
     [](Config& c) -> FieldRef { return &c.flows.tcp_closed_timeout; }},
    {"flow.timeouts.udp_new", K::Duration, kSecond, 7 * kDay,
     "Idle time after which a UDP flow seen in one direction only ends.",
     [](Config& c) -> FieldRef { return &c.flows.udp_new_timeout; }},
    {"flow.timeouts.udp_established", K::Duration, kSecond, 7 * kDay,
     "Idle time after which a UDP flow seen in both directions ends.",
     [](Config& c) -> FieldRef { return &c.flows.udp_established_timeout; }},
    {"flow.timeouts.other", K::Duration, kSecond, 7 * kDay,
     "Idle time after which a flow of another protocol (ICMP, ...) ends.",
     [](Config& c) -> FieldRef { return &c.flows.other_timeout; }},
    {"flow.reassembly.max_flow_buffer", K::Size, kMinFlowBuffer, 1 * kGiB,
     "Out-of-order TCP bytes held per flow direction before the hole is declared a gap.",
     [](Config& c) -> FieldRef { return &c.flows.reassembly.max_flow_buffer_bytes; }},
    {"flow.reassembly.max_total_buffer", K::Size, 1 * kMiB, 64 * kGiB,
     "Out-of-order TCP bytes held across all flows.",
     [](Config& c) -> FieldRef { return &c.flows.reassembly.max_total_buffer_bytes; }},
    {"flow.reassembly.max_flow_segments", K::Count, 1, 1 << 20,
     "Out-of-order TCP segments held per flow direction.",
     [](Config& c) -> FieldRef { return &c.flows.reassembly.max_flow_segments; }},

    {"analyzers.probe_window", K::Size, kMinProbeWindow, kMaxProbeWindow,
     "Bytes of each TCP direction held while recognising the protocol.",
     [](Config& c) -> FieldRef { return &c.dispatcher.probe_window; }},
    {"analyzers.max_probe_datagrams", K::Count, 1, 64,
     "UDP datagrams of a flow probed before it is left unclassified.",
     [](Config& c) -> FieldRef { return &c.dispatcher.max_probe_datagrams; }},
    // GAP: HL7 limits (src/analyzers/hl7/limits.h) are compile-time constants, not options yet.

    {"outputs.directory", K::Text, 1, kMaxTextLength,
     "Folder a run writes into; created if missing.",
     [](Config& c) -> FieldRef { return &c.outputs.directory; }},
    {"outputs.eve.enabled", K::Bool, 0, 1, "Write events as EVE JSON lines.",
     [](Config& c) -> FieldRef { return &c.outputs.eve.enabled; }},
    {"outputs.eve.filename", K::FileName, 1, kMaxTextLength,
     "EVE JSON file name, inside outputs.directory.",
     [](Config& c) -> FieldRef { return &c.outputs.eve.filename; }},
    {"outputs.syslog.enabled", K::Bool, 0, 1, "Send alerts to a syslog server.",
     [](Config& c) -> FieldRef { return &c.outputs.syslog.enabled; }},
    {"outputs.syslog.server", K::Text, 1, kMaxTextLength,
     "Syslog server: udp://HOST:PORT, tcp://HOST:PORT (octet-counted) or unix:///PATH.",
     [](Config& c) -> FieldRef { return &c.outputs.syslog.server; }},
    {"outputs.syslog.format", K::Text, 1, 16, "Syslog message format: rfc5424 or cef.",
     [](Config& c) -> FieldRef { return &c.outputs.syslog.format; }},
    {"outputs.syslog.facility", K::Text, 1, 16, "Syslog facility: kern ... local7.",
     [](Config& c) -> FieldRef { return &c.outputs.syslog.facility; }},
    {"outputs.syslog.app_name", K::Text, 1, 48, "RFC 5424 APP-NAME of the messages.",
     [](Config& c) -> FieldRef { return &c.outputs.syslog.app_name; }},
    {"outputs.syslog.queue_bytes", K::Size, 4 * kKiB, 1 * kGiB,
     "Alerts waiting for the syslog server, in bytes; beyond, new ones are dropped.",
     [](Config& c) -> FieldRef { return &c.outputs.syslog.queue_bytes; }},
    {"outputs.report", K::Bool, 0, 1, "Write report.html and report.md at the end of a run.",
     [](Config& c) -> FieldRef { return &c.outputs.report; }},
    {"inventory.database", K::Text, 1, kMaxTextLength,
     "SQLite store of the inventory: a plain name inside outputs.directory, or a path.",
     [](Config& c) -> FieldRef { return &c.inventory.database; }},
    {"inventory.oui_directory", K::Text, 1, kMaxTextLength,
     "Folder of the IEEE registry files (Debian's ieee-data).",
     [](Config& c) -> FieldRef { return &c.inventory.oui_directory; }},
    {"inventory.fingerprints_directory", K::Text, 0, kMaxTextLength,
     "Folder of the site's own fingerprint rules, used with the built-in ones.",
     [](Config& c) -> FieldRef { return &c.inventory.fingerprints_directory; }},
    {"inventory.update_interval", K::Duration, kMinute, 7 * kDay,
     "Packet time between two updates of the inventory during a run.",
     [](Config& c) -> FieldRef { return &c.inventory.update_interval; }},

    {"detect.intel_files", K::PathList, 0, kMaxIntelFiles,
     "Threat-intelligence packs (Zeek intel, CSV, STIX 2.1) matched by signature 9000301.",
     [](Config& c) -> FieldRef { return &c.detect.intel_files; }},
    {"detect.learn", K::Text, 0, 64,
     "Anomaly baseline learning: off, all, or a duration of packet time (7d).",
     [](Config& c) -> FieldRef { return &c.detect.learn; }},
    {"detect.policy", K::Text, 0, kMaxTextLength,
     "Segmentation policy file; flows it does not allow raise policy-violation alerts.",
     [](Config& c) -> FieldRef { return &c.detect.policy; }},
    {"detect.policy_max_flows", K::Count, 64, 1 << 24,
     "Flows the policy detector holds (pending identification or decided); beyond: not judged.",
     [](Config& c) -> FieldRef { return &c.detect.policy_max_flows; }},
    {"detect.arp_sweep_min_targets", K::Count, 32, 65536,
     "ARP sweep alert: addresses one host ARP-requests within a minute.",
     [](Config& c) -> FieldRef { return &c.detect.arp_sweep_min_targets; }},
    {"detect.arp_sweep_min_unanswered", K::Count, 8, 65536,
     "ARP sweep alert: of those, addresses no host answered for.",
     [](Config& c) -> FieldRef { return &c.detect.arp_sweep_min_unanswered; }},
    {"detect.dns_allowlist", K::PathList, 0, 1024,
     "DNS suffixes whose names raise no new-DNS-name alert for medical devices.",
     [](Config& c) -> FieldRef { return &c.detect.dns_allowlist; }},

    {"advisories.ca_file", K::Text, 0, kMaxTextLength,
     "PEM certificates that advisories sync verifies servers with; empty: the system's.",
     [](Config& c) -> FieldRef { return &c.advisories.ca_file; }},
    {"advisories.timeout", K::Duration, kSecond, kHour,
     "Time allowed for one request of advisories sync, connection included.",
     [](Config& c) -> FieldRef { return &c.advisories.timeout; }},
    {"advisories.max_response_bytes", K::Size, 64 * kKiB, 1 * kGiB,
     "Largest body advisories sync accepts; a bigger one is an error naming the URL.",
     [](Config& c) -> FieldRef { return &c.advisories.max_response_bytes; }},

    {"report.max_edges", K::Count, 1, 10'000'000,
     "Host pairs the report collects from flows for its communication maps; beyond: not drawn.",
     [](Config& c) -> FieldRef { return &c.report.max_edges; }},
    {"report.max_alerts", K::Count, 1, 1'000'000,
     "Distinct alerts (signature, device, destination) the report keeps; beyond: counted only.",
     [](Config& c) -> FieldRef { return &c.report.max_alerts; }},
    {"report.max_map_peers", K::Count, 1, 256,
     "Peers drawn around a flagged device in its communication map (the busiest by bytes).",
     [](Config& c) -> FieldRef { return &c.report.max_map_peers; }},
    {"report.max_alert_rows", K::Count, 1, 100'000, "Alert rows listed per severity.",
     [](Config& c) -> FieldRef { return &c.report.max_alert_rows; }},
    {"report.max_risk_rows", K::Count, 1, 100'000, "Devices listed in Devices by risk.",
     [](Config& c) -> FieldRef { return &c.report.max_risk_rows; }},
    {"report.timeline_bins", K::Count, 4, 1000, "Columns of the alert timeline.",
     [](Config& c) -> FieldRef { return &c.report.timeline_bins; }},
};

std::string formatBound(ValueKind kind, int64_t v) {
  switch (kind) {
    case ValueKind::Size:
      return formatSize(static_cast<uint64_t>(v));
    case ValueKind::Duration:
      return formatDuration(Duration{v});
    default:
      return std::to_string(v);
  }
}

std::string rangeText(const KeySpec& key) {
  return formatBound(key.kind, key.min) + " to " + formatBound(key.kind, key.max);
}

Status checkRange(const KeySpec& key, uint64_t value, std::string_view as_written) {
  if (value < static_cast<uint64_t>(key.min) || value > static_cast<uint64_t>(key.max)) {
    std::string shown(as_written);
    std::string canonical =
        formatBound(key.kind, static_cast<int64_t>(std::min<uint64_t>(value, INT64_MAX)));
    if (key.kind != ValueKind::Count && canonical != shown && value <= INT64_MAX) {
      shown += " (" + canonical + ")";
    }
    return Error{shown + " is out of range; allowed " + rangeText(key)};
  }
  return Ok{};
}

// Stores an integer already range-checked into whatever integer type the field has.
void storeInteger(FieldRef field, uint64_t value) {
  std::visit(
      [value](auto* p) {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_same_v<T, uint32_t> || std::is_same_v<T, int> ||
                      std::is_same_v<T, size_t>) {
          *p = static_cast<T>(value);
        }
      },
      field);
}

uint64_t loadInteger(FieldRef field) {
  return std::visit(
      [](auto* p) -> uint64_t {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_same_v<T, uint32_t> || std::is_same_v<T, int> ||
                      std::is_same_v<T, size_t>) {
          return static_cast<uint64_t>(*p);
        } else {
          return 0;
        }
      },
      field);
}

// YAML needs quotes around an empty string and around text that would read as something else.
std::string formatText(const std::string& s) {
  bool plain =
      !s.empty() && s.find_first_of(":#'\"{}[],&*!|>%@`\\") == std::string::npos &&
      s.front() != ' ' && s.back() != ' ' && s.front() != '-' && s.front() != '?' &&
      std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (plain) {
    // Words YAML would read as booleans or null, and numbers, need quotes to stay strings.
    auto b = parseBool(s);
    auto n = parseCount(s);
    if (b.ok() || n.ok() || s == "null" || s == "~") plain = false;
  }
  if (plain) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[(c >> 4) & 0xf]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view kindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::Count:
      return "count";
    case ValueKind::Size:
      return "size";
    case ValueKind::Duration:
      return "duration";
    case ValueKind::Bool:
      return "bool";
    case ValueKind::Text:
      return "string";
    case ValueKind::FileName:
      return "file name";
    case ValueKind::BpfFilter:
      return "bpf filter";
    case ValueKind::NetworkList:
      return "list of CIDR networks";
    case ValueKind::PathList:
      return "list of paths";
  }
  return "?";
}

std::span<const KeySpec> keySpecs() {
  return kKeys;
}

const KeySpec* findKey(std::string_view path) {
  for (const KeySpec& k : kKeys) {
    if (k.path == path) return &k;
  }
  return nullptr;
}

std::string formatValue(const KeySpec& key, const Config& config) {
  // The accessor only hands out a pointer; nothing is written through it here.
  FieldRef field = key.field(const_cast<Config&>(config));
  switch (key.kind) {
    case ValueKind::Count:
      return std::to_string(loadInteger(field));
    case ValueKind::Size:
      return formatSize(loadInteger(field));
    case ValueKind::Duration:
      return formatDuration(*std::get<Duration*>(field));
    case ValueKind::Bool:
      return *std::get<bool*>(field) ? "true" : "false";
    case ValueKind::Text:
    case ValueKind::FileName:
    case ValueKind::BpfFilter:
      return formatText(*std::get<std::string*>(field));
    case ValueKind::NetworkList: {
      std::string out = "[";
      for (const IpNetwork& n : *std::get<std::vector<IpNetwork>*>(field)) {
        if (out.size() > 1) out += ", ";
        out += n.toString();
      }
      return out + "]";
    }
    case ValueKind::PathList: {
      std::string out = "[";
      for (const std::string& p : *std::get<std::vector<std::string>*>(field)) {
        if (out.size() > 1) out += ", ";
        out += formatText(p);
      }
      return out + "]";
    }
  }
  return {};
}

Status applyText(const KeySpec& key, std::string_view text, Config& config) {
  FieldRef field = key.field(config);
  switch (key.kind) {
    case ValueKind::Count:
    case ValueKind::Size: {
      auto v = key.kind == ValueKind::Count ? parseCount(text) : parseSize(text);
      if (!v) return Error{v.error()};
      if (auto r = checkRange(key, v.value(), trimmed(text)); !r) return r;
      storeInteger(field, v.value());
      return Ok{};
    }
    case ValueKind::Duration: {
      auto v = parseDuration(text);
      if (!v) return Error{v.error()};
      if (auto r = checkRange(key, static_cast<uint64_t>(v.value().ns), trimmed(text)); !r) {
        return r;
      }
      *std::get<Duration*>(field) = v.value();
      return Ok{};
    }
    case ValueKind::Bool: {
      auto v = parseBool(text);
      if (!v) return Error{v.error()};
      *std::get<bool*>(field) = v.value();
      return Ok{};
    }
    case ValueKind::Text:
    case ValueKind::FileName:
    case ValueKind::BpfFilter: {
      auto length = static_cast<int64_t>(text.size());
      if (length < key.min) return Error{"must not be empty"};
      if (length > key.max) {
        return Error{"is " + std::to_string(length) + " characters long; at most " +
                     std::to_string(key.max) + " allowed"};
      }
      if (key.kind == ValueKind::FileName) {
        // The file is opened as directory + "/" + name: a folder part would escape the output
        // folder or name one that does not exist.
        if (text.find('/') != std::string_view::npos || text == "." || text == ".." ||
            text.find('\0') != std::string_view::npos) {
          return Error{quoteForMessage(text) +
                       " is not a plain file name; it is created inside outputs.directory"};
        }
      }
      if (key.kind == ValueKind::BpfFilter) {
        if (auto r = checkBpfFilter(text); !r) return r;
      }
      *std::get<std::string*>(field) = std::string(text);
      return Ok{};
    }
    case ValueKind::NetworkList: {
      std::vector<IpNetwork> networks;
      std::string_view rest = trimmed(text);
      if (!rest.empty() && rest.front() == '[' && rest.back() == ']') {
        rest = trimmed(rest.substr(1, rest.size() - 2));
      }
      while (!rest.empty()) {
        size_t comma = rest.find(',');
        auto net = parseNetwork(trimmed(rest.substr(0, comma)));
        if (!net) return Error{net.error()};
        networks.push_back(net.value());
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
      return applyNetworks(key, std::move(networks), config);
    }
    case ValueKind::PathList: {
      // Comma-separated, for a flag: a path holding a comma is written in the file instead.
      std::vector<std::string> paths;
      std::string_view rest = trimmed(text);
      if (!rest.empty() && rest.front() == '[' && rest.back() == ']') {
        rest = trimmed(rest.substr(1, rest.size() - 2));
      }
      while (!rest.empty()) {
        size_t comma = rest.find(',');
        paths.emplace_back(trimmed(rest.substr(0, comma)));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
      return applyPaths(key, std::move(paths), config);
    }
  }
  return Error{"unsupported key type"};
}

Status applyNetworks(const KeySpec& key, std::vector<IpNetwork> networks, Config& config) {
  auto count = static_cast<int64_t>(networks.size());
  if (count < key.min || count > key.max) {
    return Error{"has " + std::to_string(count) + " networks; allowed " + rangeText(key)};
  }
  *std::get<std::vector<IpNetwork>*>(key.field(config)) = std::move(networks);
  return Ok{};
}

Status applyPaths(const KeySpec& key, std::vector<std::string> paths, Config& config) {
  auto count = static_cast<int64_t>(paths.size());
  if (count < key.min || count > key.max) {
    return Error{"has " + std::to_string(count) + " paths; allowed " + rangeText(key)};
  }
  for (const std::string& p : paths) {
    if (p.empty()) return Error{"an empty path"};
    if (static_cast<int64_t>(p.size()) > kMaxTextLength) {
      return Error{"a path longer than " + std::to_string(kMaxTextLength) + " characters"};
    }
    if (p.find('\0') != std::string::npos) return Error{"a path with a NUL byte"};
  }
  *std::get<std::vector<std::string>*>(key.field(config)) = std::move(paths);
  return Ok{};
}

}  // namespace medtap::config
