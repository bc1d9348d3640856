#include "simulate/tcp_session.h"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pcap_test_util.h"
#include "simulate/frame_queue.h"
#include "simulate/network.h"
#include "simulate/pcap_writer.h"

namespace medtap::simulate {
namespace {

using testing::readPcap;
using testing::tcpView;

Host makeHost(const char* name, uint8_t last_octet, Site site, StackKind kind) {
  Host h;
  h.name = name;
  h.mac.bytes = {0x00, 0x09, 0xFB, 0x00, 0x00, last_octet};
  h.ip = site == Site::Lan ? ipFromOctets(10, 12, 1, last_octet) : ipFromOctets(202, 114, 4, 119);
  h.site = site;
  h.stack = tcpStackFor(kind);
  h.delay = site == Site::Lan ? microseconds(80) : milliseconds(110);
  h.hops = site == Site::Lan ? 0 : 17;
  return h;
}

class SimulateTcpSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "tcp_session_test_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".pcap";
    ASSERT_TRUE(writer_.open(path_).ok());
    Host r = makeHost("router", 1, Site::Lan, StackKind::Linux);
    r.mac.bytes = {0x00, 0x27, 0x90, 0x00, 0x00, 0x01};
    net_.setRouter(net_.addHost(r));
  }
  std::vector<testing::Record> finish() {
    frames_.flushAll();
    EXPECT_TRUE(writer_.close().ok());
    auto recs = readPcap(path_);
    std::remove(path_.c_str());
    return recs;
  }

  std::string path_;
  PcapWriter writer_;
  FrameQueue frames_{writer_};
  Network net_{frames_};
  Rng rng_{99};
};

// True when a TCP option of this kind is present (walks NOPs and lengths).
bool hasOption(const std::vector<uint8_t>& opts, uint8_t kind) {
  for (size_t i = 0; i < opts.size();) {
    if (opts[i] == kind) return true;
    if (opts[i] == 0) return false;
    if (opts[i] == 1) {
      ++i;
      continue;
    }
    if (i + 1 >= opts.size() || opts[i + 1] < 2) return false;
    i += opts[i + 1];
  }
  return false;
}

std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 1460) % 26);
  return s;
}

// Reassembles one direction by sequence number, first copy wins; counts copies seen twice.
std::string reassemble(const std::vector<testing::Record>& recs, uint16_t src_port,
                       int* retransmitted) {
  std::map<uint32_t, std::vector<uint8_t>> by_seq;
  for (const auto& r : recs) {
    auto v = tcpView(r.bytes);
    if (!v.ok || v.src_port != src_port || v.payload.empty()) continue;
    if (!by_seq.emplace(v.seq, v.payload).second) ++*retransmitted;
  }
  std::string out;
  uint32_t next = by_seq.empty() ? 0 : by_seq.begin()->first;
  for (const auto& [seq, p] : by_seq) {
    EXPECT_EQ(seq, next) << "hole in the stream";
    out.append(p.begin(), p.end());
    next = seq + static_cast<uint32_t>(p.size());
  }
  return out;
}

