// The public HL7/MLLP captures (../shared/testdata/hl7_pcap, see SOURCES.md) through the real
// capture reader, decoder and flow table into the dispatcher with every analyzer registered.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "capture_replay.h"
#include "sinks/eve_writer.h"

namespace medtap::analyzers {
namespace {

struct CaptureRun : fixtures::CaptureRun {
  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto* m : sink.hl7()) out.push_back(m->message_type);
    return out;
  }
};

// Runs one capture of ../shared/testdata/hl7_pcap.
void runHl7Capture(const std::string& relative, CaptureRun& run) {
  fixtures::runCapture(std::string(MEDTAP_SHARED_DIR) + "/testdata/hl7_pcap/" + relative, run);
}

TEST(Hl7Captures, AdtAndAck) {
  CaptureRun run;
  runHl7Capture("nDPI/hl7.pcap", run);
  EXPECT_EQ(run.types(), (std::vector<std::string>{"ADT^A01", "ACK"}));  // MSH-9 is "ACK"
  EXPECT_EQ(run.app_protos, std::vector<std::string>{"hl7"});
  const auto hl7 = run.sink.hl7();
  ASSERT_EQ(hl7.size(), 2u);
  EXPECT_EQ(hl7[1]->ack_code, "AA");
  EXPECT_EQ(hl7[0]->segments.front(), "MSH");
  ASSERT_TRUE(run.sink.events[0].flow);
  EXPECT_EQ(run.sink.events[0].flow->dest_port, 6661);  // originator -> responder
  EXPECT_EQ(run.sink.events[0].flow->app_proto, "hl7");
  EXPECT_EQ(run.sink.events[1].flow->dest_port, 6661);  // the ACK's event: same header
  for (Anomaly a : {Anomaly::MllpMissingStartBlock, Anomaly::MllpTruncatedMessage,
                    Anomaly::Hl7MissingMsh, Anomaly::AnalyzerOutOfSync}) {
    EXPECT_EQ(run.anomalies.get(a), 0u) << anomalyName(a);
  }
}

// The ORU's MLLP frame is split across two TCP segments (frames 4 and 5, 1460 + 319 bytes);
// the ACK is frame 7.
TEST(Hl7Captures, OruSplitAcrossSegments) {
  CaptureRun run;
  runHl7Capture("tapirx/HL7-ORU.pcap", run);
  EXPECT_EQ(run.types(), (std::vector<std::string>{"ORU^R01", "ACK"}));
  const auto hl7 = run.sink.hl7();
  ASSERT_EQ(hl7.size(), 2u);
  EXPECT_EQ(std::count(hl7[0]->segments.begin(), hl7[0]->segments.end(), "OBX"), 14);
  EXPECT_EQ(hl7[0]->sending_application, "SendingApp");
  EXPECT_EQ(hl7[1]->ack_code, "AA");
  EXPECT_EQ(run.sink.events[0].ts, Timestamp::fromSecNs(1517275751, 439468000));
  EXPECT_EQ(run.sink.events[1].ts, Timestamp::fromSecNs(1517275751, 455338000));
  EXPECT_EQ(run.anomalies.get(Anomaly::MllpTruncatedMessage), 0u);
}

TEST(Hl7Captures, EveryCaptureGivesTwoMessages) {
  for (const char* name :
       {"tapirx/HL7-ADT-UDI-OBX.pcap", "tapirx/HL7-ADT-UDI-PRT.pcap", "tapirx/HL7-ORM.pcap"}) {
    CaptureRun run;
    runHl7Capture(name, run);
    EXPECT_EQ(run.sink.hl7().size(), 2u) << name;
    EXPECT_EQ(run.app_protos, std::vector<std::string>{"hl7"}) << name;
  }
}

// What tshark 4.0 decodes from each capture (`tshark -r F -d tcp.port==6661,hl7 -Y hl7 -T fields
// -e hl7.message.type -e hl7.event.type -e hl7.field`: MSH-9 and MSH-10, MSA-2): message type,
// control id and, for the ACK, the acknowledged control id. medtap writes "ACK" where tshark
// shows message type ACK with no event.
struct TsharkMessage {
  const char* type;
  const char* control_id;
  const char* acknowledged;
};

