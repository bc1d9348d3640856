// STIX 2.1 bundles (OASIS STIX 2.1, sections 4 and 9): `indicator` objects whose pattern_type is
// "stix" (or absent, as in STIX 2.0) and whose pattern is in the subset intel/stix_pattern.h
// reads, and bare cyber observables (ipv4-addr, ipv6-addr, domain-name, url) with a `value`.
// An indicator keeps its name (or id), description and the name of the identity in its
// created_by_ref; `x_medtap_severity` (1-3) sets the alert's severity. Revoked indicators are
// skipped. JSON has no lines in the parsed tree: an error gives the line of the object's id.
#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "intel/pack.h"
#include "intel/pack_util.h"
#include "intel/stix_pattern.h"

namespace medtap::intel {

namespace {

using detail::placeError;
using detail::shown;
using Json = nlohmann::json;

// Nesting deeper than this is refused before parsing: a bundle is objects in an array, a few
// levels deep; thousands of '[' are an attack on whatever walks the tree.
constexpr int kMaxDepth = 64;

size_t lineAt(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

// The line of the first byte nesting goes beyond kMaxDepth, or 0.
size_t tooDeep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) return lineAt(text, i);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return 0;
}

std::string stringField(const Json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

class StixReader {
 public:
  StixReader(std::string_view text, std::string_view name) : text_(text), name_(name) {}

  Result<ParsedPack> read(const Json& root) {
    const Json* objects = nullptr;
    if (root.is_object() && stringField(root, "type") == "bundle") {
      auto it = root.find("objects");
      if (it == root.end()) return pack_;  // an empty bundle
      if (!it->is_array()) return placeError(name_, 1, "the bundle's objects is not an array");
      objects = &*it;
    } else if (root.is_object() && root.contains("type")) {
      single_ = Json::array({root});  // one object alone
      objects = &single_;
    } else {
      return placeError(name_, 1, "not a STIX bundle (an object with \"type\": \"bundle\")");
    }
    for (const Json& o : *objects) {
      if (o.is_object() && stringField(o, "type") == "identity") {
        identities_[stringField(o, "id")] = stringField(o, "name");
      }
    }
    for (const Json& o : *objects) {
      if (auto s = object(o); !s) return Error{s.error()};
    }
    return std::move(pack_);
  }

 private:
  // The line where `id` first appears in the text, or 1.
  size_t lineOf(const std::string& id) const {
    if (id.empty()) return 1;
    size_t at = text_.find("\"" + id + "\"");
    return at == std::string_view::npos ? 1 : lineAt(text_, at);
  }

  Status object(const Json& o) {
    if (!o.is_object()) return placeError(name_, 1, "an entry of objects is not a JSON object");
    const std::string type = stringField(o, "type");
    const std::string id = stringField(o, "id");
    for (const auto& [key, value] : o.items()) {
      if (value.is_string() && value.get_ref<const std::string&>().size() > kMaxFieldBytes) {
        return placeError(name_, lineOf(id),
                          shown(id) + ": " + key + " longer than " +
                              std::to_string(kMaxFieldBytes) + " bytes (intel::kMaxFieldBytes)");
      }
    }
    if (type == "indicator") return indicator(o, id);
    if (type == "ipv4-addr" || type == "ipv6-addr" || type == "domain-name" || type == "url") {
      return observable(o, type, id);
    }
    return Ok{};  // identities, relationships, malware, ...: context, not indicators
  }

  Status indicator(const Json& o, const std::string& id) {
    if (auto r = o.find("revoked"); r != o.end() && r->is_boolean() && r->get<bool>()) {
      return Ok{};
    }
    auto pt = o.find("pattern_type");
    if (pt != o.end() && (!pt->is_string() || pt->get<std::string>() != "stix")) {
      detail::noteUnsupported(
          pack_, "pattern_type " + shown(pt->is_string() ? pt->get<std::string>() : "?"));
      return Ok{};
    }
    auto p = o.find("pattern");
    if (p == o.end() || !p->is_string()) {
      return placeError(name_, lineOf(id), shown(id) + ": an indicator without a pattern string");
    }
    auto terms = parseStixPattern(p->get<std::string>());
    if (!terms) {
      detail::noteUnsupported(pack_, "pattern " + shown(p->get<std::string>()));
      return Ok{};
    }
    Indicator base;
    base.pack = std::string(name_);
    base.name = stringField(o, "name");
    if (base.name.empty()) base.name = id;
    base.description = stringField(o, "description");
    const std::string creator = stringField(o, "created_by_ref");
    auto known = identities_.find(creator);
    base.source = known != identities_.end() && !known->second.empty() ? known->second : creator;
    if (auto sev = o.find("x_medtap_severity"); sev != o.end()) {
      base.severity = sev->is_number_integer() ? detail::parseSeverity(sev->dump()) : 0;
      if (base.severity == 0) {
        return placeError(name_, lineOf(id), shown(id) + ": x_medtap_severity is not 1, 2 or 3");
      }
    }
    for (PatternTerm& t : *terms) {
      if (auto s = add(base, t.type, t.value, id); !s) return s;
    }
    return Ok{};
  }

  Status observable(const Json& o, const std::string& type, const std::string& id) {
    auto v = o.find("value");
    if (v == o.end() || !v->is_string()) {
      return placeError(name_, lineOf(id), shown(id) + ": a " + type + " without a value string");
    }
    const std::string value = v->get<std::string>();
    IndicatorType t = type == "domain-name"                  ? IndicatorType::Domain
                      : type == "url"                        ? IndicatorType::Url
                      : value.find('/') != std::string::npos ? IndicatorType::Subnet
                                                             : IndicatorType::Addr;
    Indicator base;
    base.pack = std::string(name_);
    base.name = id;
    return add(base, t, value, id);
  }

  Status add(const Indicator& base, IndicatorType type, const std::string& text,
             const std::string& id) {
    auto value = canonicalValue(type, text);
    if (!value) return placeError(name_, lineOf(id), shown(id) + ": " + value.error());
    if (pack_.indicators.size() >= kMaxIndicators) {
      return placeError(
          name_, lineOf(id),
          "more than " + std::to_string(kMaxIndicators) + " indicators (intel::kMaxIndicators)");
    }
    Indicator ind = base;
    ind.type = type;
    ind.value = std::move(value.value());
    pack_.indicators.push_back(std::move(ind));
    return Ok{};
  }

  std::string_view text_;
  std::string_view name_;
  ParsedPack pack_;
  Json single_;
  std::map<std::string, std::string> identities_;
};

}  // namespace

Result<ParsedPack> parseStix(std::string_view text, std::string_view name) {
  if (size_t line = tooDeep(text); line != 0) {
    return placeError(name, line, "JSON nested deeper than " + std::to_string(kMaxDepth));
  }
  Json root;
  try {
    root = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error ..."
    std::string what = e.what();
    size_t colon = what.find(": ");
    what = colon == std::string::npos ? what : what.substr(colon + 2);
    return placeError(name, lineAt(text, e.byte == 0 ? 0 : e.byte - 1),
                      "not valid JSON: " + shown(what, 200));
  } catch (const Json::exception& e) {
    return placeError(name, 1, std::string("not valid JSON: ") + shown(e.what()));
  }
  return StixReader(text, name).read(root);
}

}  // namespace medtap::intel
