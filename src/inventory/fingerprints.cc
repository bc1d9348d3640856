#include "inventory/fingerprints.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "inventory/facts.h"

namespace medtap::inventory {

namespace {

constexpr std::array<std::string_view, 13> kDeviceClasses = {"patient-monitor",
                                                             "central-station",
                                                             "infusion-pump",
                                                             "imaging-modality",
                                                             "pacs",
                                                             "interface-engine",
                                                             "ventilator",
                                                             "lab-analyzer",
                                                             "workstation",
                                                             "server",
                                                             "printer",
                                                             "network-infrastructure",
                                                             "unknown"};

// Every fact source a rule may name (inventory/facts.h); a typo in a rule file is an error, not
// a rule that silently never matches.
constexpr std::array<std::string_view, 28> kMatchableSources = {
    fact::kOui,
    fact::kDhcpHostname,
    fact::kDhcpVendorClass,
    fact::kDhcpParams,
    fact::kDhcpClientId,
    fact::kDhcpFqdn,
    fact::kHl7SendingApplication,
    fact::kHl7SendingFacility,
    fact::kHl7Device,
    fact::kHl7Version,
    fact::kDicomImplementationClassUid,
    fact::kDicomImplementationVersionName,
    fact::kDicomAeTitle,
    fact::kHttpUserAgent,
    fact::kHttpServer,
    fact::kTlsJa3,
    fact::kTlsJa4,
    fact::kTlsSni,
    fact::kTlsJa3s,
    fact::kTlsSubject,
    fact::kDnsQuery,
    fact::kLpdHost,
    fact::kHl7ToPort,
    fact::kNfsMount,
    fact::kRpcServes,
    fact::kServes,
    fact::kBehavior,
    fact::kAddress};

// Rules are short; a bound keeps a compiled pattern small.
constexpr size_t kMaxPatternBytes = 256;
// Memory RE2 may use for one compiled pattern (its default is 8 MiB).
constexpr int64_t kMaxPatternMemory = 1 << 20;

std::string where(const RuleFile& f, const YAML::Node& n) {
  return f.name + ":" + std::to_string(n.Mark().line + 1);
}

bool isMatchableSource(std::string_view source) {
  return std::find(kMatchableSources.begin(), kMatchableSources.end(), source) !=
         kMatchableSources.end();
}

// `examples:`, a list of maps from fact sources to values, each with an optional `expect:` map
// (vendor, model, class). Problems name the rule and the example's line.
void parseExamples(const YAML::Node& list, const RuleFile& file, Rule& rule,
                   std::vector<std::string>& problems) {
  if (!list.IsSequence()) {
    problems.push_back(where(file, list) + ": " + rule.id + ": `examples:` must be a list");
    return;
  }
  for (const YAML::Node& n : list) {
    const std::string at = where(file, n) + ": " + rule.id + ": example";
    if (!n.IsMap()) {
      problems.push_back(at + " must map fact sources to values");
      continue;
    }
    RuleExample example;
    for (const auto& kv : n) {
      const std::string key = kv.first.as<std::string>();
      if (key == "expect") {
        if (!kv.second.IsMap()) {
          problems.push_back(at + ": `expect:` must be a map");
          continue;
        }
        for (const auto& e : kv.second) {
          const std::string attribute = e.first.as<std::string>();
          const std::string value = e.second.as<std::string>();
          if (attribute == "vendor") {
            example.expect_vendor = value;
          } else if (attribute == "model") {
            example.expect_model = value;
          } else if (attribute == "class" && isDeviceClass(value)) {
            example.expect_class = value;
          } else {
            problems.push_back(at + ": cannot expect " + attribute + " " + value);
          }
        }
      } else if (!isMatchableSource(key)) {
        problems.push_back(at + ": unknown fact source " + key);
      } else if (!kv.second.IsScalar()) {
        problems.push_back(at + ": the value of " + key + " must be a string");
      } else {
        example.facts.emplace_back(key, kv.second.as<std::string>());
      }
    }
    if (example.facts.empty()) {
      problems.push_back(at + " has no facts");
      continue;
    }
    rule.examples.push_back(std::move(example));
  }
}

}  // namespace

bool Condition::search(std::string_view value, std::vector<std::string>* groups) const {
  if (!regex) return false;
  const int n = groups == nullptr ? 0 : 1 + regex->NumberOfCapturingGroups();
  std::vector<re2::StringPiece> found(static_cast<size_t>(n));
  const re2::StringPiece text(value.data(), value.size());
  if (!regex->Match(text, 0, text.size(), RE2::UNANCHORED, found.data(), n)) return false;
  if (groups != nullptr) {
    groups->clear();
    for (const auto& g : found) groups->emplace_back(g.data() == nullptr ? "" : g.as_string());
  }
  return true;
}

bool isDeviceClass(std::string_view c) {
  return std::find(kDeviceClasses.begin(), kDeviceClasses.end(), c) != kDeviceClasses.end();
}

Result<FingerprintDb> FingerprintDb::load(const std::vector<RuleFile>& files) {
  FingerprintDb db;
  std::vector<std::string> problems;
  std::set<std::string> ids;
  for (const auto& file : files) {
    YAML::Node root;
    try {
      root = YAML::Load(file.text);
    } catch (const YAML::Exception& e) {
      problems.push_back(file.name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
      continue;
    }
    const YAML::Node rules = root.IsMap() ? root["rules"] : YAML::Node{};
    if (!rules || !rules.IsSequence()) {
      problems.push_back(file.name + ": no `rules:` list");
      continue;
    }
    for (const YAML::Node& n : rules) {
      const std::string at = where(file, n);
      try {
        Rule r;
        r.file = file.name;
        r.id = n["id"].as<std::string>("");
        r.description = n["description"].as<std::string>("");
        r.vendor = n["vendor"].as<std::string>("");
        r.model = n["model"].as<std::string>("");
        r.device_class = n["class"].as<std::string>("");
        r.firmware = n["firmware"].as<std::string>("");
        r.weight = n["weight"].as<double>(0.5);
        if (const YAML::Node t = n["tags"]) r.tags = t.as<std::vector<std::string>>();
        if (r.id.empty()) problems.push_back(at + ": a rule without an id");
        if (!ids.insert(r.id).second) problems.push_back(at + ": rule id " + r.id + " repeated");
        if (!r.device_class.empty() && !isDeviceClass(r.device_class)) {
          problems.push_back(at + ": " + r.id + ": unknown class " + r.device_class);
        }
        if (!(r.weight > 0 && r.weight <= 1)) {
          problems.push_back(at + ": " + r.id + ": weight must be in (0, 1]");
        }
        if (r.vendor.empty() && r.model.empty() && r.device_class.empty() && r.tags.empty() &&
            r.firmware.empty()) {
          problems.push_back(at + ": " + r.id + ": claims nothing");
        }
        const YAML::Node when = n["when"];
        if (!when || !when.IsMap() || when.size() == 0) {
          problems.push_back(at + ": " + r.id + ": `when:` must map fact sources to patterns");
          continue;
        }
        for (const auto& kv : when) {
          Condition c;
          c.source = kv.first.as<std::string>();
          c.pattern = kv.second.as<std::string>();
          if (!isMatchableSource(c.source)) {
            problems.push_back(at + ": " + r.id + ": unknown fact source " + c.source);
            continue;
          }
          if (c.pattern.size() > kMaxPatternBytes) {
            problems.push_back(at + ": " + r.id + ": pattern longer than " +
                               std::to_string(kMaxPatternBytes) + " bytes");
            continue;
          }
          RE2::Options options;
          // Facts are bytes off the wire, not always UTF-8; a UTF-8 pattern still matches itself.
          options.set_encoding(RE2::Options::EncodingLatin1);
          options.set_case_sensitive(false);
          options.set_log_errors(false);
          options.set_max_mem(kMaxPatternMemory);
          auto re = std::make_shared<const RE2>(c.pattern, options);
          if (!re->ok()) {
            problems.push_back(at + ": " + r.id + ": bad pattern '" + c.pattern +
                               "': " + re->error());
            continue;
          }
          c.regex = std::move(re);
          r.when.push_back(std::move(c));
        }
        if (const YAML::Node examples = n["examples"]) parseExamples(examples, file, r, problems);
        db.rules_.push_back(std::move(r));
      } catch (const YAML::Exception& e) {
        problems.push_back(at + ": " + e.msg);
      }
    }
  }
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "\n") + p;
    return Error{all};
  }
  return db;
}

Result<FingerprintDb> FingerprintDb::builtin() {
  return load(embeddedRuleFiles());
}

Result<FingerprintDb> FingerprintDb::builtinAnd(const std::string& directory) {
  std::vector<RuleFile> files = embeddedRuleFiles();
  std::error_code ec;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.path().extension() == ".yaml") paths.push_back(entry.path());
  }
  if (ec) return Error{directory + ": " + ec.message()};
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    std::ifstream in(p);
    std::stringstream text;
    text << in.rdbuf();
    files.push_back(RuleFile{p.string(), text.str()});
  }
  return load(files);
}

}  // namespace medtap::inventory
