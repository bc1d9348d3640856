// The EVE JSON sink: one JSON object per line, in the shape of Suricata's EVE, as
// docs/EVENTS.md specifies. Field order follows Suricata's (timestamp, flow_id, event_type, vlan,
// addresses, proto, app_proto, then the type's own object) so that line diffs stay readable.
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "core/result.h"
#include "events/event.h"

namespace medtap::sinks {

// Appends the EVE line for `event` (without the newline) to `out`.
void formatEve(const events::Event& event, std::string& out);

// Suricata's protocol names: "TCP", "UDP", "ICMP", "IPv6-ICMP", else the number.
std::string_view protoName(uint8_t ip_proto, std::string& scratch);

class EveWriter : public events::EventSink {
 public:
  // Creates or truncates the file. Error: one line naming the file and the reason.
  static Result<std::unique_ptr<EveWriter>> open(const std::string& path);
  ~EveWriter() override;

  void emit(const events::Event& event) override;
  // Writes out what is buffered; false (and error() says why) when the disk refuses.
  bool flush();

  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }
  uint64_t eventsWritten() const { return events_written_; }
  const std::map<std::string_view, uint64_t>& eventsByType() const { return by_type_; }

 private:
  EveWriter(std::string path, std::FILE* file);

  // Events are gathered into one buffer and written in large blocks.
  static constexpr size_t kFlushBytes = 1 << 20;

  std::string path_;
  std::FILE* file_;
  std::string buffer_;
  std::string error_;
  uint64_t events_written_ = 0;
  std::map<std::string_view, uint64_t> by_type_;
};

}  // namespace medtap::sinks
