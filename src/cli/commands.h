// The medtap subcommands, one file each (src/cli/<command>.cc). main.cc adds them all.
#pragma once

#include <CLI/CLI.hpp>

namespace medtap::cli {

void addAnalyzeCommand(CLI::App& app);     // analyze.cc: capture files -> eve.json
void addWatchCommand(CLI::App& app);       // watch.cc: live interface -> eve.json
void addConfigCommand(CLI::App& app);      // config.cc: config check FILE
void addVitalsCommand(CLI::App& app);      // vitals.cc: vitals export --bed BED
void addSimulateCommand(CLI::App& app);    // simulate.cc: the ward simulator
void addInventoryCommand(CLI::App& app);   // inventory.cc: inventory [reconcile ASSETS.csv]
void addAdvisoriesCommand(CLI::App& app);  // advisories.cc: advisories import|list|match
void addPolicyCommand(CLI::App& app);      // policy.cc: policy suggest | policy check
void addExportCommand(CLI::App& app);      // export.cc: export nftables|iptables|suricata|...
void addPlanCommand(CLI::App& app);        // plan.cc: plan isolate

// All of the above (main_commands.cc).
void addCommands(CLI::App& app);

}  // namespace medtap::cli
