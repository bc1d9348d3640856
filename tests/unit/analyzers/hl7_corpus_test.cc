// The real HL7 message corpora (../shared/testdata/hl7_messages, see SOURCES.md): every message
// parses without loss (each segment and field the parser walked through matches a naive split
// of the raw text, every segment name and every OBX is in the event), and no patient name,
// identifier or birth date from any of them reaches the formatted EVE line.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/hl7/hl7_message.h"
#include "analyzers/hl7/raw_framer.h"
#include "sinks/eve_writer.h"
#include "test_support.h"

namespace medtap::analyzers::hl7 {
namespace {

const std::string kCorpus = std::string(MEDTAP_SHARED_DIR) + "/testdata/hl7_messages";

std::vector<std::string> corpusFiles() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kCorpus)) {
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Messages of a file, cut the way the raw (no MLLP) framer cuts a stream.
std::vector<std::string> messagesOf(const std::string& path) {
  fixtures::RecordingCallbacks cb;
  RawFramer framer;
  // hapi-hl7v2/messages.txt has C comment blocks and "//" lines between its messages
  // (SOURCES.md): drop them as a reader of the file would.
  std::string text;
  const std::string raw = fixtures::readFile(path);
  for (size_t start = 0; start < raw.size();) {
    size_t end = raw.find('\n', start);
    end = end == std::string::npos ? raw.size() : end + 1;
    const std::string_view line(raw.data() + start, end - start);
    if (!line.starts_with("/") && !line.starts_with(" *") && !line.starts_with("*")) text += line;
    start = end;
  }
  framer.feed(asBytes(text), cb);
  framer.end(cb);
  return cb.messages;
}

// The naive view: lines split at CR or LF, empty ones dropped, fields split at MSH-1.
struct Naive {
  std::vector<std::string_view> lines;
  char separator = '|';
};

Naive naiveSplit(std::string_view message) {
  Naive n;
  message.remove_prefix(skipPreamble(message));
  if (message.size() > 3) n.separator = message[3];
  size_t start = 0;
  for (size_t i = 0; i <= message.size(); ++i) {
    if (i == message.size() || message[i] == '\r' || message[i] == '\n') {
      if (i > start) n.lines.push_back(message.substr(start, i - start));
      start = i + 1;
    }
  }
  return n;
}

// Parts of `s` split at any of `separators`, of at least `min` characters.
void addParts(std::string_view s, std::string_view separators, size_t min,
              std::vector<std::string>& out) {
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || separators.find(s[i]) != std::string_view::npos) {
      if (i - start >= min) out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
}

TEST(Hl7Corpus, EveryMessageParsesWithoutLoss) {
  size_t messages = 0, segments = 0, fields = 0, observations = 0;
  for (const std::string& path : corpusFiles()) {
    for (const std::string& message : messagesOf(path)) {
      events::Hl7Message msg;
      AnomalyCounters anomalies;
      ParseStats stats;
      const ParseStatus status = parseMessage(message, msg, anomalies, {.stats = &stats});
      ASSERT_EQ(status, ParseStatus::Ok) << path;
      ++messages;
      const Naive naive = naiveSplit(message);
      size_t naive_fields = 0;
      std::vector<std::string> names;
      size_t obx = 0;
      for (std::string_view line : naive.lines) {
        naive_fields +=
            1 + static_cast<size_t>(std::count(line.begin(), line.end(), naive.separator));
        const std::string_view name = line.substr(0, line.find(naive.separator));
        if (isSegmentName(name)) names.emplace_back(name);
        if (name == "OBX") ++obx;
      }
      EXPECT_EQ(stats.segments, naive.lines.size()) << path;
      EXPECT_EQ(stats.fields, naive_fields) << path;
      EXPECT_EQ(msg.segments, names) << path;
      EXPECT_EQ(msg.observations.size() + msg.observations_dropped, obx) << path;
      EXPECT_EQ(anomalies.get(Anomaly::Hl7BadSegmentName), naive.lines.size() - names.size())
          << path;
      segments += stats.segments;
      fields += stats.fields;
      observations += msg.observations.size();
    }
  }
  // 191 files (SOURCES.md) holding 227 messages.
  EXPECT_EQ(messages, 227u);
  EXPECT_GT(observations, 1000u);
  RecordProperty("messages", static_cast<int>(messages));
  RecordProperty("segments", static_cast<int>(segments));
  RecordProperty("fields", static_cast<int>(fields));
}

TEST(Hl7Corpus, NoPatientDataInEve) {
  const auto phi = privacy::PhiTokenizer::withSecret("test");
  size_t checked = 0;
  for (const std::string& path : corpusFiles()) {
    for (const std::string& message : messagesOf(path)) {
      events::Hl7Message msg;
      AnomalyCounters anomalies;
      PatientTokens tokens(phi);
      ASSERT_EQ(parseMessage(message, msg, anomalies, {.tokens = &tokens}), ParseStatus::Ok);
      const Naive naive = naiveSplit(message);
      const char sep = naive.separator;
      // PHI values, naively: PID-3 (all identifiers), PID-5 names, PID-7 birth date, PID-11
      // address parts; 4 characters or more, so that "1" or "M" do not match JSON text.
      std::vector<std::string> values;
      for (std::string_view line : naive.lines) {
        if (!line.starts_with("PID")) continue;
        std::vector<std::string_view> f(21);
        splitFields(line, sep, f);
        addParts(f[3], "^~&", 4, values);
        addParts(f[5], "^~&", 4, values);
        addParts(f[7], "^~&", 4, values);
      }
      if (values.empty()) continue;
      events::Event event{Timestamp{}, std::nullopt, msg};
      std::string line;
      sinks::formatEve(event, line);
      for (const std::string& v : values) {
        // Values that the message also carries in a reported non-patient MSH field are not
        // evidence of a leak: some senders build the control id from the patient's id
        // (data-exchange-hl7's "182012_2023..."), and tshark reports MSH-10 too.
        if (msg.control_id.find(v) != std::string::npos ||
            msg.sending_application.find(v) != std::string::npos ||
            msg.sending_facility.find(v) != std::string::npos ||
            msg.receiving_application.find(v) != std::string::npos ||
            msg.receiving_facility.find(v) != std::string::npos) {
          continue;
        }
        EXPECT_EQ(line.find(v), std::string::npos) << path << ": " << v;
        ++checked;
      }
      if (!msg.patient.name.empty()) {
        EXPECT_NE(line.find(msg.patient.name), std::string::npos);
      }
    }
  }
  EXPECT_GT(checked, 500u);
}

}  // namespace
}  // namespace medtap::analyzers::hl7
