// DNS A lookups (RFC 1035 4): the query a workstation sends and the server's answer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/timestamp.h"
#include "simulate/network.h"
#include "simulate/rng.h"

namespace medtap::simulate {

constexpr uint16_t kDnsPort = 53;
constexpr uint16_t kDnsTypeA = 1;
constexpr uint16_t kDnsTypeAaaa = 28;

void appendDnsQuery(std::string& out, uint16_t id, std::string_view name, uint16_t qtype);
// An answer with one A record (answer_ip != 0) or none (NOERROR, empty: e.g. for AAAA).
void appendDnsResponse(std::string& out, uint16_t id, std::string_view name, uint16_t qtype,
                       uint32_t answer_ip, uint32_t ttl);

// Query and answer between a client and its resolver; returns when the client has the answer.
Timestamp dnsLookup(Network& net, Rng& rng, Host& client, Host& server, std::string_view name,
                    uint32_t answer_ip, Timestamp t);

}  // namespace medtap::simulate
