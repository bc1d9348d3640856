// The LPD analyzer (RFC 1179) on a synthetic print job (fake host, user and names).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../test_support.h"
#include "analyzers/contec_cms/contec_analyzer.h"
#include "analyzers/lpd/control_file.h"
#include "analyzers/lpd/lpd_analyzer.h"
#include "sinks/eve_writer.h"

namespace medtap::analyzers::lpd {
namespace {

const std::string kControl =
    "Htesthost\nPnurse1\nJward report TEST PATIENT\nNreport-TEST-PATIENT.ps\nldfA001testhost\n";
const std::string kData = "%!PS\n(bed 7) show\n";

std::string client() {
  return std::string("\x02ward7\n") + "\x02" + std::to_string(kControl.size()) +
         " cfA001testhost\n" + kControl + std::string(1, '\0') + "\x03" +
         std::to_string(kData.size()) + " dfA001testhost\n" + kData + std::string(1, '\0');
}
const std::string kAcks(4, '\0');

struct Harness {
  events::FlowRef ref;
  fixtures::RecordingSink sink;
  AnomalyCounters anomalies;
  privacy::PhiTokenizer phi = privacy::PhiTokenizer::withSecret("test");
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  LpdAnalyzer analyzer;
  void run(const std::string& c, size_t chunk) {
    for (size_t i = 0; i < c.size(); i += chunk) {
      analyzer.feed(ctx, Direction::Originator,
                    asBytes(c).subspan(i, std::min(chunk, c.size() - i)), {});
    }
    analyzer.feed(ctx, Direction::Responder, asBytes(kAcks), {});
    analyzer.end(ctx, Direction::Originator, {});
    analyzer.end(ctx, Direction::Responder, {});
  }
  std::string eve() const {
    std::string all;
    for (const auto& e : sink.events) {
      std::string line;
      sinks::formatEve(e, line);
      all += line + "\n";
    }
    return all;
  }
};

TEST(LpdParse, CommandAndSubcommand) {
  CommandLine cmd;
  ASSERT_TRUE(parseCommandLine("\x02lp", cmd));
  EXPECT_EQ(cmd.command, 2);
  EXPECT_EQ(cmd.queue, "lp");
  EXPECT_FALSE(parseCommandLine("\x09lp", cmd));
  FileSubcommand sub;
  ASSERT_TRUE(
      parseFileSubcommand("\x03"
                          "1234 dfA001host",
                          sub));
  EXPECT_EQ(sub.count, 1234u);
  EXPECT_EQ(sub.name, "dfA001host");
  EXPECT_FALSE(parseFileSubcommand("\x03x dfA", sub));
}

TEST(LpdProbe, TellsLpdFromContec) {
  EXPECT_EQ(probe(asBytes(std::string_view("\x02ward7\n")), Direction::Originator),
            ProbeResult::Yes);
  EXPECT_EQ(probe(asBytes(std::string_view("\x02wa")), Direction::Originator), ProbeResult::Maybe);
  const std::string contec("\x06\x00\x05\x45\x00\x00\x07\xff", 8);
  EXPECT_EQ(probe(asBytes(contec), Direction::Originator), ProbeResult::No);
  EXPECT_EQ(contec_cms::probe(asBytes(client()), Direction::Originator), ProbeResult::No);
  EXPECT_EQ(probe(asBytes(std::string_view("\x02ward7\n")), Direction::Responder), ProbeResult::No);
}

TEST(LpdAnalyzerTest, PrintJob) {
  Harness h;
  h.run(client(), 1 << 20);
  ASSERT_EQ(h.sink.events.size(), 1u);
  const auto& job = std::get<events::LpdJob>(h.sink.events[0].body);
  EXPECT_EQ(job.command, "receive_job");
  EXPECT_EQ(job.queue, "ward7");
  EXPECT_EQ(job.host, "testhost");
  EXPECT_EQ(job.user, "nurse1");
  EXPECT_EQ(job.job_name, h.phi.token("ward report TEST PATIENT"));
  EXPECT_EQ(job.files, std::vector<std::string>{h.phi.token("report-TEST-PATIENT.ps")});
  EXPECT_EQ(job.file_count, 1u);
  EXPECT_EQ(job.bytes, kData.size());
  EXPECT_EQ(job.ack, 0);
  EXPECT_EQ(h.anomalies.total(), 0u);
  const std::string eve = h.eve();
  EXPECT_EQ(eve.find("TEST PATIENT"), std::string::npos) << eve;
  EXPECT_EQ(eve.find("TEST-PATIENT"), std::string::npos) << eve;
  EXPECT_NE(eve.find(h.phi.token("ward report TEST PATIENT")), std::string::npos);
}

TEST(LpdAnalyzerTest, SameEventWhateverTheSplit) {
  Harness whole;
  whole.run(client(), 1 << 20);
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{17}}) {
    Harness h;
    h.run(client(), chunk);
    EXPECT_EQ(h.eve(), whole.eve()) << chunk;
  }
}

TEST(LpdAnalyzerTest, TruncatedAndMalformed) {
  Harness cut;
  const std::string c = client();
  cut.analyzer.feed(cut.ctx, Direction::Originator, asBytes(c).first(c.size() - 5), {});
  cut.analyzer.end(cut.ctx, Direction::Originator, {});
  cut.analyzer.end(cut.ctx, Direction::Responder, {});
  EXPECT_EQ(cut.anomalies.get(Anomaly::LpdTruncatedJob), 1u);
  EXPECT_EQ(cut.sink.events.size(), 1u);
  Harness longline;
  longline.run("\x02" + std::string(5000, 'q'), 1 << 20);
  EXPECT_EQ(longline.anomalies.get(Anomaly::LpdMalformedCommand), 1u);
  EXPECT_TRUE(longline.sink.events.empty());
}

TEST(LpdAnalyzerTest, QueueStateCommand) {
  Harness h;
  h.run("\x03ward7 nurse1\n", 1 << 20);
  ASSERT_EQ(h.sink.events.size(), 1u);
  EXPECT_EQ(std::get<events::LpdJob>(h.sink.events[0].body).command, "queue_state_short");
}

}  // namespace
}  // namespace medtap::analyzers::lpd
