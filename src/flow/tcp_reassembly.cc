#include "flow/tcp_reassembly.h"

#include <algorithm>
#include <cstring>

namespace medtap::flow {

namespace tf = decode::tcp_flags;

// ---- TcpHalfStream ----

void TcpHalfStream::startAtSyn(uint32_t isn) {
  base_seq_ = isn + 1;  // the SYN occupies one sequence number (RFC 9293 §3.4)
  state_ = State::Open;
  flags_ = kStartedBySyn;
  next_ = 0;
  acked_ = 0;
}

void TcpHalfStream::startAt(uint32_t seq) {
  base_seq_ = seq;
  state_ = State::Open;
  flags_ = 0;
  next_ = 0;
  acked_ = 0;
}

int64_t TcpHalfStream::offsetOf(uint32_t seq) const {
  // Modular distance from the next expected sequence number (RFC 1982 style serial arithmetic):
  // the segment is taken to be the nearer of "ahead" and "behind".
  const auto next_seq = static_cast<uint32_t>(base_seq_ + static_cast<uint32_t>(next_));
  const auto delta = static_cast<int32_t>(seq - next_seq);
  return static_cast<int64_t>(next_) + delta;
}

void TcpHalfStream::onData(StreamCall& c, int64_t start, Bytes data) {
  if (data.empty() || state_ == State::Unseen) return;
  int64_t end = start + static_cast<int64_t>(data.size());
  if (state_ == State::Ended && !finSeen()) {
    // Ended without a FIN (the connection was reset): anything new is after the close.
    if (end > static_cast<int64_t>(next_)) c.ctx.anomalies.add(Anomaly::TcpDataAfterClose);
    return;
  }
  if (finSeen() && end > static_cast<int64_t>(fin_)) {
    c.ctx.anomalies.add(Anomaly::TcpDataAfterClose);
    if (start >= static_cast<int64_t>(fin_)) return;
    data = data.first(static_cast<size_t>(static_cast<int64_t>(fin_) - start));
    end = static_cast<int64_t>(fin_);
  }
  if (end <= static_cast<int64_t>(next_)) return;  // all delivered already: a retransmission
  if (start < static_cast<int64_t>(next_)) {
    data = data.subspan(static_cast<size_t>(static_cast<int64_t>(next_) - start));
    start = static_cast<int64_t>(next_);
  }
  const auto s = static_cast<uint64_t>(start);
  const auto e = static_cast<uint64_t>(end);

  if (s == next_ && segments_.empty()) {  // the common case: in order, nothing buffered
    deliver(c, data);
    next_ = e;
    finishIfAtFin(c);
    return;
  }

  if (!segments_.empty() && conflictsWithBuffer(s, data)) {
    c.ctx.anomalies.add(Anomaly::TcpOverlapConflict);
  }
  // Walk the segment: parts the buffer already holds are skipped (first copy wins), the other
  // parts are delivered when they are next in line, or buffered.
  uint64_t cur = s;
  while (cur < e) {
    if (cur < next_) {  // delivered from the buffer meanwhile
      cur = next_;
      continue;
    }
    const size_t i = firstEndingAfter(cur);
    if (i < segments_.size() && segments_[i].start <= cur) {
      cur = std::min(e, segments_[i].end());
      continue;
    }
    const uint64_t piece_end = i < segments_.size() ? std::min(e, segments_[i].start) : e;
    const Bytes piece = data.subspan(cur - s, piece_end - cur);
    if (cur == next_) {
      deliver(c, piece);
      next_ = piece_end;
      drain(c);
      cur = piece_end;
    } else if (cur <= acked_) {
      // The peer has acknowledged bytes up to here, so the hole before `cur` was sent and
      // received: the capture lost it.
      advanceTo(c, cur);
    } else if (store(c, i, cur, piece)) {
      cur = piece_end;
    } else {
      forceProgress(c, cur);
    }
  }
  finishIfAtFin(c);
}

void TcpHalfStream::onFin(StreamCall& c, int64_t fin_offset) {
  if (finSeen() || state_ != State::Open) return;  // the first FIN wins
  // A FIN before bytes already delivered is inconsistent; the stream ends where it is.
  fin_ = fin_offset < static_cast<int64_t>(next_) ? next_ : static_cast<uint64_t>(fin_offset);
  flags_ |= kFinSeen;
  if (!segments_.empty() && segments_.back().end() > fin_) {
    dropBufferedFrom(c, fin_);
    c.ctx.anomalies.add(Anomaly::TcpDataAfterClose);
  }
  if (acked_ >= fin_) advanceTo(c, fin_);
  finishIfAtFin(c);
}

void TcpHalfStream::onAck(StreamCall& c, uint32_t ack) {
  if (state_ != State::Open) return;
  const int64_t a = offsetOf(ack);
  if (a <= static_cast<int64_t>(next_)) return;
  const auto ua = static_cast<uint64_t>(a);
  if (ua - next_ > kMaxAckAdvance) return;
  acked_ = std::max(acked_, ua);
  if (finSeen() && acked_ >= fin_) {  // the ACK of the FIN (fin_ + 1) or beyond
    advanceTo(c, fin_);
    finishIfAtFin(c);
    return;
  }
  // Holes before buffered data that the peer has acknowledged were lost by the capture.
  while (!segments_.empty() && segments_.front().start <= acked_) {
    advanceTo(c, segments_.front().start);
  }
}

void TcpHalfStream::end(StreamCall& c) {
  if (state_ == State::Ended) return;
  if (state_ == State::Open) {
    uint64_t target = segments_.empty() ? next_ : segments_.back().end();
    if (finSeen()) target = std::max(target, fin_);
    advanceTo(c, target);
  }
  markEnded(c);
}

void TcpHalfStream::deliver(StreamCall& c, Bytes data) {
  c.ctx.callbacks.onStreamData(c.flow, c.dir, data, c.ts);
}

void TcpHalfStream::gap(StreamCall& c, uint64_t length) {
  if (length == 0) return;
  c.ctx.anomalies.add(Anomaly::TcpGap);
  c.ctx.callbacks.onStreamGap(c.flow, c.dir, length, c.ts);
}

void TcpHalfStream::drain(StreamCall& c) {
  size_t k = 0;
  while (k < segments_.size() && segments_[k].start == next_) {
    const Segment& seg = segments_[k];
    deliver(c, seg.data);
    next_ = seg.end();
    buffered_ -= seg.data.size();
    c.ctx.buffered_total -= seg.data.size();
    ++k;
  }
  if (k == 0) return;
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<ptrdiff_t>(k));
  releaseBuffer();
}