TEST(Hl7Captures, AgreeWithTshark) {
  const std::vector<std::pair<std::string, std::vector<TsharkMessage>>> captures = {
      {"nDPI/hl7.pcap",
       {{"ADT^A01", "934576120110613083617", ""},
        {"ACK", "20180129192342.245", "934576120110613083617"}}},
      {"tapirx/HL7-ADT-UDI-OBX.pcap",
       {{"ADT^A01", "934576120110613083617", ""},
        {"ACK", "20180129192342.245", "934576120110613083617"}}},
      {"tapirx/HL7-ADT-UDI-PRT.pcap",
       {{"ADT^A01", "934576120110613083617", ""},
        {"ACK", "20180129192342.245", "934576120110613083617"}}},
      {"tapirx/HL7-ORM.pcap", {{"ORM^O01", "59689", ""}, {"ACK", "20180129192807.774", "59689"}}},
      {"tapirx/HL7-ORU.pcap", {{"ORU^R01", "59689", ""}, {"ACK", "20180129192911.446", "59689"}}},
  };
  for (const auto& [name, want] : captures) {
    CaptureRun run;
    runHl7Capture(name, run);
    const auto hl7 = run.sink.hl7();
    ASSERT_EQ(hl7.size(), want.size()) << name;
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(hl7[i]->message_type, want[i].type) << name;
      EXPECT_EQ(hl7[i]->control_id, want[i].control_id) << name;
      EXPECT_EQ(hl7[i]->acknowledged_control_id, want[i].acknowledged) << name;
    }
    EXPECT_EQ(run.sink.events[0].direction, events::Direction::ToServer) << name;
    EXPECT_EQ(run.sink.events[1].direction, events::Direction::ToClient) << name;
  }
}

// tapirx edited these captures to carry an infusion pump's identity in OBX-18 and PRT-16.
TEST(Hl7Captures, DeviceIdentifiers) {
  for (const auto& [name, source] : std::vector<std::pair<std::string, std::string>>{
           {"tapirx/HL7-ADT-UDI-OBX.pcap", "OBX-18"}, {"tapirx/HL7-ADT-UDI-PRT.pcap", "PRT-16"}}) {
    CaptureRun run;
    runHl7Capture(name, run);
    const auto hl7 = run.sink.hl7();
    ASSERT_FALSE(hl7.empty()) << name;
    ASSERT_EQ(hl7[0]->devices.size(), 1u) << name;
    EXPECT_EQ(hl7[0]->devices[0].source, source);
    EXPECT_EQ(hl7[0]->devices[0].id, "Hospira Plum A+");
  }
}

// The ORU's seven CBC results: LOINC codes, numbers and units as sent.
TEST(Hl7Captures, OruObservations) {
  CaptureRun run;
  runHl7Capture("tapirx/HL7-ORU.pcap", run);
  const auto hl7 = run.sink.hl7();
  ASSERT_EQ(hl7.size(), 2u);
  const auto& obs = hl7[0]->observations;
  ASSERT_EQ(obs.size(), 14u);
  size_t numeric = 0;
  for (const auto& o : obs) numeric += o.numeric_valid ? 1 : 0;
  EXPECT_GE(numeric, 7u);
}

// No name, identifier, birth date or address from the captures reaches the EVE lines.
TEST(Hl7Captures, NoPatientDataInEve) {
  for (const char* name :
       {"nDPI/hl7.pcap", "tapirx/HL7-ADT-UDI-OBX.pcap", "tapirx/HL7-ADT-UDI-PRT.pcap",
        "tapirx/HL7-ORM.pcap", "tapirx/HL7-ORU.pcap"}) {
    CaptureRun run;
    runHl7Capture(name, run);
    ASSERT_FALSE(run.sink.events.empty()) << name;
    bool have_patient = false;
    for (const events::Event& e : run.sink.events) {
      std::string line;
      sinks::formatEve(e, line);
      for (const char* phi : {"MOUSE", "MICKEY", "MINNIE", "135769", "\"12345\"", "19281118",
                              "19240101", "Main St", "MOUSEHOLE", "Lake Buena", "FORT WAYNE"}) {
        EXPECT_EQ(line.find(phi), std::string::npos) << name << ": " << phi << " in " << line;
      }
      have_patient = have_patient || line.find("\"PID-5\"") != std::string::npos;
    }
    EXPECT_TRUE(have_patient) << name;
  }
}

}  // namespace
}  // namespace medtap::analyzers
