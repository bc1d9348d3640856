#include "events/rpc.h"
#include "sinks/eve_body.h"
#include "sinks/eve_rpc_info.h"

namespace medtap::sinks {

void writeRpcInfo(JsonWriter& w, const events::RpcInfo& info) {
  w.key("rpc");
  w.beginObject();
  w.field("xid", info.xid);
  if (info.program_name.empty()) {
    w.field("program", info.program);
  } else {
    w.field("program", info.program_name);
  }
  w.field("version", info.version);
  if (info.procedure_name.empty()) {
    w.field("procedure", info.procedure);
  } else {
    w.field("procedure", info.procedure_name);
  }
  w.field("status", info.status);
  w.field("auth_type", info.auth_flavor);
  if (info.uid) {
    w.key("creds");
    w.beginObject();
    w.field("machine_name", info.machine_name);
    w.field("uid", *info.uid);
    w.field("gid", info.gid.value_or(0));
    w.endObject();
  }
}

void writeEveBody(JsonWriter& w, const events::RpcTransaction& t) {
  writeRpcInfo(w, t.rpc);
  if (!t.mount_path.empty() || t.mount_status) {
    w.key("mount");
    w.beginObject();
    if (!t.mount_path.empty()) w.field("path", t.mount_path);
    if (t.mount_status) w.field("status", *t.mount_status);
    if (t.mount_fh_length) w.field("fh_length", *t.mount_fh_length);
    w.endObject();
  }
  if (t.portmap_program || t.portmap_port) {
    w.key("portmap");
    w.beginObject();
    if (t.portmap_program) w.field("program", *t.portmap_program);
    if (t.portmap_version) w.field("version", *t.portmap_version);
    if (t.portmap_port) w.field("port", *t.portmap_port);
    w.endObject();
  }
  w.endObject();
}

}  // namespace medtap::sinks
