// medtap watch -i IFACE [-o DIR]: the same pipeline on a live interface, until SIGINT/SIGTERM.
#include <csignal>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "capture/live_source.h"
#include "cli/commands.h"
#include "cli/run.h"

namespace medtap::cli {

namespace {

// Signal handlers can only reach static state. These two are the process's only globals: the
// flag the packet loop polls and the source to wake from a blocking read.
std::atomic<bool> g_stop{false};
std::atomic<capture::PacketSource*> g_source{nullptr};

extern "C" void onStopSignal(int) {
  g_stop.store(true);
  if (auto* s = g_source.load()) s->breakLoop();
}

struct WatchOptions {
  RunOptions run;
  std::string interface;
  std::string filter;
};

int watch(const WatchOptions& options) {
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
  capture::LiveOptions live = cfg->live;
  live.interface = options.interface;
  if (!options.filter.empty()) live.bpf_filter = options.filter;
  auto source = capture::openLiveInterface(live, (*run)->anomalies());
  if (!source) {
    std::fprintf(stderr, "medtap: error: %s\n", source.error().c_str());
    return kExitBadInput;
  }
  g_source.store(source->get());
  struct sigaction sa {};
  sa.sa_handler = onStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::fprintf(stderr, "medtap: watching %s; SIGINT or SIGTERM to stop\n", live.interface.c_str());

  const auto started = std::chrono::steady_clock::now();
  (*run)->readAll(**source, live.interface, Run::ProgressBar::Off, &g_stop);
  g_source.store(nullptr);
  bool written = (*run)->finish();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto live_stats = (*source)->stats();
  std::printf("medtap watch: %s\n%s", live.interface.c_str(),
              (*run)->summary(secs, &live_stats).c_str());
  return written ? kExitOk : kExitBadInput;
}

}  // namespace

void addWatchCommand(CLI::App& app) {
  auto options = std::make_shared<WatchOptions>();
  auto* cmd = app.add_subcommand("watch", "analyze a live interface until SIGINT/SIGTERM");
  cmd->add_option("-i,--interface", options->interface, "interface to capture on")->required();
  cmd->add_option("-f,--filter", options->filter, "BPF capture filter");
  addRunOptions(*cmd, options->run);
  cmd->callback([options] {
    int status = watch(*options);
    if (status != kExitOk) throw CLI::RuntimeError(status);
  });
}

}  // namespace medtap::cli
