// The subset of the STIX 2.1 patterning language (STIX 2.1 section 9) that names indicators
// medtap can match: observation expressions of equality comparisons on one value each, joined by
// OR, inside one bracket or between brackets:
//   [ipv4-addr:value = '198.51.100.7']
//   [ipv4-addr:value ISSUBSET '198.51.100.0/24'] OR [domain-name:value = 'example.com']
//   [url:value = 'http://example.com/pm' OR ipv6-addr:value = '2001:db8::/32']
// Anything else (AND, other object types or properties, other operators, qualifiers such as
// WITHIN or REPEATS, parentheses) is not evaluated: the whole pattern is reported unsupported.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intel/indicator.h"

namespace medtap::intel {

struct PatternTerm {
  IndicatorType type;  // Addr, Subnet (a value with '/'), Domain or Url
  std::string value;   // as written, unescaped; not yet checked (canonicalValue)
};

// The terms, or nullopt when the pattern is outside the subset (or not a pattern at all).
std::optional<std::vector<PatternTerm>> parseStixPattern(std::string_view pattern);

}  // namespace medtap::intel
