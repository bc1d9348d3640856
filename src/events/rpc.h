// event_type "rpc": one ONC/Sun RPC call and its reply (RFC 5531), for programs other than NFS
// (portmapper/rpcbind, MOUNT, ...). NFS calls give `nfs` events (events/nfs.h) carrying the same
// RpcInfo. Emitted when the reply arrives, or at the end of the flow with status "no_reply".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace medtap::events {

// The RPC layer of a call/reply pair (RFC 5531 section 9).
struct RpcInfo {
  uint32_t xid = 0;
  uint32_t program = 0;
  uint32_t version = 0;
  uint32_t procedure = 0;
  std::string_view program_name;    // static: "portmap", "mount", "nfs", ... ; "" when unknown
  std::string_view procedure_name;  // static: "GETPORT", "MNT", "LOOKUP", ... ; "" when unknown
  // "success", "prog_unavail", "prog_mismatch", "proc_unavail", "garbage_args", "system_err",
  // "rpc_mismatch", "auth_error", or "no_reply" (static).
  std::string_view status;
  std::string_view auth_flavor;  // static: "none", "unix", "short", "dh", "rpcsec_gss", "other"
  // AUTH_UNIX (RFC 5531 appendix A) credentials: how a device names itself to the server.
  std::string machine_name;
  std::optional<uint32_t> uid, gid;
};

struct RpcTransaction {
  static constexpr std::string_view kEventType = "rpc";
  RpcInfo rpc;
  // MOUNT (RFC 1813 appendix I): MNT/UMNT export path; MNT reply status and file handle length.
  std::string mount_path;
  std::optional<uint32_t> mount_status;
  std::optional<uint32_t> mount_fh_length;
  // portmapper GETPORT / rpcbind GETADDR / CALLIT (RFC 1833): the program asked for, and the port
  // in the reply (0: not registered).
  std::optional<uint32_t> portmap_program, portmap_version;
  std::optional<uint32_t> portmap_port;
};

}  // namespace medtap::events
