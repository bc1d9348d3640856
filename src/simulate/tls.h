// The visible part of a TLS 1.3 connection (RFC 8446): the ClientHello with SNI and the usual
// browser extensions, the ServerHello, the compatibility ChangeCipherSpec, and application-data
// records whose contents are random (they stand for ciphertext).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "simulate/rng.h"

namespace medtap::simulate::tls {

enum class ClientKind : uint8_t { Browser, Embedded };

void appendClientHello(std::string& out, Rng& rng, std::string_view sni, ClientKind kind);
void appendServerHello(std::string& out, Rng& rng);
void appendChangeCipherSpec(std::string& out);
// Application-data records carrying `plaintext_bytes` of (pretend) encrypted payload, split into
// records of at most 16 KB plus the AEAD tag and inner type (RFC 8446 5.2).
void appendApplicationData(std::string& out, Rng& rng, size_t plaintext_bytes);

}  // namespace medtap::simulate::tls
