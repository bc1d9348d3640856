#include "cli/run.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "advisories/matcher.h"
#include "advisories/store.h"
#include "config/value_parse.h"
#include "detect/vulnerable_device.h"
#include "intel/pack.h"
#include "policy/loader.h"
#include "report/trend_chart.h"
#include "sinks/eve_body.h"
#include "vitals/store.h"

namespace medtap::cli {

namespace {

// Files smaller than this get no progress bar (issue #2: "files over 100 MB").
constexpr uint64_t kProgressMinBytes = 100ull << 20;
// Packets between two looks at the clock for the progress bar.
constexpr uint64_t kProgressEveryPackets = 1 << 16;

std::string humanBytes(uint64_t b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(b);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", b) : fmt::format("{:.1f} {}", v, units[u]);
}

std::string thousands(uint64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

void addRunOptions(CLI::App& command, RunOptions& options) {
  command.add_option("-c,--config", options.config_path, "configuration file (medtap.yaml)");
  command.add_option("-o,--output", options.output_dir,
                     "output folder (overrides outputs.directory)");
  command.add_option("--home-net", options.home_networks,
                     "the site's own network, CIDR; repeatable (replaces site.home_networks)");
  command.add_option("--max-flows", options.max_flows, "flows held at once (flow.max_flows)");
  command.add_option("--db", options.database,
                     "inventory store, merged across runs (inventory.database)");
  command.add_option("--intel", options.intel_files,
                     "threat-intelligence pack (Zeek intel, CSV, STIX 2.1); repeatable (added to "
                     "detect.intel_files)");
  command.add_option("--learn", options.learn,
                     "learn the anomaly baseline: off, all, or the first DURATION (detect.learn)");
  command.add_option("--syslog", options.syslog_server,
                     "send alerts to a syslog server: udp://HOST:PORT, tcp://HOST:PORT or "
                     "unix:///dev/log (outputs.syslog)");
  command.add_option("--syslog-format", options.syslog_format,
                     "syslog message format: rfc5424 or cef (outputs.syslog.format)");
  command.add_option("--policy", options.policy,
                     "segmentation policy: alert on flows it does not allow (detect.policy)");
}

Result<config::Config> effectiveConfig(const RunOptions& options) {
  config::Config cfg;
  if (!options.config_path.empty()) {
    auto loaded = config::loadConfigFile(options.config_path);
    if (!loaded) return Error{loaded.error()};
    cfg = std::move(loaded.value());
  }
  // Flags go through the same parser as the file, so they are checked the same way.
  auto set = [&](std::string_view key, const std::string& text) -> Status {
    return config::setConfigValue(cfg, key, text);
  };
  if (!options.output_dir.empty()) {
    if (auto s = set("outputs.directory", options.output_dir); !s) return Error{s.error()};
  }
  if (!options.home_networks.empty()) {
    std::string joined;
    for (const auto& net : options.home_networks) joined += (joined.empty() ? "" : ",") + net;
    if (auto s = set("site.home_networks", joined); !s) return Error{s.error()};
  }
  if (options.max_flows) {
    if (auto s = set("flow.max_flows", std::to_string(*options.max_flows)); !s) {
      return Error{s.error()};
    }
  }
  if (!options.database.empty()) {
    if (auto s = set("inventory.database", options.database); !s) return Error{s.error()};
  }
  if (!options.intel_files.empty()) {
    // Added to the file's packs, not replacing them. Not through setConfigValue: its list form
    // is comma-separated, and a path may hold a comma. The packs are checked when loaded.
    auto& files = cfg.detect.intel_files;
    files.insert(files.end(), options.intel_files.begin(), options.intel_files.end());
  }
  if (!options.learn.empty()) {
    if (auto s = set("detect.learn", options.learn); !s) return Error{s.error()};
  }
  if (!options.syslog_server.empty()) {
    if (auto s = set("outputs.syslog.enabled", "true"); !s) return Error{s.error()};
    if (auto s = set("outputs.syslog.server", options.syslog_server); !s) return Error{s.error()};
  }
  if (!options.syslog_format.empty()) {
    if (auto s = set("outputs.syslog.format", options.syslog_format); !s) return Error{s.error()};
  }
  if (!options.policy.empty()) {
    if (auto s = set("detect.policy", options.policy); !s) return Error{s.error()};
  }
  auto problems = config::checkConsistency(cfg);
  if (!problems.empty()) return Error{problems.front()};
  return cfg;
}

Result<std::unique_ptr<Run>> Run::start(const config::Config& config) {
  // The packs first: a bad one stops the run before anything is written.
  auto intel = loadIntelPacks(config.detect.intel_files);
  if (!intel) return Error{intel.error()};
  // Then the policy, for the same reason.
  std::shared_ptr<const policy::PolicyJudge> segmentation;
  if (!config.detect.policy.empty()) {
    auto loaded = policy::loadPolicyFile(config.detect.policy);
    if (!loaded) return Error{loaded.error()};
    segmentation = std::make_shared<const policy::PolicyJudge>(
        std::make_shared<const policy::Policy>(std::move(loaded.value())),
        config.site.home_networks);
  }
  const std::string& dir = config.outputs.directory;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{dir + ": cannot create the output folder: " + ec.message()};
  auto eve = sinks::EveWriter::open(dir + "/" + config.outputs.eve.filename);
  if (!eve) return Error{eve.error()};
  const std::string secret_path = config.site.token_secret_file.empty()
                                      ? privacy::PhiTokenizer::defaultSecretPath()
                                      : config.site.token_secret_file;
  auto phi = privacy::PhiTokenizer::fromSecretFile(secret_path);
  if (!phi) return Error{phi.error()};
  inventory::InventoryOptions inv;
  inv.resolve.site_networks = config.site.home_networks;
  inv.oui_directory = config.inventory.oui_directory;
  inv.fingerprints_directory = config.inventory.fingerprints_directory;
  auto inventory = inventory::Inventory::create(inv);
  if (!inventory) return Error{inventory.error()};
  auto store = inventory::Store::open(databasePath(config));
  if (!store) return Error{store.error()};
  pipeline::PipelineOptions options;
  options.decoder = config.decoder;
  options.flows = config.flows;
  options.dispatcher = config.dispatcher;
  detect::DetectOptions detect = detectOptions(config);
  detect.intel = std::move(intel.value());
  detect.policy = segmentation;  // PHI on a flow the policy does not allow (phi_exposure.h)
  auto known = advisories::loadAdvisories(databasePath(config));  // built-in and imported
  if (!known) return Error{known.error()};
  detect.advisories = std::make_shared<const advisories::Matcher>(std::move(known.value()),
                                                                  advisories::Aliases::builtIn());
  auto run = std::unique_ptr<Run>(new Run(dir, std::move(eve.value()), std::move(inventory.value()),
                                          std::move(store.value()), detect, options, phi.value()));
  run->inventory_interval_ = config.inventory.update_interval;
  run->advisories_ = detect.advisories;
  if (config.outputs.report) {
    run->report_ = std::make_unique<report::Collector>(config.report);
    run->sinks_.add(*run->report_);
    run->alerts_.add(*run->report_);
  }
  if (config.outputs.syslog.enabled) {
    const auto& c = config.outputs.syslog;
    sinks::SyslogOptions o;
    o.server = c.server;
    o.queue_bytes = c.queue_bytes;
    o.message.format = c.format == "cef" ? sinks::SyslogFormat::Cef : sinks::SyslogFormat::Rfc5424;
    o.message.facility = sinks::syslogFacility(c.facility).value_or(16);
    o.message.app_name = c.app_name;
    o.message.version = MEDTAP_VERSION;
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0) o.message.hostname = host;
    auto syslog = sinks::SyslogSink::open(o);
    if (!syslog) return Error{syslog.error()};
    run->syslog_ = std::move(syslog.value());
    run->alerts_.add(*run->syslog_);
  }
  if (segmentation) {
    auto detector = std::make_unique<policy::PolicyDetector>(segmentation);
    detector->setMaxFlows(config.detect.policy_max_flows);
    run->policy_ = detector.get();
    run->addDetector(std::move(detector));
  }
  return run;
}

Result<std::shared_ptr<const intel::IndicatorSet>> loadIntelPacks(
    const std::vector<std::string>& files) {
  auto set = std::make_shared<intel::IndicatorSet>();
  for (const std::string& file : files) {
    auto report = intel::loadPackFile(file, *set);
    if (!report) return Error{report.error()};
    if (!report->warning.empty()) {
      std::fprintf(stderr, "medtap: warning: %s\n", report->warning.c_str());
    }
  }
  return std::shared_ptr<const intel::IndicatorSet>(std::move(set));
}

std::vector<report::AdvisorySummary> advisorySummaries(const report::Collector& collected,
                                                       const advisories::Matcher* matcher) {
  std::vector<report::AdvisorySummary> out;
  if (matcher == nullptr) return out;
  std::set<std::string, std::less<>> wanted;  // the advisories the alerts name
  for (const auto& [key, c] : collected.alerts()) {
    if (c.alert.signature_id != detect::kVulnerableDeviceSignature) continue;
    for (const auto& [k, v] : c.alert.evidence) {
      if (k == "advisory") wanted.insert(v);
    }
  }
  for (const advisories::Advisory& a : matcher->advisories()) {
    if (wanted.count(a.id) == 0) continue;
    report::AdvisorySummary s{a.id, a.title, a.url(), a.cves(), a.maxScore(), {}};
    // Each remediation once, in the advisory's order: CISA repeats them per vulnerability.
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& v : a.vulnerabilities) {
      for (const auto& r : v.remediations) {
        if (seen.emplace(r.category, r.details).second) {
          s.remediations.emplace_back(r.category, r.details);
        }
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

detect::DetectOptions detectOptions(const config::Config& config) {
  detect::DetectOptions d;
  d.site_networks = config.site.home_networks;
  d.baseline_database = databasePath(config);
  d.arp_sweep_min_targets = config.detect.arp_sweep_min_targets;
  d.arp_sweep_min_unanswered = config.detect.arp_sweep_min_unanswered;
  d.dns_allowlist = config.detect.dns_allowlist;
  const std::string& learn = config.detect.learn;
  if (learn == "all") {
    d.learn.mode = detect::LearnWindow::Mode::All;
  } else if (auto length = config::parseDuration(learn); length && length->ns > 0) {
    d.learn.mode = detect::LearnWindow::Mode::For;  // checkConsistency refused anything else
    d.learn.length = *length;
  }
  return d;
}

std::string databasePath(const config::Config& config) {
  const std::string& db = config.inventory.database;
  return db.find('/') == std::string::npos ? config.outputs.directory + "/" + db : db;
}

Run::Run(std::string output_dir, std::unique_ptr<sinks::EveWriter> eve,
         std::unique_ptr<inventory::Inventory> inventory, std::unique_ptr<inventory::Store> store,
         const detect::DetectOptions& detect, const pipeline::PipelineOptions& options,
         const privacy::PhiTokenizer& phi)
    : output_dir_(std::move(output_dir)),
      eve_(std::move(eve)),
      inventory_(std::move(inventory)),
      store_(std::move(store)),
      detectors_(detect),
      pipeline_(options, phi, sinks_) {
  sinks_.add(*eve_);
  sinks_.add(inventory_->observer());
  sinks_.add(detectors_);
  alerts_.add(*eve_);
  alerts_.add(alert_rows_);
}

void Run::AlertRows::emit(const events::Event& event) {
  const auto* alert = std::get_if<events::AlertRecord>(&event.body);
  if (alert == nullptr) return;
  std::string line;
  sinks::formatEve(event, line);
  rows_.push_back(inventory::storedAlert(*alert, std::move(line)));
}

bool Run::readAll(capture::PacketSource& source, const std::string& name, ProgressBar progress,
                  const std::atomic<bool>* stop) {
  const uint64_t size = source.inputSize();
  const bool show_progress =
      progress == ProgressBar::OnTerminal && size >= kProgressMinBytes && isatty(STDERR_FILENO);
  const auto started = std::chrono::steady_clock::now();
  capture::RawPacket raw;
  capture::ReadStatus status;
  uint64_t n = 0;
  while ((status = source.next(raw)) == capture::ReadStatus::Packet) {
    pipeline_.process(raw);
    // Devices are written as they are identified, not only at the end: every update_interval of
    // packet time (a live sensor, a week-long capture).
    if (next_inventory_sync_.ns == 0) next_inventory_sync_ = raw.ts + inventory_interval_;
    if (next_inventory_sync_ < raw.ts) {
      syncInventory(false);
      next_inventory_sync_ = raw.ts + inventory_interval_;
    }
    if (show_progress && ++n % kProgressEveryPackets == 0) {
      double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      uint64_t done = source.stats().input_bytes;
      std::fprintf(stderr, "\r%s: %3d%%  %s of %s  %.0f MB/s ", name.c_str(),
                   static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(size)),
                   humanBytes(done).c_str(), humanBytes(size).c_str(),
                   secs > 0 ? static_cast<double>(done) / secs / 1e6 : 0.0);
    }
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) break;
  }
  if (show_progress) std::fprintf(stderr, "\r%*s\r", 72, "");
  input_bytes_ += source.stats().input_bytes;
  if (status == capture::ReadStatus::Damaged) {
    std::string warning = name + ": " + source.error() + "; read up to there, results kept";
    std::fprintf(stderr, "medtap: warning: %s\n", warning.c_str());
    warnings_.push_back(std::move(warning));
    return false;
  }
  return true;
}

bool Run::syncInventory(bool final) {
  inventory::Observations merged;
  auto devices = inventory_->resolve(store_.get(), &merged);
  if (!devices) {
    std::fprintf(stderr, "medtap: error: %s\n", devices.error().c_str());
    return false;
  }
  std::vector<inventory::StoredDevice> stored;
  std::string array = "[";
  size_t added = 0, changed = 0, family = 0;
  for (const auto& d : devices.value()) {
    if (!d.change.empty()) {
      eve_->emit(events::Event{d.last_seen, std::nullopt, d});
      (d.change == "new" ? added : changed)++;
    }
    if (std::find(d.tags.begin(), d.tags.end(), "cms8000-family") != d.tags.end()) ++family;
    events::DeviceRecord plain = d;
    plain.change = {};
    std::string json;
    sinks::JsonWriter w(json);
    sinks::writeDevice(w, plain);
    array += (array.size() > 1 ? ",\n" : "\n") + json;
    stored.push_back(inventory::storedDevice(plain, std::move(json)));
  }
  array += "\n]\n";
  const std::string path = output_dir_ + "/inventory.json";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  bool ok = f != nullptr && std::fwrite(array.data(), 1, array.size(), f) == array.size();
  if (f != nullptr) ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    std::fprintf(stderr, "medtap: error: %s: %s\n", path.c_str(), std::strerror(errno));
    return false;
  }
  for (auto s : {store_->saveFacts(merged), store_->saveDevices(stored)}) {
    if (!s) {
      std::fprintf(stderr, "medtap: error: %s\n", s.error().c_str());
      return false;
    }
  }
  // What the store holds now includes this run's facts: start afresh, so that the next sync
  // does not count them twice.
  const auto& dropped = inventory_->observations().stats();
  pipeline_.anomalies().add(Anomaly::InventoryEndpointLimit, dropped.endpoints_dropped);
  pipeline_.anomalies().add(Anomaly::InventoryFactLimit, dropped.facts_dropped);
  if (policy_ != nullptr) {  // a running total: add what is new since the last update
    const uint64_t refused = policy_->flowsRefused();
    pipeline_.anomalies().add(Anomaly::PolicyFlowLimit, refused - policy_refused_counted_);
    policy_refused_counted_ = refused;
  }
  inventory_->clearObservations();
  detectors_.decide(detect::DeviceIndex(devices.value()), final, alerts_);
  if (final && report_ != nullptr) final_devices_ = devices.value();
  if (auto s = store_->saveAlerts(alert_rows_.take()); !s) {
    std::fprintf(stderr, "medtap: error: %s\n", s.error().c_str());
    return false;
  }
  // The vital-sign trend and flagged windows go beside the inventory (medtap vitals export).
  {
    detect::VitalsIntegrityDetector& v = detectors_.vitals();
    auto trend = vitals::TrendStore::open(store_->path());
    Status saved =
        trend ? (*trend)->save(v.takeTrend(), v.takeFlags()) : Status(Error{trend.error()});
    if (!saved) {
      std::fprintf(stderr, "medtap: error: %s\n", saved.error().c_str());
      return false;
    }
  }
  devices_new_ += added;
  devices_changed_ += changed;
  inventory_summary_ =
      fmt::format("  devices    {} ({} new, {} changed; {} cms8000-family)\n",
                  thousands(devices->size()), devices_new_, devices_changed_, family);
  inventory_summary_ += "  inventory  " + path + ", " + store_->path() + "\n";
  return true;
}

bool Run::finish() {
  pipeline_.finish();
  if (!syncInventory(true)) return false;
  if (syslog_ != nullptr) syslog_->flush();  // the alerts still queued, a bounded wait
  if (report_ != nullptr) {
    // The trend of beds with a vital-sign alert, from the store the sync above just wrote.
    auto vitals = report::loadVitalsTrends(store_->path(), *report_);
    if (!vitals) warnings_.push_back("report: no vital-sign trends: " + vitals.error());
    const auto advisories = advisorySummaries(*report_, advisories_.get());
    if (auto s = report::writeReports(
            output_dir_, report::buildReports(*report_, final_devices_,
                                              vitals ? &vitals.value() : nullptr, advisories));
        !s) {
      std::fprintf(stderr, "medtap: error: %s\n", s.error().c_str());
      return false;
    }
  }
  if (!eve_->flush()) {
    std::fprintf(stderr, "medtap: error: %s\n", eve_->error().c_str());
    return false;
  }
  return true;
}

namespace {

// The vital-sign checks' counters (docs/EVENTS.md, "The run summary"); nothing when no vital
// sign was seen.
std::string vitalsSummary(const detect::VitalsStats& v) {
  if (v.messages == 0 && v.artefacts == 0 && v.unknown_units == 0) return {};
  std::string out = fmt::format(
      "  vitals     {} values in {} messages, {} series of {} streams, {} beds; {} artefacts, {} "
      "unknown units\n"
      "    alerts {}, folded by the rate limit {}, dropped {}; evicted: streams {}, beds {}; "
      "trend rows dropped {}\n",
      thousands(v.observations), thousands(v.messages), thousands(v.series), thousands(v.streams),
      thousands(v.beds), thousands(v.artefacts), thousands(v.unknown_units), thousands(v.alerts),
      thousands(v.alerts_folded), thousands(v.alerts_dropped), thousands(v.streams_evicted),
      thousands(v.beds_evicted), thousands(v.trend_dropped));
  return out;
}

}  // namespace

std::string Run::summary(double wall_seconds, const capture::SourceStats* live_stats) const {
  const auto s = pipeline_.stats();
  const auto& anomalies = pipeline_.anomalies();
  std::string out;
  double mbps = wall_seconds > 0 ? static_cast<double>(s.bytes) / wall_seconds / 1e6 : 0.0;
  out += fmt::format("  packets    {} ({}) in {:.2f} s, {:.0f} MB/s\n", thousands(s.packets),
                     humanBytes(s.bytes), wall_seconds, mbps);
  if (live_stats != nullptr) {
    out += fmt::format("  dropped    kernel {} of {} received\n",
                       thousands(live_stats->kernel_drops), thousands(live_stats->kernel_received));
  }
  out += fmt::format("  decoded    {} IP, {} other, {} malformed, {} fragments held\n",
                     thousands(s.ip_packets), thousands(s.other_packets),
                     thousands(s.malformed_packets), thousands(s.fragments_held));
  out += fmt::format("  flows      {} (tcp {}, udp {}, other {}; {} evicted)\n",
                     thousands(s.flows.flows_created), thousands(s.flows.tcp_flows),
                     thousands(s.flows.udp_flows), thousands(s.flows.other_flows),
                     thousands(s.flows.flows_evicted));
  std::string by_type;
  for (const auto& [type, count] : eve_->eventsByType()) {
    by_type += fmt::format("{}{} {}", by_type.empty() ? "" : ", ", thousands(count), type);
  }
  out += fmt::format("  events     {}{}\n", thousands(eve_->eventsWritten()),
                     by_type.empty() ? "" : " (" + by_type + ")");
  std::string names;
  for (size_t i = 0; i < kAnomalyCount; ++i) {
    auto a = static_cast<Anomaly>(i);
    if (anomalies.get(a) == 0) continue;
    names += fmt::format("\n    {:<34} {}", anomalyName(a), thousands(anomalies.get(a)));
  }
  out += fmt::format("  anomalies  {}{}\n", thousands(anomalies.total()), names);
  out += inventory_summary_;
  out += vitalsSummary(detectors_.vitals().stats());
  if (syslog_ != nullptr) {
    out += fmt::format("  syslog     {}: {} sent, syslog_send_failed {}, syslog_dropped {}{}\n",
                       syslog_->server(), thousands(syslog_->sent()), thousands(syslog_->failed()),
                       thousands(syslog_->dropped()),
                       syslog_->lastError().empty() ? "" : " (" + syslog_->lastError() + ")");
  }
  for (const auto& w : warnings_) out += "  warning    " + w + "\n";
  out += "  output     " + eve_->path() + "\n";
  return out;
}

}  // namespace medtap::cli
