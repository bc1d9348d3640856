// The SunRPC analyzer (RFC 5531) over UDP and TCP (record marking): matches calls to replies by
// xid per flow and emits one `rpc` event per call/reply pair (portmapper, MOUNT, others) or one
// `nfs` event per NFS call/reply pair. Registered twice per transport: as "nfs" for flows whose
// first call is to the NFS program, and as "rpc" for the other known programs, so that the flow's
// app_proto says which it is.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/registry.h"
#include "analyzers/rpc/record_marker.h"
#include "events/nfs.h"
#include "events/rpc.h"

namespace medtap::analyzers::rpc {

enum class ProbeFamily : uint8_t { Nfs, OtherRpc };

// Yes when `message` starts with an RPC call header (msg_type 0, rpcvers 2) to a program of the
// family at a plausible version; Maybe when it is a prefix of one (TCP only: a datagram is whole);
// No otherwise. The TCP form first reads the record mark.
ProbeResult probeDatagram(Bytes message, ProbeFamily family);
ProbeResult probeRecord(Bytes first_bytes, ProbeFamily family);

// Call/reply matching and event building shared by the UDP and TCP analyzers.
class RpcSession {
 public:
  // One RPC message of `dir` (a datagram or a record's first bytes).
  void onMessage(AnalyzerContext& ctx, Direction dir, Bytes message, Timestamp ts);
  // Reports the calls of `call_dir` still waiting (all when nullopt) with status "no_reply".
  void flushPending(AnalyzerContext& ctx, std::optional<Direction> call_dir, Timestamp ts);
  bool tooManyBadMessages() const { return consecutive_bad_ >= kMaxConsecutiveBadMessages; }
  size_t pendingCalls() const { return pending_.size(); }

 private:
  using Body = std::variant<events::RpcTransaction, events::NfsOperation>;
  struct Pending {
    Direction dir;
    Body body;
  };

  void onCall(AnalyzerContext& ctx, Direction dir, Bytes message, Timestamp ts);
  std::optional<size_t> onReply(AnalyzerContext& ctx, Direction dir, Bytes message);
  void emit(AnalyzerContext& ctx, Pending& pending, Timestamp ts);

  std::vector<Pending> pending_;  // oldest first; at most kMaxPendingCalls
  uint32_t consecutive_bad_ = 0;
};

class RpcDatagramAnalyzer final : public DatagramAnalyzer {
 public:
  FeedResult feed(AnalyzerContext& ctx, Direction dir,
                  const decode::DecodedPacket& packet) override;
  void end(AnalyzerContext& ctx, Timestamp ts) override;

 private:
  RpcSession session_;
};

class RpcStreamAnalyzer final : public StreamAnalyzer {
 public:
  FeedResult feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) override;
  void gap(AnalyzerContext& ctx, Direction dir, uint64_t length, Timestamp ts) override;
  void end(AnalyzerContext& ctx, Direction dir, Timestamp ts) override;

 private:
  class Emitter;
  std::array<RecordFramer, 2> framers_;
  RpcSession session_;
};

// Adds "nfs" and "rpc" for TCP and UDP (port hints 2049; 111).
void registerAnalyzer(Registry& registry);

}  // namespace medtap::analyzers::rpc
