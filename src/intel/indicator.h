// Threat-intelligence indicators and the set they are matched against (docs/DETECTIONS.md
// "Threat intelligence"): IPv4/IPv6 addresses and CIDR ranges, domains (a domain also matches its
// subdomains), and URLs (a host and a path prefix). Built once at start-up from packs
// (intel/pack.h), then only read: lookups are safe from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/address.h"
#include "core/result.h"

namespace medtap::intel {

// A set holds at most this many indicators. The largest public feeds (abuse.ch, the ET
// compromised-IP list) are a few hundred thousand lines; a million, at a few hundred bytes each,
// keeps a sensor's memory in the hundreds of MiB. A pack that would go beyond is refused.
constexpr size_t kMaxIndicators = 1'000'000;

enum class IndicatorType : uint8_t { Addr, Subnet, Domain, Url };

// "addr", "subnet", "domain", "url": Zeek's Intel::ADDR ... without the prefix, lower case.
std::string_view typeName(IndicatorType type);

// Severity of a match when the pack does not say (docs/EVENTS.md: 1 high ... 3 low).
constexpr uint8_t kDefaultSeverity = 2;

struct Indicator {
  IndicatorType type = IndicatorType::Addr;
  // Canonical text: "203.0.113.7", "203.0.113.0/24", "example.com", "example.com/path".
  std::string value;
  std::string pack;         // the file name it came from, without its folder
  std::string source;       // who published it (Zeek meta.source, a STIX identity, ...)
  std::string name;         // STIX name or id; "" when the format has none
  std::string description;  // free text; extra Zeek columns as "key=value; ..."
  uint8_t severity = kDefaultSeverity;
};

// Checks and canonicalises an indicator's value for its type: an address or network parsed (a
// network's host bits cleared), a domain lower-cased without its trailing dot, a URL without its
// scheme and port, host lower-cased. Error: what is wrong, one line, without the place.
Result<std::string> canonicalValue(IndicatorType type, std::string_view text);

// A name as the matcher compares it: lower case, without a trailing dot.
std::string normalizeDomain(std::string_view name);

class IndicatorSet {
 public:
  // Adds one indicator whose value is already canonical (canonicalValue). A value the set already
  // holds keeps its first indicator (the earlier pack, the earlier line) and counts a duplicate.
  // Error when the set holds kMaxIndicators already.
  Status add(Indicator indicator);

  size_t size() const { return indicators_.size(); }
  bool empty() const { return indicators_.empty(); }
  size_t duplicates() const { return duplicates_; }
  const std::vector<Indicator>& indicators() const { return indicators_; }

  // The most specific indicator holding `ip`: an address before the longest network.
  const Indicator* matchAddress(const IpAddress& ip) const;
  // The indicator of `name` or of the closest parent domain: "a.b.example.com" matches an
  // indicator "example.com". `name` in any case, with or without its trailing dot.
  const Indicator* matchDomain(std::string_view name) const;
  // The URL indicator for this host whose path is the longest prefix of `path` ending at a path
  // segment boundary: "/pm" matches "/pm", "/pm/x" and "/pm?x", not "/pmx".
  const Indicator* matchUrl(std::string_view host, std::string_view path) const;

 private:
  struct Key128 {
    uint64_t hi = 0, lo = 0;
    friend bool operator==(const Key128&, const Key128&) = default;
  };
  struct KeyHash {
    size_t operator()(const Key128& k) const { return std::hash<uint64_t>{}(k.hi ^ (k.lo * 31)); }
  };
  static Key128 masked(const IpAddress& ip, int bits);
  bool addAddress(const IpAddress& ip, int bits, uint32_t index);

  std::vector<Indicator> indicators_;
  size_t duplicates_ = 0;
  // Addresses and networks, by prefix length in the 128-bit (IPv4-mapped) space: the masked
  // address to its indicator. A lookup tries each length present, longest first.
  std::map<int, std::unordered_map<Key128, uint32_t, KeyHash>, std::greater<>> by_prefix_;
  std::unordered_map<std::string, uint32_t> domains_;
  // Host to its (path prefix, indicator), longest prefix first.
  std::unordered_map<std::string, std::vector<std::pair<std::string, uint32_t>>> urls_;
};

}  // namespace medtap::intel
