// The presentation contexts of one association (PS3.8 7.1.1.13): what the A-ASSOCIATE-RQ
// proposed (id -> abstract syntax) and the A-ASSOCIATE-AC accepted (id -> transfer syntax), so
// that P-DATA messages can be told their SOP class family and their data sets' encoding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/dicom/limits.h"

namespace medtap::analyzers::dicom {

struct PresentationContext {
  uint8_t id = 0;
  std::string abstract_syntax;
  std::string transfer_syntax;  // empty until accepted
};

// At most kMaxPresentationContexts entries; empty (no allocation) until an association is seen.
class ContextTable {
 public:
  void clear() { std::vector<PresentationContext>().swap(contexts_); }
  void propose(uint8_t id, std::string_view abstract_syntax) {
    if (PresentationContext* c = findMutable(id)) {
      c->abstract_syntax = abstract_syntax;
      return;
    }
    if (contexts_.size() >= kMaxPresentationContexts) return;  // counted by the parser
    contexts_.push_back({id, std::string(abstract_syntax), {}});
  }
  void accept(uint8_t id, std::string_view transfer_syntax) {
    if (PresentationContext* c = findMutable(id)) {
      c->transfer_syntax = transfer_syntax;
    } else if (contexts_.size() < kMaxPresentationContexts) {
      contexts_.push_back({id, {}, std::string(transfer_syntax)});  // the RQ was not seen
    }
  }
  const PresentationContext* find(uint8_t id) const {
    for (const PresentationContext& c : contexts_) {
      if (c.id == id) return &c;
    }
    return nullptr;
  }

 private:
  PresentationContext* findMutable(uint8_t id) {
    return const_cast<PresentationContext*>(static_cast<const ContextTable*>(this)->find(id));
  }
  std::vector<PresentationContext> contexts_;
};

}  // namespace medtap::analyzers::dicom
