// medtap vitals export --bed BED [--db FILE] [--from T] [--to T] [--format csv]: one bed's
// per-minute vital-sign trend (min, mean, max per parameter) from medtap.db, each minute marked
// with the integrity checks that flagged it (docs/DETECTIONS.md, "Vital-sign integrity").
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/run.h"
#include "core/timestamp.h"
#include "vitals/store.h"

namespace medtap::cli {

namespace {

struct ExportOptions {
  std::string config_path, database, bed, from, to, format = "csv";
};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "medtap: error: %s\n", message.c_str());
  throw CLI::RuntimeError(kExitBadInput);
}

// "2025-11-25T08:00:00Z", "2025-11-25T08:00:00+0000", "2025-11-25 08:00" or "2025-11-25": UTC.
std::optional<int64_t> parseTime(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char sep = 0;
  const int n =
      std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &s);
  if (n != 3 && n < 6) return std::nullopt;
  if (n >= 4 && sep != 'T' && sep != ' ') return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  // Days from the civil date (proleptic Gregorian).
  const int yy = y - (mo <= 2 ? 1 : 0);
  const int era = (yy >= 0 ? yy : yy - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(yy - era * 400);
  const unsigned doy =
      (153 * static_cast<unsigned>(mo + (mo > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = int64_t{era} * 146097 + doe - 719468;
  return days * 86400 + h * 3600 + mi * 60 + s;
}

std::string csvCell(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void exportTrend(const ExportOptions& o) {
  RunOptions run;
  run.config_path = o.config_path;
  run.database = o.database;
  auto cfg = effectiveConfig(run);
  if (!cfg) fail(cfg.error());
  const std::string path = databasePath(cfg.value());
  std::optional<int64_t> from, to;
  if (!o.from.empty() && !(from = parseTime(o.from))) fail("--from: not a time: " + o.from);
  if (!o.to.empty() && !(to = parseTime(o.to))) fail("--to: not a time: " + o.to);
  auto store = vitals::TrendStore::openReadOnly(path);
  if (!store) {
    fail(store.error() +
         (std::filesystem::exists(path) ? "" : " (run medtap analyze, or give --db)"));
  }
  auto rows = (*store)->trend(o.bed, from, to);
  if (!rows) fail(rows.error());
  auto flags = (*store)->flags(o.bed, from, to);
  if (!flags) fail(flags.error());
  std::string out = "minute,bed,device,parameter,unit,min,mean,max,samples,flags\n";
  for (const vitals::TrendRow& r : *rows) {
    std::string marks;
    for (const vitals::Flag& f : *flags) {
      const bool same = f.device == r.device && (f.parameter.empty() || f.parameter == r.parameter);
      if (same && f.start < r.minute + 60 && f.end >= r.minute) {
        marks += (marks.empty() ? "" : " ") + std::to_string(f.signature_id);
      }
    }
    std::string minute = formatIso8601(Timestamp::fromSeconds(r.minute)).substr(0, 19) + "Z";
    out += fmt::format("{},{},{},{},{},{:g},{:.2f},{:g},{},{}\n", minute, csvCell(r.bed),
                       csvCell(r.device), csvCell(r.parameter), csvCell(r.unit), r.min, r.mean,
                       r.max, r.samples, marks);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace

void addVitalsCommand(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand("vitals", "vital-sign trends per bed, from the store");
  cmd->require_subcommand(1);
  auto* exp = cmd->add_subcommand(
      "export", "one bed's per-minute trend (min, mean, max per parameter) and flagged minutes");
  exp->add_option("--bed", o->bed, "the bed, as the monitors name it (PV1-3: ICU/07; contec-7)")
      ->required();
  exp->add_option("--db", o->database,
                  "store (default: inventory.database in outputs.directory, "
                  "medtap-out/medtap.db)");
  exp->add_option("-c,--config", o->config_path, "configuration file (medtap.yaml)");
  exp->add_option("--from", o->from, "first minute, UTC: 2025-11-25T08:00:00");
  exp->add_option("--to", o->to, "last minute, UTC");
  exp->add_option("--format", o->format, "output format: csv")->check(CLI::IsMember({"csv"}));
  exp->footer(
      "Columns: minute (UTC), bed, device, parameter, unit, min, mean, max, samples, flags (the\n"
      "vital-sign integrity signature ids whose window covers the minute). No patient data.\n"
      "Exit status: 0; 2 when the store cannot be read.");
  exp->callback([o] { exportTrend(*o); });
}

}  // namespace medtap::cli
