// Builds synthetic TLS handshake messages and records for the tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace medtap::analyzers::tls::testing {

inline void put16(std::string& s, uint16_t v) {
  s.push_back(static_cast<char>(v >> 8));
  s.push_back(static_cast<char>(v & 0xFF));
}
inline void put24(std::string& s, size_t v) {
  s.push_back(static_cast<char>((v >> 16) & 0xFF));
  s.push_back(static_cast<char>((v >> 8) & 0xFF));
  s.push_back(static_cast<char>(v & 0xFF));
}
inline std::string ext(uint16_t type, const std::string& data) {
  std::string s;
  put16(s, type);
  put16(s, static_cast<uint16_t>(data.size()));
  return s + data;
}
inline std::string vec16(const std::vector<uint16_t>& v) {
  std::string s;
  put16(s, static_cast<uint16_t>(v.size() * 2));
  for (uint16_t x : v) put16(s, x);
  return s;
}

// handshake header + body
inline std::string handshake(uint8_t type, const std::string& body) {
  std::string s(1, static_cast<char>(type));
  put24(s, body.size());
  return s + body;
}

// Wraps handshake bytes in handshake records of at most `max_record` bytes each.
inline std::string records(const std::string& payload, size_t max_record = 16384,
                           uint8_t content_type = 22) {
  std::string out;
  for (size_t pos = 0; pos < payload.size(); pos += max_record) {
    const std::string part = payload.substr(pos, max_record);
    out.push_back(static_cast<char>(content_type));
    out.push_back('\x03');
    out.push_back('\x01');
    put16(out, static_cast<uint16_t>(part.size()));
    out += part;
  }
  return out;
}

inline std::string clientHelloBody(const std::string& sni, const std::string& alpn) {
  std::string b;
  put16(b, 0x0303);
  b += std::string(32, '\x11');
  b.push_back('\0');                             // session id
  b += vec16({0x0a0a, 0x1301, 0xc02b, 0x002f});  // GREASE + 3 suites
  b += std::string("\x01\x00", 2);               // compression: null
  std::string exts;
  exts += ext(0x1a1a, "");  // GREASE extension
  std::string sni_list;
  sni_list.push_back('\0');
  put16(sni_list, static_cast<uint16_t>(sni.size()));
  sni_list += sni;
  std::string sni_ext;
  put16(sni_ext, static_cast<uint16_t>(sni_list.size()));
  exts += ext(0x0000, sni_ext + sni_list);
  exts += ext(0x000a, vec16({0x2a2a, 0x001d, 0x0017}));
  exts += ext(0x000b, std::string("\x01\x00", 2));
  exts += ext(0x000d, vec16({0x0403, 0x0804}));
  std::string alpn_list;
  alpn_list.push_back(static_cast<char>(alpn.size()));
  alpn_list += alpn;
  std::string alpn_ext;
  put16(alpn_ext, static_cast<uint16_t>(alpn_list.size()));
  exts += ext(0x0010, alpn_ext + alpn_list);
  exts += ext(0x002b, std::string("\x04\x03\x04\x03\x03", 5));
  put16(b, static_cast<uint16_t>(exts.size()));
  return b + exts;
}

inline std::string serverHelloBody(uint16_t version_ext) {
  std::string b;
  put16(b, 0x0303);
  b += std::string(32, '\x22');
  b.push_back('\0');
  put16(b, 0xc02b);
  b.push_back('\0');
  std::string exts = ext(0xff01, std::string(1, '\0'));
  if (version_ext != 0) {
    std::string v;
    put16(v, version_ext);
    exts += ext(0x002b, v);
  }
  put16(b, static_cast<uint16_t>(exts.size()));
  return b + exts;
}

}  // namespace medtap::analyzers::tls::testing
