#include "flow/tcp_reassembly.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>

#include "flow_test_util.h"

namespace medtap::flow::testing {
namespace {

constexpr Direction kOrig = Direction::Originator;
constexpr Direction kResp = Direction::Responder;
using Kind = Recorder::Kind;

const std::string kAlphabet = "abcdefghijklmnopqrstuvwxyz";

// The alphabet from `from` for `n` letters, the bytes a well-behaved sender sends there.
std::string letters(size_t from, size_t n) {
  return kAlphabet.substr(from, n);
}

TEST(TcpReassembly, InOrderBothDirections) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 0, "GET / ");
  h.data(kOrig, 6, "HTTP/1.0\r\n");
  h.data(kResp, 0, "200 OK");
  h.fin(kOrig, 16);
  h.fin(kResp, 6);
  EXPECT_EQ(h.rec.orig(), "GET / HTTP/1.0\r\n");
  EXPECT_EQ(h.rec.resp(), "200 OK");
  EXPECT_EQ(h.rec.count(Kind::StreamEnd, kOrig), 1u);
  EXPECT_EQ(h.rec.count(Kind::StreamEnd, kResp), 1u);
  EXPECT_EQ(h.rec.count(Kind::Gap), 0u);
  EXPECT_EQ(h.anomalies.total(), 0u);
  // FIN both ways closes the flow but does not end it: that is the table's timeout.
  EXPECT_EQ(h.rec.count(Kind::FlowEnd), 0u);
}

TEST(TcpReassembly, InOrderDataIsDeliveredStraightFromThePacket) {
  TcpHarness h;
  h.handshake();
  decode::DecodedPacket p =
      h.builder.tcp(h.client, h.server, tf::kAck | tf::kPsh, h.seqOf(kOrig, 0), h.ackFor(kOrig),
                    "zero copy", Timestamp::fromSeconds(1'700'000'001));
  h.table.process(p);
  ASSERT_FALSE(h.rec.events.empty());
  const auto& e = h.rec.events.back();
  EXPECT_EQ(e.kind, Kind::Data);
  EXPECT_EQ(e.data, "zero copy");
  EXPECT_EQ(e.data_ptr, p.payload.data());
  EXPECT_EQ(h.table.stats().reassembly_bytes_held, 0u);
}

TEST(TcpReassembly, OutOfOrderSegmentWaitsForTheHole) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 5, "world");
  EXPECT_EQ(h.rec.orig(), "");
  EXPECT_EQ(h.table.stats().reassembly_bytes_held, 5u);
  h.data(kOrig, 0, "hello");
  EXPECT_EQ(h.rec.orig(), "helloworld");
  EXPECT_EQ(h.table.stats().reassembly_bytes_held, 0u);
  EXPECT_EQ(h.anomalies.total(), 0u);
}

TEST(TcpReassembly, EveryPermutationOfAFourSegmentStream) {
  struct Seg {
    uint64_t offset;
    size_t len;
  };
  const std::array<Seg, 4> segs{{{0, 4}, {4, 3}, {7, 5}, {12, 2}}};
  std::array<int, 4> order{0, 1, 2, 3};
  int permutations = 0;
  do {
    SCOPED_TRACE(std::to_string(order[0]) + std::to_string(order[1]) + std::to_string(order[2]) +
                 std::to_string(order[3]));
    TcpHarness h;
    h.handshake();
    for (int i : order) {
      const Seg& s = segs[static_cast<size_t>(i)];
      // The last segment carries the FIN, wherever it comes in the permutation.
      const uint8_t flags = i == 3 ? (tf::kAck | tf::kFin) : (tf::kAck | tf::kPsh);
      h.send(kOrig, flags, s.offset, letters(s.offset, s.len));
    }
    EXPECT_EQ(h.rec.orig(), letters(0, 14));
    EXPECT_EQ(h.rec.count(Kind::StreamEnd, kOrig), 1u);
    EXPECT_EQ(h.rec.events.back().kind, Kind::StreamEnd);
    EXPECT_EQ(h.rec.count(Kind::Gap), 0u);
    EXPECT_EQ(h.anomalies.total(), 0u);
    EXPECT_EQ(h.table.stats().reassembly_bytes_held, 0u);
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 24);
}

