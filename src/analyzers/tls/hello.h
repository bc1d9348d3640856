// Pure parsers for the ClientHello and ServerHello bodies (RFC 8446 sections 4.1.2-4.1.3,
// RFC 5246 section 7.4.1) and the JA3 / JA3S / JA4 fingerprints computed from them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"

namespace medtap::analyzers::tls {

// Extension types used here (IANA "TLS ExtensionType Values").
constexpr uint16_t kExtServerName = 0;
constexpr uint16_t kExtSupportedGroups = 10;
constexpr uint16_t kExtEcPointFormats = 11;
constexpr uint16_t kExtSignatureAlgorithms = 13;
constexpr uint16_t kExtAlpn = 16;
constexpr uint16_t kExtSupportedVersions = 43;

// RFC 8701 GREASE values: 0x0A0A, 0x1A1A, ... 0xFAFA.
constexpr bool isGrease(uint16_t v) {
  return (v & 0x0F0F) == 0x0A0A && (v >> 8) == (v & 0xFF);
}

struct ClientHello {
  uint16_t legacy_version = 0;
  std::vector<uint16_t> ciphers;     // in wire order, GREASE included
  std::vector<uint16_t> extensions;  // types in wire order, GREASE included
  std::vector<uint16_t> groups;      // supported_groups
  std::vector<uint8_t> point_formats;
  std::vector<uint16_t> signature_algorithms;
  std::vector<uint16_t> supported_versions;
  std::string sni;  // first host_name of server_name
  std::vector<std::string> alpn;
};

struct ServerHello {
  uint16_t legacy_version = 0;
  uint16_t cipher = 0;
  std::vector<uint16_t> extensions;
  std::optional<uint16_t> selected_version;  // supported_versions
  std::string alpn;
  // A TLS 1.3 HelloRetryRequest: a ServerHello whose random is the fixed SHA-256 of
  // "HelloRetryRequest" (RFC 8446 section 4.1.3); the client answers with a second ClientHello.
  bool hello_retry_request = false;
  // The negotiated version: supported_versions when present, else legacy_version.
  uint16_t version() const { return selected_version.value_or(legacy_version); }
};

// `body` is the handshake message body (after the 4-byte handshake header). nullopt when it is
// malformed (a length runs past its container).
std::optional<ClientHello> parseClientHello(Bytes body);
std::optional<ServerHello> parseServerHello(Bytes body);

// JA3 (salesforce/ja3): "SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats",
// decimal values joined by '-', GREASE values removed; the hash is its MD5 in lowercase hex.
std::string ja3String(const ClientHello& ch);
// JA3S: "SSLVersion,Cipher,Extensions".
std::string ja3sString(const ServerHello& sh);
std::string md5Hex(std::string_view text);
// The first 12 hex digits of SHA-256 (JA4's truncated hashes).
std::string sha256Hex12(std::string_view text);
// JA4 TLS client fingerprint (FoxIO JA4 spec, "JA4: TLS Client Fingerprint"): over TCP ("t").
std::string ja4(const ClientHello& ch);
// JA4's intermediate strings, for tests: sorted ciphers, and sorted extensions "_" sigalgs.
std::string ja4CipherString(const ClientHello& ch);
std::string ja4ExtensionString(const ClientHello& ch);

// Suricata's names: "SSLv2", "SSLv3", "TLSv1", "TLS 1.1", "TLS 1.2", "TLS 1.3", else
// "UNDETERMINED".
std::string_view versionName(uint16_t version);

}  // namespace medtap::analyzers::tls
