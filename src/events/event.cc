#include "events/event.h"

namespace medtap::events {

namespace {
struct TypeName {
  std::string_view operator()(const FlowRecord&) const { return "flow"; }
  std::string_view operator()(const Hl7Message&) const { return "hl7"; }
};
}  // namespace

std::string_view eventTypeName(const Body& body) {
  return std::visit(TypeName{}, body);
}

}  // namespace medtap::events
