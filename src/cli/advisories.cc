// medtap advisories import FILE|DIR... [--db FILE]: CSAF 2.0 documents into medtap.db.
// medtap advisories list [--db FILE] [--format table|json]: the built-in and imported advisories.
// medtap advisories match [--db FILE] [--format table|json]: the stored inventory's devices that
// an advisory concerns, with the status, the reason and the remediations (docs/ADVISORIES.md).
// medtap advisories sync URL... [--db FILE] [--ca-file F] [--timeout S]: CSAF providers, ROLIE
// feeds, CSAF documents, RSS/Atom feeds and Health Canada's recalls export, fetched
// incrementally into medtap.db (advisories/sync.h).
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
#include "advisories/notice.h"
#include "advisories/store.h"
#include "advisories/sync.h"
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
  std::vector<std::string> paths;  // import; sync: the URLs
  std::string ca_file;             // sync --ca-file
  long timeout_seconds = 0;        // sync --timeout; 0: advisories.timeout
};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "medtap: error: %s\n", message.c_str());
  throw CLI::RuntimeError(kExitBadInput);
}

config::Config configOf(const Options& o) {
  RunOptions run;
  run.config_path = o.config_path;
  run.database = o.database;
  auto cfg = effectiveConfig(run);
  if (!cfg) fail(cfg.error());
  return std::move(cfg.value());
}

std::string databaseOf(const Options& o) {
  return databasePath(configOf(o));
}

