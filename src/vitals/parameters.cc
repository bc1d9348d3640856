#include "vitals/parameters.h"

#include <cmath>

#include <yaml-cpp/yaml.h>

namespace medtap::vitals {

namespace {

std::string where(const ParameterFile& f, const YAML::Node& n) {
  return f.name + ":" + std::to_string(n.Mark().line + 1);
}

std::string scalar(const YAML::Node& n, const char* key) {
  const YAML::Node v = n[key];
  return v && v.IsScalar() ? v.Scalar() : std::string();
}

// A limit's source: the table is only as good as where its numbers come from, so a limit
// without one is a problem.
std::string sourceOf(const YAML::Node& limit, const std::string& key, const std::string& at,
                     std::vector<std::string>& problems) {
  std::string s = scalar(limit, "source");
  if (s.empty()) problems.push_back(at + ": `" + key + "` has no source");
  return s;
}

double number(const YAML::Node& n, const char* key, const std::string& at,
              std::vector<std::string>& problems) {
  const YAML::Node v = n[key];
  if (!v || !v.IsScalar()) {
    problems.push_back(at + ": `" + key + "` missing");
    return 0;
  }
  const double d = v.as<double>();  // YAML::Exception on text: reported by the caller
  if (!std::isfinite(d)) problems.push_back(at + ": `" + key + "` not a finite number");
  return d;
}

void parseUnits(const YAML::Node& list, const std::string& at, Parameter& p,
                std::vector<std::string>& problems) {
  if (!list || !list.IsSequence() || list.size() == 0) {
    problems.push_back(at + ": `units` must be a non-empty list");
    return;
  }
  for (const YAML::Node& u : list) {
    Unit unit;
    unit.code = scalar(u, "code");
    if (unit.code.empty()) {
      problems.push_back(at + ": unit without `code`");
      continue;
    }
    if (u["scale"]) unit.scale = number(u, "scale", at, problems);
    if (u["offset"]) unit.offset = number(u, "offset", at, problems);
    if (unit.scale == 0) problems.push_back(at + ": unit " + unit.code + " has scale 0");
    p.units.push_back(std::move(unit));
  }
}

void parseParameter(const YAML::Node& n, const std::string& at, Parameter& p,
                    std::vector<std::string>& problems) {
  p.name = scalar(n, "name");
  if (p.name.empty()) problems.push_back(at + ": parameter without `name`");
  p.label = scalar(n, "label");
  if (p.label.empty()) p.label = p.name;
  p.unit = scalar(n, "unit");
  const YAML::Node codes = n["codes"];
  if (!codes || !codes.IsSequence() || codes.size() == 0) {
    problems.push_back(at + ": `codes` must be a non-empty list");
  } else if (codes.size() > ParameterTable::kMaxCodesPerParameter) {
    problems.push_back(at + ": more than " + std::to_string(ParameterTable::kMaxCodesPerParameter) +
                       " codes");
  } else {
    for (const YAML::Node& c : codes) {
      std::string code = scalar(c, "code");
      if (code.empty()) {
        problems.push_back(at + ": code without `code`");
      } else {
        p.codes.push_back(std::move(code));
      }
    }
  }
  parseUnits(n["units"], at, p, problems);
  const YAML::Node range = n["range"];
  if (!range || !range.IsMap()) {
    problems.push_back(at + ": `range` missing");
  } else {
    p.min = number(range, "min", at, problems);
    p.max = number(range, "max", at, problems);
    if (!(p.min < p.max)) problems.push_back(at + ": `range` min not below max");
    p.range_source = sourceOf(range, "range", at, problems);
  }
  const YAML::Node change = n["max_change_per_s"];
  if (!change || !change.IsMap()) {
    problems.push_back(at + ": `max_change_per_s` missing");
  } else {
    p.max_change_per_s = number(change, "value", at, problems);
    if (p.max_change_per_s < 0) problems.push_back(at + ": `max_change_per_s` negative");
    p.change_source = sourceOf(change, "max_change_per_s", at, problems);
  }
  if (const YAML::Node excursion = n["max_excursion"]; excursion) {
    if (!excursion.IsMap()) {
      problems.push_back(at + ": `max_excursion` must be a map with `value` and `source`");
    } else {
      p.max_excursion = number(excursion, "value", at, problems);
      if (p.max_excursion <= 0) problems.push_back(at + ": `max_excursion` not positive");
      p.excursion_source = sourceOf(excursion, "max_excursion", at, problems);
    }
  }
  const std::string role = scalar(n, "role");
  if (role == "ecg_rate") {
    p.role = Role::EcgRate;
  } else if (role == "pulse_rate") {
    p.role = Role::PulseRate;
  } else if (!role.empty()) {
    problems.push_back(at + ": unknown role `" + role + "` (ecg_rate, pulse_rate)");
  }
}

}  // namespace

Result<ParameterTable> ParameterTable::load(const std::vector<ParameterFile>& files) {
  ParameterTable table;
  std::vector<std::string> problems;
  for (const auto& file : files) {
    YAML::Node root;
    try {
      root = YAML::Load(file.text);
    } catch (const YAML::Exception& e) {
      problems.push_back(file.name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
      continue;
    }
    const YAML::Node list = root.IsMap() ? root["parameters"] : YAML::Node{};
    if (!list || !list.IsSequence()) {
      problems.push_back(file.name + ": no `parameters:` list");
      continue;
    }
    for (const YAML::Node& n : list) {
      const std::string at = where(file, n);
      if (table.parameters_.size() >= kMaxParameters) {
        problems.push_back(at + ": more than " + std::to_string(kMaxParameters) + " parameters");
        break;
      }
      Parameter p;
      try {
        parseParameter(n, at, p, problems);
      } catch (const YAML::Exception& e) {
        problems.push_back(at + ": " + e.msg);
        continue;
      }
      if (table.byName(p.name) != nullptr) {
        problems.push_back(at + ": parameter `" + p.name + "` defined twice");
        continue;
      }
      p.index = static_cast<uint16_t>(table.parameters_.size());
      for (const std::string& code : p.codes) {
        if (!table.by_code_.emplace(code, p.index).second) {
          problems.push_back(at + ": code " + code + " already names another parameter");
        }
      }
      table.parameters_.push_back(std::move(p));
    }
  }
  if (problems.size() > 20) problems.resize(20);  // the first problems are the ones to fix
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "\n") + p;
    return Error{all};
  }
  return table;
}

const ParameterTable& ParameterTable::builtin() {
  static const ParameterTable table = [] {
    auto t = load(embeddedParameterFiles());
    // The built-in table is tested (tests/unit/vitals); an error here is a build defect.
    return t ? std::move(t).value() : ParameterTable{};
  }();
  return table;
}

const Parameter* ParameterTable::byCode(std::string_view code) const {
  auto it = by_code_.find(std::string(code));
  return it == by_code_.end() ? nullptr : &parameters_[it->second];
}

const Parameter* ParameterTable::byName(std::string_view name) const {
  for (const Parameter& p : parameters_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::optional<double> ParameterTable::canonical(const Parameter& p, std::string_view unit,
                                                double value) const {
  if (unit.empty() || unit == p.unit) return value;
  for (const Unit& u : p.units) {
    if (u.code == unit) return value * u.scale + u.offset;
  }
  return std::nullopt;
}

}  // namespace medtap::vitals
