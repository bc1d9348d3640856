// The public SunRPC/NFS captures (../shared/testdata/nfs_rpc, see SOURCES.md) through the real
// capture reader, decoder and flow table into the dispatcher, compared with tshark message by
// message: every call's (xid, program, procedure), every mount path and every NFS file name.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "../capture_replay.h"
#include "../tshark_fields.h"

namespace medtap::analyzers {
namespace {

using CallKey = std::tuple<uint32_t, uint32_t, uint32_t>;  // xid, program, procedure

struct Summary {
  std::map<CallKey, int> calls;
  std::map<std::string, int> mount_paths;
  std::map<std::string, int> file_names;
  std::map<std::string, int> app_protos;
};

std::string path(const std::string& relative) {
  return std::string(MEDTAP_SHARED_DIR) + "/testdata/nfs_rpc/" + relative;
}

Summary runMedtap(const std::string& relative, AnomalyCounters& anomalies) {
  Summary s;
  fixtures::CaptureRun run;
  fixtures::runCapture(path(relative), run);
  anomalies = run.anomalies;
  for (const std::string& app_proto : run.app_protos) ++s.app_protos[app_proto];
  for (const events::Event& e : run.sink.events) {
    const events::RpcInfo* info = nullptr;
    if (const auto* t = std::get_if<events::RpcTransaction>(&e.body)) {
      info = &t->rpc;
      if (!t->mount_path.empty()) ++s.mount_paths[t->mount_path];
    } else if (const auto* n = std::get_if<events::NfsOperation>(&e.body)) {
      info = &n->rpc;
      for (const auto& name : n->file_names) ++s.file_names[name];
    }
    if (info) ++s.calls[{info->xid, info->program, info->procedure}];
  }
  return s;
}

// tshark's view of the calls: one row per frame; a frame may hold several calls.
Summary runTshark(const std::string& relative) {
  Summary s;
  for (const auto& f : fixtures::tsharkRows(path(relative), "rpc.msgtyp==0",
                                            {"rpc.xid", "rpc.program", "rpc.procedure",
                                             "mount.path", "nfs.name", "nfs.pathname.component"})) {
    if (f.size() < 6) continue;
    const auto xids = fixtures::splitList(f[0]), progs = fixtures::splitList(f[1]),
               procs = fixtures::splitList(f[2]);
    for (size_t i = 0; i < xids.size() && i < progs.size() && i < procs.size(); ++i) {
      ++s.calls[{static_cast<uint32_t>(std::stoul(xids[i], nullptr, 16)),
                 static_cast<uint32_t>(std::stoul(progs[i])),
                 static_cast<uint32_t>(std::stoul(procs[i]))}];
    }
    for (const auto& p : fixtures::splitList(f[3])) {
      if (!p.empty()) ++s.mount_paths[p];
    }
    for (size_t k : {size_t{4}, size_t{5}}) {
      for (const auto& p : fixtures::splitList(f[k])) {
        if (!p.empty()) ++s.file_names[p];
      }
    }
  }
  return s;
}

bool haveTshark() {
  return std::system("tshark -v >/dev/null 2>&1") == 0;
}

class RpcCaptures : public ::testing::TestWithParam<const char*> {};

TEST_P(RpcCaptures, AgreeWithTshark) {
  if (!haveTshark()) GTEST_SKIP() << "tshark not installed";
  AnomalyCounters anomalies;
  const Summary medtap = runMedtap(GetParam(), anomalies);
  const Summary tshark = runTshark(GetParam());
  EXPECT_FALSE(tshark.calls.empty());
  EXPECT_EQ(medtap.calls, tshark.calls);
  EXPECT_EQ(medtap.mount_paths, tshark.mount_paths);
  EXPECT_EQ(medtap.file_names, tshark.file_names);
}

INSTANTIATE_TEST_SUITE_P(
    NfsRpc, RpcCaptures,
    ::testing::Values(
        "nDPI/nfsv2.pcap", "nDPI/nfsv3.pcap", "suricata-verify/nfs3-procedure/input.pcap",
        "suricata-verify/nfs3-readdirplus/input.pcap", "suricata-verify/nfs4-01/input.pcap",
        "zeek/mount-unmount.pcap", "zeek/mount-unmount-bad-auth-flavor.pcap",
        "zeek/mount-unmount-bad-status.pcap", "zeek/nfs_base.pcap",
        "zeek/nfs_fsinfo_bad_status.pcap", "zeek/nfs_getattr_bad_ftype.pcap",
        "zeek/nfs_setattr_bad_set_it.pcap", "zeek/nfs_write.pcap",
        "zeek/nfs_write_bad_stable_how.pcap", "zeek/portmapper-many-unanswered-calls.pcapng.gz",
        "tcpdump/nfs-cannot-pad-32-bit.pcap"));

// The mount capture in detail: the export path, the client's AUTH_UNIX name, app_proto "rpc".
TEST(RpcCapturesDetail, MountUnmount) {
  AnomalyCounters anomalies;
  const Summary s = runMedtap("zeek/mount-unmount.pcap", anomalies);
  EXPECT_EQ(s.mount_paths, (std::map<std::string, int>{{"/export", 2}}));
  EXPECT_EQ(s.app_protos, (std::map<std::string, int>{{"rpc", 4}}));
}

// sadmind (program 100232) calls go straight to its own port: not a program medtap names, so
// those flows stay unclassified; tshark decodes them because it saw the portmapper answer. The
// portmapper calls agree.
TEST(RpcCapturesDetail, SadmindFlowsStayUnclassified) {
  AnomalyCounters anomalies;
  const Summary s = runMedtap("zeek/rpc-portmap-sadmind.pcap", anomalies);
  for (const auto& [key, count] : s.calls) EXPECT_EQ(std::get<1>(key), 100000u);
  EXPECT_EQ(s.calls.size(), 13u);
}

// Deliberately malformed captures (tcpdump's crash reproducers): no crash, and no event tshark
// would not also decode.
TEST(RpcCapturesDetail, MalformedCapturesAreSafe) {
  for (const char* f : {"tcpdump/hoobr_nfs_printfh.pcap", "tcpdump/hoobr_nfs_xid_map_enter.pcap",
                        "tcpdump/nfs-attr-oobr.pcap", "tcpdump/nfs-seg-fault-1.pcapng",
                        "tcpdump/nfs_large_credentials_length.pcap", "tcpdump/unaligned-nfs-1.pcap",
                        "tcpdump/nfs-write-verf-cookie.pcapng"}) {
    AnomalyCounters anomalies;
    const Summary s = runMedtap(f, anomalies);
    EXPECT_LE(s.calls.size(), 1u) << f;
  }
}

}  // namespace
}  // namespace medtap::analyzers