TEST(TcpReassembly, RetransmissionOfDeliveredBytesIsDropped) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 0, "hello");
  h.data(kOrig, 0, "hello");
  h.data(kOrig, 2, "llo wo");  // half old, half new
  EXPECT_EQ(h.rec.orig(), "hello wo");
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpOverlapConflict), 0u);
}

TEST(TcpReassembly, DifferentBytesOverDeliveredDataAreDroppedUncompared) {
  // Documented limit: no window of delivered bytes is kept, so this is not a conflict.
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 0, "hello");
  h.data(kOrig, 0, "HELLO");
  EXPECT_EQ(h.rec.orig(), "hello");
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpOverlapConflict), 0u);
}

TEST(TcpReassembly, RetransmissionOfBufferedBytesSameContent) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 5, "world");
  h.data(kOrig, 5, "world");
  EXPECT_EQ(h.table.stats().reassembly_bytes_held, 5u);
  h.data(kOrig, 0, "hello");
  EXPECT_EQ(h.rec.orig(), "helloworld");
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpOverlapConflict), 0u);
}

TEST(TcpReassembly, RetransmissionOfBufferedBytesDifferentContentFirstCopyWins) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 5, "world");
  h.data(kOrig, 5, "WORLD");
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpOverlapConflict), 1u);
  h.data(kOrig, 0, "hello");
  EXPECT_EQ(h.rec.orig(), "helloworld");
}

TEST(TcpReassembly, OverlapPartialLeft) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 10, letters(10, 5));  // klmno buffered
  h.data(kOrig, 7, "hijKL");          // overlaps k,l with other bytes
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpOverlapConflict), 1u);
  h.data(kOrig, 0, letters(0, 7));
  EXPECT_EQ(h.rec.orig(), letters(0, 15));
}

TEST(TcpReassembly, OverlapPartialRight) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 10, letters(10, 5));  // klmno
  h.data(kOrig, 13, "NOpqr");
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpOverlapConflict), 1u);
  h.data(kOrig, 0, letters(0, 10));
  EXPECT_EQ(h.rec.orig(), letters(0, 18));
}

TEST(TcpReassembly, OverlapInside) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 10, letters(10, 10));  // klmnopqrst
  h.data(kOrig, 12, "MNO");
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpOverlapConflict), 1u);
  EXPECT_EQ(h.table.stats().reassembly_bytes_held, 10u);  // nothing new stored
  h.data(kOrig, 0, letters(0, 10));
  EXPECT_EQ(h.rec.orig(), letters(0, 20));
}

TEST(TcpReassembly, OverlapCoveringBufferedSegmentStoresOnlyTheNewParts) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 10, letters(10, 5));  // klmno
  h.data(kOrig, 8, letters(8, 14));   // ij [klmno] pqrstuv, same bytes
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpOverlapConflict), 0u);
  EXPECT_EQ(h.table.stats().reassembly_bytes_held, 14u);
  h.data(kOrig, 0, letters(0, 8));
  EXPECT_EQ(h.rec.orig(), letters(0, 22));
}

TEST(TcpReassembly, InOrderSegmentOverlappingTheBufferUsesTheBufferedCopy) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 5, letters(5, 5));  // fghij
  h.data(kOrig, 0, "abcdeFGH");
  EXPECT_EQ(h.rec.orig(), letters(0, 10));
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpOverlapConflict), 1u);
}

