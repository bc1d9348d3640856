#include "analyzers/rpc/rpc_message.h"

#include "analyzers/rpc/limits.h"
#include "analyzers/rpc/xdr_reader.h"

namespace medtap::analyzers::rpc {

ParseStatus peekKind(Bytes message, MessageKind& out) {
  if (message.size() < 8) return ParseStatus::Truncated;
  out.xid = readBe32(message, 0);
  out.msg_type = readBe32(message, 4);
  return out.msg_type <= kMsgReply ? ParseStatus::Ok : ParseStatus::Malformed;
}

// RFC 5531 section 9, call_body: rpcvers, prog, vers, proc, cred, verf, then the arguments.
ParseStatus parseCall(Bytes message, CallHeader& out) {
  XdrReader r(message);
  out.xid = r.u32();
  const uint32_t msg_type = r.u32();
  const uint32_t rpcvers = r.u32();
  if (r.ok() && (msg_type != kMsgCall || rpcvers != kRpcVersion)) return ParseStatus::Malformed;
  out.program = r.u32();
  out.version = r.u32();
  out.procedure = r.u32();
  out.cred_flavor = r.u32();
  const uint32_t cred_len = r.u32();
  if (r.ok() && cred_len > kMaxAuthBody) return ParseStatus::Malformed;
  out.cred_body = r.fixedOpaque(cred_len);
  r.u32();  // verifier flavor
  const uint32_t verf_len = r.u32();
  if (r.ok() && verf_len > kMaxAuthBody) return ParseStatus::Malformed;
  r.skip(verf_len);
  if (!r.ok()) return ParseStatus::Truncated;
  out.args = r.rest();
  return ParseStatus::Ok;
}

// RFC 5531 section 9, reply_body: accepted_reply (verifier, accept_stat, results) or
// rejected_reply (reject_stat, ...).
ParseStatus parseReply(Bytes message, ReplyHeader& out) {
  XdrReader r(message);
  out.xid = r.u32();
  const uint32_t msg_type = r.u32();
  const uint32_t reply_stat = r.u32();
  if (!r.ok()) return ParseStatus::Truncated;
  if (msg_type != kMsgReply || reply_stat > 1) return ParseStatus::Malformed;
  out.reply_stat = static_cast<ReplyStat>(reply_stat);
  out.results = {};
  if (out.reply_stat == ReplyStat::Denied) {
    out.stat = r.u32();
    return r.ok() ? ParseStatus::Ok : ParseStatus::Truncated;
  }
  r.u32();  // verifier flavor
  const uint32_t verf_len = r.u32();
  if (r.ok() && verf_len > kMaxAuthBody) return ParseStatus::Malformed;
  r.skip(verf_len);
  out.stat = r.u32();
  if (!r.ok()) return ParseStatus::Truncated;
  if (out.stat == 0) out.results = r.rest();
  return ParseStatus::Ok;
}

bool parseAuthUnix(Bytes cred_body, AuthUnix& out) {
  XdrReader r(cred_body);
  r.u32();  // stamp
  out.machine_name = r.string(kMaxMachineName);
  out.uid = r.u32();
  out.gid = r.u32();
  return r.ok();
}

std::string_view authFlavorName(uint32_t flavor) {
  switch (static_cast<AuthFlavor>(flavor)) {
    case AuthFlavor::None:
      return "none";
    case AuthFlavor::Unix:
      return "unix";
    case AuthFlavor::Short:
      return "short";
    case AuthFlavor::Dh:
      return "dh";
    case AuthFlavor::RpcsecGss:
      return "rpcsec_gss";
  }
  return "other";
}

std::string_view replyStatusName(const ReplyHeader& reply) {
  if (reply.reply_stat == ReplyStat::Denied) {
    return reply.stat == 0 ? "rpc_mismatch" : reply.stat == 1 ? "auth_error" : "denied";
  }
  static constexpr std::string_view kAccept[] = {"success",      "prog_unavail", "prog_mismatch",
                                                 "proc_unavail", "garbage_args", "system_err"};
  return reply.stat < std::size(kAccept) ? kAccept[reply.stat] : "accept_error";
}

}  // namespace medtap::analyzers::rpc
