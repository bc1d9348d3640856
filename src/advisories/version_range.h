// Version ranges of CSAF product_version_range: `vers:` strings (the package-url "vers" spec,
// https://github.com/package-url/purl-spec/blob/main/VERSION-RANGE-SPEC.rst) parsed exactly, and
// the free text CISA often writes instead ("<=2.0.6", "All versions", "versions prior to 3.1",
// "L81 and earlier") read best effort and marked uncertain.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace medtap::advisories {

// Orders two firmware versions the way vendors write them: runs of digits compare as numbers,
// everything else compares case-insensitively as text, piece by piece ("2.10" > "2.9",
// "CMS7.820.075.08/0.74(0.75)" < "CMS7.820.120.01/0.93(0.95)"). Returns <0, 0, >0.
int compareVersions(std::string_view a, std::string_view b);

// Spec "Version constraint": a comparator and a version.
enum class Comparator { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual };

struct Constraint {
  Comparator op = Comparator::Equal;
  std::string version;
};

// How far a range can be trusted.
enum class RangeCertainty {
  Exact,      // a valid vers: string
  Uncertain,  // free text read best effort: the reason says how
  Unreadable  // free text that says nothing a machine can check (only a human can)
};

struct VersionRange {
  std::string text;    // as the advisory wrote it
  std::string scheme;  // vers: scheme ("generic", "semver", "all", ...); "" for free text
  bool all = false;    // every version ("vers:all/*", "All versions")
  std::vector<Constraint> constraints;  // sorted by version, as the spec requires
  RangeCertainty certainty = RangeCertainty::Unreadable;
  std::string note;  // why it is uncertain or unreadable
};

// Parses a `vers:` string strictly. Error: what is wrong, in one line.
Result<VersionRange> parseVers(std::string_view text);

// Parses what an advisory put in product_version_range: a vers: string when it is one, else the
// free-text reading (never fails: the worst case is Unreadable).
VersionRange parseRange(std::string_view text);

enum class InRange { Yes, No, Unknown };

// Whether `version` is in the range: the vers spec's algorithm (section "Checking if a version is
// contained within a range"), with compareVersions for every scheme. Unknown for an Unreadable
// range.
InRange contains(const VersionRange& range, std::string_view version);

}  // namespace medtap::advisories
