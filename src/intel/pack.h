// Threat-intelligence packs: the files an IndicatorSet is filled from, in three formats
// (docs/DETECTIONS.md "Threat intelligence" describes each):
//   - Zeek's intel framework format: tab-separated, a `#fields` header naming `indicator`,
//     `indicator_type` (Intel::ADDR, Intel::SUBNET, Intel::DOMAIN, Intel::URL) and `meta.*`;
//   - CSV with a header row `indicator,type,description[,severity][,source]`;
//   - STIX 2.1 bundles: `indicator` objects with simple patterns, and bare cyber observables.
// The format is recognised from the bytes, like a capture file's.
//
// A pack is all or nothing: the first bad line is a one-line error `FILE:LINE: what`, and none of
// the pack is used (nor, at start-up, does the run begin), so that a sensor never runs believing a
// list is loaded when only its first half is. Indicators of a kind medtap does not match (a Zeek
// Intel::FILE_HASH, a STIX pattern on file hashes or with AND) are counted and named in one
// warning line, not an error: mixed feeds are the norm.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "intel/indicator.h"

namespace medtap::intel {

// A pack file larger than this is refused before it is read: a million indicators in Zeek
// format, with descriptions, is well under it.
constexpr size_t kMaxPackBytes = size_t{512} << 20;
// A Zeek or CSV line, or a STIX string field, longer than this is refused (a pasted blob).
constexpr size_t kMaxFieldBytes = 64 * 1024;

enum class PackFormat : uint8_t { Zeek, Csv, Stix };

std::string_view formatName(PackFormat format);  // "zeek", "csv", "stix"

// STIX when the first non-blank byte is '{'; Zeek when the first line starts with '#'; else CSV.
PackFormat detectFormat(std::string_view text);

struct ParsedPack {
  std::vector<Indicator> indicators;
  size_t unsupported = 0;         // indicators of a kind medtap does not match, skipped
  std::string unsupported_kinds;  // a few of their kinds, for the warning ("Intel::FILE_HASH")
};

// Each parser reads the whole text; `name` is the file name used in errors and in each
// indicator's `pack`. Error: one line, "NAME:LINE: what" (LINE is 1-based).
Result<ParsedPack> parseZeek(std::string_view text, std::string_view name);
Result<ParsedPack> parseCsv(std::string_view text, std::string_view name);
Result<ParsedPack> parseStix(std::string_view text, std::string_view name);
Result<ParsedPack> parsePack(std::string_view text, std::string_view name);

struct PackReport {
  std::string name;
  PackFormat format = PackFormat::Zeek;
  size_t indicators = 0;  // read from the pack (some may have been duplicates in the set)
  size_t unsupported = 0;
  // One line when some indicators were skipped, else "".
  std::string warning;
};

// Parses a pack and adds it to `set`; on error `set` is unchanged.
Result<PackReport> loadPack(std::string_view text, std::string_view name, IndicatorSet& set);
// The same for a file; its name without the folder stands for the pack.
Result<PackReport> loadPackFile(const std::string& path, IndicatorSet& set);

}  // namespace medtap::intel
