// The TCP (record-marked) and UDP RPC analyzers on synthetic traffic: call/reply matching,
// split-buffer equivalence, limits and malformed input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../test_support.h"
#include "analyzers/rpc/rpc_analyzer.h"
#include "sinks/eve_writer.h"
#include "xdr_builder.h"

namespace medtap::analyzers::rpc {
namespace {

using testing::recordMarked;
using testing::Xdr;

struct Harness {
  flow::Flow flow = fixtures::makeFlow(6, 901, 635);
  events::FlowRef ref = [this] {
    events::FlowRef r;
    r.id = flow.id;
    r.app_proto = "rpc";
    return r;
  }();
  fixtures::RecordingSink sink;
  AnomalyCounters anomalies;
  privacy::PhiTokenizer phi = privacy::PhiTokenizer::withSecret("test");
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  RpcStreamAnalyzer analyzer;

  std::vector<std::string> eve() const {
    std::vector<std::string> out;
    for (const auto& e : sink.events) {
      std::string line;
      sinks::formatEve(e, line);
      out.push_back(line);
    }
    return out;
  }
};

// A mount of /pm (the CMS8000 backdoor's export, DOMAIN.md): the call in two fragments, the reply
// with a 32-byte file handle; then an NFSv3 LOOKUP and its reply.
std::string clientStream() {
  Xdr mnt;
  mnt.call(0x100, kProgMount, 3, 1).str("/pm");
  Xdr lookup;
  lookup.call(0x101, kProgNfs, 3, 3).str(std::string(32, 'F')).str("update.bin");
  return recordMarked(mnt.out, 20) + recordMarked(lookup.out);
}
std::string serverStream() {
  Xdr mnt;
  mnt.reply(0x100).u32(0).str(std::string(32, 'H')).u32(1).u32(1);
  Xdr lookup;
  lookup.reply(0x101).u32(0);
  return recordMarked(mnt.out) + recordMarked(lookup.out);
}

void feedAll(Harness& h, const std::string& client, const std::string& server, size_t chunk) {
  for (size_t i = 0; i < client.size(); i += chunk) {
    h.analyzer.feed(h.ctx, Direction::Originator,
                    asBytes(client).subspan(i, std::min(chunk, client.size() - i)), {});
  }
  for (size_t i = 0; i < server.size(); i += chunk) {
    h.analyzer.feed(h.ctx, Direction::Responder,
                    asBytes(server).subspan(i, std::min(chunk, server.size() - i)), {});
  }
  h.analyzer.end(h.ctx, Direction::Originator, {});
  h.analyzer.end(h.ctx, Direction::Responder, {});
}

TEST(RpcStream, MountAndLookup) {
  Harness h;
  feedAll(h, clientStream(), serverStream(), 1 << 20);
  ASSERT_EQ(h.sink.events.size(), 2u);
  const auto& mnt = std::get<events::RpcTransaction>(h.sink.events[0].body);
  EXPECT_EQ(mnt.rpc.procedure_name, "MNT");
  EXPECT_EQ(mnt.rpc.status, "success");
  EXPECT_EQ(mnt.mount_path, "/pm");
  EXPECT_EQ(mnt.mount_fh_length, 32u);
  EXPECT_EQ(mnt.rpc.machine_name, "testhost");
  EXPECT_EQ(h.sink.events[0].direction, events::Direction::ToServer);
  const auto& nfs = std::get<events::NfsOperation>(h.sink.events[1].body);
  EXPECT_EQ(nfs.procedure, "LOOKUP");
  EXPECT_EQ(nfs.file_names, std::vector<std::string>{"update.bin"});
  EXPECT_EQ(nfs.status, 0u);
  const auto eve = h.eve();
  EXPECT_NE(eve[0].find(R"("rpc":{"xid":256,"program":"mount","version":3,"procedure":"MNT")"),
            std::string::npos)
      << eve[0];
  EXPECT_NE(eve[0].find(R"("mount":{"path":"/pm","status":0,"fh_length":32})"), std::string::npos);
  EXPECT_NE(eve[1].find(R"("nfs":{"version":3,"procedure":"LOOKUP","file_name":"update.bin")"),
            std::string::npos)
      << eve[1];
  EXPECT_EQ(h.anomalies.total(), 0u);
}

TEST(RpcStream, SameEventsWhateverTheSplit) {
  Harness whole;
  feedAll(whole, clientStream(), serverStream(), 1 << 20);
  const auto expected = whole.eve();
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{13}}) {
    Harness h;
    feedAll(h, clientStream(), serverStream(), chunk);
    EXPECT_EQ(h.eve(), expected) << "chunk " << chunk;
  }
  const std::string client = clientStream();
  for (size_t cut = 1; cut < client.size(); ++cut) {
    Harness h;
    h.analyzer.feed(h.ctx, Direction::Originator, asBytes(client).first(cut), {});
    h.analyzer.feed(h.ctx, Direction::Originator, asBytes(client).subspan(cut), {});
    h.analyzer.feed(h.ctx, Direction::Responder, asBytes(serverStream()), {});
    EXPECT_EQ(h.eve(), expected) << "cut " << cut;
  }
}

