#include "analyzers/http/http_analyzer.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "analyzers/http/limits.h"

namespace medtap::analyzers::http {

namespace {

constexpr std::string_view kName = "http";
constexpr std::string_view kResponsePrefix = "HTTP/1.";
// IANA "http" 80 and the usual alternates of embedded web servers and proxies; hints only.
constexpr uint16_t kPortHints[] = {80, 8080, 8000, 8008};
// The longest method name plus its space: enough bytes to decide.
constexpr size_t kProbeBytes = 8;

std::unique_ptr<StreamAnalyzer> makeStream() {
  return std::make_unique<HttpAnalyzer>();
}

// Copies a header value into an event string, cut at kMaxFieldLength.
void assign(std::string& out, std::string_view value, AnomalyCounters& anomalies) {
  if (value.size() > kMaxFieldLength) {
    anomalies.add(Anomaly::HttpLongField);
    value = value.substr(0, kMaxFieldLength);
  }
  out.assign(value);
}

void appendAnomalies(events::HttpTransaction& t, const Head& head) {
  for (Anomaly a : head.anomalies) t.anomalies.push_back(anomalyName(a));
}

}  // namespace

ProbeResult probe(Bytes first_bytes, Direction /*dir*/) {
  const std::string_view text = asChars(first_bytes).substr(0, kProbeBytes);
  if (text.empty()) return ProbeResult::Maybe;
  bool prefix = false;
  for (std::string_view method :
       {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "PATCH", "TRACE"}) {
    if (text.size() > method.size()) {
      if (text.starts_with(method) && text[method.size()] == ' ') return ProbeResult::Yes;
    } else if (method.starts_with(text)) {
      prefix = true;
    }
  }
  if (text.size() >= kResponsePrefix.size()) {
    if (text.starts_with(kResponsePrefix)) return ProbeResult::Yes;
  } else if (kResponsePrefix.starts_with(text)) {
    prefix = true;
  }
  return prefix ? ProbeResult::Maybe : ProbeResult::No;
}

// Hands one direction's messages of one feed()/gap()/end() call to the analyzer.
class HttpAnalyzer::Callbacks final : public StreamCallbacks {
 public:
  Callbacks(HttpAnalyzer& a, AnalyzerContext& ctx, Direction dir, Timestamp ts)
      : a_(a), ctx_(ctx), dir_(dir), ts_(ts) {}
  Framing onHead(Head& head) override {
    is_response_ = head.kind == Head::Kind::Response;
    return is_response_ ? a_.onResponse(ctx_, dir_, head) : a_.onRequest(ctx_, head);
  }
  void onBody(uint64_t n) override {
    if (auto& r = a_.response_[index(dir_)]) r->length += n;
  }
  void onMessageEnd(bool /*complete*/) override { a_.onResponseEnd(ctx_, dir_, ts_); }
  void onAnomaly(Anomaly a) override { ctx_.anomalies.add(a); }

 private:
  HttpAnalyzer& a_;
  AnalyzerContext& ctx_;
  Direction dir_;
  Timestamp ts_;
  bool is_response_ = false;
};

FeedResult HttpAnalyzer::feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) {
  Callbacks cb(*this, ctx, dir, ts);
  const FeedResult result = streams_[index(dir)].feed(data, cb);
  // The dispatcher drops the analyzer: report what was seen before the bytes stopped making sense.
  if (result == FeedResult::OutOfSync) flush(ctx, ts);
  return result;
}

void HttpAnalyzer::flush(AnalyzerContext& ctx, Timestamp ts) {
  for (auto& r : response_) {
    if (r && r->status != 0) {
      emit(ctx, std::move(*r), events::Direction::ToClient, ts);
      r->status = 0;
    }
  }
  while (!pending_.empty()) {
    emit(ctx, std::move(pending_.front()), events::Direction::ToServer, ts);
    pending_.pop_front();
  }
}

void HttpAnalyzer::gap(AnalyzerContext& ctx, Direction dir, uint64_t length, Timestamp ts) {
  Callbacks cb(*this, ctx, dir, ts);
  streams_[index(dir)].gap(length, cb);
}

void HttpAnalyzer::end(AnalyzerContext& ctx, Direction dir, Timestamp ts) {
  Callbacks cb(*this, ctx, dir, ts);
  streams_[index(dir)].end(cb);
  ended_[index(dir)] = true;
  if (ended_[0] && ended_[1]) flush(ctx, ts);
}

Framing HttpAnalyzer::onRequest(AnalyzerContext& ctx, Head& head) {
  if (pending_.size() >= kMaxPendingRequests) {
    ctx.anomalies.add(Anomaly::HttpTooManyPendingRequests);
    pending_.pop_front();
  }
  events::HttpTransaction& t = pending_.emplace_back();
  const HostPort host = splitHost(head.host);
  assign(t.hostname, host.host, ctx.anomalies);
  t.http_port = host.port;
  redactUri(head.request.target.substr(0, kMaxFieldLength), ctx.phi, scratch_);
  t.url = scratch_;
  assign(t.http_user_agent, head.user_agent, ctx.anomalies);
  t.http_method.assign(head.request.method);
  t.protocol.assign(head.request.version);
  if (!head.referer.empty()) {
    redactUri(head.referer.substr(0, kMaxFieldLength), ctx.phi, scratch_);
    t.http_refer = scratch_;
  }
  appendAnomalies(t, head);
  return requestFraming(head);
}

Framing HttpAnalyzer::onResponse(AnalyzerContext& ctx, Direction dir, Head& head) {
  const uint16_t status = head.response.status;
  // 1xx other than 101 are interim (RFC 9110 section 15.2): the final response follows.
  interim_[index(dir)] = status >= 100 && status < 200 && status != 101;
  if (interim_[index(dir)]) return Framing::None;
  auto& r = response_[index(dir)];
  if (!r) r = std::make_unique<events::HttpTransaction>();
  if (!pending_.empty()) {
    *r = std::move(pending_.front());
    pending_.pop_front();
  } else {
    *r = events::HttpTransaction{};
    ctx.anomalies.add(Anomaly::HttpUnrequestedResponse);
    r->protocol.assign(head.response.version);
  }
  r->status = status;
  assign(r->http_content_type, head.content_type, ctx.anomalies);
  assign(r->server, head.server, ctx.anomalies);
  appendAnomalies(*r, head);
  const Framing framing = responseFraming(head, r->http_method);
  if (framing == Framing::Tunnel) streams_[index(opposite(dir))].setTunnel();
  return framing;
}

void HttpAnalyzer::onResponseEnd(AnalyzerContext& ctx, Direction dir, Timestamp ts) {
  if (interim_[index(dir)]) {
    interim_[index(dir)] = false;
    return;
  }
  auto& r = response_[index(dir)];
  if (!r || r->status == 0) return;  // a request's end, or a head cut short
  emit(ctx, std::move(*r), events::Direction::ToClient, ts);
  r->status = 0;
}

void HttpAnalyzer::emit(AnalyzerContext& ctx, events::HttpTransaction&& t, events::Direction dir,
                        Timestamp ts) {
  events::Event event{ts, ctx.flow, std::move(t)};
  event.direction = dir;
  ctx.events.emit(event);
}

void registerAnalyzer(Registry& registry) {
  registry.add(AnalyzerDef{
      .name = kName,
      .transport = Transport::Tcp,
      .port_hints = {std::begin(kPortHints), std::end(kPortHints)},
      .probe = &probe,
      .make_stream = &makeStream,
      .make_datagram = nullptr,
  });
}

}  // namespace medtap::analyzers::http