TEST(TcpReassembly, GapWhenTheFlowByteLimitIsHit) {
  FlowTableConfig config;
  config.reassembly.max_flow_buffer_bytes = 8;
  TcpHarness h(config);
  h.handshake();
  h.data(kOrig, 4, "efgh");
  h.data(kOrig, 8, "ijkl");  // 8 bytes held: at the limit, not past it
  EXPECT_EQ(h.rec.orig(), "");
  h.data(kOrig, 12, "m");  // 9 would be past it: the first hole is given up
  EXPECT_EQ(h.rec.orig(), "<gap 4>efghijklm");
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpFlowBufferLimit), 1u);
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpGap), 1u);
  h.data(kOrig, 0, "abcd");  // too late: already reported as a gap
  EXPECT_EQ(h.rec.orig(), "<gap 4>efghijklm");
  EXPECT_EQ(h.table.stats().reassembly_bytes_held, 0u);
}

TEST(TcpReassembly, SegmentLargerThanTheBufferIsDeliveredAfterAGap) {
  FlowTableConfig config;
  config.reassembly.max_flow_buffer_bytes = 4;
  TcpHarness h(config);
  h.handshake();
  h.data(kOrig, 3, "defghij");
  EXPECT_EQ(h.rec.orig(), "<gap 3>defghij");
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpFlowBufferLimit), 1u);
}

TEST(TcpReassembly, GapWhenTheSegmentLimitIsHit) {
  FlowTableConfig config;
  config.reassembly.max_flow_segments = 2;
  TcpHarness h(config);
  h.handshake();
  h.data(kOrig, 2, "c");
  h.data(kOrig, 4, "e");
  h.data(kOrig, 5, "f");  // contiguous with "e": extends that segment, no new one
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpFlowBufferLimit), 0u);
  h.data(kOrig, 8, "i");  // a third segment
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpFlowBufferLimit), 1u);
  EXPECT_EQ(h.rec.orig(), "<gap 2>c");
  h.flush();
  EXPECT_EQ(h.rec.orig(), "<gap 2>c<gap 1>ef<gap 2>i");
}

TEST(TcpReassembly, GapWhenThePeerAcksPastAHole) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 0, "abc");
  h.data(kOrig, 6, "ghi");
  h.ackUpTo(kResp, 3);  // up to the hole: nothing lost yet
  EXPECT_EQ(h.rec.orig(), "abc");
  h.ackUpTo(kResp, 9);
  EXPECT_EQ(h.rec.orig(), "abc<gap 3>ghi");
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpGap), 1u);
}

TEST(TcpReassembly, AckPastEverythingSeenMakesTheGapWhenDataFollows) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 0, "abc");
  h.ackUpTo(kResp, 6);  // bytes 3..5 were lost by the capture
  EXPECT_EQ(h.rec.orig(), "abc");
  h.data(kOrig, 6, "ghi");
  EXPECT_EQ(h.rec.orig(), "abc<gap 3>ghi");
  EXPECT_EQ(h.table.stats().reassembly_bytes_held, 0u);
}

TEST(TcpReassembly, AckBeforeTheDataItAcksMakesNoGap) {
  // Capture order can put an ACK before the segment it acknowledges (merged taps).
  TcpHarness h;
  h.handshake();
  h.ackUpTo(kResp, 3);
  h.data(kOrig, 0, "abc");
  EXPECT_EQ(h.rec.orig(), "abc");
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpGap), 0u);
}

TEST(TcpReassembly, AckTooFarAheadIsIgnored) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 0, "abc");
  h.data(kOrig, 6, "ghi");
  h.ackUpTo(kResp, kMaxAckAdvance + 100);
  EXPECT_EQ(h.rec.orig(), "abc");
  EXPECT_EQ(h.table.stats().reassembly_bytes_held, 3u);
}

