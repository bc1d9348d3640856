// The public DICOM captures (../shared/testdata/dicom_pcap/tapirx, see SOURCES.md: one real
// A-ASSOCIATE-RQ each, loopback link type, no handshake in the capture) through the real capture
// reader, decoder and flow table into the dispatcher with every analyzer registered. Expected
// values are tshark 4.0's (`tshark -d tcp.port==104,dicom -T fields -e dicom.assoc.ae.calling
// -e dicom.assoc.ae.called -e dicom.userinfo.uid -e dicom.userinfo.version -e dicom.max_pdu_len
// -e dicom.pctx.abss.syntax`); the full abstract syntax lists are also compared with a live tshark
// run when tshark is installed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../capture_replay.h"
#include "../tshark_fields.h"

namespace medtap::analyzers {
namespace {

std::string capturePath(const std::string& name) {
  return std::string(MEDTAP_SHARED_DIR) + "/testdata/dicom_pcap/tapirx/" + name;
}

// tshark's abstract syntax UIDs for the capture, in order; empty when tshark is not installed.
// Each occurrence reads "Name (uid)"; names may hold parentheses themselves ("(Retired)").
std::vector<std::string> tsharkAbstractSyntaxes(const std::string& name) {
  std::vector<std::string> uids;
  for (const auto& row : fixtures::tsharkRows(
           capturePath(name), "dicom", {"dicom.pctx.abss.syntax"}, {"-d", "tcp.port==104,dicom"})) {
    for (const std::string& entry : fixtures::splitList(row[0])) {
      const size_t open = entry.rfind('(');
      if (open == std::string::npos || entry.back() != ')') continue;
      uids.push_back(entry.substr(open + 1, entry.size() - open - 2));
    }
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
    fixtures::CaptureRun run;
    fixtures::runCapture(capturePath(x.file), run);
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