// The notices `advisories sync` kept, when the database exists (list and match never create it).
std::vector<advisories::Notice> storedNotices(const std::string& db) {
  std::error_code ec;
  if (!std::filesystem::exists(db, ec)) return {};
  auto store = advisories::AdvisoryStore::open(db);
  if (!store) fail(store.error());
  auto notices = (*store)->notices();
  if (!notices) fail(notices.error());
  return std::move(notices.value());
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
  const auto notices = storedNotices(databaseOf(o));
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
    for (const auto& n : notices) {
      out.push_back({{"id", n.key},
                     {"origin", "notice"},
                     {"kind", advisories::noticeKindName(n.kind)},
                     {"title", n.item.title},
                     {"url", n.item.link},
                     {"date", n.item.date},
                     {"keyword", n.keyword},
                     {"source", n.source}});
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
  if (notices.empty()) return;
  std::vector<std::vector<std::string>> notice_rows{
      {"NOTICE", "DATE", "KIND", "MENTIONS", "TITLE"}};
  for (const auto& n : notices) {
    notice_rows.push_back({n.item.link.empty() ? n.key : n.item.link, n.item.date,
                           std::string(advisories::noticeKindName(n.kind)), n.keyword,
                           n.item.title});
  }
  std::printf("\n");
  printTable(notice_rows);
}

nlohmann::json deviceJson(const inventory::StoredDevice& d) {
  return {{"id", d.id},   {"vendor", d.vendor}, {"model", d.model}, {"firmware", d.firmware},
          {"ips", d.ips}, {"tags", d.tags}};
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
  const auto notices = storedNotices(db);
  nlohmann::json out = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows{
      {"DEVICE", "VENDOR MODEL", "FIRMWARE", "ADVISORY", "STATUS", "CVSS", "REASON"}};
  for (const auto& d : devices.value()) {
    for (const auto& m : matcher.match({d.id, d.vendor, d.model, d.firmware, d.tags})) {
      const advisories::Advisory& a = *m.advisory;
      out.push_back({{"device", deviceJson(d)},
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
    const advisories::DeviceFacts facts{d.id, d.vendor, d.model, d.firmware, d.tags};
    for (const auto& n : notices) {
      auto reason = advisories::noticeConcerns(n, facts, advisories::Aliases::builtIn());
      if (!reason) continue;
      out.push_back({{"device", deviceJson(d)},
                     {"notice", n.key},
                     {"kind", advisories::noticeKindName(n.kind)},
                     {"title", n.item.title},
                     {"url", n.item.link},
                     {"date", n.item.date},
                     {"status", "mentioned"},
                     {"reason", *reason}});
      rows.push_back({d.id, (d.vendor + " " + d.model), d.firmware.empty() ? "?" : d.firmware,
                      n.item.link.empty() ? n.key : n.item.link, "mentioned", "-", *reason});
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

// The models notices are kept for: the stored inventory's (when there is one) and the aliases'.
std::vector<std::string> watchedModels(const std::string& db) {
  std::vector<advisories::DeviceFacts> devices;
  std::error_code ec;
  if (std::filesystem::exists(db, ec)) {
    auto store = inventory::Store::openReadOnly(db);
    if (store) {
      auto stored = (*store)->devices();
      if (stored) {
        for (const auto& d : stored.value()) {
          devices.push_back({d.id, d.vendor, d.model, d.firmware, d.tags});
        }
      }
    }
  }
  return advisories::watchedModels(devices, advisories::Aliases::builtIn());
}

// Exit 2 only when nothing at all could be fetched (offline): a failed advisory among others is a
// line on stderr, and what the store holds is kept either way.
void syncUrls(const Options& o) {
  const config::Config cfg = configOf(o);
  const std::string db = databasePath(cfg);
  advisories::HttpOptions http;
  http.ca_file = o.ca_file.empty() ? cfg.advisories.ca_file : o.ca_file;
  http.timeout_seconds = o.timeout_seconds > 0
                             ? o.timeout_seconds
                             : static_cast<long>(cfg.advisories.timeout.ns / Timestamp::kNsPerSec);
  http.max_response_bytes = cfg.advisories.max_response_bytes;
  std::error_code ec;
  const auto parent = std::filesystem::path(db).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto watched = watchedModels(db);
  auto store = advisories::AdvisoryStore::open(db);
  if (!store) fail(store.error());
  advisories::CurlFetcher fetcher(http);
  advisories::Syncer syncer(
      fetcher, **store, std::move(watched),
      [](const std::string& line) { std::fprintf(stderr, "medtap: error: %s\n", line.c_str()); },
      [](const std::string& line) { std::printf("%s\n", line.c_str()); });
  for (const auto& url : o.paths) syncer.sync(url);
  const auto& c = syncer.counters();
  std::printf(
      "medtap advisories sync: %zu requests (%zu transferred, %zu not modified, %zu not found, "
      "%zu failed); "
      "advisories: %zu added, %zu updated, %zu unchanged, %zu not asked for, %zu older kept out, "
      "%zu rejected; notices: %zu new, %zu mentioning a watched model; into %s\n",
      c.requests, c.transferred, c.not_modified, c.not_found, c.failed, c.added, c.updated,
      c.unchanged, c.skipped, c.older, c.rejected, c.notices_new, c.notices_seen, db.c_str());
  std::fflush(stdout);
  if (syncer.nothingFetched()) {
    std::fprintf(stderr,
                 "medtap: error: nothing could be fetched (offline?); what %s holds is kept\n",
                 db.c_str());
    throw CLI::RuntimeError(kExitBadInput);
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

auto sync_options = std::make_shared<Options>();
auto* sync_cmd = cmd->add_subcommand(
    "sync",
    "fetch CSAF providers (provider-metadata.json or a domain), ROLIE feeds, CSAF documents, "
    "RSS/Atom feeds and Health Canada recall exports into the database");
sync_cmd->add_option("urls", sync_options->paths, "URLs (or a provider's domain)")->required();
addDbOptions(*sync_cmd, *sync_options, false);
sync_cmd->add_option("--ca-file", sync_options->ca_file,
                     "PEM certificates to verify HTTPS servers with (advisories.ca_file)");
sync_cmd
    ->add_option("--timeout", sync_options->timeout_seconds,
                 "seconds allowed for one request (advisories.timeout)")
    ->check(CLI::Range(1, 3600));
sync_cmd->callback([sync_options] { syncUrls(*sync_options); });
}  // namespace medtap::cli

}  // namespace medtap::cli
