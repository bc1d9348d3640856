#include "inventory/oui.h"

#include <fstream>
#include <sstream>

#include "core/csv.h"

namespace medtap::inventory {

namespace {

constexpr int kBits[3] = {24, 28, 36};

uint64_t macBits(const MacAddress& mac) {
  uint64_t v = 0;
  for (uint8_t b : mac.bytes) v = (v << 8) | b;
  return v;  // 48 bits
}

std::optional<uint64_t> parseHex(std::string_view hex) {
  uint64_t v = 0;
  for (char c : hex) {
    int n = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (n < 0) return std::nullopt;
    v = (v << 4) | static_cast<uint64_t>(n);
  }
  return v;
}

}  // namespace

void OuiRegistry::add(std::string_view hex_prefix, std::string organization) {
  auto v = parseHex(hex_prefix);
  if (!v) return;
  for (size_t i = 0; i < 3; ++i) {
    if (hex_prefix.size() * 4 == static_cast<size_t>(kBits[i])) {
      blocks_[i].emplace(*v, std::move(organization));
      return;
    }
  }
}

Result<OuiRegistry> OuiRegistry::load(const std::string& directory) {
  OuiRegistry reg;
  for (const char* name : {"oui.csv", "mam.csv", "oui36.csv", "iab.csv"}) {
    const std::string path = directory + "/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      if (std::string_view(name) == "oui.csv") {
        return Error{path + ": cannot read the IEEE registry (Debian package ieee-data)"};
      }
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto status = forEachCsvRow(text.str(), [&](size_t line, std::vector<std::string>& f) {
      // Registry,Assignment,Organization Name,Organization Address; the header row skipped.
      if (line == 1 || f.size() < 3) return;
      reg.add(f[1], std::move(f[2]));
    });
    if (!status) return Error{path + ": " + status.error()};
  }
  return reg;
}

std::optional<std::string_view> OuiRegistry::lookup(const MacAddress& mac) const {
  if (mac.isLocallyAdministered() || mac.isMulticast()) return std::nullopt;
  const uint64_t bits = macBits(mac);
  for (int i = 2; i >= 0; --i) {
    auto it = blocks_[i].find(bits >> (48 - kBits[i]));
    if (it != blocks_[i].end()) return std::string_view(it->second);
  }
  return std::nullopt;
}

}  // namespace medtap::inventory
