// medtap config check FILE: every mistake in a configuration file, one line each with its line.
// medtap config show [FILE]: the effective configuration, every option with its value.
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
    for (const auto& e : errors) std::printf("%s\n", e.format().c_str());
    if (!errors.empty()) throw CLI::RuntimeError(1);
    std::printf("%s: ok\n", file->c_str());
  });
  auto shown = std::make_shared<std::string>();
  auto* show = cmd->add_subcommand("show", "print the effective configuration, every option");
  show->add_option("file", *shown, "configuration file (default: none, the built-in defaults)");
  show->callback([shown] {
    config::Config cfg;
    if (!shown->empty()) {
      auto loaded = config::loadConfigFile(*shown);
      if (!loaded) {
        std::fprintf(stderr, "%s\n", loaded.error().c_str());
        throw CLI::RuntimeError(1);
      }
      cfg = std::move(loaded.value());
    }
    std::printf("%s", config::formatYaml(cfg).c_str());
  });
}

}  // namespace medtap::cli
