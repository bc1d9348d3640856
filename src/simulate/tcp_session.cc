#include "simulate/tcp_session.h"

#include <algorithm>

#include "simulate/rng.h"

namespace medtap::simulate {

namespace {

// TCP option kinds (RFC 793, RFC 7323, RFC 2018).
constexpr uint8_t kOptNop = 1;
constexpr uint8_t kOptMss = 2;
constexpr uint8_t kOptWindowScale = 3;
constexpr uint8_t kOptSackPermitted = 4;
constexpr uint8_t kOptSack = 5;
constexpr uint8_t kOptTimestamps = 8;
constexpr uint32_t kTimestampOptionBytes = 12;   // NOP, NOP, kind, length, TSval, TSecr
constexpr uint32_t kInitialWindowSegments = 10;  // RFC 6928
constexpr size_t kFrameOverhead = kEthernetHeaderBytes + kIpv4HeaderBytes + kTcpHeaderBytes;
// Time a host's stack takes to answer a SYN or a FIN (kernel path only).
constexpr Duration kKernelTurnaround = microseconds(25);

}  // namespace

TcpSession::TcpSession(Network& net, FrameQueue& frames, Rng& rng, Host& client, Host& server,
                       uint16_t server_port, double loss_rate, uint16_t client_port)
    : net_(net), frames_(frames), rng_(rng), loss_rate_(loss_rate) {
  client_.host = &client;
  client_.port = client_port != 0 ? client_port : client.allocatePort();
  server_.host = &server;
  server_.port = server_port;
}

uint32_t TcpSession::tsClock(const Host& h, Timestamp at) {
  return static_cast<uint32_t>(mix64(h.ip ^ (uint64_t{h.mac.bytes[5]} << 32)) +
                               static_cast<uint64_t>(at.ns / 1'000'000));
}

TcpSession::Options TcpSession::synOptions(const Host& h, const Options* offered, Timestamp at,
                                           uint32_t ecr) const {
  // MSS; window scale, SACK-permitted and timestamps only if the stack does them and, in a
  // SYN-ACK, only if the SYN offered them (RFC 7323 2.2 and 3.2, RFC 2018 2). The order is each
  // stack's own: Linux puts SACK-permitted and timestamps before the window scale, Windows
  // pads with NOPs.
  Options o;
  auto put = [&](uint8_t b) { o.bytes[o.len++] = b; };
  put(kOptMss);
  put(4);
  put(static_cast<uint8_t>(h.stack.mss >> 8));
  put(static_cast<uint8_t>(h.stack.mss));
  bool peer_ws = offered == nullptr, peer_sack = offered == nullptr, peer_ts = offered == nullptr;
  if (offered != nullptr) {
    for (size_t i = 0; i < offered->len;) {
      const uint8_t kind = offered->bytes[i];
      if (kind == kOptNop) {
        ++i;
        continue;
      }
      if (kind == kOptWindowScale) peer_ws = true;
      if (kind == kOptSackPermitted) peer_sack = true;
      if (kind == kOptTimestamps) peer_ts = true;
      i += offered->bytes[i + 1];
    }
  }
  const bool ws = h.stack.wscale >= 0 && peer_ws;
  const bool sack = h.stack.sack == SackPermitted::Yes && peer_sack;
  const bool ts = h.stack.timestamps == TcpTimestamps::Yes && peer_ts;
  if (ts) {
    if (sack) {
      put(kOptSackPermitted);
      put(2);
    } else {
      put(kOptNop);
      put(kOptNop);
    }
    put(kOptTimestamps);
    put(10);
    putBe32(&o.bytes[o.len], tsClock(h, at));
    putBe32(&o.bytes[o.len + 4], ecr);
    o.len += 8;
    if (ws) {
      put(kOptNop);
      put(kOptWindowScale);
      put(3);
      put(static_cast<uint8_t>(h.stack.wscale));
    }
    return o;
  }
  if (ws) {
    put(kOptNop);
    put(kOptWindowScale);
    put(3);
    put(static_cast<uint8_t>(h.stack.wscale));
  }
  if (sack) {
    put(kOptNop);
    put(kOptNop);
    put(kOptSackPermitted);
    put(2);
  }
  return o;
}

uint16_t TcpSession::advertisedWindow(const End& e, bool syn) const {
  // The window field of a SYN is never scaled (RFC 7323 2.2).
  const uint32_t w = syn ? e.host->stack.rcv_window : e.host->stack.rcv_window >> e.window_shift;
  return static_cast<uint16_t>(std::min<uint32_t>(w, 0xFFFF));
}

Duration TcpSession::serialization(const Host& h, size_t frame_bytes) const {
  // Preamble, SFD and inter-frame gap add 20 bytes on the wire, FCS 4.
  return Duration{static_cast<int64_t>((frame_bytes + 24) * 8 * 1'000'000'000ULL / h.link_bps)};
}

void TcpSession::emit(End& from, End& to, Timestamp at, uint8_t flags, uint32_t seq, uint32_t ack,
                      Bytes payload, Bytes options) {
  TcpHeaderFields t;
  t.src_port = from.port;
  t.dst_port = to.port;
  t.seq = seq;
  t.ack = (flags & tcp::kAck) != 0 ? ack : 0;
  t.flags = flags;
  t.window = advertisedWindow(from, (flags & tcp::kSyn) != 0);
  Options merged;
  if (ts_ok_ && (flags & (tcp::kSyn | tcp::kRst)) == 0) {
    // Every segment after the handshake carries timestamps (RFC 7323 3.2); TSecr echoes the
    // newest TSval the sender has had from its peer.
    merged.bytes[0] = kOptNop;
    merged.bytes[1] = kOptNop;
    merged.bytes[2] = kOptTimestamps;
    merged.bytes[3] = 10;
    putBe32(&merged.bytes[4], tsClock(*from.host, at));
    putBe32(&merged.bytes[8], tsClock(*to.host, at - from.host->delay - to.host->delay));
    merged.len = kTimestampOptionBytes;
    std::copy(options.begin(), options.end(), merged.bytes.begin() + merged.len);
    merged.len += options.size();
    options = merged.view();
  }
  t.options = options;
  const IpFrameHeader ip = net_.header(*from.host, *to.host);
  uint8_t* buf = frames_.reserve();
  const size_t len = writeTcpFrame(buf, ip, t, payload);
  frames_.commit(at, len);
  ready_ = later(ready_, at);
  last_activity_ = later(last_activity_, at);
}

Timestamp TcpSession::connect(Timestamp t) {
  Host& c = *client_.host;
  Host& s = *server_.host;
  Timestamp x = later(t, ready_);
  x = net_.resolve(c, s, x);
  const uint32_t isn_c = static_cast<uint32_t>(rng_.next());
  const uint32_t isn_s = static_cast<uint32_t>(rng_.next());
  const Options syn_opts = synOptions(c, nullptr, x, 0);
  emit(client_, server_, x, tcp::kSyn, isn_c, 0, {}, syn_opts.view());

  Timestamp y = x + s.delay + kKernelTurnaround;
  y = net_.resolve(s, c, y) + s.delay;
  const Options synack_opts = synOptions(s, &syn_opts, y, tsClock(c, x));
  emit(server_, client_, y, tcp::kSyn | tcp::kAck, isn_s, isn_c + 1, {}, synack_opts.view());

  wscale_ok_ = c.stack.wscale >= 0 && s.stack.wscale >= 0;
  sack_ok_ = c.stack.sack == SackPermitted::Yes && s.stack.sack == SackPermitted::Yes;
  ts_ok_ = c.stack.timestamps == TcpTimestamps::Yes && s.stack.timestamps == TcpTimestamps::Yes;
  client_.window_shift = wscale_ok_ ? static_cast<uint8_t>(c.stack.wscale) : 0;
  server_.window_shift = wscale_ok_ ? static_cast<uint8_t>(s.stack.wscale) : 0;
  client_.peer_mss = s.stack.mss;
  server_.peer_mss = c.stack.mss;
  client_.snd_nxt = isn_c + 1;
  client_.rcv_nxt = isn_s + 1;
  server_.snd_nxt = isn_s + 1;
  server_.rcv_nxt = isn_c + 1;
  for (End* e : {&client_, &server_}) {
    e->cwnd = kInitialWindowSegments * e->peer_mss;
    e->ssthresh = 0xFFFFFFFF;
  }

  const Timestamp z = y + c.delay + kKernelTurnaround + c.delay;
  emit(client_, server_, z, tcp::kAck, client_.snd_nxt, client_.rcv_nxt, {});
  state_ = State::Established;
  return z + microseconds(5);
}

Timestamp TcpSession::send(Dir from, Bytes data, Timestamp t, AckPolicy policy) {
  if (data.empty() || state_ != State::Established) return later(t, ready_);
  End& s = end(from);
  End& r = peer(from);
  Host& sh = *s.host;
  Host& rh = *r.host;
  Timestamp x = later(t, ready_);
  x = net_.resolve(sh, rh, x);
  (void)net_.resolve(rh, sh, x);  // the receiver's ACKs need its next hop too

  // Payload per segment: the peer's MSS less the timestamp option (RFC 7323 4.2.1 / RFC 6691).
  const uint32_t mss = s.peer_mss - (ts_ok_ ? kTimestampOptionBytes : 0);
  // The window the receiver advertises, as the sender reads it (scaled field, RFC 7323 2.3).
  const uint32_t rwnd = uint32_t{advertisedWindow(r, false)} << r.window_shift;
  const Duration rtt_s = sh.delay + sh.delay;  // capture point -> sender -> capture point
  const Duration rtt_r = rh.delay + rh.delay;
  // RFC 6298 2.4 with the stack's floor; three round trips stand in for SRTT + 4 RTTVAR.
  const Duration rto{std::max(sh.stack.rto_min.ns, (rtt_s.ns + rtt_r.ns) * 3)};
  // Slow start restarts after an idle period longer than the RTO (RFC 5681 4.1).
  if (x.ns - last_activity_.ns > rto.ns) s.cwnd = std::min(s.cwnd, kInitialWindowSegments * mss);

  acks_.clear();
  size_t ack_head = 0;
  uint32_t una = s.snd_nxt;
  int unacked_segments = 0;
  Timestamp last_data_seen = x;
  Timestamp complete_seen = x;  // the receiver holds every byte once this frame is seen

  // Loss recovery: at most one lost segment outstanding at a time.
  bool recovering = false;
  uint32_t lost_seq = 0;
  size_t lost_off = 0, lost_len = 0;
  Timestamp lost_seen;
  int dupacks = 0;
  Timestamp third_dupack_seen;

  auto onAck = [&](uint32_t end_seq, Timestamp ack_seen) {
    acks_.push_back(PendingAck{end_seq, ack_seen + rtt_s});
  };
  auto growWindow = [&](uint32_t acked) {
    if (s.cwnd < s.ssthresh) {
      s.cwnd += acked;
    } else {
      s.cwnd += std::max<uint32_t>(1, mss * mss / std::max<uint32_t>(s.cwnd, 1));
    }
    s.cwnd = std::min(s.cwnd, std::max(rwnd, 2 * mss));
  };
  auto retransmit = [&](Timestamp at) {
    emit(s, r, at, tcp::kAck | tcp::kPsh, lost_seq, s.rcv_nxt, data.subspan(lost_off, lost_len));
    ++retransmissions_;
    // The hole is filled: the receiver acknowledges everything it holds at once.
    const Timestamp ack_seen = at + rtt_r;
    emit(r, s, ack_seen, tcp::kAck, r.snd_nxt, s.snd_nxt, {});
    acks_.resize(ack_head);  // the duplicate ACKs in between advanced nothing
    onAck(s.snd_nxt, ack_seen);
    s.ssthresh = std::max(s.cwnd / 2, 2 * mss);
    s.cwnd = s.ssthresh;
    recovering = false;
    unacked_segments = 0;
    complete_seen = later(complete_seen, at);
    return at;
  };
  auto rtoRetransmit = [&]() {
    return retransmit(later(lost_seen + rto, last_data_seen + microseconds(1)));
  };

  for (size_t pos = 0; pos < data.size();) {
    const uint32_t len = static_cast<uint32_t>(std::min<size_t>(mss, data.size() - pos));
    // Wait for the window: the smaller of the congestion and the receive window.
    while (s.snd_nxt + len - una > std::min(s.cwnd, rwnd)) {
      if (recovering) {
        x = later(x, (dupacks >= 3 ? retransmit(third_dupack_seen + rtt_s) : rtoRetransmit()) +
                         rtt_r + rtt_s);
        una = s.snd_nxt;
        ack_head = acks_.size();
        continue;
      }
      if (ack_head < acks_.size()) {
        const PendingAck a = acks_[ack_head++];
        x = later(x, a.usable);
        growWindow(a.end_seq - una);
        una = a.end_seq;
        continue;
      }
      // Only an odd trailing segment is unacknowledged: the delayed-ACK timer releases it.
      const Timestamp ack_seen = last_data_seen + rh.delay + rh.stack.delayed_ack + rh.delay;
      emit(r, s, ack_seen, tcp::kAck, r.snd_nxt, s.snd_nxt, {});
      onAck(s.snd_nxt, ack_seen);
      unacked_segments = 0;
    }

    const bool last = pos + len == data.size();
    const bool lose = !recovering && loss_rate_ > 0 &&
                      (last || loss_shape_ == LossShape::Anywhere) && rng_.chance(loss_rate_);
    if (!lose || loss_point_ == LossPoint::AfterCapture) {
      emit(s, r, x, tcp::kAck | (last ? tcp::kPsh : 0), s.snd_nxt, s.rcv_nxt,
           data.subspan(pos, len));
    }
    last_data_seen = x;
    const uint32_t seg_end = s.snd_nxt + len;
    if (recovering) {
      // Out-of-order data: the receiver sends a duplicate ACK at once (RFC 5681 4.2), with a
      // SACK block when both ends agreed to SACK (RFC 2018 3).
      const Timestamp ack_seen = x + rtt_r;
      Options sack;
      if (sack_ok_) {
        sack.bytes = {kOptNop, kOptNop, kOptSack, 10};
        putBe32(&sack.bytes[4], lost_seq + static_cast<uint32_t>(lost_len));
        putBe32(&sack.bytes[8], seg_end);
        sack.len = 12;
      }
      emit(r, s, ack_seen, tcp::kAck, r.snd_nxt, lost_seq, {}, sack.view());
      if (++dupacks == 3) {
        third_dupack_seen = ack_seen;
        s.snd_nxt = seg_end;
        pos += len;
        // Fast retransmit (RFC 5681 3.2); new data resumes after it, so that no ACK covers the
        // hole before the retransmission is on the wire.
        const Timestamp at = retransmit(third_dupack_seen + rtt_s);
        x = later(x + serialization(sh, kFrameOverhead + len),
                  at + serialization(sh, kFrameOverhead + lost_len));
        continue;
      }
    } else if (lose) {
      recovering = true;
      lost_seq = s.snd_nxt;
      lost_off = pos;
      lost_len = len;
      lost_seen = x;
      dupacks = 0;
      if (unacked_segments > 0) {
        // The segment before the lost one is acknowledged by the first duplicate ACK.
        unacked_segments = 0;
      }
    } else if (++unacked_segments == 2) {
      const Timestamp ack_seen = x + rtt_r;
      emit(r, s, ack_seen, tcp::kAck, r.snd_nxt, seg_end, {});
      onAck(seg_end, ack_seen);
      unacked_segments = 0;
    }
    s.snd_nxt = seg_end;
    pos += len;
    x = x + serialization(sh, kFrameOverhead + len);
  }

  if (recovering) {
    x = dupacks >= 3 ? retransmit(third_dupack_seen + rtt_s) : rtoRetransmit();
  } else {
    complete_seen = later(complete_seen, last_data_seen);
    if (unacked_segments > 0) {
      if (policy == AckPolicy::Immediate) {
        emit(r, s, last_data_seen + rtt_r, tcp::kAck, r.snd_nxt, s.snd_nxt, {});
      } else if (policy == AckPolicy::Delayed) {
        emit(r, s, last_data_seen + rh.delay + rh.stack.delayed_ack + rh.delay, tcp::kAck,
             r.snd_nxt, s.snd_nxt, {});
      }
    }
  }
  // Whatever the ACKs did, the window grows by what was delivered (the next send starts from
  // a window that reflects this transfer).
  for (; ack_head < acks_.size(); ++ack_head) {
    growWindow(acks_[ack_head].end_seq - una);
    una = acks_[ack_head].end_seq;
  }
  r.rcv_nxt = s.snd_nxt;
  return complete_seen + rtt_r;
}

Timestamp TcpSession::close(Dir initiator, Timestamp t) {
  if (state_ != State::Established) return later(t, ready_);
  End& a = end(initiator);
  End& b = peer(initiator);
  const Timestamp x = later(t, ready_);
  emit(a, b, x, tcp::kFin | tcp::kAck, a.snd_nxt, a.rcv_nxt, {});
  a.snd_nxt += 1;
  b.rcv_nxt += 1;
  const Timestamp y = x + b.host->delay + kKernelTurnaround + b.host->delay;
  emit(b, a, y, tcp::kFin | tcp::kAck, b.snd_nxt, b.rcv_nxt, {});
  b.snd_nxt += 1;
  a.rcv_nxt += 1;
  const Timestamp z = y + a.host->delay + kKernelTurnaround + a.host->delay;
  emit(a, b, z, tcp::kAck, a.snd_nxt, a.rcv_nxt, {});
  state_ = State::Finished;
  return z;
}

Timestamp TcpSession::reset(Dir from, Timestamp t) {
  if (state_ != State::Established) return later(t, ready_);
  End& a = end(from);
  End& b = peer(from);
  const Timestamp x = later(t, ready_);
  emit(a, b, x, tcp::kRst | tcp::kAck, a.snd_nxt, a.rcv_nxt, {});
  state_ = State::Finished;
  return x;
}

Timestamp TcpSession::probe(Timestamp t, PortState port_state) {
  Host& c = *client_.host;
  Host& s = *server_.host;
  Timestamp x = later(t, ready_);
  x = net_.resolve(c, s, x);
  const uint32_t isn_c = static_cast<uint32_t>(rng_.next());
  // A scanner's SYN: MSS only, as nmap's SYN scan sends, with a small window.
  Options syn;
  syn.bytes = {kOptMss, 4, static_cast<uint8_t>(c.stack.mss >> 8),
               static_cast<uint8_t>(c.stack.mss)};
  syn.len = 4;
  emit(client_, server_, x, tcp::kSyn, isn_c, 0, {}, syn.view());
  state_ = State::Finished;
  if (port_state == PortState::Filtered) return x;
  Timestamp y = x + s.delay + kKernelTurnaround;
  y = net_.resolve(s, c, y) + s.delay;
  if (port_state == PortState::Closed) {
    emit(server_, client_, y, tcp::kRst | tcp::kAck, 0, isn_c + 1, {});
    return y;
  }
  const uint32_t isn_s = static_cast<uint32_t>(rng_.next());
  const Options synack = synOptions(s, &syn, y, 0);
  emit(server_, client_, y, tcp::kSyn | tcp::kAck, isn_s, isn_c + 1, {}, synack.view());
  const Timestamp z = y + c.delay + kKernelTurnaround + c.delay;
  emit(client_, server_, z, tcp::kRst, isn_c + 1, 0, {});
  return z;
}

}  // namespace medtap::simulate
