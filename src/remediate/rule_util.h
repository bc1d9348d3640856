// What the firewall writers share: the kept flows as rules, and text safe in a rule comment.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "remediate/isolation.h"

namespace medtap::remediate {

// nftables limits a comment to 128 bytes; iptables' comment match to 256.
constexpr size_t kMaxCommentBytes = 120;

// A comment with only characters no firewall syntax gives a meaning to (letters, digits, space,
// ": . _ / ( ) - >"); anything else, a name off the wire, becomes '?'. Cut at kMaxCommentBytes.
std::string commentText(std::string_view text);

// One accepted packet direction of a kept flow: from `src` to `dst`, the server port on the
// server's side. Two per flow: the requests and the replies (the rules are stateless, so that a
// connection opened before they were loaded is not let through by conntrack).
struct PassRule {
  IpAddress src, dst;
  uint8_t ip_proto = 0;
  uint16_t port = 0;
  bool port_is_dst = true;  // the server is `dst` (requests) or `src` (replies)
  bool from_device = true;  // `src` is the isolated device
  std::string comment;
};

// The kept flows of every device, requests and replies, without duplicates, in the devices'
// order.
std::vector<PassRule> passRules(const Isolation& isolation);

// The header every firewall export starts with, as '#' comment lines.
std::string commentHeader(const Isolation& isolation, std::string_view tool);

}  // namespace medtap::remediate
