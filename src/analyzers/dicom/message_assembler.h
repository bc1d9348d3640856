// Reassembles the PDV fragments of one direction into DIMSE messages (PS3.7 9.3, PS3.8 E.2): the
// command fragments are buffered (command sets are small, kMaxCommandSetSize) and parsed when the
// last one arrives; the data set fragments that follow are streamed through a DataSetScanner and
// never buffered. One message is reported per command, when its data set (if any) is complete.
//
// Messages are assembled one at a time per direction: PS3.8 9.3.5.1 lets a P-DATA-TF carry PDVs
// of several contexts, but a message's command and data set fragments come in order and a new
// command starts only after the last fragment of the previous message's data set (PS3.7 9.3.1;
// asynchronous operations interleave whole messages, never fragments).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "analyzers/dicom/contexts.h"
#include "analyzers/dicom/data_set_scanner.h"
#include "analyzers/dicom/limits.h"
#include "core/anomaly.h"
#include "core/bytes.h"
#include "events/dicom.h"

namespace medtap::analyzers::dicom {

class MessageCallbacks {
 public:
  virtual ~MessageCallbacks() = default;
  // A complete (or, after dicom_truncated_message, partial) message. `patient_name` and
  // `patient_id` are raw PHI from the data set (empty when absent): tokenize, never output.
  // `message` may be moved from.
  virtual void onMessage(events::DicomMessage& message, std::string_view patient_name,
                         std::string_view patient_id) = 0;
  virtual AnomalyCounters& anomalies() = 0;
};

struct AssemblerLimits {
  size_t max_command_set = kMaxCommandSetSize;
};

// Malformed input: a data fragment with no command before it, a fragment of another context
// than its message's, or a command while a data set is awaited: dicom_unexpected_fragment (the
// pending message is reported as it is); a command set beyond max_command_set:
// dicom_oversized_command, the message is dropped; a command set that does not parse:
// dicom_malformed_command, dropped; a message cut by lost sync or the end of the stream:
// dicom_truncated_message, reported with what was read when its command was complete.
class MessageAssembler {
 public:
  explicit MessageAssembler(const AssemblerLimits& limits = {}) : limits_(limits) {}

  void pdvStart(uint8_t context_id, uint8_t control, uint32_t length, const ContextTable& contexts,
                MessageCallbacks& callbacks);
  void pdvData(Bytes data, MessageCallbacks& callbacks);
  void pdvLost(uint64_t length);
  void pdvEnd(MessageCallbacks& callbacks);
  // The framer lost the stream, or the direction ended: report or count what is pending.
  void interrupt(MessageCallbacks& callbacks);
  // The association ended (release, abort): forget what is pending without an anomaly.
  void reset();

  size_t bufferedBytes() const { return command_.size(); }

 private:
  enum class State : uint8_t {
    Idle,             // between messages
    Command,          // collecting command fragments
    AwaitData,        // command complete, its data set not started
    Data,             // scanning data set fragments
    Dropping,         // ignoring the data set of a message we could not use
    DroppingCommand,  // ignoring command fragments up to the last one, then Dropping
  };
  enum class Pdv : uint8_t { Ignore, Command, Data };

  void startCommand(uint8_t context_id);
  void finishCommand(MessageCallbacks& callbacks);
  void report(MessageCallbacks& callbacks);
  void dropCommand();

  AssemblerLimits limits_;
  State state_ = State::Idle;
  Pdv pdv_ = Pdv::Ignore;
  bool pdv_last_ = false;
  std::vector<uint8_t> command_;                   // command fragments so far
  std::unique_ptr<events::DicomMessage> message_;  // created at the first command
  std::unique_ptr<DataSetScanner> scanner_;        // created at the first data set
};

}  // namespace medtap::analyzers::dicom
