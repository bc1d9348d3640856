#include "intel/indicator.h"

#include <algorithm>
#include <array>

namespace medtap::intel {

namespace {

// An indicator value longer than this is a mistake (a pasted file): the longest URL browsers
// keep in practice is 2,083 characters (Internet Explorer's limit).
constexpr size_t kMaxValueLength = 2083;
// RFC 1035 2.3.4: 63 octets a label, 255 a name in wire form (253 in text).
constexpr size_t kMaxLabelLength = 63;
constexpr size_t kMaxNameLength = 253;

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string quoted(std::string_view s) {
  constexpr size_t kShown = 60;
  std::string out = "'";
  for (char c : s.substr(0, kShown)) {
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  }
  return out + (s.size() > kShown ? "...'" : "'");
}

// A host name as the matcher keeps it; error when it is not one.
Result<std::string> canonicalDomain(std::string_view text) {
  std::string name = normalizeDomain(text);
  // Feeds often write "*.example.com" for what medtap matches with "example.com" anyway.
  if (name.size() > 2 && name.compare(0, 2, "*.") == 0) name.erase(0, 2);
  if (name.empty()) return Error{"empty domain"};
  if (name.size() > kMaxNameLength) {
    return Error{"domain longer than " + std::to_string(kMaxNameLength) + " characters"};
  }
  size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return Error{quoted(text) + " has an empty label"};
      label = 0;
    } else if (!isNameChar(c)) {
      return Error{quoted(text) + " is not a domain name"};
    } else if (++label > kMaxLabelLength) {
      return Error{quoted(text) + " has a label longer than 63 characters"};
    }
  }
  if (label == 0) return Error{quoted(text) + " has an empty label"};
  return name;
}

Result<std::string> canonicalNetwork(std::string_view text) {
  auto net = IpNetwork::parse(text);
  if (!net) return Error{quoted(text) + " is not a CIDR network"};
  const int bits = net->address().isV4() ? 96 + net->prefixLength() : net->prefixLength();
  std::array<uint8_t, 16> b = net->address().bytes();
  for (int i = 0; i < 16; ++i) {
    const int keep = std::clamp(bits - i * 8, 0, 8);
    b[static_cast<size_t>(i)] &= static_cast<uint8_t>(0xff00 >> keep);
  }
  IpAddress a = net->address().isV4() ? IpAddress::v4(Bytes(b.data() + 12, 4))
                                      : IpAddress::v6(Bytes(b.data(), 16));
  return a.toString() + "/" + std::to_string(net->prefixLength());
}

Result<std::string> canonicalUrl(std::string_view text) {
  std::string_view rest = text;
  if (size_t scheme = rest.find("://"); scheme != std::string_view::npos) {
    rest.remove_prefix(scheme + 3);
  }
  size_t path_at = rest.find_first_of("/?#");
  std::string_view host = rest.substr(0, path_at);
  std::string_view path = path_at == std::string_view::npos ? "" : rest.substr(path_at);
  if (size_t hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
  if (!path.empty() && path.front() == '?') return Error{quoted(text) + " has no path before '?'"};
  if (host.size() > 2 && host.front() == '[') {  // an IPv6 literal, RFC 3986 3.2.2
    size_t close = host.find(']');
    if (close == std::string_view::npos) return Error{quoted(text) + " has an unclosed '['"};
    host = host.substr(1, close - 1);
    auto ip = IpAddress::parse(host);
    if (!ip) return Error{quoted(text) + " has a bad IPv6 literal"};
    return "[" + ip->toString() + "]" + std::string(path);
  }
  if (size_t colon = host.rfind(':'); colon != std::string_view::npos) host = host.substr(0, colon);
  auto name = canonicalDomain(host);
  if (!name) return Error{quoted(text) + " has no valid host"};
  for (char c : path) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Error{quoted(text) + " has a space or control character in its path"};
    }
  }
  return name.value() + std::string(path);
}

}  // namespace

std::string_view typeName(IndicatorType type) {
  switch (type) {
    case IndicatorType::Addr:
      return "addr";
    case IndicatorType::Subnet:
      return "subnet";
    case IndicatorType::Domain:
      return "domain";
    case IndicatorType::Url:
      return "url";
  }
  return "?";
}

