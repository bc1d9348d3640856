// A persistent MLLP connection over which one side sends HL7 messages and the other answers
// each with an ACK (HL7 v2 original-mode acknowledgment), counted in the ground truth.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "simulate/hl7_message.h"
#include "simulate/tcp_session.h"
#include "simulate/world.h"

namespace medtap::simulate {

// Told of every message an Hl7Link delivers (an interface engine routes them onwards).
class Hl7Receiver {
 public:
  virtual ~Hl7Receiver() = default;
  // `at` is when the receiver has the whole message; anything it sends goes out later.
  virtual void onDelivered(World& w, const OruMessage& m, Timestamp at) = 0;
};

class Hl7Link {
 public:
  // sender_id/receiver_id are the truth ids of the two devices.
  Hl7Link(Host& client, Host& server, uint16_t port, double loss, Rng& rng, std::string sender_id,
          std::string receiver_id);

  // Connects if needed, sends the message, and the receiver's ACK after its processing time.
  // Returns when the ACK is seen.
  Timestamp exchange(World& w, const OruMessage& m, Timestamp t);
  // Sends bytes that are already a framed message (a replay) and ACKs it by `acked` fields.
  Timestamp exchangeFramed(World& w, const std::string& framed, const OruMessage& acked,
                           Timestamp t);
  // Closes the connection (client FIN); the next exchange reconnects.
  Timestamp close(Timestamp t);

  void setReceiver(Hl7Receiver* r) { receiver_ = r; }
  const std::string& lastFramed() const { return msg_; }
  uint16_t port() const { return port_; }
  Host& server() { return server_; }

 private:
  Timestamp ensureConnected(World& w, Timestamp t);

  Host& client_;
  Host& server_;
  uint16_t port_;
  double loss_;
  Rng& rng_;
  std::string sender_id_;
  std::string receiver_id_;
  std::unique_ptr<TcpSession> session_;
  std::string msg_;
  std::string ack_;
  uint64_t ack_counter_ = 0;
  Hl7Receiver* receiver_ = nullptr;
};

}  // namespace medtap::simulate
