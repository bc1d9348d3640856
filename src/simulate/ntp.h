// NTP client/server exchange (RFC 5905 7.3): a version 4 client request and the server reply.
#pragma once

#include <cstdint>
#include <string>

#include "core/timestamp.h"
#include "simulate/network.h"
#include "simulate/rng.h"

namespace medtap::simulate {

constexpr uint16_t kNtpPort = 123;

// The 48-byte packet: mode 3 (client) when `server_stratum` is 0, else mode 4 (server).
void appendNtpPacket(std::string& out, uint8_t server_stratum, uint32_t reference_id,
                     uint64_t origin, uint64_t receive, uint64_t transmit);

// Request and reply; returns when the reply is seen.
Timestamp ntpExchange(Network& net, Rng& rng, Host& client, Host& server, Timestamp t);

}  // namespace medtap::simulate
