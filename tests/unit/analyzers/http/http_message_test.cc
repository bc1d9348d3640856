// The pure HTTP/1.x parse helpers, one test per edge case.
#include "analyzers/http/http_message.h"

#include <gtest/gtest.h>

namespace medtap::analyzers::http {
namespace {

TEST(HttpRequestLine, Parses) {
  const auto r = parseRequestLine("GET /index.html?a=1 HTTP/1.1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->target, "/index.html?a=1");
  EXPECT_EQ(r->version, "HTTP/1.1");
}

TEST(HttpRequestLine, Rejects) {
  EXPECT_FALSE(parseRequestLine("GET /"));                 // HTTP/0.9
  EXPECT_FALSE(parseRequestLine("FOO / HTTP/1.1"));        // unknown method
  EXPECT_FALSE(parseRequestLine("GET / HTTP/2.0"));        // not HTTP/1.x
  EXPECT_FALSE(parseRequestLine("GET / HTTP/1.1 extra"));  // version is the last token
  EXPECT_FALSE(parseRequestLine(""));
}

TEST(HttpStatusLine, Parses) {
  auto s = parseStatusLine("HTTP/1.1 200 OK");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 200);
  EXPECT_EQ(s->version, "HTTP/1.1");
  s = parseStatusLine("HTTP/1.0 404");  // the reason phrase is optional
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 404);
  EXPECT_FALSE(parseStatusLine("HTTP/1.1 2000 OK"));
  EXPECT_FALSE(parseStatusLine("HTTP/1.1 OK"));
  EXPECT_FALSE(parseStatusLine("HTTP/1.1"));
}

TEST(HttpContentLength, Values) {
  EXPECT_EQ(parseContentLength("0"), 0u);
  EXPECT_EQ(parseContentLength(" 42 "), 42u);
  EXPECT_EQ(parseContentLength("42, 42"), 42u);  // RFC 9112 6.3 item 5
  EXPECT_EQ(parseContentLength("18446744073709551615"), UINT64_MAX);
  EXPECT_FALSE(parseContentLength("18446744073709551616"));  // overflow
  EXPECT_FALSE(parseContentLength("-1"));
  EXPECT_FALSE(parseContentLength("42, 43"));
  EXPECT_FALSE(parseContentLength("0x10"));
  EXPECT_FALSE(parseContentLength(""));
}

TEST(HttpChunkSize, Values) {
  EXPECT_EQ(parseChunkSize("1a"), 26u);
  EXPECT_EQ(parseChunkSize("1A;name=value"), 26u);
  EXPECT_EQ(parseChunkSize("0"), 0u);
  EXPECT_EQ(parseChunkSize("ffffffffffffffff"), UINT64_MAX);
  EXPECT_FALSE(parseChunkSize("10000000000000000"));  // 2^64: zeek variant-01
  EXPECT_FALSE(parseChunkSize("xyz"));
  EXPECT_FALSE(parseChunkSize(""));
}

TEST(HttpTransferEncoding, ChunkedMustBeFinal) {
  EXPECT_TRUE(isChunkedFinal("chunked"));
  EXPECT_TRUE(isChunkedFinal("gzip, Chunked"));
  EXPECT_FALSE(isChunkedFinal("chunked, gzip"));
  EXPECT_FALSE(isChunkedFinal("identity"));
}

TEST(HttpHead, FieldsAndSmugglingHints) {
  Head h;
  AnomalyCounters c;
  ASSERT_EQ(parseHead("POST /x HTTP/1.1\r\nHost: a.example:8080\r\nUser-Agent: ua\r\n"
                      "Content-Length: 5\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n"
                      "\r\n",
                      h, c),
            HeadStatus::Ok);
  EXPECT_EQ(h.kind, Head::Kind::Request);
  EXPECT_EQ(h.host, "a.example:8080");
  EXPECT_EQ(h.user_agent, "ua");
  EXPECT_EQ(h.content_length, 5u);
  EXPECT_TRUE(h.chunked);
  EXPECT_EQ(c.get(Anomaly::HttpConflictingContentLength), 1u);
  EXPECT_EQ(c.get(Anomaly::HttpClAndTe), 1u);
  EXPECT_EQ(h.anomalies.size(), 2u);
  EXPECT_EQ(requestFraming(h), Framing::Chunked);  // TE overrides CL
}

TEST(HttpHead, BareLfAndBadLines) {
  Head h;
  AnomalyCounters c;
  ASSERT_EQ(parseHead("HTTP/1.0 200 OK\nServer: s\nno colon here\n folded\nBad Name: x\n\n", h, c),
            HeadStatus::Ok);
  EXPECT_EQ(h.kind, Head::Kind::Response);
  EXPECT_EQ(h.server, "s");
  EXPECT_EQ(c.get(Anomaly::HttpBadHeaderLine), 3u);
  EXPECT_EQ(responseFraming(h, "GET"), Framing::UntilClose);
}

TEST(HttpHead, BadStartLine) {
  Head h;
  AnomalyCounters c;
  EXPECT_EQ(parseHead("HELLO\r\n\r\n", h, c), HeadStatus::BadStartLine);
}

TEST(HttpFraming, Responses) {
  Head h;
  h.kind = Head::Kind::Response;
  h.response.status = 200;
  h.content_length = 10;
  h.has_content_length = true;
  EXPECT_EQ(responseFraming(h, "GET"), Framing::Length);
  EXPECT_EQ(responseFraming(h, "HEAD"), Framing::None);
  EXPECT_EQ(responseFraming(h, "CONNECT"), Framing::Tunnel);
  h.response.status = 304;
  EXPECT_EQ(responseFraming(h, "GET"), Framing::None);
  h.response.status = 101;
  EXPECT_EQ(responseFraming(h, "GET"), Framing::Tunnel);
  h.response.status = 200;
  h.content_length = 0;
  EXPECT_EQ(responseFraming(h, "GET"), Framing::None);
}

TEST(HttpUri, QueryValuesBecomeTokens) {
  const auto phi = privacy::PhiTokenizer::withSecret("test");
  std::string out;
  redactUri("/chart?mrn=0000001&name=TEST^PATIENT&flag#frag", phi, out);
  EXPECT_EQ(out, "/chart?mrn=" + phi.token("0000001") + "&name=" + phi.token("TEST^PATIENT") + "&" +
                     phi.token("flag"));
  EXPECT_EQ(out.find("0000001"), std::string::npos);
  redactUri("/plain/path", phi, out);
  EXPECT_EQ(out, "/plain/path");
  redactUri("/p?empty=&x=1", phi, out);
  EXPECT_EQ(out, "/p?empty=&x=" + phi.token("1"));
}

TEST(HttpHost, SplitsPort) {
  EXPECT_EQ(splitHost("a.example:8080").host, "a.example");
  EXPECT_EQ(splitHost("a.example:8080").port, 8080);
  EXPECT_EQ(splitHost("a.example").port, std::nullopt);
  EXPECT_EQ(splitHost("[::1]:80").host, "[::1]");
  EXPECT_EQ(splitHost("[::1]:80").port, 80);
  EXPECT_EQ(splitHost("a:99999").host, "a:99999");
}

}  // namespace
}  // namespace medtap::analyzers::http
