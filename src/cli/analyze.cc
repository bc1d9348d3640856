// medtap analyze FILE... [-o DIR]: capture files through the whole pipeline into DIR.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "capture/file_source.h"
#include "cli/commands.h"
#include "cli/run.h"

namespace medtap::cli {

namespace {

struct AnalyzeOptions {
  RunOptions run;
  std::vector<std::string> files;
};

// The files are read in the order given, as one capture: a flow that continues from one file
// into the next (a rotated capture set) stays one flow.
int analyze(const AnalyzeOptions& options) {
  auto cfg = effectiveConfig(options.run);
  if (!cfg) {
    std::fprintf(stderr, "medtap: error: %s\n", cfg.error().c_str());
    return kExitBadInput;
  }
  auto run = Run::start(cfg.value());
  if (!run) {
    std::fprintf(stderr, "medtap: error: %s\n", run.error().c_str());
    return kExitBadInput;
  }
  // Open every file before reading any, so that a mistyped name stops the run at once.
  std::vector<std::unique_ptr<capture::PacketSource>> sources;
  bool all_open = true;
  for (const auto& file : options.files) {
    auto source = capture::openCaptureFile(file, (*run)->anomalies(), cfg->file_limits);
    if (!source) {
      std::fprintf(stderr, "medtap: error: %s\n", source.error().c_str());
      all_open = false;
      continue;
    }
    sources.push_back(std::move(source.value()));
  }
  if (!all_open) return kExitBadInput;

  const auto started = std::chrono::steady_clock::now();
  for (size_t i = 0; i < sources.size(); ++i) {
    (*run)->readAll(*sources[i], options.files[i], Run::ProgressBar::OnTerminal);
  }
  bool written = (*run)->finish();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("medtap analyze: %zu file%s\n%s", options.files.size(),
              options.files.size() == 1 ? "" : "s", (*run)->summary(secs, nullptr).c_str());
  return written ? kExitOk : kExitBadInput;
}

}  // namespace

void addAnalyzeCommand(CLI::App& app) {
  auto options = std::make_shared<AnalyzeOptions>();
  auto* cmd = app.add_subcommand("analyze", "analyze capture files (pcap, pcapng, gzip)");
  cmd->add_option("files", options->files, "capture files, read in order as one capture")
      ->required();
  addRunOptions(*cmd, options->run);
  cmd->callback([options] {
    int status = analyze(*options);
    if (status != kExitOk) throw CLI::RuntimeError(status);
  });
}

}  // namespace medtap::cli
