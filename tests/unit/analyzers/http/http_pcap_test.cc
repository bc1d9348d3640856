// Every HTTP capture in ../shared/testdata/http through the real capture, decode and flow
// stages: method, host, URI, user agent and status of every message agree with tshark's.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "../capture_replay.h"
#include "../tshark_fields.h"
#include "analyzers/http/http_message.h"

namespace medtap::analyzers::http {
namespace {

using Row = std::vector<std::string>;

const std::string kDir = std::string(MEDTAP_SHARED_DIR) + "/testdata/http";

// Captures where medtap and tshark differ on purpose, with the reason.
const std::map<std::string, std::string> kKnownDifferences = {
    // tshark dissects HTTP by port and needs the TCP handshake; medtap recognises the content.
    {"PcapPlusPlus/HttpMalformedResponse.pcapng", "403 response on a port tshark does not map"},
    {"PcapPlusPlus/TwoHttpResponses.pcap", "responses without handshake, not dissected by tshark"},
    // "GET HTTP/1.1": no request-target; tshark takes the version as the URI, medtap counts
    // http_bad_start_line and stops (RFC 9112 section 3 requires the target).
    {"zeek/no-uri.pcap", "request line without a target"},
    // Smuggling setups where the body framing is ambiguous: tshark also parses the smuggled
    // request inside the first one's body; medtap follows RFC 9112 section 6.3 (a valid
    // Content-Length of 2^64 - 1 is a body; "chunked" not final is no body) and names the
    // setup (http_cl_and_te) instead.
    {"zeek/variant-02-cl_uint64max.pcap", "body of 2^64 - 1 bytes per Content-Length"},
    {"zeek/variant-10-multi_value_te.pcap", "Transfer-Encoding with chunked not final"},
};

struct Compared {
  std::vector<Row> ours_requests, tshark_requests;
  std::vector<std::string> ours_status, tshark_status;
};

Compared compare(const std::string& path) {
  const auto phi = privacy::PhiTokenizer::withSecret("test");
  fixtures::CaptureRun run;
  fixtures::runCapture(path, phi, run);
  Compared c;
  for (const auto* t : run.bodies<events::HttpTransaction>()) {
    if (!t->http_method.empty()) {
      c.ours_requests.push_back({t->http_method, t->hostname, t->url, t->http_user_agent});
    }
    if (t->status != 0) c.ours_status.push_back(std::to_string(t->status));
  }
  std::string url;
  for (const Row& r : fixtures::splitOccurrences(fixtures::tsharkRows(
           path, "http.request",
           {"http.request.method", "http.host", "http.request.uri", "http.user_agent"}))) {
    if (r.size() < 4) continue;
    redactUri(r[2], phi, url);
    c.tshark_requests.push_back({r[0], std::string(splitHost(r[1]).host), url, r[3]});
  }
  for (const Row& r : fixtures::splitOccurrences(
           fixtures::tsharkRows(path, "http.response", {"http.response.code"}))) {
    if (!r.empty() && !r[0].starts_with('1')) c.tshark_status.push_back(r[0]);
  }
  std::sort(c.ours_requests.begin(), c.ours_requests.end());
  std::sort(c.tshark_requests.begin(), c.tshark_requests.end());
  std::sort(c.ours_status.begin(), c.ours_status.end());
  std::sort(c.tshark_status.begin(), c.tshark_status.end());
  return c;
}

std::string show(const std::vector<Row>& rows) {
  std::string s;
  for (const Row& r : rows) {
    for (const auto& f : r) s += f + " | ";
    s += "\n";
  }
  return s;
}

TEST(HttpCaptures, AgreeWithTshark) {
  size_t files = 0, requests = 0, responses = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kDir)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = std::filesystem::relative(entry.path(), kDir).string();
    if (kKnownDifferences.count(name)) continue;
    const Compared c = compare(entry.path().string());
    EXPECT_EQ(c.ours_requests, c.tshark_requests) << name << "\nours:\n"
                                                  << show(c.ours_requests) << "tshark:\n"
                                                  << show(c.tshark_requests);
    EXPECT_EQ(c.ours_status, c.tshark_status) << name;
    ++files;
    requests += c.tshark_requests.size();
    responses += c.tshark_status.size();
  }
  EXPECT_GE(files, 25u);
  std::printf("compared %zu files, %zu requests, %zu responses\n", files, requests, responses);
}

// Zeek's pipelined-requests capture: five requests on one connection, answered in order.
TEST(HttpCaptures, Pipelined) {
  const auto phi = privacy::PhiTokenizer::withSecret("test");
  fixtures::CaptureRun run;
  fixtures::runCapture(kDir + "/zeek/pipelined-requests.pcap", phi, run);
  const auto http = run.bodies<events::HttpTransaction>();
  ASSERT_EQ(http.size(), 5u);
  EXPECT_EQ(http[0]->url, "/style/enhanced.css");
  EXPECT_EQ(http[0]->http_content_type, "text/css");
  EXPECT_EQ(http[4]->server, "Apache/2.2.3 (Red Hat)");
  EXPECT_EQ(run.anomalies.get(Anomaly::HttpBadStartLine), 0u);
}

// The smuggling captures name the setup.
TEST(HttpCaptures, SmugglingHints) {
  const auto phi = privacy::PhiTokenizer::withSecret("test");
  fixtures::CaptureRun run;
  fixtures::runCapture(kDir + "/zeek/variant-04-te_cl_desync.pcap", phi, run);
  EXPECT_GE(run.anomalies.get(Anomaly::HttpClAndTe), 1u);
}

}  // namespace
}  // namespace medtap::analyzers::http
