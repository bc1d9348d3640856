// event_type "nfs": one NFS call and its reply (NFSv2 RFC 1094, v3 RFC 1813, v4 RFC 7530/8881),
// with the RPC layer it travelled in. Emitted like `rpc` events: at the reply, or at the end of
// the flow with rpc.status "no_reply".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/rpc.h"

namespace medtap::events {

struct NfsOperation {
  static constexpr std::string_view kEventType = "nfs";
  RpcInfo rpc;
  // The procedure name ("LOOKUP", "COMPOUND", "NULL") or "" when unknown (rpc.procedure has the
  // number). NFSv4: "COMPOUND", and the operations in `operations`.
  std::string_view procedure;
  // File names carried by the call (LOOKUP/CREATE/REMOVE/MKDIR/RENAME/... in v2/v3; LOOKUP, OPEN,
  // CREATE, REMOVE, RENAME, LINK, SECINFO components in a v4 COMPOUND), in order. RENAME gives the
  // old name then the new one.
  std::vector<std::string> file_names;
  std::vector<std::string_view> operations;  // NFSv4 COMPOUND operation names (static), in order
  std::optional<uint32_t> status;            // nfsstat of the reply, when it was parsed
};

}  // namespace medtap::events