TEST(TcpReassembly, HolesBecomeGapsAtFlush) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 0, "abc");
  h.data(kOrig, 6, "ghi");
  h.data(kOrig, 12, "mn");
  h.flush();
  EXPECT_EQ(h.rec.orig(), "abc<gap 3>ghi<gap 3>mn");
  EXPECT_EQ(h.anomalies.get(Anomaly::TcpGap), 2u);
  EXPECT_EQ(h.table.stats().reassembly_bytes_held, 0u);
}

TEST(TcpReassembly, SequenceNumbersWrapAround) {
  TcpHarness h({}, 0xfffffff0u, 0xfffffffau);
  h.handshake();
  // Client data runs from 0xfffffff1 across 2^32; sent out of order across the wrap.
  h.data(kOrig, 20, letters(20, 6));
  h.data(kOrig, 0, letters(0, 10));
  h.data(kOrig, 10, letters(10, 10));
  h.data(kResp, 0, "0123456789");  // server from 0xfffffffb
  h.fin(kOrig, 26);
  h.fin(kResp, 10);
  EXPECT_EQ(h.rec.orig(), kAlphabet);
  EXPECT_EQ(h.rec.resp(), "0123456789");
  EXPECT_EQ(h.rec.count(Kind::StreamEnd), 2u);
  EXPECT_EQ(h.anomalies.total(), 0u);
}

TEST(TcpReassembly, StreamLongerThanFourGigabytesKeepsCounting) {
  // Offsets are 64-bit: a stream that goes past 2^32 bytes keeps its place. Each round the
  // capture loses a gigabyte that the server acknowledges, then one byte arrives.
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 0, "a");
  const uint64_t step = kMaxAckAdvance;
  uint64_t next = 1;
  for (int round = 0; round < 5; ++round) {
    h.ackUpTo(kResp, next + step);
    h.data(kOrig, next + step, "x");
    next += step + 1;
  }
  h.data(kOrig, next, "!");
  EXPECT_EQ(h.rec.gapBytes(kOrig), 5 * step);
  EXPECT_EQ(h.rec.events.back().data, "!");
  EXPECT_GT(next, uint64_t{1} << 32);
  EXPECT_EQ(h.anomaly(Anomaly::TcpGap), 5u);
}

TEST(TcpReassembly, MidstreamPickupStartsAtTheFirstSegment) {
  TcpHarness h;
  h.data(kOrig, 100, "xyz");
  h.data(kResp, 50, "abc");
  h.data(kOrig, 103, "!");
  EXPECT_EQ(h.rec.orig(), "xyz!");
  EXPECT_EQ(h.rec.resp(), "abc");
  EXPECT_EQ(h.anomaly(Anomaly::TcpMidstreamPickup), 1u);
  h.flush();
  ASSERT_EQ(h.rec.flows_at_end.size(), 1u);
  EXPECT_EQ(h.rec.flows_at_end[0].orig_ip, h.client.ip);           // the first packet's source
  EXPECT_EQ(h.rec.flows_at_end[0].state, FlowState::Established);  // data both ways
}

TEST(TcpReassembly, LateSynAfterAPureAckRestartsTheStream) {
  TcpHarness h;
  h.ackUpTo(kOrig, 0, 7);  // a pure ACK first, then the handshake (capture reordering)
  h.handshake();
  h.data(kOrig, 0, "abc");
  EXPECT_EQ(h.rec.orig(), "abc");
}

TEST(TcpReassembly, SynWithDataIsDelivered) {
  TcpHarness h;
  h.syn("GET /");
  h.synAck();
  h.data(kOrig, 5, " HTTP/1.1");
  EXPECT_EQ(h.rec.orig(), "GET / HTTP/1.1");
  EXPECT_EQ(h.anomaly(Anomaly::TcpSynWithData), 1u);
  EXPECT_EQ(h.anomaly(Anomaly::TcpMidstreamPickup), 0u);
}

TEST(TcpReassembly, SynWithAnotherIsnOnALiveStreamIsIgnored) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 0, "abc");
  h.raw(kOrig, tf::kSyn, 777, 0, "bogus");
  h.data(kOrig, 3, "def");
  EXPECT_EQ(h.rec.orig(), "abcdef");
}

