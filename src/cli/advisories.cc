// medtap advisories import FILE|DIR... [--db FILE]: CSAF 2.0 documents into medtap.db.
// medtap advisories list [--db FILE] [--format table|json]: the built-in and imported advisories.
// medtap advisories match [--db FILE] [--format table|json]: the stored inventory's devices that
// an advisory concerns, with the status, the reason and the remediations (docs/ADVISORIES.md).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "advisories/limits.h"
#include "advisories/matcher.h"
#include "advisories/store.h"
#include "cli/commands.h"
#include "cli/run.h"
#include "detect/vulnerable_device.h"
#include "inventory/store.h"

namespace medtap::cli {

namespace {

enum class Format { Table, Json };

struct Options {
  std::string config_path;  // -c/--config
  std::string database;     // --db
  Format format = Format::Table;
  std::vector<std::string> paths;  // import
};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "medtap: error: %s\n", message.c_str());
  throw CLI::RuntimeError(kExitBadInput);
}

std::string databaseOf(const Options& o) {
  RunOptions run;
  run.config_path = o.config_path;
  run.database = o.database;
  auto cfg = effectiveConfig(run);
  if (!cfg) fail(cfg.error());
  return databasePath(cfg.value());
}

void addDbOptions(CLI::App& cmd, Options& o, bool with_format) {
  cmd.add_option("--db", o.database,
                 "medtap database (default: inventory.database in outputs.directory, "
                 "medtap-out/medtap.db)");
  cmd.add_option("-c,--config", o.config_path, "configuration file (medtap.yaml)");
  if (with_format) {
    cmd.add_option_function<std::string>(
           "--format",
           [&o](const std::string& name) {
             o.format = name == "json" ? Format::Json : Format::Table;
           },
           "output format: table (default) or json")
        ->check(CLI::IsMember({"table", "json"}));
  }
}

// The CSAF files a path names: the file itself, or every *.json under a folder, sorted.
std::vector<std::string> csafFiles(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return {path};
  std::vector<std::string> out;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".json") {
      out.push_back(it->path().string());
    }
    if (out.size() > advisories::kMaxFilesPerImport) {
      fail(path + ": more than " + std::to_string(advisories::kMaxFilesPerImport) +
           " JSON files; import a smaller folder");
    }
  }
  if (ec) fail(path + ": " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > advisories::kMaxFileBytes) break;  // parseCsaf says it is too large
  }
  return text;
}

// Files that are not CSAF are reported and skipped; the exit status says some were.
void importFiles(const Options& o) {
  const std::string db = databaseOf(o);
  auto store = advisories::AdvisoryStore::open(db);
  if (!store) fail(store.error());
  size_t imported = 0, failed = 0;
  for (const auto& path : o.paths) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      std::fprintf(stderr, "medtap: error: %s: No such file or directory\n", path.c_str());
      ++failed;
      continue;
    }
    for (const auto& file : csafFiles(path)) {
      const std::string text = readAll(file);
      auto a = advisories::parseCsaf(text, file);
      if (!a) {
        std::fprintf(stderr, "medtap: error: %s\n", a.error().c_str());
        ++failed;
        continue;
      }
      auto outcome = (*store)->put(a.value(), text);
      if (!outcome) fail(outcome.error());
      for (const auto& w : a->warnings) {
        std::fprintf(stderr, "medtap: warning: %s: %s\n", file.c_str(), w.c_str());
      }
      std::printf("%s (version %s, %zu CVEs): %s\n", a->id.c_str(), a->version.c_str(),
                  a->cves().size(), std::string(advisories::outcomeName(outcome.value())).c_str());
      ++imported;
    }
  }
  std::printf("medtap advisories import: %zu imported into %s, %zu failed\n", imported, db.c_str(),
              failed);
  if (failed > 0) throw CLI::RuntimeError(kExitBadInput);
}

std::vector<advisories::Advisory> allAdvisories(const Options& o) {
  std::vector<std::string> warnings;
  auto all = advisories::loadAdvisories(databaseOf(o), &warnings);
  if (!all) fail(all.error());
  for (const auto& w : warnings) std::fprintf(stderr, "medtap: warning: %s\n", w.c_str());
  std::sort(all->begin(), all->end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return std::move(all.value());
}

// Plain columns, the widest cell setting each width; the last column is not padded.
void printTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows) {
    width.resize(std::max(width.size(), r.size()));
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += i + 1 == r.size() ? r[i] : fmt::format("{:<{}}  ", r[i], width[i]);
    }
    std::printf("%s\n", line.c_str());
  }
}

