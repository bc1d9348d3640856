#include <gtest/gtest.h>

#include "analyzers/rpc/programs.h"
#include "analyzers/rpc/rpc_analyzer.h"
#include "analyzers/rpc/rpc_message.h"
#include "xdr_builder.h"

namespace medtap::analyzers::rpc {
namespace {

using testing::Xdr;

TEST(RpcMessage, ParsesCallWithAuthUnix) {
  Xdr x;
  x.call(0x11223344, kProgMount, 3, 1).str("/pm");
  CallHeader call;
  ASSERT_EQ(parseCall(asBytes(x.out), call), ParseStatus::Ok);
  EXPECT_EQ(call.xid, 0x11223344u);
  EXPECT_EQ(call.program, kProgMount);
  EXPECT_EQ(call.version, 3u);
  EXPECT_EQ(call.procedure, 1u);
  AuthUnix cred;
  ASSERT_TRUE(parseAuthUnix(call.cred_body, cred));
  EXPECT_EQ(cred.machine_name, "testhost");
  EXPECT_EQ(cred.uid, 1000u);
  events::RpcTransaction t;
  ASSERT_TRUE(parseMountCall(3, 1, call.args, t));
  EXPECT_EQ(t.mount_path, "/pm");
}

TEST(RpcMessage, RejectsWhatIsNotRpc) {
  Xdr x;
  x.u32(1).u32(0).u32(3).u32(100000).u32(2).u32(3);  // rpcvers 3
  CallHeader call;
  EXPECT_EQ(parseCall(asBytes(x.out), call), ParseStatus::Malformed);
  Xdr big;
  big.u32(1).u32(0).u32(2).u32(100000).u32(2).u32(3).u32(1).u32(401);  // cred > 400
  EXPECT_EQ(parseCall(asBytes(big.out), call), ParseStatus::Malformed);
  EXPECT_EQ(parseCall(asBytes(std::string_view("\0\0\0\1\0\0\0\0", 8)), call),
            ParseStatus::Truncated);
  ReplyHeader reply;
  Xdr r;
  r.u32(7).u32(1).u32(2);  // reply_stat 2
  EXPECT_EQ(parseReply(asBytes(r.out), reply), ParseStatus::Malformed);
}

TEST(RpcMessage, ReplyStatusNames) {
  Xdr r;
  r.reply(9, 1);
  ReplyHeader reply;
  ASSERT_EQ(parseReply(asBytes(r.out), reply), ParseStatus::Ok);
  EXPECT_EQ(replyStatusName(reply), "prog_unavail");
  Xdr d;
  d.u32(9).u32(1).u32(1).u32(1).u32(2);  // denied, AUTH_ERROR
  ASSERT_EQ(parseReply(asBytes(d.out), reply), ParseStatus::Ok);
  EXPECT_EQ(replyStatusName(reply), "auth_error");
}

TEST(RpcPrograms, Names) {
  EXPECT_EQ(programName(100005), "mount");
  EXPECT_EQ(programName(123), "");
  EXPECT_EQ(procedureName(100000, 2, 3), "GETPORT");
  EXPECT_EQ(procedureName(100000, 4, 3), "GETADDR");
  EXPECT_EQ(procedureName(100003, 3, 3), "LOOKUP");
  EXPECT_EQ(procedureName(100003, 2, 4), "LOOKUP");
  EXPECT_EQ(procedureName(100003, 4, 1), "COMPOUND");
  EXPECT_EQ(procedureName(100003, 3, 99), "");
  EXPECT_EQ(nfs4OpName(24), "PUTROOTFH");
}

TEST(RpcPrograms, UniversalAddress) {
  uint32_t port = 0;
  EXPECT_TRUE(portFromUniversalAddress("10.0.0.2.8.1", port));
  EXPECT_EQ(port, 2049u);
  EXPECT_TRUE(portFromUniversalAddress("::1.0.111", port));
  EXPECT_EQ(port, 111u);
  EXPECT_FALSE(portFromUniversalAddress("10.0.0.2.300.1", port));
  EXPECT_FALSE(portFromUniversalAddress("nope", port));
}

TEST(RpcPrograms, PortmapGetport) {
  Xdr args;
  args.u32(100005).u32(3).u32(17).u32(0);
  events::RpcTransaction t;
  ASSERT_TRUE(parsePortmapCall(2, 3, asBytes(args.out), t));
  EXPECT_EQ(t.portmap_program, 100005u);
  Xdr res;
  res.u32(20048);
  ASSERT_TRUE(parsePortmapReply(2, 3, asBytes(res.out), t));
  EXPECT_EQ(t.portmap_port, 20048u);
}

TEST(RpcPrograms, Nfs3NamesAndRename) {
  Xdr args;
  args.str("FHFHFHFH").str("old.txt").str("FHFH").str("new.txt");
  events::NfsOperation op;
  ASSERT_TRUE(parseNfsCall(3, 14, asBytes(args.out), op));
  EXPECT_EQ(op.file_names, (std::vector<std::string>{"old.txt", "new.txt"}));
}

TEST(RpcPrograms, Nfs4CompoundOperations) {
  Xdr args;
  args.str("tag").u32(0).u32(4);
  args.u32(24);                 // PUTROOTFH
  args.u32(15).str("pm");       // LOOKUP
  args.u32(10);                 // GETFH
  args.u32(9).u32(1).u32(0x1);  // GETATTR bitmap
  events::NfsOperation op;
  ASSERT_TRUE(parseNfsCall(4, 1, asBytes(args.out), op));
  EXPECT_EQ(op.operations,
            (std::vector<std::string_view>{"PUTROOTFH", "LOOKUP", "GETFH", "GETATTR"}));
  EXPECT_EQ(op.file_names, std::vector<std::string>{"pm"});
}

TEST(RpcPrograms, TruncatedBodiesFail) {
  Xdr args;
  args.u32(100);  // a name length with no name
  events::RpcTransaction t;
  EXPECT_FALSE(parseMountCall(3, 1, asBytes(args.out), t));
  events::NfsOperation op;
  EXPECT_FALSE(parseNfsCall(3, 3, asBytes(args.out), op));
}

TEST(RpcProbe, UdpAndTcp) {
  Xdr mount;
  mount.call(1, kProgMount, 3, 1).str("/pm");
  Xdr nfs;
  nfs.call(1, kProgNfs, 3, 0);
  EXPECT_EQ(probeDatagram(asBytes(mount.out), ProbeFamily::OtherRpc), ProbeResult::Yes);
  EXPECT_EQ(probeDatagram(asBytes(mount.out), ProbeFamily::Nfs), ProbeResult::No);
  EXPECT_EQ(probeDatagram(asBytes(nfs.out), ProbeFamily::Nfs), ProbeResult::Yes);
  Xdr reply;
  reply.reply(1);
  EXPECT_EQ(probeDatagram(asBytes(reply.out), ProbeFamily::OtherRpc), ProbeResult::No);
  const std::string rec = testing::recordMarked(nfs.out);
  EXPECT_EQ(probeRecord(asBytes(rec), ProbeFamily::Nfs), ProbeResult::Yes);
  EXPECT_EQ(probeRecord(asBytes(rec).first(10), ProbeFamily::Nfs), ProbeResult::Maybe);
  EXPECT_EQ(probeRecord(asBytes(std::string_view("\x02lp\n")), ProbeFamily::Nfs), ProbeResult::No);
}

}  // namespace
}  // namespace medtap::analyzers::rpc