TEST(TcpReassembly, FinEndsTheDirectionOnceTheHoleFills) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 0, "abc");
  h.fin(kOrig, 6, "ghi");  // the FIN overtook "def"
  EXPECT_EQ(h.rec.count(Kind::StreamEnd), 0u);
  h.data(kOrig, 3, "def");
  EXPECT_EQ(h.rec.orig(), "abcdefghi");
  EXPECT_EQ(h.rec.count(Kind::StreamEnd, kOrig), 1u);
  EXPECT_EQ(h.rec.count(Kind::StreamEnd, kResp), 0u);
  h.data(kResp, 0, "still open");  // half-close: the other direction goes on
  EXPECT_EQ(h.rec.resp(), "still open");
  h.flush();
  EXPECT_EQ(h.rec.count(Kind::StreamEnd, kOrig), 1u);  // not ended twice
  EXPECT_EQ(h.rec.count(Kind::StreamEnd, kResp), 1u);
}

TEST(TcpReassembly, AckOfTheFinTurnsTheHoleIntoAGap) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 0, "abc");
  h.fin(kOrig, 6, "ghi");
  h.ackUpTo(kResp, 10);  // FIN at 9 acknowledged
  EXPECT_EQ(h.rec.orig(), "abc<gap 3>ghi");
  EXPECT_EQ(h.rec.count(Kind::StreamEnd, kOrig), 1u);
}

TEST(TcpReassembly, DataPastTheFinIsNotDelivered) {
  TcpHarness h;
  h.handshake();
  h.fin(kOrig, 0, "bye");
  h.data(kOrig, 3, "more");
  h.data(kOrig, 0, "bye");  // a retransmission before the FIN is not an anomaly
  EXPECT_EQ(h.rec.orig(), "bye");
  EXPECT_EQ(h.anomaly(Anomaly::TcpDataAfterClose), 1u);
}

TEST(TcpReassembly, BufferedDataPastALaterFinIsDropped) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 10, "late");
  h.fin(kOrig, 0, "abc");  // FIN at 3: "late" lies past the end of the stream
  EXPECT_EQ(h.rec.orig(), "abc");
  EXPECT_EQ(h.rec.count(Kind::StreamEnd, kOrig), 1u);
  EXPECT_EQ(h.anomaly(Anomaly::TcpDataAfterClose), 1u);
  EXPECT_EQ(h.table.stats().reassembly_bytes_held, 0u);
}

TEST(TcpReassembly, RstEndsBothDirectionsAfterWhatIsBuffered) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 0, "abc");
  h.data(kOrig, 6, "ghi");
  h.data(kResp, 0, "xy");
  h.rst(kResp, 2);
  EXPECT_EQ(h.rec.orig(), "abc<gap 3>ghi");
  EXPECT_EQ(h.rec.count(Kind::StreamEnd, kOrig), 1u);
  EXPECT_EQ(h.rec.count(Kind::StreamEnd, kResp), 1u);
  h.data(kOrig, 9, "jkl");
  h.data(kResp, 2, "z");
  EXPECT_EQ(h.rec.orig(), "abc<gap 3>ghi");
  EXPECT_EQ(h.rec.resp(), "xy");
  EXPECT_EQ(h.anomaly(Anomaly::TcpDataAfterClose), 2u);
  h.flush();
  ASSERT_EQ(h.rec.flows_at_end.size(), 1u);
  EXPECT_EQ(h.rec.flows_at_end[0].state, FlowState::Closed);
  EXPECT_EQ(h.rec.count(Kind::StreamEnd), 2u);
}

