#include "analyzers/rpc/rpc_analyzer.h"

#include <algorithm>
#include <utility>

#include "analyzers/rpc/limits.h"
#include "analyzers/rpc/programs.h"
#include "analyzers/rpc/rpc_message.h"

namespace medtap::analyzers::rpc {

namespace {

// Server ports: 2049 NFS (RFC 7530 section 3.1), 111 portmapper (RFC 1833). mountd has no fixed
// port (it registers with the portmapper), so MOUNT is recognised from content only.
constexpr uint16_t kNfsPorts[] = {2049};
constexpr uint16_t kRpcPorts[] = {111};
constexpr size_t kCallPrefix = 24;  // xid, msg_type, rpcvers, prog, vers, proc

bool plausibleVersion(uint32_t program, uint32_t version) {
  switch (program) {
    case kProgNfs:
      return version >= 2 && version <= 4;
    case kProgMount:
      return version >= 1 && version <= 3;
    case kProgPortmap:
      return version >= 2 && version <= 4;
    default:
      return version >= 1 && version <= 4;
  }
}

// Judges the words of a call header available in `m`; `whole` says no more bytes will come.
ProbeResult probeCall(Bytes m, ProbeFamily family, bool whole) {
  const auto need = [&](size_t n) { return m.size() >= n; };
  const ProbeResult short_answer = whole ? ProbeResult::No : ProbeResult::Maybe;
  if (!need(8)) return short_answer;
  if (readBe32(m, 4) != kMsgCall) return ProbeResult::No;
  if (!need(12)) return short_answer;
  if (readBe32(m, 8) != kRpcVersion) return ProbeResult::No;
  if (!need(20)) return short_answer;
  const uint32_t program = readBe32(m, 12);
  const bool known = family == ProbeFamily::Nfs
                         ? program == kProgNfs
                         : program != kProgNfs && !programName(program).empty();
  if (!known || !plausibleVersion(program, readBe32(m, 16))) return ProbeResult::No;
  if (!need(kCallPrefix)) return short_answer;
  return ProbeResult::Yes;
}

ProbeResult probeNfsUdp(Bytes b, Direction /*dir*/) {
  return probeDatagram(b, ProbeFamily::Nfs);
}
ProbeResult probeRpcUdp(Bytes b, Direction /*dir*/) {
  return probeDatagram(b, ProbeFamily::OtherRpc);
}
ProbeResult probeNfsTcp(Bytes b, Direction /*dir*/) {
  return probeRecord(b, ProbeFamily::Nfs);
}
ProbeResult probeRpcTcp(Bytes b, Direction /*dir*/) {
  return probeRecord(b, ProbeFamily::OtherRpc);
}

std::unique_ptr<StreamAnalyzer> makeStream() {
  return std::make_unique<RpcStreamAnalyzer>();
}
std::unique_ptr<DatagramAnalyzer> makeDatagram() {
  return std::make_unique<RpcDatagramAnalyzer>();
}

events::Direction eventDirection(Direction dir) {
  return dir == Direction::Originator ? events::Direction::ToServer : events::Direction::ToClient;
}

events::RpcInfo& infoOf(std::variant<events::RpcTransaction, events::NfsOperation>& body) {
  return std::visit([](auto& b) -> events::RpcInfo& { return b.rpc; }, body);
}

}  // namespace

ProbeResult probeDatagram(Bytes message, ProbeFamily family) {
  return probeCall(message, family, true);
}

ProbeResult probeRecord(Bytes first_bytes, ProbeFamily family) {
  if (first_bytes.size() < kRecordMarkSize) return ProbeResult::Maybe;
  const uint32_t length = readBe32(first_bytes, 0) & ~kLastFragmentBit;
  if (length < kCallPrefix || length > kMaxFragmentSize) return ProbeResult::No;
  return probeCall(first_bytes.subspan(kRecordMarkSize), family, false);
}

void RpcSession::onMessage(AnalyzerContext& ctx, Direction dir, Bytes message, Timestamp ts) {
  MessageKind kind;
  if (peekKind(message, kind) != ParseStatus::Ok) {
    ctx.anomalies.add(Anomaly::RpcMalformedMessage);
    ++consecutive_bad_;
    return;
  }
  if (kind.msg_type == kMsgCall) {
    onCall(ctx, dir, message, ts);
  } else {
    // The pair is reported with the reply's time.
    if (const std::optional<size_t> answered = onReply(ctx, dir, message)) {
      emit(ctx, pending_[*answered], ts);
      pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(*answered));
    }
  }
}

