// One simulated TCP connection between two hosts, producing the frames a mirror port would see:
// the three-way handshake with each stack's SYN options, data cut into MSS segments, the
// receiver's ACKs (every second segment, RFC 1122 4.2.3.2 / RFC 5681 4.2), a congestion window
// that starts at ten segments and grows (RFC 6928, RFC 5681), seeded random loss with
// duplicate ACKs (with SACK blocks when negotiated) and fast retransmit or a retransmission
// timeout (RFC 5681 3.2, RFC 2018, RFC 6298), and the FIN exchange. Times are those at the capture
// point: a frame from host H left H `H.delay` earlier, and a frame to H reaches it `H.delay` later.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/bytes.h"
#include "core/timestamp.h"
#include "simulate/network.h"
#include "simulate/rng.h"

namespace medtap::simulate {

enum class Dir : uint8_t { ToServer, ToClient };

// What the receiver does about the last segment of a send when it is not the second of a pair.
enum class AckPolicy : uint8_t {
  Immediate,  // ACK at once (a Linux receiver in quick-ack mode)
  Delayed,    // ACK when the delayed-ACK timer fires (no reply is coming soon)
  Piggyback,  // no pure ACK: the caller sends a reply soon, which carries the ACK
};

enum class PortState : uint8_t { Open, Closed, Filtered };

// Where a lost segment disappears relative to the capture point.
enum class LossPoint : uint8_t {
  BeforeCapture,  // never seen: the capture shows a hole, duplicate ACKs, then the only copy
  AfterCapture,   // seen, then lost on the way: the capture shows the segment twice
};

// Which segments of a send may be lost.
enum class LossShape : uint8_t {
  Anywhere,
  // Only the last segment of each send (tail loss, repaired by the retransmission timeout).
  // For protocols whose PDUs span many segments and whose tshark dissector cannot resume after
  // a hole (DICOM): a hole inside a PDU would make tshark report the PDU malformed, although the
  // TCP is sound, and the capture must pass tshark's check cleanly (issue #3).
  TailOnly,
};

class TcpSession {
 public:
  // client_port 0 picks the client's next ephemeral port. loss_rate is the chance that a data
  // segment is lost (by default before the capture point: see setLoss).
  TcpSession(Network& net, FrameQueue& frames, Rng& rng, Host& client, Host& server,
             uint16_t server_port, double loss_rate, uint16_t client_port = 0);

  // The three-way handshake starting at t (ARP first if needed). Returns the time the client's
  // first data segment can be seen.
  Timestamp connect(Timestamp t);
  // Sends data from one end. Returns the time a reply from the receiver could be seen at the
  // earliest (the receiver has every byte; add the application's think time).
  Timestamp send(Dir from, Bytes data, Timestamp t, AckPolicy policy);
  // Orderly close started by one end: FIN, FIN, ACK. Returns the time the last frame is seen.
  Timestamp close(Dir initiator, Timestamp t);
  // An abortive close (RST) from one end.
  Timestamp reset(Dir from, Timestamp t);
  // A SYN probe (port scan): SYN-ACK then the prober's RST when open, RST-ACK when closed,
  // nothing when filtered. Returns the time the exchange is over.
  Timestamp probe(Timestamp t, PortState state);

  // No frame of this session is earlier than this: a new send starts here at the earliest.
  Timestamp ready() const { return ready_; }
  bool established() const { return state_ == State::Established; }
  uint16_t clientPort() const { return client_.port; }
  uint16_t serverPort() const { return server_.port; }
  Host& client() { return *client_.host; }
  Host& server() { return *server_.host; }
  uint64_t retransmissions() const { return retransmissions_; }
  void setLoss(LossPoint point, LossShape shape) {
    loss_point_ = point;
    loss_shape_ = shape;
  }

 private:
  enum class State : uint8_t { Closed, Established, Finished };
  struct End {
    Host* host = nullptr;
    uint16_t port = 0;
    uint32_t snd_nxt = 0;
    uint32_t rcv_nxt = 0;
    uint32_t cwnd = 0;
    uint32_t ssthresh = 0;
    uint16_t peer_mss = 536;  // RFC 879 default until the SYN says otherwise
    uint8_t window_shift = 0;
  };
  struct Options {
    std::array<uint8_t, 40> bytes{};
    size_t len = 0;
    Bytes view() const { return Bytes(bytes.data(), len); }
  };
  struct PendingAck {
    uint32_t end_seq;
    Timestamp usable;  // when the sender, having the ACK, can put a new segment on the wire
  };

  End& end(Dir from) { return from == Dir::ToServer ? client_ : server_; }
  End& peer(Dir from) { return from == Dir::ToServer ? server_ : client_; }
  Options synOptions(const Host& h, const Options* offered, Timestamp at, uint32_t ecr) const;
  // The host's TCP timestamp clock (RFC 7323 5.4): milliseconds from a per-host origin.
  static uint32_t tsClock(const Host& h, Timestamp at);
  uint16_t advertisedWindow(const End& e, bool syn) const;
  void emit(End& from, End& to, Timestamp at, uint8_t flags, uint32_t seq, uint32_t ack,
            Bytes payload, Bytes options = {});
  Duration serialization(const Host& h, size_t frame_bytes) const;

  Network& net_;
  FrameQueue& frames_;
  Rng& rng_;
  End client_;
  End server_;
  double loss_rate_;
  LossPoint loss_point_ = LossPoint::BeforeCapture;
  LossShape loss_shape_ = LossShape::Anywhere;
  State state_ = State::Closed;
  bool wscale_ok_ = false;
  bool sack_ok_ = false;
  bool ts_ok_ = false;
  Timestamp ready_;
  Timestamp last_activity_;
  uint64_t retransmissions_ = 0;
  std::vector<PendingAck> acks_;  // reused by send(): no allocation once warm
};

}  // namespace medtap::simulate
