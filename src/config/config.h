// The site's configuration, medtap.yaml (docs/CONFIG.md). Every option has a default, so an empty
// file, or none at all, is a valid configuration. The defaults live in one place: the default
// member initialisers of the structs below and of the stage limit structs they embed; the loader
// starts from a default-constructed Config and changes only what the file names.
//
// Configuration is read at start-up, off the data path: loading reports every problem it finds
// (not just the first), each with the file, line and column of the offending key or value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyzers/dispatcher.h"
#include "capture/file_source.h"
#include "capture/live_source.h"
#include "core/address.h"
#include "core/result.h"
#include "decode/decoder.h"
#include "flow/flow_table.h"
#include "report/limits.h"

namespace medtap::config {

// The private address space of both families: RFC 1918 for IPv4, RFC 4193 unique local addresses
// for IPv6. A site whose clinical networks use public addresses lists them instead.
std::vector<IpNetwork> defaultHomeNetworks();

struct SiteConfig {
  // A label for this site ("Example General Hospital"), to tell reports and sensors apart.
  std::string name;
  // The site's own networks: an address inside one of them is "inside", anything else is
  // "outside" (the internet, a vendor, another site).
  std::vector<IpNetwork> home_networks = defaultHomeNetworks();
  // The secret that keys patient tokens (privacy/phi_tokenizer.h). Empty: the default place,
  // $MEDTAP_SECRET_FILE or $XDG_STATE_HOME/medtap/secret.key or ~/.local/state/medtap/secret.key.
  std::string token_secret_file;
};

struct EveOutputConfig {
  bool enabled = true;
  // A plain file name (no '/'), created inside OutputConfig::directory.
  std::string filename = "eve.json";
};

// Alerts to a syslog server for the SIEM (sinks/syslog_sink.h, docs/EVENTS.md "Syslog").
struct SyslogOutputConfig {
  bool enabled = false;
  std::string server = "udp://127.0.0.1:514";  // udp://HOST:PORT, tcp://HOST:PORT, unix:///PATH
  std::string format = "rfc5424";              // or "cef"
  std::string facility = "local0";             // kern ... local7
  std::string app_name = "medtap";
  // Alerts waiting for the server, in bytes: the sink never blocks the packet path, so a server
  // that is down or slow fills this, then new alerts are dropped (syslog_dropped).
  size_t queue_bytes = size_t{1} << 20;
};

struct OutputConfig {
  // The folder a run writes into (created if missing).
  std::string directory = "medtap-out";
  EveOutputConfig eve;
  SyslogOutputConfig syslog;
  // report.html and report.md at the end of a run (src/report).
  bool report = true;
};

struct InventoryConfig {
  // The SQLite store that keeps the inventory across runs (docs/EVENTS.md "Files a run writes"):
  // a plain name is created inside OutputConfig::directory; a path with '/' is used as it is, so
  // that runs writing to different folders share one inventory.
  std::string database = "medtap.db";
  // Debian's ieee-data: the IEEE registry of MAC address blocks.
  std::string oui_directory = "/usr/share/ieee-data";
  // A folder of the site's own fingerprint rule files (*.yaml, data/fingerprints/README.md),
  // used with the built-in ones; "" for the built-in rules only.
  std::string fingerprints_directory;
  // How often, in packet time, devices are resolved and new or changed ones written (device
  // events, inventory.json, the store) during a run; and always at its end.
  Duration update_interval = Duration::seconds(300);
};

struct DetectConfig {
  // Threat-intelligence packs (docs/DETECTIONS.md "Threat intelligence"): Zeek intel, CSV or
  // STIX 2.1 files, each read whole at start-up; one that does not load stops the run.
  std::vector<std::string> intel_files;
  // The learning window of the anomaly baseline (docs/DETECTIONS.md "Anomalies"): "" or "off"
  // learns nothing and detects against the stored baseline; a duration ("7d") learns from the
  // first that much packet time of a run, then detects; "all" learns from the whole run.
  std::string learn;
  // A segmentation policy file (docs/POLICY.md): flows it does not allow raise
  // policy-violation alerts. "" for none.
  std::string policy;
  // Flows the policy detector holds: waiting for their devices' identification, or decided and
  // remembered so as not to alert twice (policy/policy_detector.h). Bounds a flood of distinct
  // flows (a scan); beyond it new flows are not judged and counted as policy_flow_limit.
  size_t policy_max_flows = 65536;
  // ARP sweep alerts (9000411): one host's ARP requests within a minute asking for at least this
  // many addresses, this many of them never answered.
  size_t arp_sweep_min_targets = 64;
  size_t arp_sweep_min_unanswered = 16;
  // DNS suffixes whose names raise no new-DNS-name alert (9000412): reverse lookups, mDNS, and
  // whatever the site adds (its own domain, a vendor's update service).
  std::vector<std::string> dns_allowlist = {"in-addr.arpa", "ip6.arpa", "local"};
};

// `medtap advisories sync` (docs/ADVISORIES.md "Sync").
struct AdvisoriesConfig {
  std::string ca_file;  // PEM certificates to verify servers with; "" for the system's store
  Duration timeout = Duration::seconds(60);      // one request, connection included
  size_t max_response_bytes = size_t{16} << 20;  // one body (CSAF documents are < 1 MiB)
};

struct Config {
  SiteConfig site;
  capture::FileSourceLimits file_limits;
  // Live capture settings. `live.interface` is not read from the file: the interface is named
  // on the command line (`medtap watch IFACE`).
  capture::LiveOptions live;
  decode::DecoderLimits decoder;
  flow::FlowTableConfig flows;
  // Protocol recognition. GAP: the HL7 limits (src/analyzers/hl7/limits.h) are compile-time
  // constants, not a struct the analyzer is built from, so there is nothing of theirs to embed
  // and they are not configurable yet.
  analyzers::DispatcherLimits dispatcher;
  OutputConfig outputs;
  InventoryConfig inventory;
  DetectConfig detect;
  AdvisoriesConfig advisories;
  // What report.html and report.md keep and show (outputs.report turns them on).
  report::ReportLimits report;
};

// One problem in a configuration. line and column are 1-based; 0 when the problem is not tied to
// a place in the file (an unreadable file, a conflict between two settings made on the command
// line).
struct ConfigError {
  std::string source;  // the file name, or the name given to loadConfigString
  int line = 0;
  int column = 0;
  std::string message;

