// medtap plan isolate [--tag TAG]... [--device ID]... [--policy POLICY] [--db FILE]
// [--format text|md|json]: what isolating the selected devices would cut, and what to do first
// (remediate/plan.h). Reads the same inventory and options as `medtap export`.
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/isolation_load.h"
#include "cli/run.h"
#include "remediate/plan.h"

namespace medtap::cli {

namespace {

const std::map<std::string, remediate::PlanFormat> kFormats = {
    {"text", remediate::PlanFormat::Text},
    {"md", remediate::PlanFormat::Markdown},
    {"json", remediate::PlanFormat::Json}};

struct PlanOptions {
  IsolationOptions isolation;
  std::string format = "text";
};

int isolate(const PlanOptions& o) {
  auto loaded = loadIsolation(o.isolation);
  if (!loaded) {
    std::fprintf(stderr, "medtap: error: %s\n", loaded.error().c_str());
    return kExitBadInput;
  }
  const remediate::Isolation& iso = (*loaded)->isolation;
  for (const auto& id : iso.unknown_ids) {
    std::fprintf(stderr, "medtap: warning: %s is not in %s\n", id.c_str(), iso.database.c_str());
  }
  const std::string text = remediate::renderPlan(iso, kFormats.at(o.format));
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

}  // namespace

void addPlanCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("plan", "plan a remediation before applying it");
  cmd->require_subcommand(1);
  auto o = std::make_shared<PlanOptions>();
  auto* iso = cmd->add_subcommand(
      "isolate", "the clinical flows that isolating the selected devices would cut or keep");
  addIsolationOptions(*iso, o->isolation);
  iso->add_option("--format", o->format, "text (default), md or json")
      ->check(CLI::IsMember({"text", "md", "json"}));
  iso->callback([o] {
    int status = isolate(*o);
    if (status != kExitOk) throw CLI::RuntimeError(status);
  });
}

}  // namespace medtap::cli
