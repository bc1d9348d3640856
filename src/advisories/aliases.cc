#include "advisories/aliases.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "advisories/embedded.h"

namespace medtap::advisories {

namespace {

std::vector<std::string> words(std::string_view name) {
  std::vector<std::string> out;
  std::string word;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      word += static_cast<char>(std::tolower(u));
    } else if (c == '-' && !word.empty()) {
      continue;  // "MN-120" and "MN120" are one model number
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

bool hasDigit(const std::string& w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `part` is a run of consecutive words of `whole`.
bool containsWords(const std::vector<std::string>& whole, const std::vector<std::string>& part) {
  if (part.empty() || part.size() > whole.size()) return false;
  return std::search(whole.begin(), whole.end(), part.begin(), part.end()) != whole.end();
}

std::string join(const std::vector<std::string>& w) {
  std::string out;
  for (const auto& s : w) out += (out.empty() ? "" : " ") + s;
  return out;
}

Error at(std::string_view name, const YAML::Node& node, const std::string& what) {
  return Error{std::string(name) + ":" + std::to_string(node.Mark().line + 1) + ": " + what};
}

Result<Identity> identity(const YAML::Node& node, std::string_view name) {
  if (!node.IsMap() || !node["vendor"] || !node["model"]) {
    return at(name, node, "expected {vendor: ..., model: ...}");
  }
  return Identity{node["vendor"].as<std::string>(), node["model"].as<std::string>()};
}

}  // namespace

std::vector<std::string> nameWords(std::string_view name) {
  return words(name);
}

std::string normalizedName(std::string_view name) {
  static const char* const kSuffixes[] = {"co",   "ltd",         "inc",     "llc", "gmbh", "ag",
                                          "corp", "corporation", "company", "sa",  "plc",  "kg"};
  std::vector<std::string> w = words(name);
  while (w.size() > 1 &&
         std::find(std::begin(kSuffixes), std::end(kSuffixes), w.back()) != std::end(kSuffixes)) {
    w.pop_back();
  }
  return join(w);
}

bool sameModel(std::string_view product_name, std::string_view model) {
  const auto product = words(product_name), device = words(model);
  if (device.empty()) return false;
  std::vector<std::string> product_numbers, device_numbers;
  for (const auto& w : product) {
    if (hasDigit(w)) product_numbers.push_back(w);
  }
  for (const auto& w : device) {
    if (hasDigit(w)) device_numbers.push_back(w);
  }
  if (!product_numbers.empty() || !device_numbers.empty()) {
    for (const auto& n : device_numbers) {
      if (std::find(product_numbers.begin(), product_numbers.end(), n) != product_numbers.end()) {
        return true;
      }
    }
    return false;
  }
  return containsWords(product, device);
}

Result<Aliases> Aliases::parse(std::string_view text, std::string_view name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Error{std::string(name) + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg};
  }
  Aliases a;
  try {
    if (!root.IsMap()) return at(name, root, "expected vendors, relabels and families");
    for (const auto& v : root["vendors"]) {
      if (!v["name"]) return at(name, v, "a vendor without a name");
      std::vector<std::string> group{normalizedName(v["name"].as<std::string>())};
      for (const auto& alias : v["aliases"])
        group.push_back(normalizedName(alias.as<std::string>()));
      a.vendors_.push_back(std::move(group));
    }
    for (const auto& r : root["relabels"]) {
      auto label = identity(r, name);
      if (!label) return Error{label.error()};
      auto is = identity(r["is"], name);
      if (!is) return Error{is.error()};
      a.relabels_.push_back(Relabel{label.value(), is.value()});
    }
    for (const auto& f : root["families"]) {
      auto is = identity(f, name);
      if (!is) return Error{is.error()};
      if (!f["tag"]) return at(name, f, "a family without a tag");
      a.families_.push_back(Family{f["tag"].as<std::string>(), is.value()});
    }
  } catch (const YAML::Exception& e) {
    return Error{std::string(name) + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg};
  }
  return a;
}

const Aliases& Aliases::builtIn() {
  static const Aliases kBuiltIn = [] {
    for (const auto& f : embeddedAdvisoryFiles()) {
      if (f.name == "aliases.yaml") {
        auto a = parse(f.text, "data/advisories/aliases.yaml");
        if (a) return std::move(a.value());
      }
    }
    return Aliases{};  // a broken built-in file fails the unit tests, never a run
  }();
  return kBuiltIn;
}

bool Aliases::sameVendor(std::string_view a, std::string_view b) const {
  const std::string na = normalizedName(a), nb = normalizedName(b);
  if (na.empty() || nb.empty()) return false;
  if (na == nb) return true;
  // "b braun" and "b braun medical": one is the other followed by more words.
  const auto& shorter = na.size() < nb.size() ? na : nb;
  const auto& longer = na.size() < nb.size() ? nb : na;
  if (longer.compare(0, shorter.size(), shorter) == 0 && longer[shorter.size()] == ' ') return true;
  for (const auto& group : vendors_) {
    const bool has_a = std::find(group.begin(), group.end(), na) != group.end();
    const bool has_b = std::find(group.begin(), group.end(), nb) != group.end();
    if (has_a && has_b) return true;
  }
  return false;
}

}  // namespace medtap::advisories