  // "FILE:LINE:COL: message", or "FILE: message" without a place. One line.
  std::string format() const;
};

// Largest configuration file read; a bigger one is refused (a site file is a few KiB).
constexpr size_t kMaxConfigFileBytes = size_t{1} << 20;

// Loads a file. On failure the error holds every problem, one formatted ConfigError a line.
Result<Config> loadConfigFile(const std::string& path);
// The same for text in memory; `name` stands in for the file name in messages.
Result<Config> loadConfigString(std::string_view text, std::string_view name);

// Every problem in a file (empty when it is valid): for `medtap config check`.
std::vector<ConfigError> checkConfigFile(const std::string& path);
std::vector<ConfigError> checkConfigString(std::string_view text, std::string_view name);

// Sets one option from text, as the file would ("flow.max_flows", "500000"; sizes and durations
// take their units; site.home_networks takes a comma-separated list and replaces the list). For
// command-line overrides, so that a flag is checked exactly like the file. Error: one line,
// naming the key.
Status setConfigValue(Config& config, std::string_view path, std::string_view text);

// Problems between settings that are each valid alone (the reassembly memory cap below the
// per-flow buffer, ...). The loaders run this; a caller that changes a loaded Config (command-line
// overrides) runs it again. Empty when consistent.
std::vector<std::string> checkConsistency(const Config& config);

// One accepted key with its value in some Config.
struct ConfigSetting {
  std::string_view path;  // "flow.timeouts.tcp_new"
  // "count", "size", "duration", "bool", "string", "file name", "bpf filter",
  // "list of CIDR networks"
  std::string_view type;
  std::string value;      // as the file would write it: "1m", "16MiB", "[10.0.0.0/8, ...]"
  std::string_view help;  // one line
};

// Every key the loader accepts, in file order, with its value in `config` (listSettings(Config{})
// are the defaults). For `medtap config show` and the test that keeps docs/CONFIG.md and
// medtap.example.yaml complete.
std::vector<ConfigSetting> listSettings(const Config& config);
// listSettings as text, "path: value" a line.
std::string formatSettings(const Config& config);
// The whole configuration as a medtap.yaml document, every key nested in its section; it loads
// back to an equal Config. For `medtap config show`.
std::string formatYaml(const Config& config);

}  // namespace medtap::config