std::string normalizeDomain(std::string_view name) {
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

Result<std::string> canonicalValue(IndicatorType type, std::string_view text) {
  text = trimmed(text);
  if (text.empty()) return Error{"empty indicator"};
  if (text.size() > kMaxValueLength) {
    return Error{"indicator longer than " + std::to_string(kMaxValueLength) + " characters"};
  }
  switch (type) {
    case IndicatorType::Addr: {
      auto ip = IpAddress::parse(text);
      if (!ip) return Error{quoted(text) + " is not an IP address"};
      return ip->toString();
    }
    case IndicatorType::Subnet:
      return canonicalNetwork(text);
    case IndicatorType::Domain:
      return canonicalDomain(text);
    case IndicatorType::Url:
      return canonicalUrl(text);
  }
  return Error{"unknown indicator type"};
}

IndicatorSet::Key128 IndicatorSet::masked(const IpAddress& ip, int bits) {
  Key128 k;
  const auto& b = ip.bytes();
  for (int i = 0; i < 8; ++i) k.hi = (k.hi << 8) | b[static_cast<size_t>(i)];
  for (int i = 8; i < 16; ++i) k.lo = (k.lo << 8) | b[static_cast<size_t>(i)];
  if (bits < 64) {
    k.hi = bits == 0 ? 0 : k.hi & (~uint64_t{0} << (64 - bits));
    k.lo = 0;
  } else if (bits < 128) {
    k.lo = bits == 64 ? 0 : k.lo & (~uint64_t{0} << (128 - bits));
  }
  return k;
}

bool IndicatorSet::addAddress(const IpAddress& ip, int bits, uint32_t index) {
  return by_prefix_[bits].try_emplace(masked(ip, bits), index).second;
}

Status IndicatorSet::add(Indicator indicator) {
  if (indicators_.size() >= kMaxIndicators) {
    return Error{"more than " + std::to_string(kMaxIndicators) +
                 " indicators (intel::kMaxIndicators)"};
  }
  const auto index = static_cast<uint32_t>(indicators_.size());
  bool added = false;
  switch (indicator.type) {
    case IndicatorType::Addr:
    case IndicatorType::Subnet: {
      auto net = IpNetwork::parse(indicator.value);
      if (!net) return Error{"'" + indicator.value + "' is not canonical"};
      const int bits = net->address().isV4() ? 96 + net->prefixLength() : net->prefixLength();
      added = addAddress(net->address(), bits, index);
      break;
    }
    case IndicatorType::Domain:
      added = domains_.try_emplace(indicator.value, index).second;
      break;
    case IndicatorType::Url: {
      const std::string& v = indicator.value;
      size_t slash = v.front() == '[' ? v.find(']') + 1 : v.find('/');
      std::string host = v.substr(0, slash);
      std::string path = slash == std::string::npos ? "" : v.substr(slash);
      auto& paths = urls_[host];
      added =
          std::none_of(paths.begin(), paths.end(), [&](const auto& p) { return p.first == path; });
      if (added) {
        paths.emplace_back(path, index);
        std::stable_sort(paths.begin(), paths.end(), [](const auto& a, const auto& b) {
          return a.first.size() > b.first.size();
        });
      }
      break;
    }
  }
  if (!added) {
    ++duplicates_;
    return Ok{};
  }
  indicators_.push_back(std::move(indicator));
  return Ok{};
}

const Indicator* IndicatorSet::matchAddress(const IpAddress& ip) const {
  if (ip.family() == IpFamily::None) return nullptr;
  for (const auto& [bits, table] : by_prefix_) {
    if (ip.isV4() && bits < 96) break;  // shorter: IPv6 networks only, which hold no IPv4
    auto it = table.find(masked(ip, bits));
    if (it != table.end()) return &indicators_[it->second];
  }
  return nullptr;
}

const Indicator* IndicatorSet::matchDomain(std::string_view name) const {
  if (domains_.empty() || name.empty() || name.size() > kMaxNameLength + 1) return nullptr;
  std::string n = normalizeDomain(name);
  std::string_view rest = n;
  while (!rest.empty()) {
    auto it = domains_.find(std::string(rest));
    if (it != domains_.end()) return &indicators_[it->second];
    size_t dot = rest.find('.');
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return nullptr;
}

const Indicator* IndicatorSet::matchUrl(std::string_view host, std::string_view path) const {
  if (urls_.empty()) return nullptr;
  std::string h = normalizeDomain(host);
  if (auto ip = IpAddress::parse(h); ip && !ip->isV4()) h = "[" + ip->toString() + "]";
  auto it = urls_.find(h);
  if (it == urls_.end()) return nullptr;
  for (const auto& [prefix, index] : it->second) {
    if (path.substr(0, prefix.size()) != prefix) continue;
    const bool boundary =
        prefix.empty() || path.size() == prefix.size() || prefix.back() == '/' ||
        std::string_view("/?#;").find(path[prefix.size()]) != std::string_view::npos;
    if (boundary) return &indicators_[index];
  }
  return nullptr;
}

}  // namespace medtap::intel
