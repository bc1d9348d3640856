// medtap: passive security monitoring for clinical networks.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"medtap: passive security monitor for hospital clinical networks", "medtap"};
  app.set_version_flag("--version", "medtap 0.1.0");
  app.require_subcommand(1);
  medtap::cli::addCommands(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
