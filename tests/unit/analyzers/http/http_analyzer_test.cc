// The HTTP analyzer: request/response pairing (pipelining, 100-continue), the probe, and patient
// data kept out of the EVE line.
#include "analyzers/http/http_analyzer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../test_support.h"
#include "analyzers/dispatcher.h"
#include "sinks/eve_writer.h"

namespace medtap::analyzers::http {
namespace {

using flow::Direction;

struct Harness {
  fixtures::RecordingSink sink;
  AnomalyCounters anomalies;
  privacy::PhiTokenizer phi = privacy::PhiTokenizer::withSecret("test");
  events::FlowRef ref;
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  HttpAnalyzer analyzer;

  void send(Direction dir, std::string_view text) {
    EXPECT_EQ(analyzer.feed(ctx, dir, asBytes(text), Timestamp{}), FeedResult::Consumed);
  }
  void finish() {
    analyzer.end(ctx, Direction::Originator, Timestamp{});
    analyzer.end(ctx, Direction::Responder, Timestamp{});
  }
  std::vector<const events::HttpTransaction*> http() const {
    std::vector<const events::HttpTransaction*> out;
    for (const auto& e : sink.events) {
      if (const auto* t = std::get_if<events::HttpTransaction>(&e.body)) out.push_back(t);
    }
    return out;
  }
};

TEST(HttpProbe, Answers) {
  EXPECT_EQ(probe(asBytes("GET / HTTP/1.1\r\n"), Direction::Originator), ProbeResult::Yes);
  EXPECT_EQ(probe(asBytes("OPTIONS * HTTP/1.1"), Direction::Originator), ProbeResult::Yes);
  EXPECT_EQ(probe(asBytes("HTTP/1.1 200 OK"), Direction::Responder), ProbeResult::Yes);
  EXPECT_EQ(probe(asBytes("GE"), Direction::Originator), ProbeResult::Maybe);
  EXPECT_EQ(probe(asBytes("HTTP/"), Direction::Responder), ProbeResult::Maybe);
  EXPECT_EQ(probe(asBytes(""), Direction::Originator), ProbeResult::Maybe);
  EXPECT_EQ(probe(asBytes("GETX / HTTP/1.1"), Direction::Originator), ProbeResult::No);
  EXPECT_EQ(probe(asBytes("\x0bMSH|"), Direction::Originator), ProbeResult::No);
  EXPECT_EQ(probe(asBytes("HTTP/2.0 200"), Direction::Responder), ProbeResult::No);
}

TEST(HttpAnalyzer, PipelinedRequestsPairInOrder) {
  Harness h;
  h.send(Direction::Originator,
         "GET /1 HTTP/1.1\r\nHost: ward.example\r\nUser-Agent: ua\r\n\r\n"
         "HEAD /2 HTTP/1.1\r\nHost: ward.example\r\n\r\n"
         "GET /3 HTTP/1.1\r\nHost: ward.example:8080\r\n\r\n");
  h.send(Direction::Responder,
         "HTTP/1.1 200 OK\r\nServer: srv\r\nContent-Type: text/html\r\nContent-Length: 3\r\n\r\nabc"
         "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"  // HEAD: no body
         "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nno\r\n0\r\n\r\n");
  const auto http = h.http();
  ASSERT_EQ(http.size(), 3u);
  EXPECT_EQ(http[0]->url, "/1");
  EXPECT_EQ(http[0]->status, 200);
  EXPECT_EQ(http[0]->length, 3u);
  EXPECT_EQ(http[0]->server, "srv");
  EXPECT_EQ(http[0]->http_content_type, "text/html");
  EXPECT_EQ(http[0]->http_user_agent, "ua");
  EXPECT_EQ(http[0]->protocol, "HTTP/1.1");
  EXPECT_EQ(http[1]->http_method, "HEAD");
  EXPECT_EQ(http[1]->length, 0u);
  EXPECT_EQ(http[2]->status, 404);
  EXPECT_EQ(http[2]->length, 2u);
  EXPECT_EQ(http[2]->hostname, "ward.example");
  EXPECT_EQ(http[2]->http_port, 8080);
  EXPECT_EQ(h.sink.events[0].direction, events::Direction::ToClient);
}

TEST(HttpAnalyzer, ContinueIsInterim) {
  Harness h;
  h.send(Direction::Originator,
         "POST /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  h.send(Direction::Responder, "HTTP/1.1 100 Continue\r\n\r\n");
  h.send(Direction::Originator, "ok");
  h.send(Direction::Responder, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
  const auto http = h.http();
  ASSERT_EQ(http.size(), 1u);
  EXPECT_EQ(http[0]->status, 201);
}

TEST(HttpAnalyzer, UnansweredRequestAtEnd) {
  Harness h;
  h.send(Direction::Originator, "GET /x HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(h.http().empty());
  h.finish();
  const auto http = h.http();
  ASSERT_EQ(http.size(), 1u);
  EXPECT_EQ(http[0]->status, 0);
  EXPECT_EQ(h.sink.events[0].direction, events::Direction::ToServer);
}

TEST(HttpAnalyzer, SmugglingHintsInEvent) {
  Harness h;
  h.send(Direction::Originator,
         "POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  h.send(Direction::Responder, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  const auto http = h.http();
  ASSERT_EQ(http.size(), 1u);
  EXPECT_EQ(http[0]->anomalies, (std::vector<std::string_view>{"http_cl_and_te"}));
  EXPECT_EQ(h.anomalies.get(Anomaly::HttpClAndTe), 1u);
}

TEST(HttpAnalyzer, PatientDataOnlyAsTokens) {
  Harness h;
  h.send(Direction::Originator,
         "GET /emr/chart?mrn=0000001&name=TEST%5EPATIENT HTTP/1.1\r\nHost: emr.example\r\n"
         "Referer: http://emr.example/search?q=TEST%5EPATIENT\r\n\r\n");
  h.send(Direction::Responder, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(h.sink.events.size(), 1u);
  std::string line;
  sinks::formatEve(h.sink.events[0], line);
  EXPECT_EQ(line.find("0000001"), std::string::npos) << line;
  EXPECT_EQ(line.find("TEST%5EPATIENT"), std::string::npos) << line;
  EXPECT_NE(line.find(h.phi.token("0000001")), std::string::npos) << line;
  EXPECT_NE(line.find("\"url\":\"/emr/chart?mrn=" + h.phi.token("0000001") + "&name="),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("\"event_type\":\"http\""), std::string::npos) << line;
}

TEST(HttpAnalyzer, TunnelAfterConnect) {
  Harness h;
  h.send(Direction::Originator, "CONNECT host:443 HTTP/1.1\r\n\r\n");
  h.send(Direction::Responder, "HTTP/1.1 200 Connection established\r\n\r\n");
  h.send(Direction::Originator, "\x16\x03\x01 binary tls");
  h.send(Direction::Responder, "\x16\x03\x03 more binary");
  ASSERT_EQ(h.http().size(), 1u);
  EXPECT_EQ(h.anomalies.total(), 0u);
}

}  // namespace
}  // namespace medtap::analyzers::http
