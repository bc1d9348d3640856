#include "inventory/observations.h"

#include <algorithm>
#include <variant>

#include "events/ends.h"
#include "inventory/facts.h"

namespace medtap::inventory {

size_t EndpointKeyHash::operator()(const EndpointKey& k) const {
  const auto& b = k.ip.bytes();
  std::string_view ip(reinterpret_cast<const char*>(b.data()), b.size());
  size_t h = std::hash<std::string_view>{}(ip) ^ static_cast<size_t>(k.ip.family());
  if (k.mac) {
    uint64_t m = 0;
    for (uint8_t byte : k.mac->bytes) m = (m << 8) | byte;
    h ^= std::hash<uint64_t>{}(m)*0x9e3779b97f4a7c15ULL;
  }
  return h;
}

void FactStats::merge(const FactStats& o) {
  if (count == 0 || (o.count != 0 && o.first < first)) {
    first = o.first;
    if (o.flow_id != 0) flow_id = o.flow_id;
  }
  if (flow_id == 0) flow_id = o.flow_id;
  last = std::max(last, o.last);
  count += o.count;
}

std::string_view factSource(std::string_view key) {
  return key.substr(0, key.find(kFactSeparator));
}

std::string_view factValue(std::string_view key) {
  size_t sep = key.find(kFactSeparator);
  return sep == std::string_view::npos ? std::string_view{} : key.substr(sep + 1);
}

FactStats* Observations::slot(const EndpointKey& key, std::string_view source,
                              std::string_view value) {
  auto ep = endpoints_.find(key);
  if (ep == endpoints_.end()) {
    if (endpoints_.size() >= limits_.max_endpoints) {
      ++stats_.endpoints_dropped;
      return nullptr;
    }
    ep = endpoints_.emplace(key, FactMap{}).first;
  }
  scratch_.assign(source);
  scratch_.push_back(kFactSeparator);
  scratch_.append(value.substr(0, limits_.max_value_bytes));
  FactMap& facts = ep->second;
  auto it = facts.find(std::string_view(scratch_));
  if (it != facts.end()) return &it->second;
  if (facts.size() >= limits_.max_facts_per_endpoint) {
    ++stats_.facts_dropped;
    return nullptr;
  }
  return &facts.emplace(scratch_, FactStats{}).first->second;
}

void Observations::add(const EndpointKey& key, std::string_view source, std::string_view value,
                       Timestamp ts, uint64_t flow_id) {
  FactStats* s = slot(key, source, value);
  if (s == nullptr) return;
  s->merge(FactStats{ts, ts, 1, flow_id});
}

void Observations::addStats(const EndpointKey& key, std::string_view source, std::string_view value,
                            const FactStats& stats) {
  FactStats* s = slot(key, source, value);
  if (s != nullptr) s->merge(stats);
}

void Observations::merge(const Observations& other) {
  for (const auto& [key, facts] : other.endpoints_) {
    for (const auto& [fact, stats] : facts) {
      addStats(key, factSource(fact), factValue(fact), stats);
    }
  }
}

namespace {

// The endpoint one end of a flow stands for: its address with the MAC it was seen with.
EndpointKey keyOf(const events::FlowEnd& end) {
  return EndpointKey{end.ip, end.mac};
}

// 0.0.0.0 and :: (a DHCP client before its lease) name no device: the endpoint is its MAC.
IpAddress unlessUnspecified(const IpAddress& ip) {
  const auto& b = ip.bytes();
  const size_t from = ip.isV4() ? 12 : 0;
  for (size_t i = from; i < 16; ++i) {
    if (b[i] != 0) return ip;
  }
  return IpAddress{};
}

std::string_view portLabel(std::string& out, uint8_t proto, uint16_t port) {
  out = proto == 6 ? "tcp/" : proto == 17 ? "udp/" : "ip/";
  out += std::to_string(port);
  return out;
}

}  // namespace

void Observer::emit(const events::Event& event) {
  Observations& obs = observations_;
  const Timestamp ts = event.ts;
  const uint64_t flow_id = event.flow ? event.flow->id : 0;
  auto peer = [this](const EndpointKey& k) -> std::string_view {
    scratch_.clear();
    k.ip.appendTo(scratch_);
    return scratch_;
  };
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, events::FlowRecord>) {
          const auto& f = *event.flow;
          EndpointKey orig{unlessUnspecified(f.src_ip), f.src_mac};
          EndpointKey resp{unlessUnspecified(f.dest_ip), f.dest_mac};
          if (f.src_mac && f.src_mac->isMulticast()) orig.mac.reset();
          if (f.dest_mac && f.dest_mac->isMulticast()) resp.mac.reset();
          obs.add(orig, fact::kSeen, "", body.start, flow_id);
          obs.add(orig, fact::kSeen, "", body.end, flow_id);
          // A responder that answered serves that port; one that never did may not exist.
          if (body.pkts_toclient == 0) return;
          obs.add(resp, fact::kSeen, "", body.start, flow_id);
          obs.add(resp, fact::kSeen, "", body.end, flow_id);
          std::string port;
          portLabel(port, f.proto, f.dest_port);
          if (f.proto == 6 || f.proto == 17)
            obs.add(resp, fact::kServes, port, body.start, flow_id);
          std::string talk = std::string(peer(resp)) + " " + port;
          obs.add(orig, fact::kTalksTo, talk, body.start, flow_id);
        } else if constexpr (std::is_same_v<T, events::ArpBinding>) {
          obs.add(EndpointKey{body.ip, body.mac}, fact::kArp, "", ts);
        } else if constexpr (std::is_same_v<T, events::DhcpMessage>) {
          auto mac = MacAddress::parse(body.client_mac);
          if (!mac) return;
          const bool ack = body.dhcp_type == 5;
          IpAddress ip = ack ? body.assigned_ip : body.client_ip;
          if (ip.family() == IpFamily::V4 && ip.v4HostOrder() == 0) ip = IpAddress{};
          EndpointKey client{ip, mac};
          if (ack && ip.family() != IpFamily::None)
            obs.add(client, fact::kDhcpAck, "", ts, flow_id);
          if (body.op == events::DhcpMessage::Op::Request) {
            if (!body.hostname.empty()) obs.add(client, fact::kDhcpHostname, body.hostname, ts);
            if (!body.vendor_class.empty()) {
              obs.add(client, fact::kDhcpVendorClass, body.vendor_class, ts);
            }
            if (!body.client_id.empty()) obs.add(client, fact::kDhcpClientId, body.client_id, ts);
            if (!body.fqdn.empty()) obs.add(client, fact::kDhcpFqdn, body.fqdn, ts);
            if (!body.params.empty()) {
              std::string params;
              for (uint8_t p : body.params) {
                if (!params.empty()) params.push_back(',');
                params += std::to_string(p);
              }
              obs.add(client, fact::kDhcpParams, params, ts);
            }
          } else if (body.server_id && event.flow) {
            const auto& f = *event.flow;
            // The reply's sender is the server (or a relay): the flow side that has its address.
            const bool src_is_server = f.src_ip == *body.server_id;
            EndpointKey server{*body.server_id, src_is_server ? f.src_mac : f.dest_mac};
            if (src_is_server || f.dest_ip == *body.server_id) {
              obs.add(server, fact::kDhcpServes, body.client_mac, ts, flow_id);
            }
          }
        } else if constexpr (std::is_same_v<T, events::DnsMessage>) {
          if (!event.flow) return;
          const auto& f = *event.flow;
          EndpointKey client{f.src_ip, f.src_mac}, server{f.dest_ip, f.dest_mac};
          if (body.qr()) {
            obs.add(server, fact::kDnsServes, peer(client), ts, flow_id);
          } else {
            for (const auto& q : body.questions) obs.add(client, fact::kDnsQuery, q.rrname, ts);
          }
        } else if constexpr (std::is_same_v<T, events::Hl7Message>) {
          if (!event.flow) return;
          const events::Ends ends = events::endsOf(event);
          const EndpointKey sender = keyOf(ends.sender), receiver = keyOf(ends.receiver);
          if (!body.sending_application.empty()) {
            obs.add(sender, fact::kHl7SendingApplication, body.sending_application, ts, flow_id);
          }
          if (!body.sending_facility.empty()) {
            obs.add(sender, fact::kHl7SendingFacility, body.sending_facility, ts, flow_id);
          }
          if (!body.version.empty()) obs.add(sender, fact::kHl7Version, body.version, ts);
          for (const auto& d : body.devices) obs.add(sender, fact::kHl7Device, d.id, ts);
          const bool is_ack = body.message_type.rfind("ACK", 0) == 0;
          if (is_ack) return;
          obs.add(sender, fact::kHl7SendsTo, peer(receiver), ts, flow_id);
          obs.add(receiver, fact::kHl7ReceivesFrom, peer(sender), ts, flow_id);
          if (ends.sender_is_originator) {
            obs.add(sender, fact::kHl7ToPort, std::to_string(ends.receiver.port), ts, flow_id);
          }
          if (!body.observations.empty()) {
            obs.add(sender, fact::kHl7ObservationsTo, peer(receiver), ts, flow_id);
            obs.add(receiver, fact::kHl7ObservationsFrom, peer(sender), ts, flow_id);
          }
        } else if constexpr (std::is_same_v<T, events::ContecCmsBlock>) {
          if (!event.flow) return;
          const events::Ends ends = events::endsOf(event);
          const EndpointKey sender = keyOf(ends.sender), receiver = keyOf(ends.receiver);
          obs.add(sender, fact::kContecStreamTo, peer(receiver), ts, flow_id);
          obs.add(receiver, fact::kContecStreamFrom, peer(sender), ts, flow_id);
        } else if constexpr (std::is_same_v<T, events::RpcTransaction>) {
          if (!event.flow) return;
          const auto& f = *event.flow;
          EndpointKey client{f.src_ip, f.src_mac}, server{f.dest_ip, f.dest_mac};
          if (!body.rpc.program_name.empty() && body.rpc.status == "success") {
            obs.add(server, fact::kRpcServes, body.rpc.program_name, ts, flow_id);
          }
          if (!body.mount_path.empty()) {
            obs.add(client, fact::kNfsMount, body.mount_path, ts, flow_id);
            obs.add(client, fact::kNfsMountFrom, peer(server), ts, flow_id);
          }
        } else if constexpr (std::is_same_v<T, events::DicomMessage>) {
          if (!event.flow) return;
          const events::Ends ends = events::endsOf(event);
          const EndpointKey sender = keyOf(ends.sender), receiver = keyOf(ends.receiver);
          if (!body.implementation_class_uid.empty()) {
            obs.add(sender, fact::kDicomImplementationClassUid, body.implementation_class_uid, ts,
                    flow_id);
          }
          if (!body.implementation_version_name.empty()) {
            obs.add(sender, fact::kDicomImplementationVersionName, body.implementation_version_name,
                    ts, flow_id);
          }
          if (body.pdu == "A-ASSOCIATE-RQ") {
            if (!body.calling_ae.empty()) {
              obs.add(sender, fact::kDicomAeTitle, body.calling_ae, ts, flow_id);
            }
            if (!body.called_ae.empty()) {
              obs.add(receiver, fact::kDicomAeTitle, body.called_ae, ts, flow_id);
            }
          }
          if (body.command == "C-STORE-RQ") {
            obs.add(sender, fact::kDicomStoreTo, peer(receiver), ts, flow_id);
            obs.add(receiver, fact::kDicomStoreFrom, peer(sender), ts, flow_id);
          } else if (body.command == "C-FIND-RQ" || body.command == "C-MOVE-RQ" ||
                     body.command == "C-GET-RQ") {
            obs.add(sender, fact::kDicomQueryTo, peer(receiver), ts, flow_id);
          }
        } else if constexpr (std::is_same_v<T, events::HttpTransaction>) {
          if (!event.flow) return;
          const auto& f = *event.flow;
          EndpointKey client{f.src_ip, f.src_mac}, server{f.dest_ip, f.dest_mac};
          if (!body.http_user_agent.empty()) {
            obs.add(client, fact::kHttpUserAgent, body.http_user_agent, ts, flow_id);
          }
          if (!body.server.empty()) obs.add(server, fact::kHttpServer, body.server, ts, flow_id);
        } else if constexpr (std::is_same_v<T, events::TlsHandshake>) {
          if (!event.flow) return;
          const auto& f = *event.flow;
          EndpointKey client{f.src_ip, f.src_mac}, server{f.dest_ip, f.dest_mac};
          if (!body.ja3_hash.empty()) obs.add(client, fact::kTlsJa3, body.ja3_hash, ts, flow_id);
          if (!body.ja4.empty()) obs.add(client, fact::kTlsJa4, body.ja4, ts, flow_id);
          if (!body.sni.empty()) obs.add(client, fact::kTlsSni, body.sni, ts, flow_id);
          if (!body.ja3s_hash.empty()) obs.add(server, fact::kTlsJa3s, body.ja3s_hash, ts, flow_id);
          if (!body.subject.empty()) obs.add(server, fact::kTlsSubject, body.subject, ts, flow_id);
        } else if constexpr (std::is_same_v<T, events::LpdJob>) {
          if (!event.flow) return;
          const auto& f = *event.flow;
          EndpointKey client{f.src_ip, f.src_mac}, server{f.dest_ip, f.dest_mac};
          obs.add(client, fact::kLpdPrintsTo, peer(server), ts, flow_id);
          obs.add(server, fact::kLpdPrintsFrom, peer(client), ts, flow_id);
          if (!body.host.empty()) obs.add(client, fact::kLpdHost, body.host, ts, flow_id);
        }
      },
      event.body);
}

}  // namespace medtap::inventory
