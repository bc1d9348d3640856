// Shared helpers for the analyzer tests: recording callbacks and sinks, synthetic HL7 messages
// (fake names only, no patient data) and flows built by hand.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/hl7/mllp_framer.h"
#include "core/anomaly.h"
#include "core/bytes.h"
#include "events/event.h"
#include "flow/flow.h"

namespace medtap::analyzers::fixtures {

// Records what a framer reports.
class RecordingCallbacks : public hl7::FramerCallbacks {
 public:
  void onMessage(Bytes message) override {
    messages.emplace_back(asChars(message));
    views.push_back(message);
  }
  void onAnomaly(Anomaly anomaly) override { anomalies.add(anomaly); }

  std::vector<std::string> messages;
  std::vector<Bytes> views;  // only valid for checks made during the feed that produced them
  AnomalyCounters anomalies;
};

// Records events.
class RecordingSink : public events::EventSink {
 public:
  void emit(const events::Event& event) override { events.push_back(event); }
  std::vector<const events::Hl7Message*> hl7() const {
    std::vector<const events::Hl7Message*> out;
    for (const events::Event& e : events) {
      if (const auto* m = std::get_if<events::Hl7Message>(&e.body)) out.push_back(m);
    }
    return out;
  }
  std::vector<events::Event> events;
};

inline std::string mllpFrame(std::string_view message) {
  std::string frame;
  frame += '\x0b';
  frame += message;
  frame += "\x1c\r";
  return frame;
}

// Synthetic messages: clearly fake people, fake facilities.
inline const std::string kAdtA01 =
    "MSH|^~\\&|ADMIT|WARD7|EHR|TESTHOSP|20250101120000||ADT^A01^ADT_A01|CTRL0001|P|2.5\r"
    "EVN|A01|20250101120000\r"
    "PID|1||0000001^^^TESTHOSP^MR||TEST^PATIENT||19700101|U\r"
    "PV1|1|I|WARD7^101^1\r";
inline const std::string kOruR01 =
    "MSH|^~\\&|MONITOR^0012345678ABCDEF^EUI-64|ICU|CIS|TESTHOSP|20250101120005||ORU^R01|"
    "CTRL0002|P|2.6\r"
    "PID|1||0000002^^^TESTHOSP^MR||TEST^PATIENT^TWO\r"
    "OBR|1|||69837-1^Vitals^LN\r"
    "OBX|1|NM|8867-4^Heart rate^LN||72|/min|||||F\r"
    "OBX|2|NM|59408-5^SpO2^LN||98|%|||||F\r";
inline const std::string kAck =
    "MSH|^~\\&|EHR|TESTHOSP|ADMIT|WARD7|20250101120001||ACK^A01|ACK0001|P|2.5\r"
    "MSA|AA|CTRL0001\r";

inline flow::Flow makeFlow(uint8_t proto, uint16_t orig_port, uint16_t resp_port) {
  flow::Flow f;
  f.id = 0x1234567;
  f.key.proto = proto;
  f.orig_ip = IpAddress::v4(0x0a000001);  // 10.0.0.1
  f.resp_ip = IpAddress::v4(0x0a000002);  // 10.0.0.2
  f.orig_port = orig_port;
  f.resp_port = resp_port;
  f.key.lo_ip = f.orig_ip;
  f.key.hi_ip = f.resp_ip;
  f.key.lo_port = orig_port;
  f.key.hi_port = resp_port;
  return f;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace medtap::analyzers::fixtures