void RpcSession::onCall(AnalyzerContext& ctx, Direction dir, Bytes message, Timestamp ts) {
  CallHeader call;
  if (parseCall(message, call) != ParseStatus::Ok) {
    ctx.anomalies.add(Anomaly::RpcMalformedMessage);
    ++consecutive_bad_;
    return;
  }
  consecutive_bad_ = 0;
  // A retransmitted call replaces the first copy.
  std::erase_if(pending_,
                [&](Pending& p) { return p.dir == dir && infoOf(p.body).xid == call.xid; });
  if (pending_.size() >= kMaxPendingCalls) {
    ctx.anomalies.add(Anomaly::RpcPendingTableFull);
    emit(ctx, pending_.front(), ts);
    pending_.erase(pending_.begin());
  }
  Pending& p = pending_.emplace_back(Pending{dir, call.program == kProgNfs
                                                      ? Body{events::NfsOperation{}}
                                                      : Body{events::RpcTransaction{}}});
  events::RpcInfo& info = infoOf(p.body);
  info.xid = call.xid;
  info.program = call.program;
  info.version = call.version;
  info.procedure = call.procedure;
  info.program_name = programName(call.program);
  info.procedure_name = procedureName(call.program, call.version, call.procedure);
  info.auth_flavor = authFlavorName(call.cred_flavor);
  if (call.cred_flavor == static_cast<uint32_t>(AuthFlavor::Unix)) {
    AuthUnix cred;
    if (parseAuthUnix(call.cred_body, cred)) {
      info.machine_name.assign(cred.machine_name);
      info.uid = cred.uid;
      info.gid = cred.gid;
    }
  }
  // RPCSEC_GSS arguments may be wrapped (RFC 2203 5.3.2): not read.
  if (call.cred_flavor == static_cast<uint32_t>(AuthFlavor::RpcsecGss)) return;
  bool body_ok = true;
  if (auto* nfs = std::get_if<events::NfsOperation>(&p.body)) {
    nfs->procedure = info.procedure_name;
    body_ok = parseNfsCall(call.version, call.procedure, call.args, *nfs);
  } else {
    auto& rpc = std::get<events::RpcTransaction>(p.body);
    if (call.program == kProgMount) {
      body_ok = parseMountCall(call.version, call.procedure, call.args, rpc);
    } else if (call.program == kProgPortmap) {
      body_ok = parsePortmapCall(call.version, call.procedure, call.args, rpc);
    }
  }
  if (!body_ok) ctx.anomalies.add(Anomaly::RpcMalformedBody);
}

// Completes the matching call with the reply; returns its index in pending_ (onMessage() then
// reports it), or nullopt.
std::optional<size_t> RpcSession::onReply(AnalyzerContext& ctx, Direction dir, Bytes message) {
  ReplyHeader reply;
  if (parseReply(message, reply) != ParseStatus::Ok) {
    ctx.anomalies.add(Anomaly::RpcMalformedMessage);
    ++consecutive_bad_;
    return std::nullopt;
  }
  consecutive_bad_ = 0;
  const auto it = std::find_if(pending_.begin(), pending_.end(), [&](Pending& p) {
    return p.dir != dir && infoOf(p.body).xid == reply.xid;
  });
  if (it == pending_.end()) {
    ctx.anomalies.add(Anomaly::RpcUnmatchedReply);
    return std::nullopt;
  }
  const auto answered = static_cast<size_t>(it - pending_.begin());
  events::RpcInfo& info = infoOf(it->body);
  info.status = replyStatusName(reply);
  const bool success = reply.reply_stat == ReplyStat::Accepted && reply.stat == 0;
  if (!success || info.auth_flavor == "rpcsec_gss") return answered;
  bool body_ok = true;
  if (auto* nfs = std::get_if<events::NfsOperation>(&it->body)) {
    body_ok = parseNfsReply(info.version, info.procedure, reply.results, *nfs);
  } else {
    auto& rpc = std::get<events::RpcTransaction>(it->body);
    if (info.program == kProgMount) {
      body_ok = parseMountReply(info.version, info.procedure, reply.results, rpc);
    } else if (info.program == kProgPortmap) {
      body_ok = parsePortmapReply(info.version, info.procedure, reply.results, rpc);
    }
  }
  if (!body_ok) ctx.anomalies.add(Anomaly::RpcMalformedBody);
  return answered;
}

