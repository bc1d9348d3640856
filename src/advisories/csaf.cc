#include "advisories/csaf.h"

#include <algorithm>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "advisories/limits.h"

namespace medtap::advisories {

namespace {

using nlohmann::json;

// The deepest nesting of objects and arrays, or the byte offset where it first passes `limit`:
// checked before nlohmann builds the tree, whose destruction recurses.
std::optional<size_t> tooDeepAt(std::string_view text, size_t limit) {
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return i;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

// Walks one document, collecting what it tolerated.
class Reader {
 public:
  explicit Reader(Advisory& a) : a_(a) {}

  void warn(const std::string& pointer, const std::string& what) {
    if (a_.warnings.size() >= kMaxWarnings) {
      ++a_.warnings_dropped;
      return;
    }
    a_.warnings.push_back(what + " (at " + (pointer.empty() ? "/" : pointer) + ")");
  }

  // A string member; absent is "", another type is a warning.
  std::string str(const json& obj, const char* key, const std::string& pointer) {
    if (!obj.is_object()) return {};
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return {};
    if (!it->is_string()) {
      warn(pointer + "/" + key, "not a string");
      return {};
    }
    const auto& s = it->get_ref<const std::string&>();
    if (s.size() > kMaxStringBytes) {
      warn(pointer + "/" + key, "string cut to " + std::to_string(kMaxStringBytes) + " bytes");
      return s.substr(0, kMaxStringBytes);
    }
    return s;
  }

  // An array member, bounded; absent is empty, another type a warning.
  const json& array(const json& obj, const char* key, const std::string& pointer) {
    static const json kEmpty = json::array();
    if (!obj.is_object()) return kEmpty;
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return kEmpty;
    if (!it->is_array()) {
      warn(pointer + "/" + key, "not an array");
      return kEmpty;
    }
    return *it;
  }

  const json& object(const json& obj, const char* key, const std::string& pointer) {
    static const json kEmpty = json::object();
    if (!obj.is_object()) return kEmpty;
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return kEmpty;
    if (!it->is_object()) {
      warn(pointer + "/" + key, "not an object");
      return kEmpty;
    }
    return *it;
  }

  std::vector<std::string> strings(const json& obj, const char* key, const std::string& pointer) {
    std::vector<std::string> out;
    const json& list = array(obj, key, pointer);
    for (size_t i = 0; i < list.size(); ++i) {
      if (out.size() >= kMaxListItems) {
        warn(pointer + "/" + key, "list cut to " + std::to_string(kMaxListItems) + " items");
        break;
      }
      if (list[i].is_string()) {
        out.push_back(list[i].get<std::string>());
      } else {
        warn(pointer + "/" + key + "/" + std::to_string(i), "not a string");
      }
    }
    return out;
  }

  void document(const json& doc) {
    const std::string p = "/document";
    a_.title = str(doc, "title", p);
    a_.category = str(doc, "category", p);
    a_.lang = str(doc, "lang", p);
    const json& tracking = object(doc, "tracking", p);
    const std::string t = p + "/tracking";
    a_.id = str(tracking, "id", t);
    a_.version = str(tracking, "version", t);
    a_.status = str(tracking, "status", t);
    a_.initial_release_date = str(tracking, "initial_release_date", t);
    a_.current_release_date = str(tracking, "current_release_date", t);
    const json& history = array(tracking, "revision_history", t);
    for (size_t i = 0; i < history.size() && i < kMaxListItems; ++i) {
      const std::string r = t + "/revision_history/" + std::to_string(i);
      a_.revisions.push_back(Revision{str(history[i], "number", r), str(history[i], "date", r),
                                      str(history[i], "summary", r)});
    }
    const json& publisher = object(doc, "publisher", p);
    a_.publisher_name = str(publisher, "name", p + "/publisher");
    a_.publisher_category = str(publisher, "category", p + "/publisher");
    a_.publisher_namespace = str(publisher, "namespace", p + "/publisher");
    a_.references = references(doc, p);
  }

  std::vector<Reference> references(const json& obj, const std::string& pointer) {
    std::vector<Reference> out;
    const json& refs = array(obj, "references", pointer);
    for (size_t i = 0; i < refs.size() && i < kMaxListItems; ++i) {
      const std::string r = pointer + "/references/" + std::to_string(i);
      out.push_back(Reference{str(refs[i], "category", r), str(refs[i], "summary", r),
                              str(refs[i], "url", r)});
    }
    return out;
  }

  // What the branches above a product said about it (CSAF 3.1.2.3 branch categories).
  struct Path {
    std::string vendor, product, version;
    bool has_range = false;
    std::string range;
  };

  void branches(const json& list, const std::string& pointer, const Path& above, size_t depth) {
    if (depth > kMaxBranchDepth) {
      warn(pointer, "branches nested deeper than " + std::to_string(kMaxBranchDepth) + ", skipped");
      return;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string b = pointer + "/" + std::to_string(i);
      const json& branch = list[i];
      if (!branch.is_object()) {
        warn(b, "branch is not an object");
        continue;
      }
      Path here = above;
      const std::string category = str(branch, "category", b);
      const std::string name = str(branch, "name", b);
      if (category == "vendor") {
        here.vendor = name;
      } else if (category == "product_name") {
        here.product = name;
      } else if (category == "product_version") {
        here.version = name;
        here.has_range = false;
      } else if (category == "product_version_range") {
        here.range = name;
        here.has_range = true;
        here.version.clear();
      } else if (category != "product_family" && category != "architecture" &&
                 category != "host_name" && category != "language" && category != "legacy" &&
                 category != "patch_level" && category != "service_pack" &&
                 category != "specification") {
        warn(b + "/category", "unknown branch category '" + category + "'");
      }
      if (branch.contains("product")) product(branch["product"], b + "/product", here);
      const json& children = array(branch, "branches", b);
      if (!children.empty()) branches(children, b + "/branches", here, depth + 1);
    }
  }

  void product(const json& full_name, const std::string& pointer, const Path& path) {
    if (!full_name.is_object()) {
      warn(pointer, "product is not an object");
      return;
    }
    if (a_.products.size() >= kMaxProducts) {
      warn(pointer, "more than " + std::to_string(kMaxProducts) + " products, skipped");
      return;
    }
    Product p;
    p.id = str(full_name, "product_id", pointer);
    p.name = str(full_name, "name", pointer);
    if (p.id.empty()) {
      warn(pointer, "product without product_id, skipped");
      return;
    }
    p.vendor = path.vendor;
    p.product = path.product.empty() ? p.name : path.product;
    p.version = path.version;
    p.has_range = path.has_range;
    if (p.has_range) {
      p.range = parseRange(path.range);
      if (p.range.certainty != RangeCertainty::Exact) {
        warn(pointer,
             "version range '" + path.range + "' is not a vers: string (" + p.range.note + ")");
      }
    }
    if (!ids_.insert(p.id).second) {
      warn(pointer, "product id " + p.id + " defined twice, first kept");
      return;
    }
    a_.products.push_back(std::move(p));
  }

  // CSAF 3.1.2.4: "product_reference <category> relates_to_product_reference" makes a new
  // product id; medtap matches it as the component (its versions) on the platform's name.
  void relationship(const json& rel, const std::string& pointer) {
    const std::string component = str(rel, "product_reference", pointer);
    const std::string platform = str(rel, "relates_to_product_reference", pointer);
    const json& full_name = object(rel, "full_product_name", pointer);
    Path path;
    const Product* c = a_.product(component);
    const Product* on = a_.product(platform);
    if (c == nullptr || on == nullptr) {
      warn(pointer, "relationship names an unknown product id");
    }
    if (c != nullptr) {
      path.vendor = c->vendor;
      path.product = c->product;
      path.version = c->version;
      path.has_range = c->has_range;
      path.range = c->range.text;
    }
    if (on != nullptr && path.vendor.empty()) path.vendor = on->vendor;
    product(full_name, pointer + "/full_product_name", path);
  }

  void productTree(const json& tree) {
    const std::string p = "/product_tree";
    branches(array(tree, "branches", p), p + "/branches", Path{}, 0);
    const json& names = array(tree, "full_product_names", p);
    for (size_t i = 0; i < names.size(); ++i) {
      product(names[i], p + "/full_product_names/" + std::to_string(i), Path{});
    }
    const json& relationships = array(tree, "relationships", p);
    for (size_t i = 0; i < relationships.size(); ++i) {
      relationship(relationships[i], p + "/relationships/" + std::to_string(i));
    }
  }

  void score(const json& s, const std::string& pointer, Vulnerability& v) {
    for (const char* key : {"cvss_v3", "cvss_v4", "cvss_v2"}) {
      const json& cvss = object(s, key, pointer);
      if (cvss.empty()) continue;
      const std::string c = pointer + "/" + key;
      Score out;
      out.cvss_version = str(cvss, "version", c);
      auto base = cvss.find("baseScore");
      if (base != cvss.end() && base->is_number()) {
        out.base_score = std::clamp(base->get<double>(), 0.0, 10.0);
      } else {
        warn(c + "/baseScore", "missing or not a number");
      }
      out.base_severity = str(cvss, "baseSeverity", c);
      out.vector = str(cvss, "vectorString", c);
      out.products = strings(s, "products", pointer);
      v.scores.push_back(std::move(out));
    }
  }

  void checkIds(const std::vector<std::string>& ids, const std::string& pointer) {
    for (const auto& id : ids) {
      if (ids_.count(id) == 0) warn(pointer, "unknown product id " + id);
    }
  }

  void vulnerability(const json& vj, const std::string& p) {
    Vulnerability v;
    v.cve = str(vj, "cve", p);
    v.title = str(vj, "title", p);
    const json& cwe = object(vj, "cwe", p);
    v.cwe_id = str(cwe, "id", p + "/cwe");
    v.cwe_name = str(cwe, "name", p + "/cwe");
    const json& scores = array(vj, "scores", p);
    for (size_t i = 0; i < scores.size() && i < kMaxListItems; ++i) {
      score(scores[i], p + "/scores/" + std::to_string(i), v);
    }
    const json& status = object(vj, "product_status", p);
    for (const auto& [category, ids] : status.items()) {
      const std::string s = p + "/product_status";
      auto list = strings(status, category.c_str(), s);
      checkIds(list, s + "/" + category);
      v.product_status[category] = std::move(list);
    }
    const json& remediations = array(vj, "remediations", p);
    for (size_t i = 0; i < remediations.size() && i < kMaxListItems; ++i) {
      const std::string r = p + "/remediations/" + std::to_string(i);
      Remediation rem{str(remediations[i], "category", r), str(remediations[i], "details", r),
                      str(remediations[i], "url", r), strings(remediations[i], "product_ids", r)};
      checkIds(rem.product_ids, r + "/product_ids");
      v.remediations.push_back(std::move(rem));
    }
    const json& notes = array(vj, "notes", p);
    for (size_t i = 0; i < notes.size() && i < kMaxListItems; ++i) {
      const std::string n = p + "/notes/" + std::to_string(i);
      v.notes.push_back(
          Note{str(notes[i], "category", n), str(notes[i], "title", n), str(notes[i], "text", n)});
    }
    const json& threats = array(vj, "threats", p);
    for (size_t i = 0; i < threats.size() && i < kMaxListItems; ++i) {
      const std::string t = p + "/threats/" + std::to_string(i);
      v.threats.push_back(Threat{str(threats[i], "category", t), str(threats[i], "details", t)});
    }
    a_.vulnerabilities.push_back(std::move(v));
  }

  // An acknowledgment or note that names a CVE the document does not have: CISA's own typo in
  // ICSMA-25-030-01 ("CVE-2025-1024" for CVE-2025-1204). Kept as a warning, not corrected.
  void crossCheckAcknowledgments(const json& doc) {
    std::set<std::string> known;
    for (const auto& v : a_.vulnerabilities) known.insert(v.cve);
    const json& acks = array(doc, "acknowledgments", "/document");
    for (size_t i = 0; i < acks.size(); ++i) {
      const std::string pointer = "/document/acknowledgments/" + std::to_string(i) + "/summary";
      const std::string summary = str(acks[i], "summary", pointer);
      for (size_t at = summary.find("CVE-"); at != std::string::npos;
           at = summary.find("CVE-", at + 4)) {
        size_t end = at + 4;
        while (end < summary.size() &&
               (std::isdigit(static_cast<unsigned char>(summary[end])) || summary[end] == '-')) {
          ++end;
        }
        const std::string cve = summary.substr(at, end - at);
        if (known.count(cve) == 0) {
          warn(pointer, "acknowledgment names " + cve + ", which no vulnerability has");
        }
      }
    }
  }

  std::set<std::string> ids_;

 private:
  Advisory& a_;
};

Error failAt(std::string_view name, const std::string& what, const std::string& pointer) {
  return Error{std::string(name) + ": " + what + " (at JSON pointer " + pointer + ")"};
}

}  // namespace

double Vulnerability::maxScore() const {
  double best = 0;
  for (const auto& s : scores) best = std::max(best, s.base_score);
  return best;
}

const Product* Advisory::product(std::string_view id) const {
  for (const auto& p : products) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

std::string Advisory::url() const {
  const Reference* first = nullptr;
  for (const auto& r : references) {
    if (r.category != "self") continue;
    if (first == nullptr) first = &r;
    if (r.url.size() < 5 || r.url.compare(r.url.size() - 5, 5, ".json") != 0) return r.url;
  }
  return first != nullptr ? first->url : std::string{};
}

std::vector<std::string> Advisory::cves() const {
  std::vector<std::string> out;
  for (const auto& v : vulnerabilities) {
    if (!v.cve.empty()) out.push_back(v.cve);
  }
  return out;
}

double Advisory::maxScore() const {
  double best = 0;
  for (const auto& v : vulnerabilities) best = std::max(best, v.maxScore());
  return best;
}

Result<Advisory> parseCsaf(std::string_view text, std::string_view name) {
  if (text.size() > kMaxFileBytes) {
    return Error{std::string(name) + ": larger than " + std::to_string(kMaxFileBytes) +
                 " bytes, not read"};
  }
  if (auto at = tooDeepAt(text, kMaxJsonDepth)) {
    return Error{std::string(name) + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                 " levels at byte " + std::to_string(*at)};
  }
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    return Error{std::string(name) + ": not JSON: error at byte " + std::to_string(e.byte)};
  }
  if (!root.is_object()) return failAt(name, "not a CSAF document: not an object", "/");
  auto doc = root.find("document");
  if (doc == root.end() || !doc->is_object()) {
    return failAt(name, "not a CSAF document: no document object", "/document");
  }
  auto version = doc->find("csaf_version");
  if (version == doc->end() || !version->is_string()) {
    return failAt(name, "not a CSAF document: no csaf_version", "/document/csaf_version");
  }
  if (*version != "2.0") {
    return failAt(name, "CSAF version " + version->get<std::string>() + " is not 2.0",
                  "/document/csaf_version");
  }
  auto tracking = doc->find("tracking");
  if (tracking == doc->end() || !tracking->is_object() || !tracking->contains("id") ||
      !(*tracking)["id"].is_string() || (*tracking)["id"].get_ref<const std::string&>().empty()) {
    return failAt(name, "CSAF document without a tracking id", "/document/tracking/id");
  }
  Advisory a;
  a.source = std::string(name);
  a.csaf_version = "2.0";
  Reader r(a);
  r.document(*doc);
  r.productTree(r.object(root, "product_tree", ""));
  const json& vulns = r.array(root, "vulnerabilities", "");
  for (size_t i = 0; i < vulns.size(); ++i) {
    if (i >= kMaxVulnerabilities) {
      r.warn("/vulnerabilities", "more than " + std::to_string(kMaxVulnerabilities) +
                                     " vulnerabilities, the rest skipped");
      break;
    }
    if (!vulns[i].is_object()) {
      r.warn("/vulnerabilities/" + std::to_string(i), "not an object");
      continue;
    }
    r.vulnerability(vulns[i], "/vulnerabilities/" + std::to_string(i));
  }
  r.crossCheckAcknowledgments(*doc);
  return a;
}

Result<Advisory> readCsafFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot open"};
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) {
      return Error{path + ": larger than " + std::to_string(kMaxFileBytes) + " bytes, not read"};
    }
  }
  if (in.bad()) return Error{path + ": read error"};
  return parseCsaf(text, path);
}

}  // namespace medtap::advisories
