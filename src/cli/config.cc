// medtap config check FILE: every mistake in a configuration file, one line each with its line.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "config/config.h"

namespace medtap::cli {

void addConfigCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("config", "configuration files");
  cmd->require_subcommand(1);
  auto file = std::make_shared<std::string>();
  auto* check = cmd->add_subcommand("check", "report every mistake in a configuration file");
  check->add_option("file", *file, "configuration file (medtap.yaml)")->required();
  check->callback([file] {
    auto errors = config::checkConfigFile(*file);
    for (const auto& e : errors) std::printf("%s\n", e.format(*file).c_str());
    if (!errors.empty()) throw CLI::RuntimeError(1);
    std::printf("%s: ok\n", file->c_str());
  });
}

}  // namespace medtap::cli
