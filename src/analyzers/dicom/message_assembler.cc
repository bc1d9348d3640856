#include "analyzers/dicom/message_assembler.h"

#include "analyzers/dicom/dimse.h"

namespace medtap::analyzers::dicom {

void MessageAssembler::pdvStart(uint8_t context_id, uint8_t control, uint32_t length,
                                const ContextTable& contexts, MessageCallbacks& callbacks) {
  const bool is_command = (control & kPdvCommandBit) != 0;
  pdv_last_ = (control & kPdvLastBit) != 0;
  pdv_ = Pdv::Ignore;
  if (is_command) {
    if (state_ == State::DroppingCommand) {
      if (pdv_last_) state_ = State::Dropping;  // its data set, if any, is dropped too
      return;
    }
    if (state_ == State::AwaitData || state_ == State::Data) {
      callbacks.anomalies().add(Anomaly::DicomUnexpectedFragment);  // the data set never ended
      report(callbacks);
    } else if (state_ == State::Command && context_id != message_->presentation_context_id) {
      callbacks.anomalies().add(Anomaly::DicomUnexpectedFragment);
      dropCommand();
    }
    if (state_ != State::Command) startCommand(context_id);
    if (command_.size() + length > limits_.max_command_set) {
      callbacks.anomalies().add(Anomaly::DicomOversizedCommand);
      dropCommand();
      state_ = pdv_last_ ? State::Dropping : State::DroppingCommand;
      return;
    }
    pdv_ = Pdv::Command;
    return;
  }
  switch (state_) {
    case State::AwaitData:
    case State::Data:
      if (context_id != message_->presentation_context_id) break;
      if (state_ == State::AwaitData) {
        if (!scanner_) scanner_ = std::make_unique<DataSetScanner>();
        const PresentationContext* ctx = contexts.find(context_id);
        scanner_->reset(ctx == nullptr || ctx->transfer_syntax.empty()
                            ? DataSetEncoding::Detect
                            : encodingOf(ctx->transfer_syntax));
        state_ = State::Data;
      }
      pdv_ = Pdv::Data;
      return;
    case State::Dropping:
    case State::DroppingCommand:
      pdv_ = Pdv::Ignore;  // the rest of a message already counted
      if (pdv_last_) state_ = State::Idle;
      return;
    case State::Idle:
    case State::Command:
      break;
  }
  callbacks.anomalies().add(Anomaly::DicomUnexpectedFragment);
  if (state_ == State::Command) dropCommand();
  if (state_ == State::AwaitData || state_ == State::Data) report(callbacks);
  state_ = pdv_last_ ? State::Idle : State::Dropping;
}

void MessageAssembler::pdvData(Bytes data, MessageCallbacks& callbacks) {
  switch (pdv_) {
    case Pdv::Command:
      command_.insert(command_.end(), data.begin(), data.end());
      break;
    case Pdv::Data: {
      scanner_->feed(data, callbacks.anomalies());
      break;
    }
    case Pdv::Ignore:
      break;
  }
}

void MessageAssembler::pdvLost(uint64_t length) {
  switch (pdv_) {
    case Pdv::Command:
      dropCommand();  // tcp_gap says why
      state_ = pdv_last_ ? State::Dropping : State::DroppingCommand;
      pdv_ = Pdv::Ignore;
      break;
    case Pdv::Data:
      scanner_->lose(length);
      break;
    case Pdv::Ignore:
      break;
  }
}

void MessageAssembler::pdvEnd(MessageCallbacks& callbacks) {
  const Pdv pdv = pdv_;
  pdv_ = Pdv::Ignore;
  if (!pdv_last_) return;
  if (pdv == Pdv::Command) {
    finishCommand(callbacks);
  } else if (pdv == Pdv::Data) {
    scanner_->finish(callbacks.anomalies());
    report(callbacks);
  }
}

void MessageAssembler::interrupt(MessageCallbacks& callbacks) {
  switch (state_) {
    case State::Command:
      callbacks.anomalies().add(Anomaly::DicomTruncatedMessage);
      dropCommand();
      break;
    case State::AwaitData:
    case State::Data:
      callbacks.anomalies().add(Anomaly::DicomTruncatedMessage);
      report(callbacks);
      break;
    case State::Idle:
    case State::Dropping:
    case State::DroppingCommand:
      break;
  }
  state_ = State::Idle;
  pdv_ = Pdv::Ignore;
}

void MessageAssembler::reset() {
  dropCommand();
  pdv_ = Pdv::Ignore;
}

void MessageAssembler::startCommand(uint8_t context_id) {
  if (!message_) message_ = std::make_unique<events::DicomMessage>();
  *message_ = events::DicomMessage{};
  message_->presentation_context_id = context_id;
  command_.clear();
  state_ = State::Command;
}

void MessageAssembler::finishCommand(MessageCallbacks& callbacks) {
  const ParseStatus status = parseCommandSet(command_, *message_, callbacks.anomalies());
  command_.clear();
  if (status != ParseStatus::Ok) {
    callbacks.anomalies().add(Anomaly::DicomMalformedCommand);
    state_ = State::Dropping;  // any data set of it is ignored up to its last fragment
    return;
  }
  if (message_->has_data_set) {
    state_ = State::AwaitData;
    return;
  }
  report(callbacks);
}

// Reports the pending message with the patient fields its data set gave, if any.
void MessageAssembler::report(MessageCallbacks& callbacks) {
  const bool scanned = state_ == State::Data && scanner_;
  state_ = State::Idle;
  message_->pdu = "P-DATA-TF";
  if (scanned) {
    callbacks.onMessage(*message_, scanner_->patientName(), scanner_->patientId());
  } else {
    callbacks.onMessage(*message_, {}, {});
  }
}

void MessageAssembler::dropCommand() {
  command_.clear();
  if (command_.capacity() > kMaxCommandSetSize / 16) std::vector<uint8_t>().swap(command_);
  state_ = State::Idle;
}

}  // namespace medtap::analyzers::dicom
