// What `analyze` and `watch` share: the options every run takes, the effective configuration
// (file, then command-line flags), the output folder and its sinks, the packet loop, and the run
// summary.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "capture/packet_source.h"
#include "config/config.h"
#include "detect/detectors.h"
#include "inventory/inventory.h"
#include "pipeline/pipeline.h"
#include "policy/policy_detector.h"
#include "report/report.h"
#include "sinks/eve_writer.h"
#include "sinks/syslog_sink.h"

namespace medtap::cli {

struct RunOptions {
  std::string config_path;                 // -c/--config
  std::string output_dir;                  // -o/--output (overrides outputs.directory)
  std::vector<std::string> home_networks;  // --home-net (replaces site.home_networks)
  std::optional<size_t> max_flows;         // --max-flows
  std::string database;                    // --db (inventory.database)
  std::vector<std::string> intel_files;    // --intel (added to detect.intel_files)
  std::string learn;                       // --learn (detect.learn)
  std::string syslog_server;               // --syslog URL (outputs.syslog, enabled)
  std::string syslog_format;               // --syslog-format (outputs.syslog.format)
  std::string policy;                      // --policy (detect.policy)
};

void addRunOptions(CLI::App& command, RunOptions& options);

// The configuration file (if any) with the flags applied. Error: one line.
Result<config::Config> effectiveConfig(const RunOptions& options);

// Every pack of detect.intel_files in one set; a warning line on stderr for each pack with
// indicators medtap skipped. Error: the first pack that does not load, one line.
Result<std::shared_ptr<const intel::IndicatorSet>> loadIntelPacks(
    const std::vector<std::string>& files);
// What the detectors are given: the site's networks, the learning window, the store.
detect::DetectOptions detectOptions(const config::Config& config);
// The advisories the run's vulnerable-device alerts name, with their CSAF remediations (each
// once), for the report's "Advisories affecting this site". Empty without a matcher.
std::vector<report::AdvisorySummary> advisorySummaries(const report::Collector& collected,
                                                       const advisories::Matcher* matcher);

// inventory.database: a plain name inside outputs.directory, or a path as it is.
std::string databasePath(const config::Config& config);

// Exit statuses, documented in the README.
constexpr int kExitOk = 0;
constexpr int kExitBadInput = 2;  // nothing could be read, or the output cannot be written

class Run {
 public:
  // Creates the output folder and opens its sinks.
  static Result<std::unique_ptr<Run>> start(const config::Config& config);

  enum class ProgressBar { Off, OnTerminal };
  // Reads `source` to its end (or until `stop` is set). Returns false when the source was
  // damaged; the warning has been printed and what was read is kept.
  bool readAll(capture::PacketSource& source, const std::string& name, ProgressBar progress,
               const std::atomic<bool>* stop = nullptr);
  // Ends every flow, flushes the sinks. Returns false when the output could not be written.
  bool finish();
  // The run summary, for stdout.
  std::string summary(double wall_seconds, const capture::SourceStats* live_stats) const;

  const std::string& outputDir() const { return output_dir_; }
  // A detector of another stage, fed and decided with the built-in ones (`policy suggest`).
  void addDetector(std::unique_ptr<detect::Detector> detector) {
    detectors_.add(std::move(detector));
  }
  // The segmentation policy's detector when detect.policy names one, else nullptr.
  const policy::PolicyDetector* policyDetector() const { return policy_; }
  // Where capture sources count their anomalies, so that the summary shows them with the rest.
  AnomalyCounters& anomalies() { return pipeline_.anomalies(); }

 private:
  Run(std::string output_dir, std::unique_ptr<sinks::EveWriter> eve,
      std::unique_ptr<inventory::Inventory> inventory, std::unique_ptr<inventory::Store> store,
      const detect::DetectOptions& detect, const pipeline::PipelineOptions& options,
      const privacy::PhiTokenizer& phi);
  // Resolves the devices, writes the events of new and changed ones, inventory.json and the
  // store, then lets the detectors decide what waited for the devices' locality. `final`: the
  // run is ending. Returns false (the error printed) when the store or inventory.json cannot be
  // written.
  bool syncInventory(bool final);

  // Gathers the alerts of the run for the store, written at each inventory update.
  class AlertRows final : public events::EventSink {
   public:
    void emit(const events::Event& event) override;
    std::vector<inventory::StoredAlert> take() { return std::move(rows_); }

   private:
    std::vector<inventory::StoredAlert> rows_;
  };

  std::string output_dir_;
  std::unique_ptr<sinks::EveWriter> eve_;
  std::unique_ptr<inventory::Inventory> inventory_;
  std::unique_ptr<inventory::Store> store_;
  detect::Detectors detectors_;
  events::FanOut sinks_;  // the EVE writer, the inventory, the detectors
  // Where the detectors' alerts go: the EVE writer, the store, syslog.
  events::FanOut alerts_;
  AlertRows alert_rows_;
  std::unique_ptr<sinks::SyslogSink> syslog_;
  // report.html and report.md (outputs.report): fed flows and alerts, written by finish().
  std::unique_ptr<report::Collector> report_;
  std::vector<events::DeviceRecord> final_devices_;
  std::shared_ptr<const advisories::Matcher> advisories_;  // what devices are matched against
  const policy::PolicyDetector* policy_ = nullptr;         // owned by detectors_
  uint64_t policy_refused_counted_ = 0;  // of policy_->flowsRefused(), in anomalies
  pipeline::Pipeline pipeline_;
  std::string inventory_summary_;
  Duration inventory_interval_{};
  Timestamp next_inventory_sync_{};
  size_t devices_new_ = 0, devices_changed_ = 0;
  std::vector<std::string> warnings_;
  uint64_t input_bytes_ = 0;
};

}  // namespace medtap::cli
