// The public DICOM captures (../shared/testdata/dicom_pcap/tapirx, see SOURCES.md: one real
// A-ASSOCIATE-RQ each, loopback link type, no handshake in the capture) through the real capture
// reader, decoder and flow table into the dispatcher with every analyzer registered. Expected
// values are tshark 4.0's (`tshark -d tcp.port==104,dicom -T fields -e dicom.assoc.ae.calling
// -e dicom.assoc.ae.called -e dicom.userinfo.uid -e dicom.userinfo.version -e dicom.max_pdu_len
// -e dicom.pctx.abss.syntax`); the full abstract syntax lists are also compared with a live tshark
// run when tshark is installed.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "analyzers/dispatcher.h"
#include "analyzers/registry.h"
#include "capture/file_source.h"
#include "decode/decoder.h"
#include "flow/flow_table.h"

namespace medtap::analyzers {
namespace {

class Sink : public events::EventSink {
 public:
  void emit(const events::Event& e) override { events.push_back(e); }
  std::vector<events::Event> events;
};

class Callbacks : public flow::FlowCallbacks {
 public:
  explicit Callbacks(Dispatcher& d) : d_(d) {}
  void onStreamData(flow::Flow& f, Direction dir, Bytes data, Timestamp ts) override {
    d_.onStreamData(f, dir, data, ts);
  }
  void onStreamGap(flow::Flow& f, Direction dir, uint64_t len, Timestamp ts) override {
    d_.onStreamGap(f, dir, len, ts);
  }
  void onStreamEnd(flow::Flow& f, Direction dir, Timestamp ts) override {
    d_.onStreamEnd(f, dir, ts);
  }
  void onDatagram(flow::Flow& f, Direction dir, const decode::DecodedPacket& p) override {
    d_.onDatagram(f, dir, p);
  }
  void onFlowEnd(flow::Flow& f, flow::EndReason reason, Timestamp ts) override {
    d_.onFlowEnd(f, reason, ts);
    app_protos.emplace_back(f.app_proto);
  }
  std::vector<std::string> app_protos;

