// medtap export nftables|iptables|suricata|zeek-intel|stix [--tag TAG]... [--device ID]...
// [--policy POLICY] [--db FILE] [-o FILE]: rules that block the Contec network and isolate the
// selected devices from the inventory medtap.db holds (after `medtap analyze`), and the Contec
// indicators for an IDS or a threat-intelligence platform. docs/EXPORT.md.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/isolation_load.h"
#include "cli/run.h"
#include "remediate/export.h"

namespace medtap::cli {

namespace {

enum class Format { Nftables, Iptables, Suricata, ZeekIntel, Stix };

const std::map<std::string, Format> kFormats = {{"nftables", Format::Nftables},
                                                {"iptables", Format::Iptables},
                                                {"suricata", Format::Suricata},
                                                {"zeek-intel", Format::ZeekIntel},
                                                {"stix", Format::Stix}};

struct ExportOptions {
  IsolationOptions isolation;
  std::string format;
  std::string output;  // "" or "-": stdout
  bool drop = false;   // suricata: drop instead of alert
};

int failed(const std::string& message) {
  std::fprintf(stderr, "medtap: error: %s\n", message.c_str());
  return kExitBadInput;
}

bool toStdout(const std::string& path) {
  return path.empty() || path == "-";
}

Status writeText(const std::string& path, const std::string& text) {
  if (toStdout(path)) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return Ok{};
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  bool ok = f != nullptr && std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (f != nullptr) ok = std::fclose(f) == 0 && ok;
  if (!ok) return Error{path + ": cannot write: " + std::strerror(errno)};
  return Ok{};
}

// The firewall formats need the inventory; the indicator formats do not.
bool needsInventory(Format f) {
  return f == Format::Nftables || f == Format::Iptables;
}

// Warnings about the selection, on stderr: an empty one still writes the Contec block.
void warnSelection(const remediate::Isolation& iso) {
  for (const auto& id : iso.unknown_ids) {
    std::fprintf(stderr, "medtap: warning: %s is not in %s\n", id.c_str(), iso.database.c_str());
  }
  if (iso.devices.empty()) {
    std::fprintf(stderr,
                 "medtap: warning: no device in %s matches %s; only the Contec network is "
                 "blocked\n",
                 iso.database.c_str(), iso.selection.c_str());
  }
}

int run(const ExportOptions& o) {
  const Format format = kFormats.at(o.format);
  std::string text;
  if (needsInventory(format)) {
    auto loaded = loadIsolation(o.isolation);
    if (!loaded) return failed(loaded.error());
    const remediate::Isolation& iso = (*loaded)->isolation;
    warnSelection(iso);
    if (format == Format::Nftables) {
      text = remediate::nftablesRuleset(iso);
    } else {
      remediate::IptablesRules rules = remediate::iptablesRules(iso);
      text = std::move(rules.v4);
      if (!rules.v6.empty()) {
        if (toStdout(o.output)) {
          std::fprintf(stderr,
                       "medtap: warning: selected devices have IPv6 addresses: give -o "
                       "FILE for their ip6tables rules (FILE.v6)\n");
        } else if (auto s = writeText(o.output + ".v6", rules.v6); !s) {
          return failed(s.error());
        }
      }
    }
  } else if (format == Format::Suricata) {
    text = remediate::suricataRules(o.drop ? remediate::SuricataAction::Drop
                                           : remediate::SuricataAction::Alert);
  } else if (format == Format::ZeekIntel) {
    text = remediate::zeekIntel();
  } else {
    text = remediate::stixBundle();
  }
  if (auto s = writeText(o.output, text); !s) return failed(s.error());
  if (!toStdout(o.output)) {
    std::fprintf(stderr, "medtap export %s: wrote %s\n", o.format.c_str(), o.output.c_str());
  }
  return kExitOk;
}

}  // namespace

void addExportCommand(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand(
      "export",
      "firewall rules isolating affected devices, IDS rules and intel for the Contec "
      "indicators");
  cmd->add_option("format", o->format, "nftables, iptables, suricata, zeek-intel or stix")
      ->required()
      ->check(CLI::IsMember({"nftables", "iptables", "suricata", "zeek-intel", "stix"}));
  cmd->add_option("-o,--output", o->output, "the file to write (default: stdout)");
  cmd->add_flag("--drop", o->drop, "suricata: drop rules (IPS mode) instead of alert rules");
  addIsolationOptions(*cmd, o->isolation);
  cmd->callback([o] {
    int status = run(*o);
    if (status != kExitOk) throw CLI::RuntimeError(status);
  });
}

}  // namespace medtap::cli
