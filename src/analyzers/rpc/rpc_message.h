// The ONC RPC message header (RFC 5531 section 9): pure parse helpers over one message (a UDP
// datagram or a reassembled TCP record). Bodies (arguments and results) are left as views for
// the program parsers (programs.h).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bytes.h"

namespace medtap::analyzers::rpc {

enum class ParseStatus : uint8_t {
  Ok,
  Truncated,  // the message ends inside the header
  Malformed,  // not an RPC message (bad msg_type, rpcvers, reply_stat, oversized authenticator)
};

// Authentication flavors (RFC 5531 section 8.2 and appendix A; RFC 2203 for RPCSEC_GSS).
enum class AuthFlavor : uint32_t { None = 0, Unix = 1, Short = 2, Dh = 3, RpcsecGss = 6 };

struct CallHeader {
  uint32_t xid = 0;
  uint32_t program = 0;
  uint32_t version = 0;
  uint32_t procedure = 0;
  uint32_t cred_flavor = 0;
  Bytes cred_body;  // view into the message
  Bytes args;       // the procedure's arguments: the rest of the message
};

// RFC 5531 section 9: reply_stat MSG_ACCEPTED = 0, MSG_DENIED = 1.
enum class ReplyStat : uint32_t { Accepted = 0, Denied = 1 };

struct ReplyHeader {
  uint32_t xid = 0;
  ReplyStat reply_stat = ReplyStat::Accepted;
  // accept_stat (SUCCESS = 0 ... SYSTEM_ERR = 5) when accepted, reject_stat (RPC_MISMATCH = 0,
  // AUTH_ERROR = 1) when denied.
  uint32_t stat = 0;
  Bytes results;  // the procedure's results when accepted with SUCCESS: the rest of the message
};

// The first two words of every RPC message.
struct MessageKind {
  uint32_t xid = 0;
  uint32_t msg_type = 0;
};
ParseStatus peekKind(Bytes message, MessageKind& out);

ParseStatus parseCall(Bytes message, CallHeader& out);
ParseStatus parseReply(Bytes message, ReplyHeader& out);

// AUTH_UNIX / AUTH_SYS credentials (RFC 5531 appendix A): stamp, machine name, uid, gid, gids.
struct AuthUnix {
  std::string_view machine_name;  // view into the credential body
  uint32_t uid = 0;
  uint32_t gid = 0;
};
bool parseAuthUnix(Bytes cred_body, AuthUnix& out);

// Names for the event: "none", "unix", ..., "other".
std::string_view authFlavorName(uint32_t flavor);
// "success" ... "system_err" for accepted replies, "rpc_mismatch"/"auth_error" for denied ones.
std::string_view replyStatusName(const ReplyHeader& reply);

}  // namespace medtap::analyzers::rpc
