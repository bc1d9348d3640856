// medtap policy suggest FILE... -o POLICY | medtap policy check POLICY FILE...: the segmentation
// policy (docs/POLICY.md) from captures, and captures against it. Both read the captures through
// the same Run as `analyze` (run.h), into a scratch output folder that is removed afterwards:
// what they produce is the policy file or the violations on stdout.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "capture/file_source.h"
#include "cli/commands.h"
#include "cli/run.h"
#include "policy/loader.h"
#include "policy/suggest.h"

namespace medtap::cli {

namespace {

constexpr int kExitViolations = 1;  // `policy check`: the captures hold flows the policy forbids

struct PolicyOptions {
  RunOptions run;
  std::string policy;  // check: the policy to replay against
  std::string output;  // suggest: the policy file to write
  std::vector<std::string> files;
};

// A scratch folder for the run's eve.json, inventory.json and (without --db) its store.
class ScratchDir {
 public:
  static Result<ScratchDir> create() {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    if (ec) return Error{"no temporary folder: " + ec.message()};
    std::string templ = (base / "medtap-policy-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) return Error{templ + ": cannot create"};
    return ScratchDir(templ);
  }
  ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ScratchDir(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

void addOptions(CLI::App& cmd, PolicyOptions& o) {
  cmd.add_option("-c,--config", o.run.config_path, "configuration file (medtap.yaml)");
  cmd.add_option("--home-net", o.run.home_networks,
                 "the site's own network, CIDR; repeatable (replaces site.home_networks)");
  cmd.add_option("--db", o.run.database,
                 "inventory store to identify devices with (inventory.database); none: only "
                 "what the captures show");
}

// Reads the captures through a Run writing into `scratch`, after `prepare` has added what the
// command needs to it, and finishes the run. Error: one line, the run could not start or read.
Result<std::unique_ptr<Run>> replay(PolicyOptions options, const ScratchDir& scratch,
                                    const std::function<void(Run&)>& prepare) {
  options.run.output_dir = scratch.path();
  // A plain name would land in the scratch folder: the caller means the current folder.
  if (!options.run.database.empty() && options.run.database.find('/') == std::string::npos) {
    options.run.database = "./" + options.run.database;
  }
  auto cfg = effectiveConfig(options.run);
  if (!cfg) return Error{cfg.error()};
  auto run = Run::start(cfg.value());
  if (!run) return Error{run.error()};
  prepare(**run);
  // Open every file before reading any, so that a mistyped name stops at once.
  std::vector<std::unique_ptr<capture::PacketSource>> sources;
  for (const auto& file : options.files) {
    auto source = capture::openCaptureFile(file, (*run)->anomalies(), cfg->file_limits);
    if (!source) return Error{source.error()};
    sources.push_back(std::move(source.value()));
  }
  for (size_t i = 0; i < sources.size(); ++i) {
    (*run)->readAll(*sources[i], options.files[i], Run::ProgressBar::OnTerminal);
  }
  if (!(*run)->finish()) return Error{"the run's output could not be written"};
  return run;
}

int failed(const std::string& message) {
  std::fprintf(stderr, "medtap: error: %s\n", message.c_str());
  return kExitBadInput;
}

int suggest(const PolicyOptions& options) {
  auto scratch = ScratchDir::create();
  if (!scratch) return failed(scratch.error());
  policy::FlowLog* log = nullptr;
  std::vector<IpNetwork> site;
  auto run = replay(options, scratch.value(), [&](Run& r) {
    auto owned = std::make_unique<policy::FlowLog>();
    log = owned.get();
    r.addDetector(std::move(owned));
  });
  if (!run) return failed(run.error());
  auto cfg = effectiveConfig(options.run);  // read once more for the site's networks
  if (!cfg) return failed(cfg.error());
  policy::SuggestInput in{&log->flows(), &log->devices(), cfg->site.home_networks, options.files};
  const std::string text = policy::suggestPolicy(in);
  // What it wrote must load back: the zone names come from device classes.
  if (auto back = policy::loadPolicyText(text, options.output); !back) {
    return failed("the suggested policy does not load back: " + back.error());
  }
  std::FILE* f = std::fopen(options.output.c_str(), "wb");
  bool ok = f != nullptr && std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (f != nullptr) ok = std::fclose(f) == 0 && ok;
  if (!ok) return failed(options.output + ": cannot write: " + std::strerror(errno));
  std::printf("medtap policy suggest: wrote %s (%zu devices, %zu distinct flows)\n",
              options.output.c_str(), log->devices().devices().size(), log->flows().size());
  if (log->flowsNotRecorded() > 0) {
    std::fprintf(stderr,
                 "medtap: warning: %llu flows past the first %zu distinct ones not "
                 "recorded; the policy does not allow them\n",
                 static_cast<unsigned long long>(log->flowsNotRecorded()),
                 policy::kMaxObservedFlows);
  }
  return kExitOk;
}

// One line per violation: "3 flows  contec-monitors -> off-site  mac:... (10.12.1.19) to
// 202.114.4.119 (ip:202.114.4.119) tcp/515 contec_cms  [default: deny]".
std::string violationLine(const policy::Violation& v) {
  std::string dst = v.dst.toString();
  if (!v.dst_device.empty() && v.dst_device != "ip:" + dst) dst += " (" + v.dst_device + ")";
  return fmt::format("{:>6} {:<5}  {} -> {}  {} ({}) to {}  {}  [{}]  severity {}", v.count,
                     v.count == 1 ? "flow" : "flows", v.from_zone, v.to_zone, v.src_device,
                     v.src.toString(), dst, v.service, v.rule, v.severity);
}

int check(const PolicyOptions& options) {
  auto scratch = ScratchDir::create();
  if (!scratch) return failed(scratch.error());
  PolicyOptions o = options;
  o.run.policy = options.policy;
  auto run = replay(o, scratch.value(), [](Run&) {});
  if (!run) return failed(run.error());
  const policy::PolicyDetector* detector = (*run)->policyDetector();
  uint64_t flows = 0;
  for (const auto& v : detector->violations()) {
    std::printf("%s\n", violationLine(v).c_str());
    flows += v.count;
  }
  const size_t n = detector->violations().size() + detector->violationsNotKept();
  std::printf("medtap policy check: %zu violation%s (%llu flow%s) of %s\n", n, n == 1 ? "" : "s",
              static_cast<unsigned long long>(flows), flows == 1 ? "" : "s",
              options.policy.c_str());
  return n == 0 ? kExitOk : kExitViolations;
}

}  // namespace

void addPolicyCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("policy", "segmentation policy: suggest one, check captures");
  cmd->require_subcommand(1);

  auto s = std::make_shared<PolicyOptions>();
  auto* suggest_cmd = cmd->add_subcommand(
      "suggest", "write the least-privilege policy for the flows the captures show");
  suggest_cmd->add_option("files", s->files, "capture files, read in order as one capture")
      ->required();
  suggest_cmd->add_option("-o,--output", s->output, "the policy file to write")->required();
  addOptions(*suggest_cmd, *s);
  suggest_cmd->callback([s] {
    int status = suggest(*s);
    if (status != kExitOk) throw CLI::RuntimeError(status);
  });

  auto c = std::make_shared<PolicyOptions>();
  auto* check_cmd = cmd->add_subcommand(
      "check", "replay captures against a policy; exit 1 when a flow violates it");
  check_cmd->add_option("policy", c->policy, "the policy file (docs/POLICY.md)")->required();
  check_cmd->add_option("files", c->files, "capture files, read in order as one capture")
      ->required();
  addOptions(*check_cmd, *c);
  check_cmd->callback([c] {
    int status = check(*c);
    if (status != kExitOk) throw CLI::RuntimeError(status);
  });
}

}  // namespace medtap::cli