std::string builtInOrImported(const advisories::Advisory& a) {
  return a.source.rfind("built-in:", 0) == 0 ? "built-in" : "imported";
}

void list(const Options& o) {
  const auto all = allAdvisories(o);
  if (o.format == Format::Json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& a : all) {
      out.push_back({{"id", a.id},
                     {"version", a.version},
                     {"current_release_date", a.current_release_date},
                     {"title", a.title},
                     {"url", a.url()},
                     {"cves", a.cves()},
                     {"max_cvss", a.maxScore()},
                     {"products", a.products.size()},
                     {"origin", builtInOrImported(a)},
                     {"warnings", a.warnings}});
    }
    std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return;
  }
  std::vector<std::vector<std::string>> rows{
      {"ADVISORY", "VERSION", "RELEASED", "CVES", "MAX CVSS", "ORIGIN", "TITLE"}};
  for (const auto& a : all) {
    rows.push_back({a.id, a.version, a.current_release_date.substr(0, 10),
                    std::to_string(a.cves().size()), fmt::format("{:.1f}", a.maxScore()),
                    builtInOrImported(a), a.title});
  }
  printTable(rows);
}

void match(const Options& o) {
  const std::string db = databaseOf(o);
  auto store = inventory::Store::openReadOnly(db);
  if (!store) {
    fail(store.error() +
         (std::filesystem::exists(db) ? "" : " (run medtap analyze, or give --db)"));
  }
  auto devices = (*store)->devices();
  if (!devices) fail(devices.error());
  const advisories::Matcher matcher(allAdvisories(o), advisories::Aliases::builtIn());
  nlohmann::json out = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows{
      {"DEVICE", "VENDOR MODEL", "FIRMWARE", "ADVISORY", "STATUS", "CVSS", "REASON"}};
  for (const auto& d : devices.value()) {
    for (const auto& m : matcher.match({d.id, d.vendor, d.model, d.firmware, d.tags})) {
      const advisories::Advisory& a = *m.advisory;
      out.push_back({{"device",
                      {{"id", d.id},
                       {"vendor", d.vendor},
                       {"model", d.model},
                       {"firmware", d.firmware},
                       {"ips", d.ips},
                       {"tags", d.tags}}},
                     {"advisory", a.id},
                     {"title", a.title},
                     {"url", a.url()},
                     {"status", advisories::statusName(m.status)},
                     {"reason", m.reason},
                     {"matched_as", m.identity},
                     {"cves", m.cves},
                     {"max_cvss", m.max_cvss},
                     {"severity", detect::severityFromCvss(m.status_cvss)},
                     {"remediations", m.remediations}});
      rows.push_back({d.id, (d.vendor + " " + d.model), d.firmware.empty() ? "?" : d.firmware, a.id,
                      std::string(advisories::statusName(m.status)),
                      fmt::format("{:.1f}", m.max_cvss), m.reason});
    }
  }
  if (o.format == Format::Json) {
    std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else if (rows.size() == 1) {
    std::printf("no device in %s is concerned by the %zu advisories\n", db.c_str(),
                matcher.advisories().size());
  } else {
    printTable(rows);
  }
}

}  // namespace

void addAdvisoriesCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("advisories", "CSAF 2.0 advisories and the devices they concern");
  cmd->require_subcommand(1);

  auto import_options = std::make_shared<Options>();
  auto* import = cmd->add_subcommand("import", "import CSAF 2.0 files (or folders of them)");
  import->add_option("paths", import_options->paths, "CSAF JSON files or folders")->required();
  addDbOptions(*import, *import_options, false);
  import->callback([import_options] { importFiles(*import_options);
});

auto list_options = std::make_shared<Options>();
auto* list_cmd = cmd->add_subcommand("list", "the built-in and imported advisories");
addDbOptions(*list_cmd, *list_options, true);
list_cmd->callback([list_options] { list(*list_options); });

auto match_options = std::make_shared<Options>();
auto* match_cmd =
    cmd->add_subcommand("match", "the stored inventory's devices that advisories concern");
addDbOptions(*match_cmd, *match_options, true);
match_cmd->callback([match_options] { match(*match_options); });
}  // namespace medtap::cli

}  // namespace medtap::cli