TEST(RpcStream, UnansweredCallsReportedAtEnd) {
  Harness h;
  Xdr call;
  call.call(7, kProgPortmap, 2, 3).u32(kProgMount).u32(3).u32(17).u32(0);
  h.analyzer.feed(h.ctx, Direction::Originator, asBytes(recordMarked(call.out)), {});
  EXPECT_TRUE(h.sink.events.empty());
  h.analyzer.end(h.ctx, Direction::Responder, {});
  ASSERT_EQ(h.sink.events.size(), 1u);
  const auto& t = std::get<events::RpcTransaction>(h.sink.events[0].body);
  EXPECT_EQ(t.rpc.status, "no_reply");
  EXPECT_EQ(t.portmap_program, kProgMount);
}

TEST(RpcStream, BadRecordMarkGivesUp) {
  Harness h;
  const std::string junk("\x7f\xff\xff\xff", 4);  // 2 GiB fragment
  EXPECT_EQ(h.analyzer.feed(h.ctx, Direction::Originator, asBytes(junk), {}),
            FeedResult::OutOfSync);
  EXPECT_EQ(h.anomalies.get(Anomaly::RpcBadRecordMark), 1u);
}

// After a gap the framer scans for the next record (more in rpc_resync_test.cc).
TEST(RpcStream, GapResyncsAtTheNextRecord) {
  Harness h;
  const std::string client = clientStream();
  h.analyzer.feed(h.ctx, Direction::Originator, asBytes(client).first(10), {});
  h.analyzer.gap(h.ctx, Direction::Originator, 100, {});
  EXPECT_EQ(h.anomalies.get(Anomaly::RpcTruncatedRecord), 1u);
  EXPECT_EQ(h.analyzer.feed(h.ctx, Direction::Originator, asBytes(client), {}),
            FeedResult::Consumed);
  EXPECT_EQ(h.anomalies.get(Anomaly::RpcResynced), 1u);
  EXPECT_EQ(h.anomalies.get(Anomaly::RpcLostSync), 0u);
  EXPECT_TRUE(h.sink.events.empty());  // the calls wait for their replies
}

TEST(RpcStream, PendingTableIsBounded) {
  Harness h;
  std::string calls;
  for (uint32_t i = 0; i < kMaxPendingCalls + 5; ++i) {
    Xdr c;
    c.call(i, kProgPortmap, 2, 0);
    calls += recordMarked(c.out);
  }
  h.analyzer.feed(h.ctx, Direction::Originator, asBytes(calls), {});
  EXPECT_EQ(h.anomalies.get(Anomaly::RpcPendingTableFull), 5u);
  EXPECT_EQ(h.sink.events.size(), 5u);  // the oldest, reported as no_reply
  h.analyzer.end(h.ctx, Direction::Responder, {});
  EXPECT_EQ(h.sink.events.size(), kMaxPendingCalls + 5);
}

TEST(RpcStream, UnmatchedReplyAndGarbage) {
  Harness h;
  Xdr reply;
  reply.reply(42);
  h.analyzer.feed(h.ctx, Direction::Responder, asBytes(recordMarked(reply.out)), {});
  EXPECT_EQ(h.anomalies.get(Anomaly::RpcUnmatchedReply), 1u);
  const std::string garbage = recordMarked(std::string(40, '\x07'));
  h.analyzer.feed(h.ctx, Direction::Originator, asBytes(garbage), {});
  EXPECT_EQ(h.anomalies.get(Anomaly::RpcMalformedMessage), 1u);
  EXPECT_TRUE(h.sink.events.empty());
}

}  // namespace
}  // namespace medtap::analyzers::rpc
