// The `rpc` object shared by `rpc` and `nfs` events (field names from Suricata's EVE rpc object:
// xid, status, auth_type, creds {machine_name, uid, gid}).
#pragma once

#include "events/rpc.h"
#include "sinks/json_writer.h"

namespace medtap::sinks {

// Writes "rpc": { and its fields, leaving the object open for the caller's own fields (mount,
// portmap) and its endObject(). Program and procedure are names when known, numbers otherwise.
void writeRpcInfo(JsonWriter& w, const events::RpcInfo& info);

}  // namespace medtap::sinks
