// Limits and constants of the SunRPC analyzer (portmapper, MOUNT, NFS), each with its source
// (STYLE.md 10). Every limit has an anomaly counted when it is hit (core/anomaly.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace medtap::analyzers::rpc {

// RFC 5531 section 9: msg_type CALL = 0, REPLY = 1; rpcvers must be 2.
constexpr uint32_t kMsgCall = 0;
constexpr uint32_t kMsgReply = 1;
constexpr uint32_t kRpcVersion = 2;

// Programs (RFC 5531 appendix C; IANA "RPC program numbers").
constexpr uint32_t kProgPortmap = 100000;
constexpr uint32_t kProgNfs = 100003;
constexpr uint32_t kProgMount = 100005;

// RFC 5531 section 11, record marking: a 4-byte header per fragment, top bit = last fragment,
// the other 31 bits = fragment length.
constexpr uint32_t kLastFragmentBit = 0x80000000u;
constexpr size_t kRecordMarkSize = 4;

// Largest fragment accepted. The record mark allows 2^31-1, but NFS moves at most 1 MiB of data
// per READ/WRITE (Linux NFSSVC_MAXBLKSIZE, FreeBSD's 1 MiB maxio) plus headers; 4 MiB is
// generous. A larger length means the stream is not (or no longer) record-marked RPC:
// rpc_bad_record_mark and the direction is given up.
constexpr uint32_t kMaxFragmentSize = uint32_t{4} << 20;

// Resynchronisation after a gap (record_marker.h). The bytes after a gap belong at worst to the
// rest of one fragment, so a record mark must appear within one fragment's length; beyond it:
// rpc_lost_sync, and the direction is ignored.
constexpr uint64_t kMaxResyncScan = uint64_t{kMaxFragmentSize} + kRecordMarkSize;
// Bytes needed to judge a candidate: the mark and a call header up to the credential length
// (xid, msg_type, rpcvers, prog, vers, proc, cred flavor, cred length; RFC 5531 section 9).
constexpr size_t kResyncLookahead = kRecordMarkSize + 8 * 4;

// Bytes of a record kept for parsing. The RPC header with two maximum-size authenticators
// (400 bytes each, RFC 5531 section 8.2) and the arguments we read (a file handle of at most 128
// bytes, a path of at most 1024, an NFSv4 COMPOUND of a few dozen operations) fit in 8 KiB; the
// rest of a long record (WRITE data, READ results) is skipped without buffering.
constexpr size_t kMaxRecordPrefix = size_t{8} << 10;

// Calls waiting for their reply, per flow. Linux's RPC client keeps at most 16 requests in flight
// per UDP transport by default (sunrpc.udp_slot_table_entries) and grows the TCP slot table on
// demand; scanners fire many unanswered calls (zeek's portmapper-many-unanswered-calls trace).
// When the table is full, the oldest call is reported with status "no_reply"
// (rpc_pending_table_full).
constexpr size_t kMaxPendingCalls = 128;

// Opaque authenticator body (RFC 5531 section 8.2: opaque body<400>).
constexpr size_t kMaxAuthBody = 400;
// AUTH_UNIX machine name (RFC 5531 appendix A: string machinename<255>).
constexpr size_t kMaxMachineName = 255;
// MOUNT dirpath (RFC 1813 appendix I: MNTPATHLEN = 1024).
constexpr size_t kMaxMountPath = 1024;
// A file name copied into an event. NFSv2 MAXNAMLEN is 255 (RFC 1094 2.3.6); v3 and v4 leave it
// to the server, and real file systems stop at 255 bytes too; longer names are cut at 1024.
constexpr size_t kMaxFileName = 1024;
// File names and NFSv4 operations kept per event: a real COMPOUND has under 20 operations (Linux
// client: at most 13 for OPEN); 64 bounds an event from a hostile one (rpc_malformed_body).
constexpr size_t kMaxFileNamesPerEvent = 16;
constexpr size_t kMaxCompoundOps = 64;

// NFS file handles: v2 fixed 32 bytes (RFC 1094 2.3.3), v3 at most 64 (RFC 1813 2.4), v4 at most
// 128 (RFC 7530 4.2.1 NFS4_FHSIZE).
constexpr size_t kNfs2FhSize = 32;
constexpr size_t kMaxFhSize = 128;

}  // namespace medtap::analyzers::rpc

namespace medtap::analyzers::rpc {

// Messages in a row that are not RPC before the analyzer gives up on the flow: one is an anomaly,
// a run of them means the flow is not (or no longer) RPC.
constexpr uint32_t kMaxConsecutiveBadMessages = 16;

}  // namespace medtap::analyzers::rpc
