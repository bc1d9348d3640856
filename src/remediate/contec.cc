#include "remediate/contec.h"

#include <cstdio>
#include <cstdlib>

#include "advisories/csaf.h"
#include "advisories/embedded.h"
#include "intel/builtin.h"

namespace medtap::remediate {

namespace {

constexpr std::string_view kAdvisoryFile = "icsma-25-030-01.json";

ContecFacts load() {
  ContecFacts out;
  for (const auto& f : advisories::embeddedAdvisoryFiles()) {
    if (f.name != kAdvisoryFile) continue;
    auto adv = advisories::parseCsaf(f.text, f.name);
    if (!adv) {
      std::fprintf(stderr, "medtap: built-in advisory: %s\n", adv.error().c_str());
      std::abort();
    }
    out.advisory_id = adv->id;
    out.advisory_url = adv->url();
    out.initial_release = adv->initial_release_date;
    out.current_release = adv->current_release_date;
    for (const auto& v : adv->vulnerabilities) {
      if (!v.cve.empty()) out.cves.push_back({v.cve, v.title, v.cwe_id});
    }
  }
  if (out.advisory_id.empty()) {
    std::fprintf(stderr, "medtap: built-in advisory %s is missing\n", kAdvisoryFile.data());
    std::abort();
  }
  const intel::IndicatorSet& pack = intel::contecPack();
  std::vector<IpNetwork> networks;
  for (const auto& ind : pack.indicators()) {
    out.indicators.push_back(&ind);
    if (ind.type == intel::IndicatorType::Subnet) {
      if (auto n = IpNetwork::parse(ind.value)) networks.push_back(*n);
    }
  }
  for (const auto& ind : pack.indicators()) {
    if (ind.type == intel::IndicatorType::Subnet) {
      if (auto n = IpNetwork::parse(ind.value)) out.block.push_back(*n);
    } else if (ind.type == intel::IndicatorType::Addr) {
      auto ip = IpAddress::parse(ind.value);
      if (!ip) continue;
      bool covered = false;
      for (const auto& n : networks) covered = covered || n.contains(*ip);
      if (!covered) {
        if (auto n = IpNetwork::parse(ind.value)) out.block.push_back(*n);
      }
    }
  }
  return out;
}

}  // namespace

const ContecFacts& contecFacts() {
  static const ContecFacts facts = load();
  return facts;
}

}  // namespace medtap::remediate
