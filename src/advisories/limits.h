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

}  // namespace medtap::advisories