void TcpHalfStream::advanceTo(StreamCall& c, uint64_t target) {
  while (next_ < target) {
    uint64_t hole_end = target;
    if (!segments_.empty()) hole_end = std::min(hole_end, segments_.front().start);
    if (hole_end > next_) {
      gap(c, hole_end - next_);
      next_ = hole_end;
    }
    drain(c);
  }
}

void TcpHalfStream::forceProgress(StreamCall& c, uint64_t cur) {
  uint64_t target = cur;
  if (!segments_.empty()) target = std::min(target, segments_.front().start);
  advanceTo(c, target);
}

bool TcpHalfStream::store(StreamCall& c, size_t at, uint64_t start, Bytes piece) {
  const ReassemblyLimits& limits = c.ctx.limits;
  const size_t n = piece.size();
  if (buffered_ + n > limits.max_flow_buffer_bytes) {
    c.ctx.anomalies.add(Anomaly::TcpFlowBufferLimit);
    return false;
  }
  if (c.ctx.buffered_total + n > limits.max_total_buffer_bytes) {
    c.ctx.anomalies.add(Anomaly::TcpGlobalBufferLimit);
    return false;
  }
  if (at > 0 && segments_[at - 1].end() == start) {
    // Contiguous with the segment before: extend it, so that a run of segments behind one hole
    // costs one buffer entry.
    auto& data = segments_[at - 1].data;
    data.insert(data.end(), piece.begin(), piece.end());
  } else {
    if (segments_.size() >= limits.max_flow_segments) {
      c.ctx.anomalies.add(Anomaly::TcpFlowBufferLimit);
      return false;
    }
    segments_.insert(segments_.begin() + static_cast<ptrdiff_t>(at),
                     Segment{start, std::vector<uint8_t>(piece.begin(), piece.end())});
  }
  buffered_ += n;
  c.ctx.buffered_total += n;
  return true;
}

size_t TcpHalfStream::firstEndingAfter(uint64_t offset) const {
  // Segments never overlap, so their ends are sorted as their starts are.
  auto it = std::partition_point(segments_.begin(), segments_.end(),
                                 [offset](const Segment& seg) { return seg.end() <= offset; });
  return static_cast<size_t>(it - segments_.begin());
}

bool TcpHalfStream::conflictsWithBuffer(uint64_t start, Bytes data) const {
  const uint64_t end = start + data.size();
  for (size_t i = firstEndingAfter(start); i < segments_.size() && segments_[i].start < end; ++i) {
    const Segment& seg = segments_[i];
    const uint64_t lo = std::max(start, seg.start);
    const uint64_t hi = std::min(end, seg.end());
    if (std::memcmp(data.data() + (lo - start), seg.data.data() + (lo - seg.start), hi - lo) != 0) {
      return true;
    }
  }
  return false;
}

void TcpHalfStream::dropBufferedFrom(StreamCall& c, uint64_t offset) {
  size_t i = firstEndingAfter(offset);
  size_t dropped = 0;
  if (i < segments_.size() && segments_[i].start < offset) {
    Segment& seg = segments_[i];
    const size_t keep = offset - seg.start;
    dropped += seg.data.size() - keep;
    seg.data.resize(keep);
    ++i;
  }
  for (size_t j = i; j < segments_.size(); ++j) dropped += segments_[j].data.size();
  segments_.erase(segments_.begin() + static_cast<ptrdiff_t>(i), segments_.end());
  buffered_ -= dropped;
  c.ctx.buffered_total -= dropped;
  releaseBuffer();
}

