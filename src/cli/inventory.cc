// medtap inventory [--db FILE] [--format table|csv|json] [--class CLASS] [--tag TAG]...: the
// devices medtap.db holds.
// medtap inventory reconcile ASSETS.csv [--column FIELD=HEADER]...: the same against the
// hospital's asset list; exit status 1 when they differ, so that a scheduled job can alert.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/run.h"
#include "core/csv.h"
#include "inventory/fingerprints.h"
#include "inventory/reconcile.h"
#include "inventory/store.h"

namespace medtap::cli {

namespace {

// Exit statuses, documented in the README and the commands' help.
constexpr int kExitDifferences = 1;  // reconcile: the inventory and the asset list differ

enum class Format { Table, Csv, Json };

const std::map<std::string, Format> kFormats = {
    {"table", Format::Table}, {"csv", Format::Csv}, {"json", Format::Json}};

struct StoreOptions {
  std::string config_path;  // -c/--config
  std::string database;     // --db
  Format format = Format::Table;
};

struct ListOptions {
  std::shared_ptr<StoreOptions> store = std::make_shared<StoreOptions>();
  std::string device_class;
  std::vector<std::string> tags;
};

struct ReconcileOptions {
  std::shared_ptr<StoreOptions> store;  // the inventory command's
  std::string assets;
  std::vector<std::string> columns;
};

void addStoreOptions(CLI::App& cmd, StoreOptions& o) {
  cmd.add_option("--db", o.database,
                 "inventory store (default: inventory.database in outputs.directory, "
                 "medtap-out/medtap.db)");
  cmd.add_option("-c,--config", o.config_path, "configuration file (medtap.yaml)");
  cmd.add_option_function<std::string>(
         "--format", [&o](const std::string& name) { o.format = kFormats.at(name); },
         "output format: table (default), csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
}

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "medtap: error: %s\n", message.c_str());
  throw CLI::RuntimeError(kExitBadInput);
}

// The stored devices, read-only: a missing database is an error, never a new empty one.
std::vector<inventory::StoredDevice> loadDevices(const StoreOptions& o) {
  RunOptions run;
  run.config_path = o.config_path;
  run.database = o.database;
  auto cfg = effectiveConfig(run);
  if (!cfg) fail(cfg.error());
  const std::string path = databasePath(cfg.value());
  auto store = inventory::Store::openReadOnly(path);
  if (!store) {
    fail(store.error() +
         (std::filesystem::exists(path) ? "" : " (run medtap analyze, or give --db)"));
  }
  auto devices = (*store)->devices();
  if (!devices) fail(devices.error());
  return std::move(devices.value());
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ",") + v;
  return out;
}

// "2025-11-25T10:00:05.000000+0000" (always UTC) as "2025-11-25 10:00:05".
std::string shortTime(const std::string& iso) {
  std::string out = iso.substr(0, 19);
  if (out.size() > 10 && out[10] == 'T') out[10] = ' ';
  return out;
}

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// Display width of UTF-8 text: code points, not bytes (a vendor may be "Dräger").
size_t width(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A cell for the terminal: names come off the wire (DHCP, HL7, DICOM) or out of a spreadsheet, and
// a control character (an escape sequence, a newline) must not reach the terminal; "?" instead.
// An empty cell shows as "-".
std::string cellText(const std::string& cell) {
  if (cell.empty()) return "-";
  std::string out = cell;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

// Aligned columns, two spaces apart.
void printTable(const Table& t) {
  std::vector<size_t> widths;
  for (const auto& h : t.header) widths.push_back(width(h));
  for (const auto& row : t.rows) {
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], width(cellText(row[i])));
  }
  auto line = [&](const std::vector<std::string>& cells, bool header) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string cell = header ? cells[i] : cellText(cells[i]);
      out += cell;
      if (i + 1 < cells.size()) out.append(widths[i] - width(cell) + 2, ' ');
    }
    std::printf("%s\n", out.c_str());
  };
  line(t.header, true);
  for (const auto& row : t.rows) line(row, false);
}

