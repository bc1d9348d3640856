// Which advisories concern which devices: an advisory's products (vendor, product name, version
// or range) against a device's vendor, model, firmware and tags, through the aliases. A device
// whose firmware is unknown is "potentially affected", with the reason; a range read from free
// text makes a match uncertain, and the reason says so.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "advisories/aliases.h"
#include "advisories/csaf.h"

namespace medtap::advisories {

// What the matcher needs of a device (events::DeviceRecord, inventory::StoredDevice).
struct DeviceFacts {
  std::string id, vendor, model, firmware;
  std::vector<std::string> tags;
};

enum class MatchStatus { NotAffected, PotentiallyAffected, Affected };
std::string_view statusName(MatchStatus s);  // "not affected", "potentially affected", "affected"

struct Match {
  const Advisory* advisory = nullptr;  // owned by the Matcher
  std::string device_id, firmware;
  MatchStatus status = MatchStatus::NotAffected;
  std::string identity;  // how the device was recognised: "model CMS8000", "tag cms8000-family"
  std::string reason;    // why this status, for a human
  std::vector<std::string> cves;  // of the vulnerabilities that concern the device
  double max_cvss = 0;            // the highest CVSS base score of those vulnerabilities
  double status_cvss = 0;         // the highest of those whose own status is the match's: what is
                           // certain about the device when it is affected, so that a CVE that
                           // only may apply (firmware unknown) does not set the severity
  std::vector<std::string> remediations;  // "mitigation: <details>", deduplicated, in order
};

class Matcher {
 public:
  Matcher(std::vector<Advisory> advisories, const Aliases& aliases);

  // Every advisory that concerns the device (affected or potentially affected), by advisory id.
  std::vector<Match> match(const DeviceFacts& device) const;

  const std::vector<Advisory>& advisories() const { return advisories_; }

 private:
  std::vector<Advisory> advisories_;
  const Aliases& aliases_;
};

// The compiled-in advisories (data/advisories/*.json). A broken one fails the unit tests.
std::vector<Advisory> builtInAdvisories();

// Adds `more` to `base`, keeping one advisory per id: the later current_release_date (then the
// higher tracking version) wins.
void mergeAdvisories(std::vector<Advisory>& base, std::vector<Advisory> more);

}  // namespace medtap::advisories
