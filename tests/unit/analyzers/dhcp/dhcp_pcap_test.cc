// Every public DHCP capture (../shared/testdata/dhcp, see SOURCES.md) through the real capture,
// decode and flow stages; every option value we report is compared with tshark's, message by
// message (tshark 4.0: `tshark -Y dhcp -T fields`).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "../capture_replay.h"
#include "../tshark_fields.h"
#include "events/dhcp.h"

namespace medtap::analyzers {
namespace {

const std::vector<std::string> kFields = {
    "dhcp.id",                            // 0
    "dhcp.hw.mac_addr",                   // 1 (first: chaddr; a client id may add a second)
    "dhcp.option.dhcp",                   // 2
    "dhcp.option.hostname",               // 3
    "dhcp.option.vendor_class_id",        // 4
    "dhcp.option.request_list_item",      // 5
    "dhcp.ip.your",                       // 6
    "dhcp.option.ip_address_lease_time",  // 7
    "dhcp.option.router",                 // 8
    "dhcp.option.domain_name_server",     // 9
    "dhcp.option.domain_name",            // 10
    "dhcp.option.subnet_mask",            // 11
    "dhcp.fqdn.name",                     // 12
    "dhcp.option.requested_ip_address",   // 13
    "dhcp.option.dhcp_server_id",         // 14
    "dhcp.option.agent_information_option.agent_circuit_id",  // 15
    "dhcp.option.agent_information_option.agent_remote_id",   // 16
    "dhcp.ip.client",                                         // 17
    "dhcp.ip.relay",                                          // 18
    "dhcp.type",                                              // 19
};

// A list as tshark's repeated field.
std::string join(const std::vector<IpAddress>& list) {
  std::string out;
  for (const IpAddress& a : list) {
    if (!out.empty()) out += fixtures::kAggregator;
    out += a.toString();
  }
  return out;
}

std::string opt(const std::optional<IpAddress>& a) {
  return a ? a->toString() : "";
}

std::string noColons(std::string s) {
  std::erase(s, ':');
  return s;
}

// tshark repeats a field for each copy of an option; we keep the last copy.
std::string last(const std::string& list) {
  const auto items = fixtures::splitList(list);
  return items.empty() ? "" : items.back();
}

// Our message as tshark's row.
std::vector<std::string> asRow(const events::DhcpMessage& m) {
  char id[16];
  std::snprintf(id, sizeof id, "0x%08x", m.xid);
  std::string params;
  for (uint8_t p : m.params) {
    if (!params.empty()) params += fixtures::kAggregator;
    params += std::to_string(p);
  }
  return {id,
          m.client_mac,
          m.dhcp_type ? std::to_string(m.dhcp_type) : "",
          m.hostname,
          m.vendor_class,
          params,
          m.assigned_ip.toString(),
          m.lease_time ? std::to_string(*m.lease_time) : "",
          join(m.routers),
          join(m.dns_servers),
          m.domain,
          opt(m.subnet_mask),
          m.fqdn,
          opt(m.requested_ip),
          opt(m.server_id),
          noColons(m.relay_circuit_id),
          noColons(m.relay_remote_id),
          m.client_ip.toString(),
          m.relay_ip.toString(),
          m.op == events::DhcpMessage::Op::Request ? "1" : "2"};
}

// tshark's row normalised to what we report: the first MAC (chaddr), the last copy of
// single-valued options.
std::vector<std::string> normalise(std::vector<std::string> row) {
  row.resize(kFields.size());
  const auto macs = fixtures::splitList(row[1]);
  row[1] = macs.empty() ? "" : macs.front();
  for (size_t i : {2, 7, 11, 13, 14, 15, 16}) row[i] = last(row[i]);
  return row;
}

void compareWithTshark(const std::string& relative, size_t expected_messages,
                       const std::string& filter = "dhcp") {
  const std::string path = std::string(MEDTAP_SHARED_DIR) + "/testdata/dhcp/" + relative;
  fixtures::CaptureRun run;
  fixtures::runCapture(path, run);
  const auto ours = run.bodies<events::DhcpMessage>();
  const auto rows = fixtures::tsharkRows(path, filter, kFields);
  ASSERT_EQ(rows.size(), expected_messages) << relative << ": tshark";
  if (ours.size() != rows.size()) {
    std::string listing;
    for (const auto* m : ours) listing += asRow(*m)[0] + "/" + asRow(*m)[2] + " ";
    listing += "| tshark: ";
    for (const auto& r : rows) listing += r[0] + "/" + r[2] + " ";
    FAIL() << relative << ": " << ours.size() << " messages, tshark " << rows.size() << ": "
           << listing;
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto want = normalise(rows[i]);
    const auto got = asRow(*ours[i]);
    for (size_t f = 0; f < kFields.size(); ++f) {
      if (f == 1 && got[1].empty()) continue;  // not Ethernet: tshark shows the raw chaddr
      EXPECT_EQ(got[f], want[f]) << relative << " message " << i + 1 << " " << kFields[f];
    }
  }
}

// Every capture with the number of DHCP messages tshark finds in it.
TEST(DhcpCaptures, AgreeWithTshark) {
  const std::vector<std::pair<std::string, size_t>> captures = {
      {"zeek/dhcp.pcap", 9},
      {"zeek/dhcp-unique-xid-join-data-growth.pcapng", 50},
      {"zeek/dhcp_ack_subscriber_id_and_agent_remote_id.pcap", 1},
      {"zeek/dhcp_discover_param_req_and_client_id.pcap", 1},
      {"zeek/dhcp_flood.pcap", 500},
      {"zeek/dhcp_inform.pcap", 2},
      {"zeek/dhcp_time_and_nameserver.pcap", 2},
      {"zeek/hw-type0.pcap", 1},
      {"tcpdump/dhcp-mud.pcap", 2},
      {"tcpdump/dhcp-option-108.pcapng", 2},
      {"tcpdump/dhcp-option-33.pcap", 5},
      {"tcpdump/dhcp-rfc3004.pcap", 4},
      {"tcpdump/dhcp-rfc5859.pcap", 4},
      {"tcpdump/dhcpv4v6-rfc5970-rfc8572.pcap", 4},
      {"tcpdump/eapon1.pcap", 10},
      {"suricata-verify/dhcp-eve-extended/input.pcap", 2},
      {"suricata-verify/dhcp-eve-extended-option-60/input.pcap", 1},
      {"suricata-verify/dhcp-option-52-overload/input.pcap", 8},
      {"PcapPlusPlus/Dhcp1.pcap", 1},
      {"PcapPlusPlus/Dhcp2.pcap", 1},
      {"PcapPlusPlus/Dhcp3.pcap", 1},
      {"PcapPlusPlus/Dhcp4.pcap", 1},
      {"nDPI/teams.pcap", 7},
      {"nDPI/telegram.pcap", 13},
      {"nDPI/android.pcap", 14},
      {"nDPI/iphone.pcap", 9},
  };
  for (const auto& [file, count] : captures) compareWithTshark(file, count);
}

// Frame 44 is a BOOTP request with its magic cookie one byte early, 1287 s after the flow's last
// datagram: the idle flow has expired, the datagram starts a new flow, and the probe (which
// needs the cookie) rejects it. tshark dissects it by port. Frame 43, the same damage inside the
// still-open flow, is reported as a header-only event with dhcp_bad_magic_cookie.
TEST(DhcpCaptures, LeaseQueryAgreesExceptExpiredBadCookie) {
  compareWithTshark("tcpdump/dhcp-rfc4388.pcap", 35, "dhcp && frame.number != 44");
}

TEST(DhcpCaptures, BadCookieCounted) {
  const std::string path =
      std::string(MEDTAP_SHARED_DIR) + "/testdata/dhcp/zeek/dhcp_bad_cookie_option_retention.pcap";
  fixtures::CaptureRun run;
  fixtures::runCapture(path, run);
  EXPECT_GT(run.anomalies.get(Anomaly::DhcpBadMagicCookie), 0u);
}

TEST(DhcpCaptures, AckBindsMacAndAddress) {
  fixtures::CaptureRun run;
  fixtures::runCapture(std::string(MEDTAP_SHARED_DIR) + "/testdata/dhcp/tcpdump/dhcp-mud.pcap",
                       run);
  const auto msgs = run.bodies<events::DhcpMessage>();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[1]->dhcp_type, 5);
  EXPECT_EQ(msgs[1]->client_mac, "b8:27:eb:b8:53:c8");
  EXPECT_EQ(msgs[1]->assigned_ip.toString(), "62.12.173.123");
  EXPECT_EQ(run.sink.events.front().flow->app_proto, "dhcp");
}

}  // namespace
}  // namespace medtap::analyzers
