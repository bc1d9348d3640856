// Reads a policy file (docs/POLICY.md). A mistake is one line, `FILE:LINE:COL: what`, at the
// place yaml-cpp marks; the first one stops the load, since a policy half understood would judge
// traffic by rules nobody wrote.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "policy/policy.h"

namespace medtap::policy {

// Files larger than kMaxPolicyFileBytes are refused before they are parsed.
Result<Policy> loadPolicyFile(const std::string& path);
// The same for text in memory; `name` stands in for the file name in messages.
Result<Policy> loadPolicyText(std::string_view text, const std::string& name);

}  // namespace medtap::policy
