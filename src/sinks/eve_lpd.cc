#include "events/lpd.h"
#include "sinks/eve_body.h"

namespace medtap::sinks {

void writeEveBody(JsonWriter& w, const events::LpdJob& j) {
  w.key("lpd");
  w.beginObject();
  w.field("command", j.command);
  w.field("queue", j.queue);
  if (!j.host.empty()) w.field("host", j.host);
  if (!j.user.empty()) w.field("user", j.user);
  if (!j.job_name.empty()) w.field("job_name", j.job_name);  // token
  if (!j.files.empty()) {
    w.key("file_names");  // tokens
    w.beginArray();
    for (const auto& f : j.files) w.string(f);
    w.endArray();
  }
  w.field("file_count", j.file_count);
  w.field("bytes", j.bytes);
  if (j.ack) w.field("ack", uint32_t{*j.ack});
  w.endObject();
}

}  // namespace medtap::sinks
