#include "inventory/reconcile.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/csv.h"
#include "inventory/fingerprints.h"

namespace medtap::inventory {

namespace {

constexpr std::array<std::string_view, kAssetFieldCount> kFieldNames = {
    "mac", "ip", "hostname", "vendor", "model", "class", "tag"};

// Headers as CMMS exports (Nuvolo, AIMS, TMS, Accruent and spreadsheets) spell them, in the form
// headerKey() gives, best first. The first one present wins.
const std::array<std::vector<std::string_view>, kAssetFieldCount> kHeaderCandidates = {{
    {"macaddress", "mac", "macaddr", "ethernetaddress", "hardwareaddress", "physicaladdress",
     "wiredmac", "wiredmacaddress"},
    {"ipaddress", "ip", "ipv4address", "ipv4", "ipaddr", "networkaddress"},
    {"hostname", "host", "dnsname", "fqdn", "networkname", "computername"},
    {"manufacturer", "vendor", "make", "mfr", "mfg", "brand"},
    {"model", "modelnumber", "modelname", "modelno"},
    {"devicetype", "deviceclass", "class", "type", "equipmenttype", "assettype", "category",
     "devicecategory", "equipmentclass"},
    {"assettag", "assetid", "assetnumber", "assetno", "tag", "equipmentid", "equipmentnumber",
     "controlnumber", "serialnumber", "serial", "serialno", "name", "devicename", "assetname"},
}};

// Cell values that mean "nobody filled this in".
constexpr std::array<std::string_view, 9> kAbsentValues = {"",  "n/a", "na",   "none", "unknown",
                                                           "-", "--",  "null", "tbd"};

// Words a vendor's name carries that do not tell vendors apart.
const std::set<std::string, std::less<>> kVendorNoise = {"inc",
                                                         "incorporated",
                                                         "corp",
                                                         "corporation",
                                                         "co",
                                                         "company",
                                                         "ltd",
                                                         "limited",
                                                         "llc",
                                                         "gmbh",
                                                         "ag",
                                                         "sa",
                                                         "se",
                                                         "plc",
                                                         "bv",
                                                         "nv",
                                                         "kg",
                                                         "kgaa",
                                                         "srl",
                                                         "spa",
                                                         "oy",
                                                         "ab",
                                                         "as",
                                                         "pty",
                                                         "the",
                                                         "and",
                                                         "of",
                                                         "healthcare",
                                                         "health",
                                                         "medical",
                                                         "systems",
                                                         "system",
                                                         "solutions",
                                                         "technologies",
                                                         "technology",
                                                         "electronics",
                                                         "international",
                                                         "group",
                                                         "holdings",
                                                         "sector",
                                                         "division",
                                                         "healthineers"};

// Whole names that are one vendor under another name, after the noise is dropped.
const std::map<std::string, std::string, std::less<>> kVendorAliases = {
    {"general electric", "ge"}, {"hewlett packard", "hp"}, {"becton dickinson", "bd"},
    {"draeger", "drager"},      {"draegerwerk", "drager"}, {"dragerwerk", "drager"},
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Lower-case letters and digits only: "MAC Address" and "mac_address" are both "macaddress".
std::string alnumKey(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

bool isAbsent(std::string_view value) {
  const std::string v = lower(trim(value));
  return std::find(kAbsentValues.begin(), kAbsentValues.end(), v) != kAbsentValues.end();
}

// Lower-case runs of letters and digits: "IntelliVue MX-800" is {"intellivue", "mx", "800"}.
std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::string word;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

// Every word of `part` is among the words of `whole`.
bool containsAll(const std::vector<std::string>& whole, const std::vector<std::string>& part) {
  return std::all_of(part.begin(), part.end(), [&](const std::string& w) {
    return std::find(whole.begin(), whole.end(), w) != whole.end();
  });
}

// "Patient Monitor", " Infusion_Pump " as the vocabulary spells classes: "patient-monitor".
std::string deviceClassSpelling(std::string_view listed) {
  std::string out;
  for (char c : trim(listed)) {
    const bool separator = c == ' ' || c == '_' || c == '-' || c == '/';
    if (separator) {
      if (!out.empty() && out.back() != '-') out.push_back('-');
    } else {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// Device types CMMS lists use for the vocabulary's classes, in deviceClassSpelling's form.
const std::map<std::string, std::string_view, std::less<>> kDeviceClassAliases = {
    {"monitor", "patient-monitor"},
    {"bedside-monitor", "patient-monitor"},
    {"physiological-monitor", "patient-monitor"},
    {"vital-signs-monitor", "patient-monitor"},
    {"multiparameter-monitor", "patient-monitor"},
    {"central-monitor", "central-station"},
    {"central-monitoring-station", "central-station"},
    {"central-monitoring-system", "central-station"},
    {"pump", "infusion-pump"},
    {"iv-pump", "infusion-pump"},
    {"large-volume-pump", "infusion-pump"},
    {"syringe-pump", "infusion-pump"},
    {"pca-pump", "infusion-pump"},
    {"ct", "imaging-modality"},
    {"ct-scanner", "imaging-modality"},
    {"mri", "imaging-modality"},
    {"mri-scanner", "imaging-modality"},
    {"x-ray", "imaging-modality"},
    {"ultrasound", "imaging-modality"},
    {"modality", "imaging-modality"},
    {"pacs-server", "pacs"},
    {"integration-engine", "interface-engine"},
    {"lab-analyser", "lab-analyzer"},
    {"laboratory-analyzer", "lab-analyzer"},
    {"pc", "workstation"},
    {"computer", "workstation"},
    {"desktop", "workstation"},
    {"laptop", "workstation"},
    {"router", "network-infrastructure"},
    {"switch", "network-infrastructure"},
    {"network-switch", "network-infrastructure"},
    {"firewall", "network-infrastructure"},
    {"access-point", "network-infrastructure"},
};

// A cell's value in an error message: quoted, at most kQuotedMax bytes, no control characters.
constexpr size_t kQuotedMax = 64;
std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value.substr(0, kQuotedMax)) {
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  }
  return out + (value.size() > kQuotedMax ? "...\"" : "\"");
}

// MacAddress::parse takes ':', '-' or nothing between bytes; Cisco's "0060.6e12.3456" and
// space-separated bytes are common in asset lists too.
std::optional<MacAddress> parseListedMac(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (c != '.' && c != ' ') compact.push_back(c);
  }
  return MacAddress::parse(compact);
}

// The header row's column for every field; -1 when absent.
Result<std::array<int, kAssetFieldCount>> mapColumns(const std::vector<std::string>& header,
                                                     const std::vector<ColumnOverride>& overrides) {
  std::array<int, kAssetFieldCount> column;
  column.fill(-1);
  std::vector<std::string> keys;
  keys.reserve(header.size());
  for (const auto& h : header) keys.push_back(alnumKey(h));
  for (size_t f = 0; f < kAssetFieldCount; ++f) {
    for (std::string_view candidate : kHeaderCandidates[f]) {
      auto it = std::find(keys.begin(), keys.end(), candidate);
      if (it != keys.end()) {
        column[f] = static_cast<int>(it - keys.begin());
        break;
      }
    }
  }
  for (const auto& o : overrides) {
    auto it = std::find_if(header.begin(), header.end(), [&](const std::string& h) {
      return lower(trim(h)) == lower(trim(o.header));
    });
    if (it == header.end()) {
      return Error{"no column \"" + o.header + "\" for --column " +
                   std::string(assetFieldName(o.field)) + "="};
    }
    column[static_cast<size_t>(o.field)] = static_cast<int>(it - header.begin());
  }
  // A column guessed for one field and named for another by --column is the named one's only.
  for (const auto& o : overrides) {
    const int taken = column[static_cast<size_t>(o.field)];
    for (size_t f = 0; f < kAssetFieldCount; ++f) {
      if (f != static_cast<size_t>(o.field) && column[f] == taken &&
          std::none_of(overrides.begin(), overrides.end(),
                       [&](const ColumnOverride& other) { return other.field == AssetField(f); })) {
        column[f] = -1;
      }
    }
  }
  return column;
}

// The devices by MAC, IP and hostname, the first in inventory order winning a shared key, so that
// matching a list of thousands against an inventory of thousands is not their product.
class DeviceIndex {
 public:
  explicit DeviceIndex(const std::vector<StoredDevice>& devices) {
    for (const auto& d : devices) {
      for (const auto& m : d.macs) {
        if (auto mac = MacAddress::parse(m)) by_mac_.emplace(*mac, &d);
      }
      for (const auto& i : d.ips) {
        if (auto ip = IpAddress::parse(i)) by_ip_.emplace(*ip, &d);
      }
      for (const auto& h : d.hostnames) {
        const std::string name = lower(h);
        by_name_.emplace(name, &d);
        by_short_name_.emplace(shortName(name), &d);
        if (name.find('.') == std::string::npos) by_dotless_name_.emplace(name, &d);
      }
    }
  }

  const StoredDevice* byMac(const MacAddress& mac) const { return find(by_mac_, mac); }
  const StoredDevice* byIp(const IpAddress& ip) const { return find(by_ip_, ip); }
  // The name as it is, else a short name against a fully qualified one ("icu-mon-01" is
  // "icu-mon-01.ward.example.org" in DNS), either way round; case-insensitive.
  const StoredDevice* byHostname(std::string_view hostname) const {
    const std::string name = lower(hostname);
    if (const auto* d = find(by_name_, name)) return d;
    return name.find('.') == std::string::npos ? find(by_short_name_, name)
                                               : find(by_dotless_name_, shortName(name));
  }

 private:
  static std::string shortName(const std::string& name) { return name.substr(0, name.find('.')); }
  template <typename Map, typename Key>
  static const StoredDevice* find(const Map& map, const Key& key) {
    auto it = map.find(key);
    return it == map.end() ? nullptr : it->second;
  }

  std::map<MacAddress, const StoredDevice*> by_mac_;
  std::map<IpAddress, const StoredDevice*> by_ip_;
  std::map<std::string, const StoredDevice*> by_name_, by_short_name_, by_dotless_name_;
};

// "dr\xc3\xa4ger" (UTF-8 "dräger") is "drager", as registries that keep to ASCII write it.
std::string foldUmlauts(const std::string& word) {
  static const std::array<std::pair<std::string_view, char>, 7> kFolds = {{{"\xc3\xa4", 'a'},
                                                                           {"\xc3\xb6", 'o'},
                                                                           {"\xc3\xbc", 'u'},
                                                                           {"\xc3\x84", 'a'},
                                                                           {"\xc3\x96", 'o'},
                                                                           {"\xc3\x9c", 'u'},
                                                                           {"\xc3\xa9", 'e'}}};
  std::string out;
  for (size_t i = 0; i < word.size(); ++i) {
    auto fold = std::find_if(kFolds.begin(), kFolds.end(), [&](const auto& f) {
      return std::string_view(word).substr(i, 2) == f.first;
    });
    if (fold != kFolds.end()) {
      out.push_back(fold->second);
      ++i;
    } else {
      out.push_back(word[i]);
    }
  }
  return out;
}

// A device with an address inside site.home_networks, or with no address (known by MAC only).
// Servers on the internet are not the hospital's assets: never "seen but not listed".
bool onSite(const StoredDevice& d) {
  const auto j = nlohmann::json::parse(d.json, nullptr, false);
  if (!j.is_object() || !j.contains("addresses") || !j["addresses"].is_array() ||
      j["addresses"].empty()) {
    return true;
  }
  return std::any_of(j["addresses"].begin(), j["addresses"].end(), [](const nlohmann::json& a) {
    return a.is_object() && a.value("site", false);
  });
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : " ") + v;
  return out;
}

}  // namespace

std::optional<AssetField> assetFieldNamed(std::string_view name) {
  const std::string n = lower(name);
  for (size_t f = 0; f < kAssetFieldCount; ++f) {
    if (n == kFieldNames[f]) return AssetField(f);
  }
  if (n == "serial" || n == "name") return AssetField::Tag;
  return std::nullopt;
}

std::string_view assetFieldName(AssetField f) {
  return kFieldNames[static_cast<size_t>(f)];
}

Result<ColumnOverride> parseColumnOverride(std::string_view text) {
  const size_t eq = text.find('=');
  auto field = eq == std::string_view::npos ? std::nullopt : assetFieldNamed(text.substr(0, eq));
  if (!field || trim(text.substr(eq + 1)).empty()) {
    return Error{"--column " + std::string(text) +
                 ": expected FIELD=HEADER, FIELD one of mac, ip, hostname, vendor, model, class, "
                 "tag"};
  }
  return ColumnOverride{*field, std::string(trim(text.substr(eq + 1)))};
}

Result<AssetList> readAssetList(std::string_view csv,
                                const std::vector<ColumnOverride>& overrides) {
  // Spreadsheets often save UTF-8 with a byte order mark.
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (csv.substr(0, kBom.size()) == kBom) csv.remove_prefix(kBom.size());

  AssetList list;
  std::vector<std::string> header;
  std::array<int, kAssetFieldCount> column{};
  std::string problem;  // the first one; rows after it are ignored
  auto row = [&](size_t line, std::vector<std::string>& fields) {
    if (!problem.empty()) return;
    if (header.empty()) {
      header = fields;
      auto mapped = mapColumns(header, overrides);
      if (!mapped) {
        problem = "line " + std::to_string(line) + ": " + mapped.error();
        return;
      }
      column = mapped.value();
      auto has = [&](AssetField f) { return column[static_cast<size_t>(f)] >= 0; };
      if (!has(AssetField::Mac) && !has(AssetField::Ip) && !has(AssetField::Hostname)) {
        problem = "line " + std::to_string(line) +
                  ": no MAC, IP or hostname column to match devices on (map one with --column "
                  "mac=HEADER)";
      }
      return;
    }
    if (std::all_of(fields.begin(), fields.end(),
                    [](const std::string& v) { return trim(v).empty(); })) {
      return;
    }
    if (fields.size() > header.size()) {
      problem = "line " + std::to_string(line) + ": " + std::to_string(fields.size()) +
                " fields, the header has " + std::to_string(header.size());
      return;
    }
    auto cell = [&](AssetField f) -> std::string_view {
      const int c = column[static_cast<size_t>(f)];
      if (c < 0 || static_cast<size_t>(c) >= fields.size() || isAbsent(fields[c])) return {};
      return trim(fields[c]);
    };
    Asset a;
    a.line = line;
    if (auto m = cell(AssetField::Mac); !m.empty()) {
      a.mac = parseListedMac(m);
      if (!a.mac) {
        problem = "line " + std::to_string(line) + ": not a MAC address: " + quoted(m);
        return;
      }
    }
    if (auto ip = cell(AssetField::Ip); !ip.empty()) {
      a.ip = IpAddress::parse(ip);
      if (!a.ip) {
        problem = "line " + std::to_string(line) + ": not an IP address: " + quoted(ip);
        return;
      }
    }
    a.hostname = cell(AssetField::Hostname);
    a.vendor = cell(AssetField::Vendor);
    a.model = cell(AssetField::Model);
    a.device_class = cell(AssetField::DeviceClass);
    a.tag = cell(AssetField::Tag);
    list.assets.push_back(std::move(a));
  };
  const Status parsed = forEachCsvRow(csv, row);
  if (!problem.empty()) return Error{problem};  // it came first
  if (!parsed) return Error{parsed.error()};
  if (header.empty()) return Error{"line 1: no header row"};
  for (size_t f = 0; f < kAssetFieldCount; ++f) {
    if (column[f] >= 0) list.headers[f] = header[static_cast<size_t>(column[f])];
  }
  return list;
}

std::vector<std::string> vendorWords(std::string_view vendor) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && !kVendorNoise.contains(word)) words.push_back(word);
    word.clear();
  };
  for (char c : vendor) {
    // "B. Braun" is "b braun", "Bio-Medical" is "bio medical"; non-ASCII bytes (Dräger) are kept.
    if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      flush();
    }
  }
  flush();
  for (auto& w : words) w = foldUmlauts(w);
  auto alias = kVendorAliases.find(joined(words));
  if (alias != kVendorAliases.end()) return {alias->second};
  for (auto& w : words) {
    if (auto a = kVendorAliases.find(w); a != kVendorAliases.end()) w = a->second;
  }
  return words;
}

