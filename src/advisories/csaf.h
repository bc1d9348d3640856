// A CSAF 2.0 advisory (OASIS CSAF v2.0, https://docs.oasis-open.org/csaf/csaf/v2.0/) as medtap
// keeps it: the document's tracking, the product tree flattened to one entry per product id, and
// per vulnerability its CVE, CWE, scores, product status, remediations and notes. The parser is
// tolerant of what real CISA files get wrong (../shared/data/advisories/SOURCES.md): a field of
// the wrong type or an unknown product id is a warning on the document, not a failure; only a file
// that is not JSON or not CSAF 2.0 fails, in one line naming the file and the JSON pointer.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "advisories/version_range.h"
#include "core/result.h"

namespace medtap::advisories {

struct Reference {
  std::string category, summary, url;  // category: "self" or "external" (CSAF 3.2.1.11)
};

struct Revision {
  std::string number, date, summary;
};

// One product id of the product tree, whatever shape the tree gave it (branches, a full product
// name, or a relationship whose product is the component on the platform).
struct Product {
  std::string id;          // "CSAFPID-0001"
  std::string name;        // the full product name
  std::string vendor;      // branch category "vendor" ("" when the tree gives none)
  std::string product;     // branch "product_name" (the full name when no branch gives one)
  std::string version;     // branch "product_version": one exact version
  bool has_range = false;  // branch "product_version_range"
  VersionRange range;
};

struct Score {
  std::string cvss_version;  // "3.0", "3.1", "4.0"
  double base_score = 0;
  std::string base_severity, vector;
  std::vector<std::string> products;
};

struct Remediation {
  std::string category;  // vendor_fix, mitigation, workaround, no_fix_planned, none_available
  std::string details, url;
  std::vector<std::string> product_ids;
};

struct Note {
  std::string category, title, text;
};

struct Threat {
  std::string category, details;
};

struct Vulnerability {
  std::string cve, cwe_id, cwe_name, title;
  std::vector<Score> scores;
  // CSAF 3.2.3.9: first_affected, first_fixed, fixed, known_affected, known_not_affected,
  // last_affected, recommended, under_investigation -> product ids.
  std::map<std::string, std::vector<std::string>> product_status;
  std::vector<Remediation> remediations;
  std::vector<Note> notes;
  std::vector<Threat> threats;

  double maxScore() const;  // the highest CVSS base score, 0 when none
};

struct Advisory {
  std::string source;  // the file (or "built-in:<name>") it came from
  std::string title, category, csaf_version, lang;
  std::string id, version, status;  // document.tracking
  std::string initial_release_date, current_release_date;
  std::vector<Revision> revisions;
  std::string publisher_name, publisher_category, publisher_namespace;
  std::vector<Reference> references;
  std::vector<Product> products;
  std::vector<Vulnerability> vulnerabilities;
  std::vector<std::string> warnings;  // what the parser tolerated, each with its JSON pointer
  size_t warnings_dropped = 0;        // past kMaxWarnings

  const Product* product(std::string_view id) const;
  // The advisory's web page: the "self" reference that is not the JSON file, else the first.
  std::string url() const;
  std::vector<std::string> cves() const;
  double maxScore() const;
};

// Parses one CSAF 2.0 document. `name` is the file name for messages. Error, one line:
// "NAME: what (at JSON pointer /document/tracking)".
Result<Advisory> parseCsaf(std::string_view text, std::string_view name);

// Reads and parses a file, within kMaxFileBytes.
Result<Advisory> readCsafFile(const std::string& path);

}  // namespace medtap::advisories
