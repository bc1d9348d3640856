// What a CSAF 2.0 trusted provider publishes besides the advisories (CSAF 2.0 section 7):
// provider-metadata.json (7.1.7, its `distributions` naming ROLIE feeds and directories), the
// ROLIE feeds (7.1.21, RFC 8322 in its JSON form), a directory's index.txt (7.1.13) and
// changes.csv (7.1.16), and the .sha256/.sha512 files beside each advisory (7.1.18). Each parser
// takes a file that may be hostile: a wrong shape is one error line naming the file and where,
// and every list is bounded (limits.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace medtap::advisories {

struct ProviderMetadata {
  std::string canonical_url, publisher_name;
  std::vector<std::string> rolie_feeds;  // feed URLs, as written
  std::vector<std::string> directories;  // directory_url, as written
};

// The JSON is recognised as provider metadata by `distributions`, `canonical_url` or
// `metadata_version`. Error: "NAME: what (at /pointer)".
Result<ProviderMetadata> parseProviderMetadata(std::string_view text, std::string_view name);

// One advisory a feed or a directory lists.
struct FeedEntry {
  std::string url;                     // the CSAF document, as written (relative to the listing)
  std::string updated;                 // when it last changed, as written ("" when not given)
  std::string sha256_url, sha512_url;  // from ROLIE rel="hash" links ("" when not given)
};

// A ROLIE feed: {"feed": {"entry": [{"link": [{"rel": "self", "href": ...}], "content":
// {"src": ...}, "updated": ...}]}}. The entry's URL is its content.src, else its self link.
Result<std::vector<FeedEntry>> parseRolieFeed(std::string_view text, std::string_view name);

// changes.csv: "path","timestamp" rows, no header (CSAF 7.1.16). Error: "NAME:LINE: what".
Result<std::vector<FeedEntry>> parseChangesCsv(std::string_view text, std::string_view name);

// index.txt: one relative path a line (CSAF 7.1.13). Blank lines are skipped.
Result<std::vector<FeedEntry>> parseIndexTxt(std::string_view text, std::string_view name);

// A .sha256/.sha512 file as sha256sum writes it ("HEX  file.json"), or the bare hex digest.
// `hex_chars` is 64 or 128. Returns the digest in lower case.
Result<std::string> parseHashFile(std::string_view text, std::string_view name, size_t hex_chars);

// The hex digest (lower case) of `data` with SHA-256 (hex_chars 64) or SHA-512 (128).
std::string hexDigest(std::string_view data, size_t hex_chars);

}  // namespace medtap::advisories