TEST(TcpReassembly, FlowStateFollowsTheHandshake) {
  TcpHarness h;
  h.syn();
  h.synAck();
  h.flush();
  EXPECT_EQ(h.rec.flows_at_end.at(0).state, FlowState::New);

  TcpHarness h2;
  h2.handshake();
  h2.flush();
  EXPECT_EQ(h2.rec.flows_at_end.at(0).state, FlowState::Established);

  TcpHarness h3;
  h3.handshake();
  h3.fin(kOrig, 0);
  h3.fin(kResp, 0);
  h3.flush();
  EXPECT_EQ(h3.rec.flows_at_end.at(0).state, FlowState::Closed);
}

TEST(TcpReassembly, OriginatorIsTheSynSenderEvenWhenTheSynAckComesFirst) {
  TcpHarness h;
  h.synAck();
  h.send(kOrig, tf::kAck, 0, "");
  h.data(kOrig, 0, "req");
  h.data(kResp, 0, "resp");
  h.flush();
  ASSERT_EQ(h.rec.flows_at_end.size(), 1u);
  const auto& f = h.rec.flows_at_end[0];
  EXPECT_EQ(f.orig_ip, h.client.ip);
  EXPECT_EQ(f.orig_port, h.client.port);
  EXPECT_EQ(f.resp_port, h.server.port);
  EXPECT_EQ(h.rec.orig(), "req");
  EXPECT_EQ(h.rec.resp(), "resp");
}

TEST(TcpReassembly, PortReuseEndsTheOldFlowAndStartsANewOne) {
  TcpHarness h;
  h.handshake();
  h.data(kOrig, 0, "first");
  h.fin(kOrig, 5);
  h.fin(kResp, 0);
  h.ackUpTo(kOrig, 1, 6);
  // The same SYN again is a retransmission, not a new connection.
  h.syn();
  EXPECT_EQ(h.rec.count(Kind::FlowEnd), 0u);
  // A SYN with a new ISN on the closed connection: port reuse.
  h.raw(kOrig, tf::kSyn, 90000, 0, "");
  ASSERT_EQ(h.rec.count(Kind::FlowEnd), 1u);
  EXPECT_EQ(h.rec.flows_at_end[0].reason, EndReason::Forced);
  h.raw(kResp, tf::kSyn | tf::kAck, 123456, 90001, "");
  h.raw(kOrig, tf::kAck | tf::kPsh, 90001, 123457, "second");
  h.flush();
  ASSERT_EQ(h.rec.flows_at_end.size(), 2u);
  EXPECT_NE(h.rec.flows_at_end[0].id, h.rec.flows_at_end[1].id);
  EXPECT_EQ(h.rec.orig(0), "first");
  EXPECT_EQ(h.rec.orig(1), "second");
  EXPECT_EQ(h.rec.flows_at_end[1].pkts[index(kOrig)], 2u);  // the new SYN and the data
}

TEST(TcpReassembly, EveryTcpFlowEndsBothStreamsBeforeTheFlow) {
  TcpHarness h;
  h.syn();  // the responder never speaks
  h.flush();
  ASSERT_EQ(h.rec.events.size(), 3u);
  EXPECT_EQ(h.rec.events[0].kind, Kind::StreamEnd);
  EXPECT_EQ(h.rec.events[0].dir, kOrig);
  EXPECT_EQ(h.rec.events[1].kind, Kind::StreamEnd);
  EXPECT_EQ(h.rec.events[1].dir, kResp);
  EXPECT_EQ(h.rec.events[2].kind, Kind::FlowEnd);
  EXPECT_EQ(h.rec.events[2].reason, EndReason::Shutdown);
}

TEST(TcpReassembly, IdleStateIsSmall) {
  // DESIGN.md: state per idle flow under 1 KB. flow_table.cc checks the whole figure at compile
  // time; these are the parts the flow stage's callers can see.
  EXPECT_LE(sizeof(TcpFlowReassembly), 160u);
  EXPECT_LE(sizeof(Flow), 256u);
}

}  // namespace
}  // namespace medtap::flow::testing