void printCsv(const Table& t) {
  std::string out;
  appendCsvRecord(out, t.header);
  for (const auto& row : t.rows) appendCsvRecord(out, row);
  std::fwrite(out.data(), 1, out.size(), stdout);
}

// JSON text from values that came off the wire or out of a spreadsheet: bytes that are not UTF-8
// are replaced, never thrown on.
std::string jsonText(const nlohmann::ordered_json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

// ---- medtap inventory -------------------------------------------------------------------------

// By class, then by the first IP address (numerically), then by id; devices without an address
// last in their class.
void sortForPeople(std::vector<const inventory::StoredDevice*>& devices) {
  auto firstIp = [](const inventory::StoredDevice* d) -> std::optional<IpAddress> {
    return d->ips.empty() ? std::nullopt : IpAddress::parse(d->ips.front());
  };
  std::stable_sort(devices.begin(), devices.end(), [&](const auto* a, const auto* b) {
    if (a->device_class != b->device_class) return a->device_class < b->device_class;
    auto ia = firstIp(a), ib = firstIp(b);
    if (ia.has_value() != ib.has_value()) return ia.has_value();
    if (ia && *ia != *ib) return *ia < *ib;
    return a->id < b->id;
  });
}

void listInventory(const ListOptions& o) {
  if (!o.device_class.empty() && !inventory::isDeviceClass(o.device_class)) {
    fail("--class " + o.device_class +
         ": not a device class (patient-monitor, infusion-pump, ...: docs/EVENTS.md)");
  }
  const auto devices = loadDevices(*o.store);
  std::vector<const inventory::StoredDevice*> shown;
  for (const auto& d : devices) {
    if (!o.device_class.empty() && d.device_class != o.device_class) continue;
    if (!o.tags.empty() && std::none_of(o.tags.begin(), o.tags.end(), [&](const std::string& t) {
          return std::find(d.tags.begin(), d.tags.end(), t) != d.tags.end();
        })) {
      continue;
    }
    shown.push_back(&d);
  }
  sortForPeople(shown);

  if (o.store->format == Format::Json) {
    // inventory.json's layout: one device object a line.
    std::string out = "[";
    for (const auto* d : shown) out += (out.size() > 1 ? ",\n" : "\n") + d->json;
    out += "\n]\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return;
  }
  Table t;
  if (o.store->format == Format::Csv) {
    t.header = {"id",    "ips",      "macs",       "hostnames", "vendor",     "model",
                "class", "firmware", "confidence", "tags",      "first_seen", "last_seen"};
    for (const auto* d : shown) {
      t.rows.push_back({d->id, joined(d->ips), joined(d->macs), joined(d->hostnames), d->vendor,
                        d->model, d->device_class, d->firmware,
                        fmt::format("{:.2f}", d->confidence), joined(d->tags), d->first_seen,
                        d->last_seen});
    }
    printCsv(t);
    return;
  }
  t.header = {"id",    "ips",      "macs",       "vendor", "model",
              "class", "firmware", "confidence", "tags",   "last seen (UTC)"};
  for (const auto* d : shown) {
    t.rows.push_back({d->id, joined(d->ips), joined(d->macs), d->vendor, d->model, d->device_class,
                      d->firmware, fmt::format("{:.2f}", d->confidence), joined(d->tags),
                      shortTime(d->last_seen)});
  }
  printTable(t);
  std::printf("%zu device%s\n", shown.size(), shown.size() == 1 ? "" : "s");
}

// ---- medtap inventory reconcile ---------------------------------------------------------------

std::string assetMac(const inventory::Asset& a) {
  return a.mac ? a.mac->toString() : "";
}

std::string assetIp(const inventory::Asset& a) {
  return a.ip ? a.ip->toString() : "";
}

// An asset list of 100,000 devices with long free-text columns stays well under this; anything
// bigger is not an asset list, and is refused rather than read into memory.
constexpr uintmax_t kMaxAssetListBytes = 64ull << 20;

std::string readAssetFile(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxAssetListBytes) {
    fail(path + ": " + std::to_string(size >> 20) + " MiB, more than an asset list (limit " +
         std::to_string(kMaxAssetListBytes >> 20) + " MiB)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void printReconcileTable(const inventory::Reconciliation& r, const inventory::AssetList& assets,
                         size_t device_count) {
  std::printf("%zu assets listed, %zu devices seen, %zu matched\n", assets.assets.size(),
              device_count, r.matched);
  if (!r.hasDifferences()) {
    std::printf("no differences\n");
    return;
  }
  if (!r.unlisted.empty()) {
    std::printf("\nseen but not listed (%zu)\n", r.unlisted.size());
    Table t{{"device", "ips", "macs", "vendor", "model", "class"}, {}};
    for (const auto* d : r.unlisted) {
      t.rows.push_back(
          {d->id, joined(d->ips), joined(d->macs), d->vendor, d->model, d->device_class});
    }
    printTable(t);
  }
  if (!r.unseen.empty()) {
    std::printf("\nlisted but never seen (%zu)\n", r.unseen.size());
    Table t{{"line", "tag", "mac", "ip", "hostname", "vendor", "model", "class"}, {}};
    for (const auto* a : r.unseen) {
      t.rows.push_back({std::to_string(a->line), a->tag, assetMac(*a), assetIp(*a), a->hostname,
                        a->vendor, a->model, a->device_class});
    }
    printTable(t);
  }
  if (!r.disagreements.empty()) {
    std::printf("\nlisted and seen, but different (%zu)\n", r.disagreements.size());
    Table t{{"line", "tag", "device", "matched by", "attribute", "listed", "seen"}, {}};
    for (const auto& x : r.disagreements) {
      t.rows.push_back({std::to_string(x.asset->line), x.asset->tag, x.device->id,
                        std::string(inventory::matchedByName(x.matched_by)),
                        std::string(x.attribute), x.listed, x.seen});
    }
    printTable(t);
  }
}

// One row per difference: "seen-not-listed" fills the device columns, "listed-not-seen" the
// asset's, "different" both and the attribute.
void printReconcileCsv(const inventory::Reconciliation& r) {
  Table t{{"difference", "line", "tag", "asset_mac", "asset_ip", "asset_hostname", "device",
           "device_ips", "device_macs", "matched_by", "attribute", "listed", "seen"},
          {}};
  for (const auto* d : r.unlisted) {
    t.rows.push_back({"seen-not-listed", "", "", "", "", "", d->id, joined(d->ips), joined(d->macs),
                      "", "", "", ""});
  }
  for (const auto* a : r.unseen) {
    t.rows.push_back({"listed-not-seen", std::to_string(a->line), a->tag, assetMac(*a), assetIp(*a),
                      a->hostname, "", "", "", "", "", "", ""});
  }
  for (const auto& x : r.disagreements) {
    const auto& a = *x.asset;
    t.rows.push_back({"different", std::to_string(a.line), a.tag, assetMac(a), assetIp(a),
                      a.hostname, x.device->id, joined(x.device->ips), joined(x.device->macs),
                      std::string(inventory::matchedByName(x.matched_by)), std::string(x.attribute),
                      x.listed, x.seen});
  }
  printCsv(t);
}

void printReconcileJson(const inventory::Reconciliation& r, const inventory::AssetList& assets,
                        size_t device_count) {
  using J = nlohmann::ordered_json;
  auto asset = [](const inventory::Asset& a) {
    return J{{"line", a.line},   {"tag", a.tag},           {"mac", assetMac(a)},
             {"ip", assetIp(a)}, {"hostname", a.hostname}, {"vendor", a.vendor},
             {"model", a.model}, {"class", a.device_class}};
  };
  J out = J::object();
  out["assets"] = assets.assets.size();
  out["devices"] = device_count;
  out["matched"] = r.matched;
  J& unlisted = out["seen_not_listed"] = J::array();
  for (const auto* d : r.unlisted) {
    unlisted.push_back(J{{"id", d->id},
                         {"ips", d->ips},
                         {"macs", d->macs},
                         {"vendor", d->vendor},
                         {"model", d->model},
                         {"class", d->device_class}});
  }
  J& unseen = out["listed_not_seen"] = J::array();
  for (const auto* a : r.unseen) unseen.push_back(asset(*a));
  J& different = out["different"] = J::array();
  for (const auto& x : r.disagreements) {
    different.push_back(J{{"asset", asset(*x.asset)},
                          {"device", x.device->id},
                          {"matched_by", inventory::matchedByName(x.matched_by)},
                          {"attribute", x.attribute},
                          {"listed", x.listed},
                          {"seen", x.seen}});
  }
  std::printf("%s\n", jsonText(out).c_str());
}

void reconcileInventory(const ReconcileOptions& o) {
  std::vector<inventory::ColumnOverride> overrides;
  for (const auto& c : o.columns) {
    auto parsed = inventory::parseColumnOverride(c);
    if (!parsed) fail(parsed.error());
    overrides.push_back(parsed.value());
  }
  const std::string text = readAssetFile(o.assets);
  auto assets = inventory::readAssetList(text, overrides);
  if (!assets) fail(o.assets + ": " + assets.error());
  const auto devices = loadDevices(*o.store);
  const auto r = inventory::reconcile(devices, assets.value());
  switch (o.store->format) {
    case Format::Table:
      printReconcileTable(r, assets.value(), devices.size());
      break;
    case Format::Csv:
      printReconcileCsv(r);
      break;
    case Format::Json:
      printReconcileJson(r, assets.value(), devices.size());
      break;
  }
  if (r.hasDifferences()) throw CLI::RuntimeError(kExitDifferences);
}

}  // namespace

void addInventoryCommand(CLI::App& app) {
  auto list = std::make_shared<ListOptions>();
  auto* cmd = app.add_subcommand("inventory", "the devices seen, from the inventory store");
  cmd->footer(
      "Exit status: 0; 2 when the store cannot be read (a missing store is an error, never\n"
      "created: run `medtap analyze` first).");
  addStoreOptions(*cmd, *list->store);
  cmd->add_option("--class", list->device_class,
                  "only devices of this class (patient-monitor, infusion-pump, ...)");
  cmd->add_option("--tag", list->tags, "only devices with this tag; repeatable: any of them");

  auto options = std::make_shared<ReconcileOptions>();
  options->store = list->store;
  auto* reconcile = cmd->add_subcommand(
      "reconcile", "compare the inventory with the hospital's asset list (CSV, a CMMS export)");
  reconcile->add_option("assets", options->assets, "the asset list, CSV with a header row")
      ->required();
  // --db, -c and --format are taken before or after `reconcile`: both write the same options.
  addStoreOptions(*reconcile, *options->store);
  reconcile->add_option(
      "--column", options->columns,
      "FIELD=HEADER: read FIELD (mac, ip, hostname, vendor, model, class, tag) from the column "
      "HEADER; repeatable. Default: guessed from common headers (MAC Address, IP Address, "
      "Hostname, Manufacturer, Model, Device Type, Asset Tag, ...)");
  reconcile->footer(
      "Assets are matched to devices by MAC, else IP, else hostname. Lists the devices seen but\n"
      "not listed, the assets listed but never seen, and the matched ones whose vendor, model,\n"
      "class or MAC differ (vendors compared loosely: \"GE\" is \"GE Healthcare\").\n"
      "Exit status: 0 when the inventory and the list agree; 1 when they differ (for a\n"
      "scheduled job to alert on); 2 when the list or the store cannot be read.");
  reconcile->callback([options] { reconcileInventory(*options); });

  // A parent's callback runs after its subcommand's: list only when no subcommand was given.
  cmd->callback([reconcile, list] {
    if (!reconcile->parsed()) listInventory(*list);
  });
}

}  // namespace medtap::cli