void TcpHalfStream::releaseBuffer() {
  if (segments_.empty() && segments_.capacity() > kKeptSegmentCapacity) {
    std::vector<Segment>().swap(segments_);
  }
}

void TcpHalfStream::finishIfAtFin(StreamCall& c) {
  if (finSeen() && state_ == State::Open && next_ >= fin_) markEnded(c);
}

void TcpHalfStream::markEnded(StreamCall& c) {
  state_ = State::Ended;
  c.ctx.callbacks.onStreamEnd(c.flow, c.dir, c.ts);
}

// ---- TcpFlowReassembly ----

void TcpFlowReassembly::onPacket(ReassemblyContext& ctx, Flow& flow, Direction dir,
                                 const decode::DecodedPacket& p) {
  const Direction peer_dir = opposite(dir);
  TcpHalfStream& self = half_[index(dir)];
  TcpHalfStream& peer = half_[index(peer_dir)];
  StreamCall c{ctx, flow, dir, p.ts};
  StreamCall pc{ctx, flow, peer_dir, p.ts};
  const uint8_t fl = p.tcp_flags;

  if ((flags_ & kRstSeen) != 0) {
    if (!p.payload.empty()) ctx.anomalies.add(Anomaly::TcpDataAfterClose);
    return;
  }
  if ((fl & tf::kRst) != 0) {
    // Both directions end now. A RST's own payload is diagnostic text (RFC 9293 §3.5.3), not
    // stream data.
    flags_ |= kRstSeen;
    StreamCall orig{ctx, flow, Direction::Originator, p.ts};
    StreamCall resp{ctx, flow, Direction::Responder, p.ts};
    half_[index(Direction::Originator)].end(orig);
    half_[index(Direction::Responder)].end(resp);
    return;
  }

  bool accepted = true;
  if ((fl & tf::kSyn) != 0) {
    accepted = onSyn(c, p);
  } else {
    if (self.state() == TcpHalfStream::State::Unseen) {
      self.startAt(p.tcp_seq);
      if ((flags_ & kMidstreamCounted) == 0) {
        flags_ |= kMidstreamCounted;
        ctx.anomalies.add(Anomaly::TcpMidstreamPickup);
      }
    }
    if (!p.payload.empty()) self.onData(c, self.offsetOf(p.tcp_seq), p.payload);
  }
  if (!accepted) return;
  if (!p.payload.empty()) flags_ |= bit(kDataSent, dir);
  if ((fl & tf::kFin) != 0) {
    flags_ |= bit(kFinSent, dir);
    const uint32_t data_seq = p.tcp_seq + ((fl & tf::kSyn) != 0 ? 1 : 0);
    self.onFin(c, self.offsetOf(data_seq) + static_cast<int64_t>(p.payload.size()));
  }
  if ((fl & tf::kAck) != 0) {
    peer.onAck(pc, p.tcp_ack);
    // The third packet of the handshake: the SYN sender acknowledges the SYN+ACK.
    if ((fl & tf::kSyn) == 0 && has(bit(kSynSent, dir)) && has(bit(kSynAckSent, peer_dir))) {
      flags_ |= kHandshakeDone;
    }
  }
}

bool TcpFlowReassembly::onSyn(StreamCall& c, const decode::DecodedPacket& p) {
  TcpHalfStream& self = half_[index(c.dir)];
  const bool fresh =
      self.state() == TcpHalfStream::State::Unseen ||
      (self.state() == TcpHalfStream::State::Open && !self.startedBySyn() && self.untouched());
  if (fresh) {
    self.startAtSyn(p.tcp_seq);
  } else if (!(self.startedBySyn() && self.isn() == p.tcp_seq)) {
    return false;  // a SYN with another ISN on a live stream: not this connection's
  }
  flags_ |= (p.tcp_flags & tf::kAck) != 0 ? bit(kSynAckSent, c.dir) : bit(kSynSent, c.dir);
  if (!p.payload.empty()) {
    c.ctx.anomalies.add(Anomaly::TcpSynWithData);
    self.onData(c, self.offsetOf(p.tcp_seq + 1), p.payload);
  }
  return true;
}

void TcpFlowReassembly::endStreams(ReassemblyContext& ctx, Flow& flow, Timestamp ts) {
  for (Direction d : {Direction::Originator, Direction::Responder}) {
    StreamCall c{ctx, flow, d, ts};
    half_[index(d)].end(c);
  }
}

TcpPhase TcpFlowReassembly::phase() const {
  const uint16_t both_fins =
      bit(kFinSent, Direction::Originator) | bit(kFinSent, Direction::Responder);
  if ((flags_ & kRstSeen) != 0 || has(both_fins)) return TcpPhase::Closed;
  const uint16_t both_data =
      bit(kDataSent, Direction::Originator) | bit(kDataSent, Direction::Responder);
  if ((flags_ & kHandshakeDone) != 0 || has(both_data)) return TcpPhase::Established;
  return TcpPhase::Opening;
}

bool TcpFlowReassembly::isNewConnection(Direction dir, uint32_t seq) const {
  const TcpHalfStream& h = half_[index(dir)];
  return !(h.startedBySyn() && h.isn() == seq);
}

}  // namespace medtap::flow
