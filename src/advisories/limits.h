// Bounds on what an advisory file may make the parser hold. CSAF 2.0 sets no limits of its own;
// these are far above CISA's largest files (the biggest ICSMA documents are under 1 MB with a few
// hundred products) and low enough that a hostile file cannot exhaust memory or the stack.
#pragma once

#include <cstddef>

namespace medtap::advisories {

constexpr size_t kMaxFileBytes = 16 * 1024 * 1024;  // one CSAF document
constexpr size_t kMaxJsonDepth = 64;    // nesting of objects/arrays, checked before parsing
constexpr size_t kMaxBranchDepth = 16;  // product_tree branches (vendor/family/name/version
                                        // need 4; CSAF 2.0 section 3.1.3 allows any depth)
constexpr size_t kMaxProducts = 20000;  // product ids in one product tree
constexpr size_t kMaxVulnerabilities = 5000;
constexpr size_t kMaxListItems = 20000;        // product ids in one status list, remediations, ...
constexpr size_t kMaxStringBytes = 64 * 1024;  // one string field kept (longer ones are cut)
constexpr size_t kMaxWarnings = 100;           // warnings kept per document (then counted)
constexpr size_t kMaxVersConstraints = 64;     // comparators in one vers: string
constexpr size_t kMaxFilesPerImport = 10000;

// `medtap advisories sync` (sync.h). CISA's whole CSAF tree holds a few thousand advisories;
// a provider listing more than kMaxFeedEntries in one feed, changes.csv or index.txt is refused.
constexpr size_t kMaxFeedEntries = 100000;
constexpr size_t kMaxDistributions = 64;  // feeds and directories in one provider-metadata.json
constexpr size_t kMaxUrlBytes = 2048;     // one URL in a listing; longer ones are skipped
// RSS/Atom (feed.h) and recall exports (recalls.h): items kept from one document, and the text
// kept of one field (a summary is cut, never refused).
constexpr size_t kMaxNoticeItems = 20000;
constexpr size_t kMaxNoticeFieldBytes = 8 * 1024;
constexpr size_t kMaxXmlDepth = 32;  // RSS needs 4 (rss/channel/item/title), Atom 3

}  // namespace medtap::advisories
