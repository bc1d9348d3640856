// One HTTPS connection as a client makes it: TCP handshake, TLS 1.3 ClientHello with SNI,
// ServerHello + ChangeCipherSpec + the encrypted flight (certificate chain and so on), the
// client's Finished, then request/response pairs of application data, then the close.
#pragma once

#include <cstddef>
#include <string_view>

#include "simulate/tls.h"
#include "simulate/world.h"

namespace medtap::simulate {

struct HttpsVisit {
  std::string_view sni;
  tls::ClientKind kind = tls::ClientKind::Browser;
  int requests = 1;
  size_t request_bytes = 600;
  size_t response_min = 2'000;
  size_t response_max = 60'000;
  double loss = 0;
};

// Returns when the connection is closed.
Timestamp httpsVisit(World& w, Rng& rng, Host& client, Host& server, const HttpsVisit& v,
                     Timestamp t);

}  // namespace medtap::simulate