 private:
  Dispatcher& d_;
};

std::string capturePath(const std::string& name) {
  return std::string(MEDTAP_SHARED_DIR) + "/testdata/dicom_pcap/tapirx/" + name;
}

struct CaptureRun {
  Sink sink;
  AnomalyCounters anomalies;
  std::vector<std::string> app_protos;
};

void runCapture(const std::string& name, CaptureRun& run) {
  Registry registry;
  registerAnalyzers(registry);
  const auto phi = privacy::PhiTokenizer::withSecret("test");
  Dispatcher dispatcher(registry, run.sink, run.anomalies, phi);
  Callbacks callbacks(dispatcher);
  flow::FlowTable flows(flow::FlowTableConfig{}, callbacks, run.anomalies);
  decode::Decoder decoder(run.anomalies);
  auto source = capture::openCaptureFile(capturePath(name), run.anomalies);
  ASSERT_TRUE(source.ok()) << source.error();
  capture::RawPacket raw;
  decode::DecodedPacket packet;
  Timestamp last;
  while ((*source)->next(raw) == capture::ReadStatus::Packet) {
    last = raw.ts;
    if (decoder.decode(raw, packet) == decode::DecodeResult::Ok &&
        (packet.l3 == decode::L3::Ipv4 || packet.l3 == decode::L3::Ipv6)) {
      flows.process(packet);
    }
  }
  flows.flushAll(last);
  run.app_protos = callbacks.app_protos;
}

// tshark's abstract syntax UIDs for the capture, in order; empty when tshark is not installed.
std::vector<std::string> tsharkAbstractSyntaxes(const std::string& name) {
  const std::string cmd = "tshark -r '" + capturePath(name) +
                          "' -d tcp.port==104,dicom -Y dicom -T fields -E occurrence=a "
                          "-e dicom.pctx.abss.syntax 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return {};
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
  // "Name (uid),Name (uid),...": the UID is in the last parentheses of each entry.
  std::vector<std::string> uids;
  size_t pos = 0;
  while ((pos = out.find(" (1.", pos)) != std::string::npos) {
    const size_t close = out.find(')', pos);
    if (close == std::string::npos) break;
    const std::string uid = out.substr(pos + 2, close - pos - 2);
    // Names themselves may hold parentheses ("(Retired)"); a UID is digits and dots only.
    if (uid.find_first_not_of("0123456789.") == std::string::npos) uids.push_back(uid);
    pos = close;
  }
  return uids;
}

struct Expected {
  const char* file;
  const char* calling;
  const char* called;
  size_t contexts;
  const char* first_abstract;
  const char* last_abstract;
  uint16_t src_port;
};

// tshark 4.0 values (note: file 4 is named bogus_local but its AE titles are testclient's).
constexpr Expected kCaptures[] = {
    {"dicom_arq_1_find_testclient.pcap", "testclient", "testserver", 4,
     "1.2.840.10008.5.1.4.1.2.1.1", "1.2.840.10008.5.1.4.31", 49531},
    {"dicom_arq_2_get_testclient.pcap", "testclient", "testserver", 123,
     "1.2.840.10008.5.1.4.1.2.1.3", "1.2.840.10008.5.1.4.45.1", 49541},
    {"dicom_arq_3_find_bogus_local.pcap", "bogus_local", "bogus_remote", 4,
     "1.2.840.10008.5.1.4.1.2.1.1", "1.2.840.10008.5.1.4.31", 52228},
    {"dicom_arq_4_get_bogus_local.pcap", "testclient", "testserver", 123,
     "1.2.840.10008.5.1.4.1.2.1.3", "1.2.840.10008.5.1.4.45.1", 52180},
};

TEST(DicomCaptures, AssociateRequestsAgreeWithTshark) {
  for (const Expected& x : kCaptures) {
    SCOPED_TRACE(x.file);
    CaptureRun run;
    runCapture(x.file, run);
    EXPECT_EQ(run.app_protos, std::vector<std::string>{"dicom"});
    ASSERT_EQ(run.sink.events.size(), 1u);
    const events::Event& e = run.sink.events[0];
    const auto& m = std::get<events::DicomMessage>(e.body);
    EXPECT_EQ(m.pdu, "A-ASSOCIATE-RQ");
    EXPECT_EQ(m.protocol_version, 1);
    EXPECT_EQ(m.calling_ae, x.calling);
    EXPECT_EQ(m.called_ae, x.called);
    EXPECT_EQ(m.application_context, "1.2.840.10008.3.1.1.1");
    EXPECT_EQ(m.implementation_class_uid, "1.2.826.0.1.3680043.9.7133.1.1");
    EXPECT_EQ(m.implementation_version_name, "GODICOM_1_1");
    EXPECT_EQ(m.max_length, 4194304u);
    ASSERT_EQ(m.abstract_syntaxes.size(), x.contexts);
    EXPECT_EQ(m.abstract_syntaxes.front(), x.first_abstract);
    EXPECT_EQ(m.abstract_syntaxes.back(), x.last_abstract);
    EXPECT_EQ(m.transfer_syntaxes,
              (std::vector<std::string>{"1.2.840.10008.1.2", "1.2.840.10008.1.2.1",
                                        "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99"}));
    EXPECT_EQ(e.direction, events::Direction::ToServer);
    ASSERT_TRUE(e.flow);
    EXPECT_EQ(e.flow->dest_port, 104);
    EXPECT_EQ(e.flow->src_port, x.src_port);
    EXPECT_EQ(e.flow->app_proto, "dicom");
    for (size_t a = 0; a < kAnomalyCount; ++a) {
      const auto anomaly = static_cast<Anomaly>(a);
      if (anomalyName(anomaly).starts_with("dicom_")) {
        EXPECT_EQ(run.anomalies.get(anomaly), 0u) << anomalyName(anomaly);
      }
    }
    const std::vector<std::string> tshark = tsharkAbstractSyntaxes(x.file);
    if (!tshark.empty()) {
      EXPECT_EQ(m.abstract_syntaxes, tshark);
    }
  }
}

}  // namespace
}  // namespace medtap::analyzers