TEST_F(SimulateTcpSessionTest, HandshakeTransferReplyAndClose) {
  Host& c = net_.addHost(makeHost("ws", 20, Site::Lan, StackKind::Windows));
  Host& s = net_.addHost(makeHost("pacs", 30, Site::Lan, StackKind::Linux));
  TcpSession session(net_, frames_, rng_, c, s, 104, 0.0);
  Timestamp t = session.connect(Timestamp::fromSeconds(1'764'057'600));
  const std::string data = pattern(100'000);
  t = session.send(Dir::ToServer, asBytes(data), t, AckPolicy::Piggyback);
  t = session.send(Dir::ToClient, asBytes(std::string("ok")), t + milliseconds(2),
                   AckPolicy::Delayed);
  session.close(Dir::ToServer, t + milliseconds(1));
  const auto recs = finish();

  ASSERT_GE(recs.size(), 2u + 3 + 69 + 3);  // ARP, handshake, 69 segments, FIN exchange
  for (size_t i = 1; i < recs.size(); ++i) ASSERT_LE(recs[i - 1].ts_us, recs[i].ts_us) << i;
  int retx = 0;
  EXPECT_EQ(reassemble(recs, session.clientPort(), &retx), data);
  EXPECT_EQ(retx, 0);

  // The SYN carries the Windows stack's MSS, window scale and SACK-permitted options.
  auto syn = tcpView(recs[2].bytes);
  ASSERT_TRUE(syn.ok);
  EXPECT_EQ(syn.flags, tcp::kSyn);
  EXPECT_EQ(syn.options_len, 12u);
  EXPECT_EQ(syn.options[0], 2);  // MSS
  EXPECT_EQ(syn.options[5], 3);  // window scale
  EXPECT_EQ(syn.options[6], 3);
  EXPECT_EQ(syn.options[7], 8);  // shift 8
  // The server's reply acknowledges all the client's data; the last frame closes.
  uint32_t client_isn = syn.seq;
  bool reply_seen = false;
  for (const auto& r : recs) {
    auto v = tcpView(r.bytes);
    if (v.ok && v.src_port == 104 && v.payload.size() == 2) {
      EXPECT_EQ(v.ack, client_isn + 1 + data.size());
      reply_seen = true;
    }
  }
  EXPECT_TRUE(reply_seen);
  auto last = tcpView(recs.back().bytes);
  EXPECT_EQ(last.flags, tcp::kAck);
  EXPECT_EQ(last.seq, client_isn + 1 + data.size() + 1);
}

TEST_F(SimulateTcpSessionTest, LossIsRepairedByRetransmissionAndTheStreamStaysWhole) {
  Host& c = net_.addHost(makeHost("ct", 40, Site::Lan, StackKind::Linux));
  Host& s = net_.addHost(makeHost("pacs", 30, Site::Lan, StackKind::Linux));
  TcpSession session(net_, frames_, rng_, c, s, 104, 0.02);
  Timestamp t = session.connect(Timestamp::fromSeconds(1'764'057'600));
  const std::string data = pattern(600'000);
  for (int i = 0; i < 4; ++i) {
    t = session.send(Dir::ToServer, asBytes(data), t, AckPolicy::Delayed);
  }
  const auto recs = finish();
  // Lost before the capture point: every byte is seen exactly once, the repair shows as
  // duplicate ACKs (with SACK) and late segments.
  int retx = 0;
  const std::string got = reassemble(recs, session.clientPort(), &retx);
  EXPECT_EQ(got, data + data + data + data);
  EXPECT_EQ(retx, 0);
  EXPECT_GT(session.retransmissions(), 0u);
  int sack_dupacks = 0;
  for (const auto& r : recs) {
    auto v = tcpView(r.bytes);
    if (v.ok && v.src_port == 104 && hasOption(v.options, 5)) ++sack_dupacks;
  }
  EXPECT_GE(sack_dupacks, 3);
  for (size_t i = 1; i < recs.size(); ++i) ASSERT_LE(recs[i - 1].ts_us, recs[i].ts_us);
  // The receiver's last ACK covers the whole stream.
  uint32_t max_ack = 0;
  uint32_t isn = 0;
  for (const auto& r : recs) {
    auto v = tcpView(r.bytes);
    if (!v.ok) continue;
    if (v.flags == tcp::kSyn) isn = v.seq;
    if (v.src_port == 104) max_ack = std::max(max_ack, v.ack);
  }
  EXPECT_EQ(max_ack, isn + 1 + 4 * data.size());
}

TEST_F(SimulateTcpSessionTest, LossAfterTheCapturePointShowsTheSegmentTwice) {
  Host& c = net_.addHost(makeHost("ws", 40, Site::Lan, StackKind::Linux));
  Host& s = net_.addHost(makeHost("srv", 30, Site::Lan, StackKind::Linux));
  TcpSession session(net_, frames_, rng_, c, s, 443, 0.02);
  session.setLoss(LossPoint::AfterCapture, LossShape::Anywhere);
  Timestamp t = session.connect(Timestamp::fromSeconds(1'764'057'600));
  const std::string data = pattern(400'000);
  t = session.send(Dir::ToServer, asBytes(data), t, AckPolicy::Delayed);
  const auto recs = finish();
  int retx = 0;
  EXPECT_EQ(reassemble(recs, session.clientPort(), &retx), data);
  EXPECT_GT(retx, 0);
  EXPECT_EQ(static_cast<uint64_t>(retx), session.retransmissions());
}

TEST_F(SimulateTcpSessionTest, TailOnlyLossSparesTheMiddleOfATransfer) {
  Host& c = net_.addHost(makeHost("ct", 40, Site::Lan, StackKind::Linux));
  Host& s = net_.addHost(makeHost("pacs", 30, Site::Lan, StackKind::Linux));
  TcpSession session(net_, frames_, rng_, c, s, 104, 0.5);
  session.setLoss(LossPoint::AfterCapture, LossShape::TailOnly);
  Timestamp t = session.connect(Timestamp::fromSeconds(1'764'057'600));
  const std::string data = pattern(100'000);
  for (int i = 0; i < 10; ++i)
    t = session.send(Dir::ToServer, asBytes(data), t, AckPolicy::Delayed);
  const auto recs = finish();
  // Only the last segment of a send can be lost; each is then seen twice. Linux to Linux: 1448
  // bytes a segment (MSS 1460 less the timestamp option).
  std::map<uint32_t, int> copies;
  uint32_t isn = 0;
  for (const auto& r : recs) {
    auto v = tcpView(r.bytes);
    if (!v.ok || v.src_port != session.clientPort()) continue;
    if (v.flags == tcp::kSyn) isn = v.seq;
    if (!v.payload.empty()) ++copies[v.seq];
  }
  int doubled = 0;
  for (const auto& [seq, n] : copies) {
    if (n < 2) continue;
    ++doubled;
    const uint32_t off = seq - isn - 1;
    EXPECT_EQ(off % 100'000, 100'000u - 100'000 % 1448) << "lost segment not a tail: " << off;
  }
  EXPECT_GT(doubled, 0);
}

TEST_F(SimulateTcpSessionTest, TimestampsWhenBothStacksDoThem) {
  Host& a = net_.addHost(makeHost("linux-a", 40, Site::Lan, StackKind::Linux));
  Host& b = net_.addHost(makeHost("linux-b", 41, Site::Lan, StackKind::Linux));
  Host& w = net_.addHost(makeHost("windows", 42, Site::Lan, StackKind::Windows));
  const Timestamp t0 = Timestamp::fromSeconds(1'764'057'600);
  TcpSession both(net_, frames_, rng_, a, b, 2575, 0.0);
  both.send(Dir::ToServer, asBytes(pattern(5000)), both.connect(t0), AckPolicy::Immediate);
  TcpSession mixed(net_, frames_, rng_, w, b, 2576, 0.0);
  mixed.send(Dir::ToServer, asBytes(pattern(5000)), mixed.connect(t0 + seconds(1)),
             AckPolicy::Immediate);
  const auto recs = finish();
  int with_ts = 0, without_ts = 0;
  for (const auto& r : recs) {
    auto v = tcpView(r.bytes);
    if (!v.ok) continue;
    const bool ts = hasOption(v.options, 8);
    if (v.dst_port == 2575 || v.src_port == 2575) {
      EXPECT_TRUE(ts);
      if (!v.payload.empty()) {
        EXPECT_LE(v.payload.size(), 1448u);
      }
      with_ts += ts;
    } else {
      EXPECT_FALSE(ts) << "Windows does not negotiate timestamps";
      if (!v.payload.empty()) {
        EXPECT_LE(v.payload.size(), 1460u);
      }
      without_ts += !ts;
    }
  }
  EXPECT_GT(with_ts, 5);
  EXPECT_GT(without_ts, 5);
}

TEST_F(SimulateTcpSessionTest, OffSitePeerAppearsBehindTheRouter) {
  Host& c = net_.addHost(makeHost("monitor", 50, Site::Lan, StackKind::Embedded));
  Host& s = net_.addHost(makeHost("cms", 0, Site::Remote, StackKind::Linux));
  TcpSession session(net_, frames_, rng_, c, s, 515, 0.0);
  Timestamp t = session.connect(Timestamp::fromSeconds(1'764'057'600));
  const Timestamp start = t;
  t = session.send(Dir::ToServer, asBytes(pattern(20'000)), t, AckPolicy::Delayed);
  const auto recs = finish();
  // The ARP goes for the router, not for 202.114.4.119.
  ASSERT_GE(recs.size(), 3u);
  EXPECT_EQ(readBe32(Bytes(recs[0].bytes), 38), ipFromOctets(10, 12, 1, 1));
  bool saw_inbound = false;
  for (const auto& r : recs) {
    auto v = tcpView(r.bytes);
    if (!v.ok) continue;
    Bytes f(r.bytes);
    if (v.src_port == 515) {
      saw_inbound = true;
      EXPECT_EQ(f[6], 0x00);
      EXPECT_EQ(f[8], 0x90);  // source MAC is the router's
      EXPECT_EQ(f[22], 64 - 17);
    } else {
      EXPECT_EQ(f[2], 0x90);  // destination MAC is the router's
    }
  }
  EXPECT_TRUE(saw_inbound);
  // 20 KB with an initial window of ten segments needs a second flight: two 220 ms round trips.
  EXPECT_GT((t - start).ns, milliseconds(440).ns);
  EXPECT_LT((t - start).ns, milliseconds(700).ns);
}

TEST_F(SimulateTcpSessionTest, ProbesAnswerByPortState) {
  Host& c = net_.addHost(makeHost("scanner", 60, Site::Lan, StackKind::Windows));
  Host& s = net_.addHost(makeHost("target", 61, Site::Lan, StackKind::Linux));
  const Timestamp t0 = Timestamp::fromSeconds(1'764'057'600);
  TcpSession open(net_, frames_, rng_, c, s, 22, 0.0);
  open.probe(t0, PortState::Open);
  TcpSession closed(net_, frames_, rng_, c, s, 23, 0.0);
  closed.probe(t0 + milliseconds(1), PortState::Closed);
  TcpSession filtered(net_, frames_, rng_, c, s, 24, 0.0);
  filtered.probe(t0 + milliseconds(2), PortState::Filtered);
  const auto recs = finish();
  std::map<uint16_t, std::vector<uint8_t>> flags_by_port;
  for (const auto& r : recs) {
    auto v = tcpView(r.bytes);
    if (!v.ok) continue;
    const uint16_t port =
        v.src_port == 22 || v.src_port == 23 || v.src_port == 24 ? v.src_port : v.dst_port;
    flags_by_port[port].push_back(v.flags);
  }
  EXPECT_EQ(flags_by_port[22], (std::vector<uint8_t>{tcp::kSyn, tcp::kSyn | tcp::kAck, tcp::kRst}));
  EXPECT_EQ(flags_by_port[23], (std::vector<uint8_t>{tcp::kSyn, tcp::kRst | tcp::kAck}));
  EXPECT_EQ(flags_by_port[24], (std::vector<uint8_t>{tcp::kSyn}));
}

}  // namespace
}  // namespace medtap::simulate
