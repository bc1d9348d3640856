#include "simulate/tls.h"

#include "simulate/byte_writer.h"

namespace medtap::simulate::tls {

namespace {

constexpr uint8_t kHandshake = 22;
constexpr uint8_t kChangeCipherSpec = 20;
constexpr uint8_t kApplicationData = 23;
constexpr size_t kMaxRecordPlaintext = 16384;
constexpr size_t kAeadOverhead = 17;  // 16-byte tag + inner content type

void randomBytes(ByteWriter& w, Rng& rng, size_t n) {
  while (n >= 8) {
    const uint64_t v = rng.next();
    for (int i = 0; i < 8; ++i) w.u8(static_cast<uint8_t>(v >> (8 * i)));
    n -= 8;
  }
  const uint64_t v = rng.next();
  for (size_t i = 0; i < n; ++i) w.u8(static_cast<uint8_t>(v >> (8 * i)));
}

// Opens a length-prefixed block of `width` bytes; close() patches the length in.
struct Block {
  std::string& out;
  size_t at;
  int width;
  Block(std::string& o, int w) : out(o), at(o.size()), width(w) {
    out.append(static_cast<size_t>(w), '\0');
  }
  void close() {
    const size_t len = out.size() - at - static_cast<size_t>(width);
    for (int i = 0; i < width; ++i) {
      out[at + static_cast<size_t>(i)] = static_cast<char>(len >> (8 * (width - 1 - i)));
    }
  }
};

void extension(std::string& out, uint16_t type, std::string_view body) {
  ByteWriter w(out);
  w.be16(type);
  w.be16(static_cast<uint16_t>(body.size()));
  w.bytes(body);
}

std::string u16s(std::initializer_list<uint16_t> v, int prefix_bytes) {
  std::string s;
  ByteWriter w(s);
  if (prefix_bytes == 2) w.be16(static_cast<uint16_t>(v.size() * 2));
  if (prefix_bytes == 1) w.u8(static_cast<uint8_t>(v.size() * 2));
  for (uint16_t x : v) w.be16(x);
  return s;
}

}  // namespace

void appendClientHello(std::string& out, Rng& rng, std::string_view sni, ClientKind kind) {
  ByteWriter w(out);
  w.u8(kHandshake);
  w.be16(0x0301);
  Block record(out, 2);
  w.u8(1);  // ClientHello
  Block hs(out, 3);
  w.be16(0x0303);
  randomBytes(w, rng, 32);
  w.u8(32);
  randomBytes(w, rng, 32);  // legacy session id (middlebox compatibility, RFC 8446 D.4)
  if (kind == ClientKind::Browser) {
    out += u16s({0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC013,
                 0xC014, 0x009C, 0x009D, 0x002F, 0x0035},
                2);
  } else {
    out += u16s({0x1302, 0x1301, 0xC02C, 0xC030, 0xC02B, 0xC02F}, 2);
  }
  w.u8(1);
  w.u8(0);  // null compression
  Block exts(out, 2);
  {
    std::string body;
    ByteWriter b(body);
    b.be16(static_cast<uint16_t>(sni.size() + 3));
    b.u8(0);  // host_name
    b.be16(static_cast<uint16_t>(sni.size()));
    b.bytes(sni);
    extension(out, 0, body);  // server_name (RFC 6066 3)
  }
  extension(out, 23, "");                                 // extended_master_secret
  extension(out, 0xFF01, std::string(1, '\0'));           // renegotiation_info
  extension(out, 10, u16s({0x001D, 0x0017, 0x0018}, 2));  // supported_groups
  extension(out, 11, std::string("\x01\x00", 2));         // ec_point_formats
  extension(out, 35, "");                                 // session_ticket
  if (kind == ClientKind::Browser) {
    extension(out, 16, std::string("\x00\x0c\x02h2\x08http/1.1", 14));  // ALPN
  }
  extension(out, 13, u16s({0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601}, 2));
  {
    std::string body;
    ByteWriter b(body);
    b.be16(36);
    b.be16(0x001D);  // x25519
    b.be16(32);
    randomBytes(b, rng, 32);
    extension(out, 51, body);  // key_share
  }
  extension(out, 45, std::string("\x01\x01", 2));  // psk_key_exchange_modes: psk_dhe_ke
  extension(out, 43, u16s({0x0304, 0x0303}, 1));   // supported_versions
  exts.close();
  hs.close();
  record.close();
}

void appendServerHello(std::string& out, Rng& rng) {
  ByteWriter w(out);
  w.u8(kHandshake);
  w.be16(0x0303);
  Block record(out, 2);
  w.u8(2);  // ServerHello
  Block hs(out, 3);
  w.be16(0x0303);
  randomBytes(w, rng, 32);
  w.u8(32);
  randomBytes(w, rng, 32);  // echoes a session id of the same length
  w.be16(0x1302);           // TLS_AES_256_GCM_SHA384
  w.u8(0);
  Block exts(out, 2);
  extension(out, 43, std::string("\x03\x04", 2));
  {
    std::string body;
    ByteWriter b(body);
    b.be16(0x001D);
    b.be16(32);
    randomBytes(b, rng, 32);
    extension(out, 51, body);
  }
  exts.close();
  hs.close();
  record.close();
}

void appendChangeCipherSpec(std::string& out) {
  out += std::string("\x14\x03\x03\x00\x01\x01", 6);
}

void appendApplicationData(std::string& out, Rng& rng, size_t plaintext_bytes) {
  ByteWriter w(out);
  do {
    const size_t n = plaintext_bytes < kMaxRecordPlaintext ? plaintext_bytes : kMaxRecordPlaintext;
    w.u8(kApplicationData);
    w.be16(0x0303);
    w.be16(static_cast<uint16_t>(n + kAeadOverhead));
    randomBytes(w, rng, n + kAeadOverhead);
    plaintext_bytes -= n;
  } while (plaintext_bytes > 0);
}

}  // namespace medtap::simulate::tls
