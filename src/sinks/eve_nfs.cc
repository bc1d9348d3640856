#include "events/nfs.h"
#include "sinks/eve_body.h"
#include "sinks/eve_rpc_info.h"

namespace medtap::sinks {

// "rpc": {...} (closed here), then "nfs": {version, procedure, file_name, file_names,
// operations, status}.
void writeEveBody(JsonWriter& w, const events::NfsOperation& o) {
  writeRpcInfo(w, o.rpc);
  w.endObject();
  w.key("nfs");
  w.beginObject();
  w.field("version", o.rpc.version);
  if (o.procedure.empty()) {
    w.field("procedure", o.rpc.procedure);
  } else {
    w.field("procedure", o.procedure);
  }
  if (!o.file_names.empty()) {
    w.field("file_name", o.file_names.front());
    if (o.file_names.size() > 1) {
      w.key("file_names");
      w.beginArray();
      for (const auto& n : o.file_names) w.string(n);
      w.endArray();
    }
  }
  if (!o.operations.empty()) {
    w.key("operations");
    w.beginArray();
    for (std::string_view op : o.operations) w.string(op);
    w.endArray();
  }
  if (o.status) w.field("status", *o.status);
  w.endObject();
}

}  // namespace medtap::sinks
