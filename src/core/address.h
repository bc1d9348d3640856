// Network addresses as small values: an IP address of either family, a CIDR network, a MAC.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"

namespace medtap {

enum class IpFamily : uint8_t { None, V4, V6 };

// IPv4 is stored as the IPv4-mapped IPv6 form (::ffff:a.b.c.d) so that both families compare and
// hash the same way; family() says which it is.
class IpAddress {
 public:
  IpAddress() = default;
  static IpAddress v4(uint32_t host_order);
  static IpAddress v4(Bytes four_bytes);
  static IpAddress v6(Bytes sixteen_bytes);
  static std::optional<IpAddress> parse(std::string_view text);

  IpFamily family() const { return family_; }
  bool isV4() const { return family_ == IpFamily::V4; }
  uint32_t v4HostOrder() const { return readBe32(Bytes(bytes_), 12); }
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }

  std::string toString() const;
  void appendTo(std::string& out) const;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  std::array<uint8_t, 16> bytes_{};
  IpFamily family_ = IpFamily::None;
};

// A CIDR block such as 202.114.4.0/24 or fd00::/8.
class IpNetwork {
 public:
  static std::optional<IpNetwork> parse(std::string_view text);
  bool contains(const IpAddress& a) const;
  const IpAddress& address() const { return address_; }
  int prefixLength() const { return prefix_; }
  std::string toString() const;

 private:
  IpAddress address_;
  int prefix_ = 0;  // In the address's own family: 0-32 for IPv4, 0-128 for IPv6.
};

struct MacAddress {
  std::array<uint8_t, 6> bytes{};

  static MacAddress from(Bytes six_bytes) {
    MacAddress m;
    std::memcpy(m.bytes.data(), six_bytes.data(), 6);
    return m;
  }
  // "00:1b:2c:3d:4e:5f" or "00-1B-2C-3D-4E-5F" (either case, ':' or '-' or none between bytes).
  static std::optional<MacAddress> parse(std::string_view text);
  std::string toString() const;  // "00:1b:2c:3d:4e:5f"
  // The locally administered bit: a randomised or assigned address, not from the IEEE registry.
  bool isLocallyAdministered() const { return (bytes[0] & 2) != 0; }
  bool isBroadcast() const;
  bool isMulticast() const { return (bytes[0] & 1) != 0; }
  friend auto operator<=>(const MacAddress&, const MacAddress&) = default;
  friend bool operator==(const MacAddress&, const MacAddress&) = default;
};

}  // namespace medtap
