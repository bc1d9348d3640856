#include "advisories/matcher.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "advisories/embedded.h"

namespace medtap::advisories {

namespace {

// CSAF 3.2.3.9 product status groups, as the matcher reads them.
bool isAffectedStatus(const std::string& s) {
  return s == "known_affected" || s == "first_affected" || s == "last_affected";
}
bool isUnderInvestigation(const std::string& s) {
  return s == "under_investigation";
}
bool isFixedStatus(const std::string& s) {
  return s == "fixed" || s == "first_fixed" || s == "known_not_affected";
}

// The identities a device is matched as: its own, a relabel's, its families'.
struct Candidate {
  Identity id;
  std::string how;
};

std::vector<Candidate> identitiesOf(const DeviceFacts& d, const Aliases& aliases) {
  std::vector<Candidate> out;
  if (!d.model.empty()) out.push_back({{d.vendor, d.model}, "model " + d.model});
  for (const auto& r : aliases.relabels()) {
    if (!d.model.empty() && aliases.sameVendor(r.label.vendor, d.vendor) &&
        sameModel(r.label.model, d.model)) {
      out.push_back({r.is, "relabel of " + r.is.vendor + " " + r.is.model});
    }
  }
  for (const auto& f : aliases.families()) {
    if (std::find(d.tags.begin(), d.tags.end(), f.tag) != d.tags.end()) {
      out.push_back({f.is, "tag " + f.tag});
    }
  }
  return out;
}

// One product of the advisory against the device's firmware.
struct Verdict {
  MatchStatus status = MatchStatus::NotAffected;
  std::string reason;
};

Verdict versionVerdict(const Product& p, const std::string& firmware) {
  const std::string what = p.product.empty() ? p.name : p.product;
  if (p.has_range) {
    const VersionRange& r = p.range;
    if (r.all && r.certainty == RangeCertainty::Exact) {
      return {MatchStatus::Affected, "all versions of " + what + " (" + r.text + ")"};
    }
    if (r.all) return {MatchStatus::Affected, "all versions of " + what + " ('" + r.text + "')"};
    if (firmware.empty()) {
      return {MatchStatus::PotentiallyAffected,
              "firmware unknown; " + what + " affected in '" + r.text + "'"};
    }
    switch (contains(r, firmware)) {
      case InRange::Yes:
        if (r.certainty == RangeCertainty::Exact) {
          return {MatchStatus::Affected, "firmware " + firmware + " in " + r.text};
        }
        return {MatchStatus::PotentiallyAffected, "firmware " + firmware + " in '" + r.text +
                                                      "', a free-text range read best effort"};
      case InRange::No:
        return {};
      case InRange::Unknown:
        return {MatchStatus::PotentiallyAffected,
                "firmware " + firmware + " against '" + r.text + "', a range not machine-readable"};
    }
  }
  if (!p.version.empty()) {
    if (firmware.empty()) {
      return {MatchStatus::PotentiallyAffected,
              "firmware unknown; " + what + " affected in version " + p.version};
    }
    if (compareVersions(firmware, p.version) == 0) {
      return {MatchStatus::Affected, "firmware " + firmware + " listed"};
    }
    return {};
  }
  return {MatchStatus::Affected, what + " named without versions"};
}

}  // namespace

std::string_view statusName(MatchStatus s) {
  switch (s) {
    case MatchStatus::NotAffected:
      return "not affected";
    case MatchStatus::PotentiallyAffected:
      return "potentially affected";
    case MatchStatus::Affected:
      return "affected";
  }
  return "not affected";
}

Matcher::Matcher(std::vector<Advisory> advisories, const Aliases& aliases)
    : advisories_(std::move(advisories)), aliases_(aliases) {
  std::sort(advisories_.begin(), advisories_.end(),
            [](const Advisory& a, const Advisory& b) { return a.id < b.id; });
}

std::vector<Match> Matcher::match(const DeviceFacts& device) const {
  std::vector<Match> out;
  const std::vector<Candidate> identities = identitiesOf(device, aliases_);
  if (identities.empty()) return out;
  for (const Advisory& a : advisories_) {
    // The advisory's products this device is, and how it was recognised.
    std::map<std::string, std::string> products;  // product id -> how
    for (const Product& p : a.products) {
      for (const Candidate& c : identities) {
        const bool vendor_ok = p.vendor.empty() || aliases_.sameVendor(p.vendor, c.id.vendor);
        if (vendor_ok && sameModel(p.product.empty() ? p.name : p.product, c.id.model)) {
          products.emplace(p.id, c.how);
          break;
        }
      }
    }
    if (products.empty()) continue;
    Match m;
    m.advisory = &a;
    m.device_id = device.id;
    m.firmware = device.firmware;
    std::set<std::string> seen_remediations;
    for (const Vulnerability& v : a.vulnerabilities) {
      Verdict best;
      std::set<std::string> concerned;
      bool fixed = false;
      for (const auto& [category, ids] : v.product_status) {
        for (const auto& id : ids) {
          auto it = products.find(id);
          if (it == products.end()) continue;
          const Product* p = a.product(id);
          Verdict verdict = versionVerdict(*p, device.firmware);
          if (isFixedStatus(category)) {
            // Fixed or not affected in exactly this firmware: this vulnerability is not its.
            fixed = fixed || (verdict.status == MatchStatus::Affected && !device.firmware.empty());
            continue;
          }
          if (isUnderInvestigation(category) && verdict.status == MatchStatus::Affected) {
            verdict = {MatchStatus::PotentiallyAffected, "under investigation: " + verdict.reason};
          } else if (!isAffectedStatus(category) && !isUnderInvestigation(category)) {
            continue;  // "recommended"
          }
          if (verdict.status == MatchStatus::NotAffected) continue;
          concerned.insert(id);
          if (verdict.status > best.status) {
            best = verdict;
            if (m.identity.empty() || best.status == MatchStatus::Affected) m.identity = it->second;
          }
        }
      }
      if (fixed || best.status == MatchStatus::NotAffected) continue;
      if (!v.cve.empty()) m.cves.push_back(v.cve);
      m.max_cvss = std::max(m.max_cvss, v.maxScore());
      if (best.status > m.status) {
        m.status = best.status;
        m.reason = best.reason;
        m.status_cvss = 0;
      }
      if (best.status == m.status) m.status_cvss = std::max(m.status_cvss, v.maxScore());
      for (const Remediation& r : v.remediations) {
        const bool applies = std::any_of(r.product_ids.begin(), r.product_ids.end(),
                                         [&](const auto& id) { return concerned.count(id) > 0; });
        if (!applies && !r.product_ids.empty()) continue;
        std::string line = r.category + ": " + r.details;
        if (seen_remediations.insert(line).second) m.remediations.push_back(std::move(line));
      }
    }
    if (m.status != MatchStatus::NotAffected) out.push_back(std::move(m));
  }
  return out;
}

std::vector<Advisory> builtInAdvisories() {
  std::vector<Advisory> out;
  for (const auto& f : embeddedAdvisoryFiles()) {
    if (f.name.size() < 5 || f.name.substr(f.name.size() - 5) != ".json") continue;
    auto a = parseCsaf(f.text, "built-in:" + std::string(f.name));
    if (a) out.push_back(std::move(a.value()));
  }
  return out;
}

void mergeAdvisories(std::vector<Advisory>& base, std::vector<Advisory> more) {
  for (Advisory& a : more) {
    auto it =
        std::find_if(base.begin(), base.end(), [&](const Advisory& b) { return b.id == a.id; });
    if (it == base.end()) {
      base.push_back(std::move(a));
      continue;
    }
    const bool newer = a.current_release_date > it->current_release_date ||
                       (a.current_release_date == it->current_release_date &&
                        compareVersions(a.version, it->version) > 0);
    if (newer) *it = std::move(a);
  }
}

}  // namespace medtap::advisories
