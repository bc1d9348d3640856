#include "core/address.h"

#include <arpa/inet.h>

#include <charconv>

namespace medtap {

IpAddress IpAddress::v4(uint32_t host_order) {
  IpAddress a;
  a.family_ = IpFamily::V4;
  a.bytes_[10] = 0xff;
  a.bytes_[11] = 0xff;
  a.bytes_[12] = static_cast<uint8_t>(host_order >> 24);
  a.bytes_[13] = static_cast<uint8_t>(host_order >> 16);
  a.bytes_[14] = static_cast<uint8_t>(host_order >> 8);
  a.bytes_[15] = static_cast<uint8_t>(host_order);
  return a;
}

IpAddress IpAddress::v4(Bytes four_bytes) {
  return v4(readBe32(four_bytes, 0));
}

IpAddress IpAddress::v6(Bytes sixteen_bytes) {
  IpAddress a;
  a.family_ = IpFamily::V6;
  std::memcpy(a.bytes_.data(), sixteen_bytes.data(), 16);
  return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buf)) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  uint8_t raw[16];
  if (inet_pton(AF_INET, buf, raw) == 1) return v4(Bytes(raw, 4));
  if (inet_pton(AF_INET6, buf, raw) == 1) return v6(Bytes(raw, 16));
  return std::nullopt;
}

void IpAddress::appendTo(std::string& out) const {
  char buf[INET6_ADDRSTRLEN];
  if (family_ == IpFamily::V4) {
    // Hand-rolled dotted quad: this runs for every event written.
    for (int i = 12; i < 16; ++i) {
      char digits[4];
      auto [end, ec] = std::to_chars(digits, digits + 4, bytes_[i]);
      out.append(digits, end);
      if (i != 15) out.push_back('.');
    }
    return;
  }
  if (family_ == IpFamily::V6 && inet_ntop(AF_INET6, bytes_.data(), buf, sizeof(buf)) != nullptr) {
    out.append(buf);
  }
}

std::string IpAddress::toString() const {
  std::string s;
  appendTo(s);
  return s;
}

std::optional<IpNetwork> IpNetwork::parse(std::string_view text) {
  auto slash = text.find('/');
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  int max_prefix = addr->isV4() ? 32 : 128;
  int prefix = max_prefix;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (ec != std::errc() || p != digits.data() + digits.size() || prefix < 0 ||
        prefix > max_prefix) {
      return std::nullopt;
    }
  }
  IpNetwork n;
  n.address_ = *addr;
  n.prefix_ = prefix;
  return n;
}

bool IpNetwork::contains(const IpAddress& a) const {
  if (a.family() != address_.family()) return false;
  int bits = address_.isV4() ? prefix_ + 96 : prefix_;
  const auto& x = a.bytes();
  const auto& y = address_.bytes();
  int full = bits / 8;
  if (std::memcmp(x.data(), y.data(), static_cast<size_t>(full)) != 0) return false;
  int rest = bits % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (x[full] & mask) == (y[full] & mask);
}

std::string IpNetwork::toString() const {
  return address_.toString() + "/" + std::to_string(prefix_);
}

std::string MacAddress::toString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(17, ':');
  for (size_t i = 0; i < 6; ++i) {
    s[i * 3] = kHex[bytes[i] >> 4];
    s[i * 3 + 1] = kHex[bytes[i] & 0xf];
  }
  return s;
}

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
  MacAddress m;
  size_t pos = 0;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < 6; ++i) {
    if (i > 0 && pos < text.size() && (text[pos] == ':' || text[pos] == '-')) ++pos;
    if (pos + 2 > text.size()) return std::nullopt;
    int hi = nibble(text[pos]), lo = nibble(text[pos + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    m.bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
    pos += 2;
  }
  if (pos != text.size()) return std::nullopt;
  return m;
}

bool MacAddress::isBroadcast() const {
  for (uint8_t b : bytes)
    if (b != 0xff) return false;
  return true;
}

}  // namespace medtap
