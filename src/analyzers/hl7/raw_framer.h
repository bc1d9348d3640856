// HL7 v2 over TCP without MLLP: some interfaces write bare messages back to back. There is no
// framing to trust, so this is best effort: a message runs from its "MSH" to the next segment
// that starts with "MSH" ("\rMSH" or "\nMSH") or to the end of the stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/hl7/limits.h"
#include "analyzers/hl7/mllp_framer.h"
#include "core/bytes.h"

namespace medtap::analyzers::hl7 {

// Finds the next message start in `text` at or after `from`: the offset of an "MSH" that follows
// a CR or LF (so from >= 1), or npos. A match that `text` cuts short is not found.
size_t findRawMessageStart(std::string_view text, size_t from);

// Cuts one direction of a stream of bare HL7 messages. Unlike MllpFramer it always copies, since
// a message is only known to be complete when the next one starts; messages are delivered as
// views into its buffer, so a message's event carries the time of the packet that started the
// next one (or ended the stream). The buffer holds at most max_message_size bytes plus one
// feed() chunk.
//
// Malformed input: a message longer than max_message_size is dropped (hl7_oversized_message) and
// skipped up to the next message start without buffering; a gap drops the partial message
// (hl7_truncated_message) and skips to the next start. Skipping more than max_message_size in a
// row (after a gap, or past the limit of an oversized message) makes feed() return OutOfSync:
// no HL7 message is that long, so the direction is not bare HL7.
class RawFramer {
 public:
  explicit RawFramer(size_t max_message_size = kMaxMessageSize)
      : max_message_size_(max_message_size) {}

  // NeedMoreData while a message is open (almost always, once data arrived); OutOfSync as above.
  FeedResult feed(Bytes data, FramerCallbacks& callbacks);
  void gap(FramerCallbacks& callbacks);
  // The end of the stream ends the open message: it is delivered.
  void end(FramerCallbacks& callbacks);

  size_t bufferedBytes() const { return buffer_.size(); }

 private:
  enum class State : uint8_t { InMessage, Skipping, Failed };

  // Delivers every complete message in buffer_ and drops their bytes.
  void deliverComplete(FramerCallbacks& callbacks);
  void deliver(std::string_view message, FramerCallbacks& callbacks);
  void skip(Bytes data);

  size_t max_message_size_;
  State state_ = State::InMessage;
  size_t scan_from_ = 1;         // where to look for the next message start in buffer_
  size_t skipped_ = 0;           // bytes skipped in a row (Skipping)
  std::vector<uint8_t> buffer_;  // InMessage: the open message; Skipping: the last few bytes
};

}  // namespace medtap::analyzers::hl7
