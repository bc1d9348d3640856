#include "events/http.h"
#include "sinks/eve_body.h"

namespace medtap::sinks {

// Suricata's EVE http object; empty strings are left out, as Suricata does.
void writeEveBody(JsonWriter& w, const events::HttpTransaction& h) {
  w.key("http");
  w.beginObject();
  if (!h.hostname.empty()) w.field("hostname", h.hostname);
  if (h.http_port) w.field("http_port", *h.http_port);
  if (!h.url.empty()) w.field("url", h.url);
  if (!h.http_user_agent.empty()) w.field("http_user_agent", h.http_user_agent);
  if (!h.http_content_type.empty()) w.field("http_content_type", h.http_content_type);
  if (!h.http_refer.empty()) w.field("http_refer", h.http_refer);
  if (!h.http_method.empty()) w.field("http_method", h.http_method);
  if (!h.protocol.empty()) w.field("protocol", h.protocol);
  if (h.status != 0) w.field("status", h.status);
  if (!h.server.empty()) w.field("server", h.server);
  w.field("length", h.length);
  if (!h.anomalies.empty()) {
    w.key("anomalies");
    w.beginArray();
    for (std::string_view a : h.anomalies) w.string(a);
    w.endArray();
  }
  w.endObject();
}

}  // namespace medtap::sinks
