// What the exports know of the Contec CMS8000 backdoor (ICSMA-25-030-01): the built-in intel
// pack's indicators (data/intel) and the shipped advisory's CVEs and dates (data/advisories), so
// that the rules, the intel files and the detectors cannot disagree about an address or a CVE.
#pragma once

#include <string>
#include <vector>

#include "core/address.h"
#include "intel/indicator.h"

namespace medtap::remediate {

struct ContecCve {
  std::string id;     // "CVE-2025-0626"
  std::string title;  // the advisory's vulnerability title
  std::string cwe;    // "CWE-912"
};

struct ContecFacts {
  std::string advisory_id;  // "ICSMA-25-030-01"
  std::string advisory_url;
  std::string initial_release;  // "2025-01-30T..." as the CSAF document gives it
  std::string current_release;
  std::vector<ContecCve> cves;                      // in the advisory's order
  std::vector<const intel::Indicator*> indicators;  // the pack's, in its order
  // The addresses a firewall must drop: the pack's networks and the addresses outside them, in
  // the pack's order (an nftables interval set refuses an address inside one of its networks).
  std::vector<IpNetwork> block;
};

// Built once from the compiled-in data; a build whose data does not parse stops (a unit test
// loads it).
const ContecFacts& contecFacts();

}  // namespace medtap::remediate
