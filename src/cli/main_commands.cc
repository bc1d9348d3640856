// Adds every subcommand to the application, in the order `medtap --help` lists them.
#include "cli/commands.h"

namespace medtap::cli {

void addCommands(CLI::App& app) {
  addAnalyzeCommand(app);
  addWatchCommand(app);
  addInventoryCommand(app);
  addVitalsCommand(app);
  addAdvisoriesCommand(app);
  addPolicyCommand(app);
  addPlanCommand(app);
  addExportCommand(app);
  addConfigCommand(app);
#ifdef MEDTAP_HAVE_SIMULATE
  addSimulateCommand(app);
#endif
}

}  // namespace medtap::cli
