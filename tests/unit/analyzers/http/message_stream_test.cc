// MessageStream: the same messages whichever way the bytes are split; bodies skipped by length
// and by chunks; bounded heads.
#include "analyzers/http/message_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace medtap::analyzers::http {
namespace {

// Records heads (start line pieces) and body sizes; answers framing as the analyzer would.
class Recorder : public StreamCallbacks {
 public:
  Framing onHead(Head& head) override {
    if (head.kind == Head::Kind::Request) {
      log.push_back("req " + std::string(head.request.method) + " " +
                    std::string(head.request.target) + " host=" + std::string(head.host));
      return requestFraming(head);
    }
    log.push_back("resp " + std::to_string(head.response.status));
    return responseFraming(head, "GET");
  }
  void onBody(uint64_t n) override { body += n; }
  void onMessageEnd(bool complete) override {
    log.push_back((complete ? "end " : "cut ") + std::to_string(body));
    body = 0;
  }
  void onAnomaly(Anomaly a) override { anomalies.add(a); }

  std::vector<std::string> log;
  uint64_t body = 0;
  AnomalyCounters anomalies;
};

const std::string kRequests =
    "GET /a HTTP/1.1\r\nHost: h1\r\n\r\n"
    "POST /b HTTP/1.1\r\nHost: h2\r\nContent-Length: 5\r\n\r\nhello"
    "PUT /c HTTP/1.1\r\nHost: h3\r\nTransfer-Encoding: chunked\r\n\r\n"
    "3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer: x\r\n\r\n"
    "\r\nDELETE /d HTTP/1.0\nHost: h4\n\n";

const std::vector<std::string> kExpected = {
    "req GET /a host=h1", "end 0",  "req POST /b host=h2",   "end 5",
    "req PUT /c host=h3", "end 19", "req DELETE /d host=h4", "end 0"};

std::vector<std::string> feedInPieces(const std::string& text, const std::vector<size_t>& cuts) {
  MessageStream s;
  Recorder r;
  size_t pos = 0;
  for (size_t cut : cuts) {
    EXPECT_EQ(s.feed(asBytes(std::string_view(text).substr(pos, cut - pos)), r),
              FeedResult::Consumed);
    pos = cut;
  }
  EXPECT_EQ(s.feed(asBytes(std::string_view(text).substr(pos)), r), FeedResult::Consumed);
  EXPECT_EQ(r.anomalies.total(), 0u);
  return r.log;
}

TEST(HttpMessageStream, AllInOneChunk) {
  EXPECT_EQ(feedInPieces(kRequests, {}), kExpected);
}

TEST(HttpMessageStream, OneByteAtATime) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < kRequests.size(); ++i) cuts.push_back(i);
  EXPECT_EQ(feedInPieces(kRequests, cuts), kExpected);
}

TEST(HttpMessageStream, SplitAtEveryOffset) {
  for (size_t i = 1; i < kRequests.size(); ++i) {
    EXPECT_EQ(feedInPieces(kRequests, {i}), kExpected) << "split at " << i;
  }
}

TEST(HttpMessageStream, ResponseUntilClose) {
  MessageStream s;
  Recorder r;
  s.feed(asBytes("HTTP/1.0 200 OK\r\n\r\nsome body"), r);
  s.feed(asBytes(" more"), r);
  s.end(r);
  EXPECT_EQ(r.log, (std::vector<std::string>{"resp 200", "end 14"}));
}

TEST(HttpMessageStream, OversizedHeaderIsBounded) {
  MessageStream s;
  Recorder r;
  s.feed(asBytes("GET / HTTP/1.1\r\n"), r);
  const std::string line = "X-Filler: " + std::string(1000, 'a') + "\r\n";
  FeedResult last = FeedResult::Consumed;
  for (int i = 0; i < 100 && last == FeedResult::Consumed; ++i) last = s.feed(asBytes(line), r);
  EXPECT_EQ(last, FeedResult::OutOfSync);
  EXPECT_EQ(r.anomalies.get(Anomaly::HttpOversizedHeader), 1u);
  EXPECT_TRUE(r.log.empty());
}

TEST(HttpMessageStream, BadStartLine) {
  MessageStream s;
  Recorder r;
  EXPECT_EQ(s.feed(asBytes("SSH-2.0-OpenSSH\r\n\r\n"), r), FeedResult::OutOfSync);
  EXPECT_EQ(r.anomalies.get(Anomaly::HttpBadStartLine), 1u);
}

TEST(HttpMessageStream, ChunkSizeOverflow) {
  MessageStream s;
  Recorder r;
  EXPECT_EQ(s.feed(asBytes("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "10000000000000000\r\n"),
                   r),
            FeedResult::OutOfSync);
  EXPECT_EQ(r.anomalies.get(Anomaly::HttpBadChunk), 1u);
}

TEST(HttpMessageStream, GapInsideBodyKeepsSync) {
  MessageStream s;
  Recorder r;
  s.feed(asBytes("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nab"), r);
  s.gap(5, r);
  s.feed(asBytes("cdeGET /n HTTP/1.1\r\n\r\n"), r);
  EXPECT_EQ(r.log,
            (std::vector<std::string>{"req POST / host=", "end 10", "req GET /n host=", "end 0"}));
}

TEST(HttpMessageStream, TruncatedAtEnd) {
  MessageStream s;
  Recorder r;
  s.feed(asBytes("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nab"), r);
  s.end(r);
  EXPECT_EQ(r.log, (std::vector<std::string>{"req POST / host=", "cut 2"}));
  EXPECT_EQ(r.anomalies.get(Anomaly::HttpTruncatedMessage), 1u);
}

}  // namespace
}  // namespace medtap::analyzers::http
