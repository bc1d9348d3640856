#include "simulate/hl7_link.h"

#include "simulate/byte_writer.h"

namespace medtap::simulate {

Hl7Link::Hl7Link(Host& client, Host& server, uint16_t port, double loss, Rng& rng,
                 std::string sender_id, std::string receiver_id)
    : client_(client),
      server_(server),
      port_(port),
      loss_(loss),
      rng_(rng),
      sender_id_(std::move(sender_id)),
      receiver_id_(std::move(receiver_id)) {}

Timestamp Hl7Link::ensureConnected(World& w, Timestamp t) {
  if (session_ && session_->established()) return later(t, session_->ready());
  const Timestamp after = session_ ? session_->ready() : t;
  session_ =
      std::make_unique<TcpSession>(w.net(), w.frames(), rng_, client_, server_, port_, loss_);
  w.truth().notePort("hl7", port_);
  return session_->connect(later(t, after));
}

Timestamp Hl7Link::exchange(World& w, const OruMessage& m, Timestamp t) {
  msg_.clear();
  appendMllpOru(msg_, m);
  return exchangeFramed(w, msg_, m, t);
}

Timestamp Hl7Link::exchangeFramed(World& w, const std::string& framed, const OruMessage& acked,
                                  Timestamp t) {
  Timestamp at = ensureConnected(w, t);
  const Timestamp received =
      session_->send(Dir::ToServer, bytesOf(framed), at, AckPolicy::Piggyback);
  // The receiving application parses, stores and answers within a few milliseconds.
  if (receiver_ != nullptr) receiver_->onDelivered(w, acked, received);
  const Timestamp reply_at = received + microseconds(rng_.range(800, 9000));
  ack_.clear();
  appendMllpAck(ack_, acked, "ACK" + std::to_string(++ack_counter_), reply_at);
  at = session_->send(Dir::ToClient, bytesOf(ack_), reply_at, AckPolicy::Delayed);
  Truth& truth = w.truth();
  truth.count("hl7.messages", 2);
  truth.count("hl7.ORU^R01");
  truth.count("hl7.ACK");
  truth.countFor(sender_id_, "hl7_sent");
  truth.countFor(receiver_id_, "hl7_received");
  return at;
}

Timestamp Hl7Link::close(Timestamp t) {
  if (!session_ || !session_->established()) return t;
  return session_->close(Dir::ToServer, t);
}

}  // namespace medtap::simulate
