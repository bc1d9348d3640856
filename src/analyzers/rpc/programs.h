// What the analyzer reads of each RPC program's arguments and results: pure parse helpers over
// the body views of rpc_message.h, filling the event structs. A body cut short (a long record is
// kept only up to kMaxRecordPrefix) fills what it can and returns false.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bytes.h"
#include "events/nfs.h"
#include "events/rpc.h"

namespace medtap::analyzers::rpc {

// "portmap", "nfs", "mount", "nlockmgr", "status", "nfs_acl", "rquotad", "" when unknown.
std::string_view programName(uint32_t program);
// Procedure names of portmap/rpcbind, MOUNT and NFS v2/v3 ("GETPORT", "MNT", "LOOKUP", ...;
// NFSv4: "NULL", "COMPOUND"); "" when unknown.
std::string_view procedureName(uint32_t program, uint32_t version, uint32_t procedure);
// NFSv4 operation names (RFC 7530 section 16, RFC 8881 section 18); "" when unknown.
std::string_view nfs4OpName(uint32_t op);

// portmapper v2 (RFC 1833 section 3) and rpcbind v3/v4 (section 2).
bool parsePortmapCall(uint32_t version, uint32_t procedure, Bytes args,
                      events::RpcTransaction& out);
bool parsePortmapReply(uint32_t version, uint32_t procedure, Bytes results,
                       events::RpcTransaction& out);
// rpcbind universal address "h1.h2.h3.h4.p1.p2" (or IPv6 with the same two port parts) -> port.
bool portFromUniversalAddress(std::string_view uaddr, uint32_t& port);

// MOUNT v1-v3 (RFC 1094 appendix A, RFC 1813 appendix I).
bool parseMountCall(uint32_t version, uint32_t procedure, Bytes args, events::RpcTransaction& out);
bool parseMountReply(uint32_t version, uint32_t procedure, Bytes results,
                     events::RpcTransaction& out);

// NFS v2/v3 file names and v4 COMPOUND operations; reply status.
bool parseNfsCall(uint32_t version, uint32_t procedure, Bytes args, events::NfsOperation& out);
bool parseNfsReply(uint32_t version, uint32_t procedure, Bytes results, events::NfsOperation& out);

}  // namespace medtap::analyzers::rpc