void RpcSession::flushPending(AnalyzerContext& ctx, std::optional<Direction> call_dir,
                              Timestamp ts) {
  std::erase_if(pending_, [&](Pending& p) {
    if (call_dir && p.dir != *call_dir) return false;
    emit(ctx, p, ts);
    return true;
  });
}

void RpcSession::emit(AnalyzerContext& ctx, Pending& pending, Timestamp ts) {
  events::RpcInfo& info = infoOf(pending.body);
  if (info.status.empty()) info.status = "no_reply";
  const events::Direction direction = eventDirection(pending.dir);
  std::visit(
      [&](auto& body) {
        events::Event event{ts, ctx.flow, std::move(body), direction};
        ctx.events.emit(event);
      },
      pending.body);
}

FeedResult RpcDatagramAnalyzer::feed(AnalyzerContext& ctx, Direction dir,
                                     const decode::DecodedPacket& packet) {
  session_.onMessage(ctx, dir, packet.payload, packet.ts);
  if (session_.tooManyBadMessages()) {
    session_.flushPending(ctx, std::nullopt, packet.ts);
    return FeedResult::OutOfSync;
  }
  return FeedResult::Consumed;
}

void RpcDatagramAnalyzer::end(AnalyzerContext& ctx, Timestamp ts) {
  session_.flushPending(ctx, std::nullopt, ts);
}

class RpcStreamAnalyzer::Emitter final : public RecordCallbacks {
 public:
  Emitter(RpcSession& session, AnalyzerContext& ctx, Direction dir, Timestamp ts)
      : session_(session), ctx_(ctx), dir_(dir), ts_(ts) {}
  void onRecord(Bytes prefix, uint64_t /*length*/) override {
    session_.onMessage(ctx_, dir_, prefix, ts_);
  }
  void onAnomaly(Anomaly anomaly) override { ctx_.anomalies.add(anomaly); }

 private:
  RpcSession& session_;
  AnalyzerContext& ctx_;
  Direction dir_;
  Timestamp ts_;
};

FeedResult RpcStreamAnalyzer::feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) {
  Emitter emitter(session_, ctx, dir, ts);
  const FeedResult result = framers_[index(dir)].feed(data, emitter);
  if (result == FeedResult::OutOfSync || session_.tooManyBadMessages()) {
    session_.flushPending(ctx, std::nullopt, ts);  // the analyzer is dropped after this
    return FeedResult::OutOfSync;
  }
  return result;
}

void RpcStreamAnalyzer::gap(AnalyzerContext& ctx, Direction dir, uint64_t /*length*/,
                            Timestamp ts) {
  Emitter emitter(session_, ctx, dir, ts);
  framers_[index(dir)].gap(emitter);
}

void RpcStreamAnalyzer::end(AnalyzerContext& ctx, Direction dir, Timestamp ts) {
  Emitter emitter(session_, ctx, dir, ts);
  framers_[index(dir)].end(emitter);
  // No reply can come any more for the calls of the other direction.
  session_.flushPending(ctx, opposite(dir), ts);
}

void registerAnalyzer(Registry& registry) {
  for (Transport t : {Transport::Tcp, Transport::Udp}) {
    const bool tcp = t == Transport::Tcp;
    registry.add(AnalyzerDef{
        .name = "nfs",
        .transport = t,
        .port_hints = {std::begin(kNfsPorts), std::end(kNfsPorts)},
        .probe = tcp ? &probeNfsTcp : &probeNfsUdp,
        .make_stream = tcp ? &makeStream : nullptr,
        .make_datagram = tcp ? nullptr : &makeDatagram,
    });
    registry.add(AnalyzerDef{
        .name = "rpc",
        .transport = t,
        .port_hints = {std::begin(kRpcPorts), std::end(kRpcPorts)},
        .probe = tcp ? &probeRpcTcp : &probeRpcUdp,
        .make_stream = tcp ? &makeStream : nullptr,
        .make_datagram = tcp ? nullptr : &makeDatagram,
    });
  }
}

}  // namespace medtap::analyzers::rpc
