#include "events/flow_record.h"
#include "sinks/eve_body.h"

namespace medtap::sinks {

void writeEveBody(JsonWriter& w, const events::FlowRecord& f) {
  w.key("flow");
  w.beginObject();
  w.field("pkts_toserver", f.pkts_toserver);
  w.field("pkts_toclient", f.pkts_toclient);
  w.field("bytes_toserver", f.bytes_toserver);
  w.field("bytes_toclient", f.bytes_toclient);
  timeField(w, "start", f.start);
  timeField(w, "end", f.end);
  w.field("age", (f.end - f.start).ns / Timestamp::kNsPerSec);
  w.field("state", f.state);
  w.field("reason", f.reason);
  w.field("alerted", false);
  w.endObject();
}

void writeEveBody(JsonWriter& w, const events::FlowProgress& p) {
  w.key("flow_progress");
  w.beginObject();
  w.field("bytes", p.bytes);
  w.field("pkts_toclient", p.pkts_toclient);
  timeField(w, "since", p.since);
  timeField(w, "until", p.until);
  w.endObject();
}

}  // namespace medtap::sinks
