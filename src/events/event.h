// Typed events: what analyzers and the flow stage produce, what correlators consume and what
// sinks write (the EVE contract in docs/EVENTS.md). Plain values; a sink decides the format.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/address.h"
#include "core/timestamp.h"
#include "events/alert.h"
#include "events/arp.h"
#include "events/contec_cms.h"
#include "events/device.h"
#include "events/dhcp.h"
#include "events/dicom.h"
#include "events/dns.h"
#include "events/flow_record.h"
#include "events/hl7.h"
#include "events/http.h"
#include "events/lpd.h"
#include "events/nfs.h"
#include "events/rpc.h"
#include "events/tls.h"

namespace medtap::events {

// The flow an event belongs to, originator -> responder.
struct FlowRef {
  uint64_t id = 0;
  IpAddress src_ip, dest_ip;
  uint16_t src_port = 0, dest_port = 0;
  uint8_t proto = 0;  // IP protocol number
  uint8_t vlan_count = 0;
  std::array<uint16_t, 2> vlan{};
  std::string_view app_proto;  // static string, "" when no analyzer claimed the flow
  // Each side's MAC at the capture point (flow::Flow::mac), when the link layer had one.
  std::optional<MacAddress> src_mac, dest_mac;
};

// Every event type, one struct each in events/<type>.h with its EVE name in kEventType. A new
// type is added here, and gets its EVE writer in sinks/eve_<type>.cc.
using Body = std::variant<FlowRecord, Hl7Message, ArpBinding, DhcpMessage, DnsMessage, DicomMessage,
                          RpcTransaction, NfsOperation, LpdJob, ContecCmsBlock, HttpTransaction,
                          TlsHandshake, DeviceRecord, AlertRecord, FlowProgress, ArpSweep>;

// Which way the bytes an event describes travelled in its flow.
enum class Direction : uint8_t { Unknown, ToServer, ToClient };

struct Event {
  Timestamp ts;
  std::optional<FlowRef> flow;
  Body body;
  Direction direction = Direction::Unknown;
};

// "flow", "hl7", ...: the body's kEventType.
inline std::string_view eventTypeName(const Body& body) {
  return std::visit([](const auto& b) { return std::decay_t<decltype(b)>::kEventType; }, body);
}

// Where events go: sinks and correlators. Called on the worker's thread.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void emit(const Event& event) = 0;
};

// Passes every event to each of its sinks in order: the EVE writer, then the correlators.
class FanOut final : public EventSink {
 public:
  void add(EventSink& sink) { sinks_.push_back(&sink); }
  void emit(const Event& event) override {
    for (EventSink* s : sinks_) s->emit(event);
  }

 private:
  std::vector<EventSink*> sinks_;
};

}  // namespace medtap::events