bool sameVendor(std::string_view listed, std::string_view seen) {
  auto a = vendorWords(listed), b = vendorWords(seen);
  if (a.empty() || b.empty()) return lower(trim(listed)) == lower(trim(seen));
  return containsAll(a.size() <= b.size() ? b : a, a.size() <= b.size() ? a : b);
}

bool sameModel(std::string_view listed, std::string_view seen) {
  if (alnumKey(listed) == alnumKey(seen)) return true;
  auto a = words(listed), b = words(seen);
  if (a.empty() || b.empty()) return false;
  return containsAll(a.size() <= b.size() ? b : a, a.size() <= b.size() ? a : b);
}

std::optional<std::string> listedDeviceClass(std::string_view listed) {
  const std::string spelled = deviceClassSpelling(listed);
  if (isDeviceClass(spelled)) return spelled;
  if (auto alias = kDeviceClassAliases.find(spelled); alias != kDeviceClassAliases.end()) {
    return std::string(alias->second);
  }
  return std::nullopt;
}

std::string_view matchedByName(MatchedBy m) {
  switch (m) {
    case MatchedBy::Mac:
      return "mac";
    case MatchedBy::Ip:
      return "ip";
    case MatchedBy::Hostname:
      return "hostname";
  }
  return "";
}

Reconciliation reconcile(const std::vector<StoredDevice>& devices, const AssetList& assets) {
  Reconciliation r;
  const DeviceIndex index(devices);
  std::set<const StoredDevice*> listed;
  for (const Asset& a : assets.assets) {
    const StoredDevice* d = nullptr;
    MatchedBy by = MatchedBy::Mac;
    if (a.mac) d = index.byMac(*a.mac);
    if (d == nullptr && a.ip) {
      by = MatchedBy::Ip;
      d = index.byIp(*a.ip);
    }
    if (d == nullptr && !a.hostname.empty()) {
      by = MatchedBy::Hostname;
      d = index.byHostname(a.hostname);
    }
    if (d == nullptr) {
      r.unseen.push_back(&a);
      continue;
    }
    ++r.matched;
    listed.insert(d);
    auto differ = [&](std::string_view attribute, std::string listed_value, std::string seen) {
      r.disagreements.push_back(
          Disagreement{&a, d, by, attribute, std::move(listed_value), std::move(seen)});
    };
    if (!a.vendor.empty() && !d->vendor.empty() && !sameVendor(a.vendor, d->vendor)) {
      differ("vendor", a.vendor, d->vendor);
    }
    if (!a.model.empty() && !d->model.empty() && !sameModel(a.model, d->model)) {
      differ("model", a.model, d->model);
    }
    if (auto listed_class = listedDeviceClass(a.device_class);
        listed_class && d->device_class != "unknown" && !d->device_class.empty() &&
        *listed_class != d->device_class) {
      differ("class", a.device_class, d->device_class);
    }
    // Found by address or name, but the list gives a MAC the device was never seen with: a
    // replaced unit, a moved address, or a list out of date.
    if (by != MatchedBy::Mac && a.mac && !d->macs.empty()) {
      differ("mac", a.mac->toString(), joined(d->macs));
    }
  }
  for (const auto& d : devices) {
    if (!listed.contains(&d) && onSite(d)) r.unlisted.push_back(&d);
  }
  return r;
}

}  // namespace medtap::inventory
