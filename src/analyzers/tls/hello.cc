#include "analyzers/tls/hello.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "analyzers/tls/limits.h"

namespace medtap::analyzers::tls {

namespace {

constexpr size_t kRandomSize = 32;
// SHA-256("HelloRetryRequest"), the ServerHello.random of a HelloRetryRequest (RFC 8446 section
// 4.1.3).
constexpr std::array<uint8_t, kRandomSize> kHelloRetryRandom = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

// A bounds-checked cursor over a message body: every read fails once past the end, and the
// failure sticks (checked once at the end of a parse).
class Reader {
 public:
  explicit Reader(Bytes b) : b_(b) {}
  bool ok() const { return ok_; }
  size_t left() const { return ok_ ? b_.size() - pos_ : 0; }
  uint8_t u8() {
    if (!need(1)) return 0;
    return b_[pos_++];
  }
  uint16_t u16() {
    if (!need(2)) return 0;
    const uint16_t v = readBe16(b_, pos_);
    pos_ += 2;
    return v;
  }
  Bytes take(size_t n) {
    if (!need(n)) return {};
    const Bytes v = b_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  // A vector with a 1- or 2-byte length prefix.
  Bytes vec8() { return take(u8()); }
  Bytes vec16() { return take(u16()); }

 private:
  bool need(size_t n) {
    if (!ok_ || b_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  Bytes b_;
  size_t pos_ = 0;
  bool ok_ = true;
};

std::vector<uint16_t> u16List(Bytes b) {
  std::vector<uint16_t> out;
  out.reserve(b.size() / 2);
  for (size_t i = 0; i + 1 < b.size(); i += 2) out.push_back(readBe16(b, i));
  return out;
}

std::string bytesToString(Bytes b, size_t limit) {
  const std::string_view s = asChars(b);
  return std::string(s.substr(0, limit));
}

void parseSni(Bytes ext, ClientHello& ch) {
  Reader r(ext);
  Reader list(r.vec16());
  while (list.ok() && list.left() > 0) {
    const uint8_t type = list.u8();
    const Bytes name = list.vec16();
    if (list.ok() && type == 0) {  // host_name (RFC 6066 section 3)
      ch.sni = bytesToString(name, kMaxNameLength);
      return;
    }
  }
}

std::vector<std::string> parseAlpn(Bytes ext) {
  std::vector<std::string> out;
  Reader r(ext);
  Reader list(r.vec16());  // ProtocolNameList (RFC 7301 section 3.1)
  while (list.ok() && list.left() > 0 && out.size() < kMaxAlpnValues) {
    const Bytes name = list.vec8();
    if (list.ok()) out.push_back(bytesToString(name, kMaxNameLength));
  }
  return out;
}

void appendJoined(std::string& out, const std::vector<uint16_t>& values) {
  bool first = true;
  for (uint16_t v : values) {
    if (isGrease(v)) continue;
    if (!first) out.push_back('-');
    first = false;
    out.append(std::to_string(v));
  }
}

std::string hexDigest(const EVP_MD* md, std::string_view text, size_t hex_chars) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, md, nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len && out.size() < hex_chars; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  out.resize(std::min(out.size(), hex_chars));
  return out;
}

void appendHex4(std::string& out, uint16_t v) {
  char buf[5];
  std::snprintf(buf, sizeof buf, "%04x", v);
  out.append(buf, 4);
}

std::vector<uint16_t> withoutGrease(const std::vector<uint16_t>& v) {
  std::vector<uint16_t> out;
  out.reserve(v.size());
  for (uint16_t x : v) {
    if (!isGrease(x)) out.push_back(x);
  }
  return out;
}

std::string hexList(const std::vector<uint16_t>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    appendHex4(out, values[i]);
  }
  return out;
}

bool isAlnum(uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

std::string_view ja4Version(uint16_t v) {
  switch (v) {
    case 0x0304:
      return "13";
    case 0x0303:
      return "12";
    case 0x0302:
      return "11";
    case 0x0301:
      return "10";
    case 0x0300:
      return "s3";
    case 0x0002:
      return "s2";
    case 0xfeff:
      return "d1";
    case 0xfefd:
      return "d2";
    case 0xfefc:
      return "d3";
    default:
      return "00";
  }
}

}  // namespace

std::optional<ClientHello> parseClientHello(Bytes body) {
  ClientHello ch;
  Reader r(body);
  ch.legacy_version = r.u16();
  r.take(32);  // random
  r.vec8();    // legacy_session_id
  ch.ciphers = u16List(r.vec16());
  r.vec8();  // legacy_compression_methods
  if (!r.ok()) return std::nullopt;
  if (r.left() == 0) return ch;  // no extensions (RFC 5246 section 7.4.1.2 allows it)
  Reader exts(r.vec16());
  if (!r.ok()) return std::nullopt;
  while (exts.ok() && exts.left() > 0) {
    const uint16_t type = exts.u16();
    const Bytes data = exts.vec16();
    if (!exts.ok()) return std::nullopt;
    ch.extensions.push_back(type);
    switch (type) {
      case kExtServerName:
        parseSni(data, ch);
        break;
      case kExtSupportedGroups:
        ch.groups = u16List(Reader(data).vec16());
        break;
      case kExtEcPointFormats: {
        const Bytes f = Reader(data).vec8();
        ch.point_formats.assign(f.begin(), f.end());
        break;
      }
      case kExtSignatureAlgorithms:
        ch.signature_algorithms = u16List(Reader(data).vec16());
        break;
      case kExtAlpn:
        ch.alpn = parseAlpn(data);
        break;
      case kExtSupportedVersions:
        ch.supported_versions = u16List(Reader(data).vec8());
        break;
      default:
        break;
    }
  }
  return ch;
}

std::optional<ServerHello> parseServerHello(Bytes body) {
  ServerHello sh;
  Reader r(body);
  sh.legacy_version = r.u16();
  const Bytes random = r.take(kRandomSize);
  sh.hello_retry_request =
      std::equal(random.begin(), random.end(), kHelloRetryRandom.begin(), kHelloRetryRandom.end());
  r.vec8();
  sh.cipher = r.u16();
  r.u8();  // legacy_compression_method
  if (!r.ok()) return std::nullopt;
  if (r.left() == 0) return sh;
  Reader exts(r.vec16());
  if (!r.ok()) return std::nullopt;
  while (exts.ok() && exts.left() > 0) {
    const uint16_t type = exts.u16();
    const Bytes data = exts.vec16();
    if (!exts.ok()) return std::nullopt;
    sh.extensions.push_back(type);
    if (type == kExtSupportedVersions && data.size() == 2) {
      sh.selected_version = readBe16(data, 0);
    } else if (type == kExtAlpn) {
      const auto alpn = parseAlpn(data);
      if (!alpn.empty()) sh.alpn = alpn.front();
    }
  }
  return sh;
}

std::string ja3String(const ClientHello& ch) {
  std::string s = std::to_string(ch.legacy_version);
  s.push_back(',');
  appendJoined(s, ch.ciphers);
  s.push_back(',');
  appendJoined(s, ch.extensions);
  s.push_back(',');
  appendJoined(s, ch.groups);
  s.push_back(',');
  for (size_t i = 0; i < ch.point_formats.size(); ++i) {
    if (i > 0) s.push_back('-');
    s.append(std::to_string(ch.point_formats[i]));
  }
  return s;
}

std::string ja3sString(const ServerHello& sh) {
  std::string s = std::to_string(sh.legacy_version);
  s.push_back(',');
  s.append(std::to_string(sh.cipher));
  s.push_back(',');
  appendJoined(s, sh.extensions);
  return s;
}

std::string md5Hex(std::string_view text) {
  return hexDigest(EVP_md5(), text, 32);
}

std::string sha256Hex12(std::string_view text) {
  return hexDigest(EVP_sha256(), text, 12);
}

std::string ja4CipherString(const ClientHello& ch) {
  std::vector<uint16_t> c = withoutGrease(ch.ciphers);
  std::sort(c.begin(), c.end());
  return hexList(c);
}

std::string ja4ExtensionString(const ClientHello& ch) {
  std::vector<uint16_t> e;
  for (uint16_t x : withoutGrease(ch.extensions)) {
    if (x != kExtServerName && x != kExtAlpn) e.push_back(x);
  }
  std::sort(e.begin(), e.end());
  std::string s = hexList(e);
  const std::vector<uint16_t> sig = withoutGrease(ch.signature_algorithms);
  if (!sig.empty()) {
    s.push_back('_');
    s.append(hexList(sig));
  }
  return s;
}

std::string ja4(const ClientHello& ch) {
  std::string s = "t";
  uint16_t version = ch.legacy_version;
  const std::vector<uint16_t> versions = withoutGrease(ch.supported_versions);
  if (!versions.empty()) version = *std::max_element(versions.begin(), versions.end());
  s.append(ja4Version(version));
  const std::vector<uint16_t> exts = withoutGrease(ch.extensions);
  s.push_back(std::find(exts.begin(), exts.end(), kExtServerName) != exts.end() ? 'd' : 'i');
  const size_t ciphers = std::min<size_t>(withoutGrease(ch.ciphers).size(), 99);
  const size_t ext_count = std::min<size_t>(exts.size(), 99);
  char counts[5];
  std::snprintf(counts, sizeof counts, "%02zu%02zu", ciphers, ext_count);
  s.append(counts, 4);
  if (ch.alpn.empty() || ch.alpn.front().empty()) {
    s.append("00");
  } else {
    const std::string& a = ch.alpn.front();
    const auto first = static_cast<uint8_t>(a.front());
    const auto last = static_cast<uint8_t>(a.back());
    if (isAlnum(first) && isAlnum(last)) {
      s.push_back(static_cast<char>(first));
      s.push_back(static_cast<char>(last));
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      s.push_back(kHex[first >> 4]);
      s.push_back(kHex[last & 0xF]);
    }
  }
  s.push_back('_');
  s.append(ciphers == 0 ? std::string(12, '0') : sha256Hex12(ja4CipherString(ch)));
  s.push_back('_');
  const bool no_ext = std::all_of(exts.begin(), exts.end(),
                                  [](uint16_t x) { return x == kExtServerName || x == kExtAlpn; });
  s.append(no_ext ? std::string(12, '0') : sha256Hex12(ja4ExtensionString(ch)));
  return s;
}

std::string_view versionName(uint16_t version) {
  switch (version) {
    case 0x0002:
      return "SSLv2";
    case 0x0300:
      return "SSLv3";
    case 0x0301:
      return "TLSv1";
    case 0x0302:
      return "TLS 1.1";
    case 0x0303:
      return "TLS 1.2";
    case 0x0304:
      return "TLS 1.3";
    default:
      return "UNDETERMINED";
  }
}

}  // namespace medtap::analyzers::tls
