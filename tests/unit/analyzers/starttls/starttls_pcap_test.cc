// zeek's smtp-starttls.pcap (a real SMTP session upgraded with STARTTLS) through the real capture,
// decode and flow stages: the flow is "smtp" and its TLS handshake agrees with tshark's.
#include <gtest/gtest.h>

#include <string>

#include "../capture_replay.h"
#include "../tshark_fields.h"

namespace medtap::analyzers::starttls {
namespace {

const std::string kCapture =
    std::string(MEDTAP_SHARED_DIR) + "/testdata/tls/zeek/smtp-starttls.pcap";

TEST(StartTlsCapture, SmtpUpgradeGivesTheTlsEvent) {
  const auto phi = privacy::PhiTokenizer::withSecret("test");
  fixtures::CaptureRun run;
  fixtures::runCapture(kCapture, phi, run);
  size_t tls = 0;
  for (const events::Event& e : run.sink.events) {
    const auto* t = std::get_if<events::TlsHandshake>(&e.body);
    if (!t) continue;
    ++tls;
    ASSERT_TRUE(e.flow);
    EXPECT_EQ(e.flow->app_proto, "smtp");
    const auto client =
        fixtures::tsharkRows(kCapture, "tls.handshake.type == 1",
                             {"tls.handshake.ja3", "tls.handshake.extensions_server_name"});
    const auto server =
        fixtures::tsharkRows(kCapture, "tls.handshake.type == 2", {"tls.handshake.ja3s"});
    ASSERT_EQ(client.size(), 1u);
    ASSERT_EQ(server.size(), 1u);
    EXPECT_EQ(t->ja3_hash, client[0][0]);
    EXPECT_EQ(t->sni, client[0].size() > 1 ? client[0][1] : "");
    EXPECT_EQ(t->ja3s_hash, server[0][0]);
    EXPECT_FALSE(t->subject.empty());  // TLS 1.2: the certificate travels in clear
  }
  EXPECT_EQ(tls, 1u);
  EXPECT_EQ(run.anomalies.total(), 0u);
}

}  // namespace
}  // namespace medtap::analyzers::starttls
