#include "simulate/contec_monitor.h"

#include "simulate/byte_writer.h"
#include "simulate/monitors.h"
#include "simulate/sunrpc.h"

namespace medtap::simulate {

namespace {

constexpr uint16_t kMountdPort = 892;  // where the server's portmapper says mountd listens
constexpr std::string_view kRpcMachine = "(none)";  // the firmware never sets a hostname
constexpr uint32_t kReadSize = 32768;               // rsize the 2.6 kernel negotiates over TCP
constexpr int kGetPortAttempts = 3;                 // then the mount gives up

// What the export holds: sizes of the files the firmware copies (unknown names: 64 KB).
size_t exportedFileSize(const std::string& name) {
  if (name == "monitor") return 786'432 + 1'204;
  if (name == "update") return 212'992 + 77;
  if (name == "cms_para.ini") return 0;  // text, built below
  return 65'536;
}

std::string exportedFile(const std::string& name, Rng& rng, const WardPlan& ward) {
  if (name == "cms_para.ini") {
    return "[CMS]\r\nServerIP=" + ipToString(ward.contec_cms_ip) +
           "\r\nServerPort=515\r\n[HL7]\r\nServerIP=" + ipToString(ward.contec_hl7_ip) +
           "\r\nServerPort=511\r\nEnable=1\r\n";
  }
  std::string data;
  data.reserve(exportedFileSize(name));
  // An ARM ELF executable header, then code-like bytes.
  data += std::string(
      "\x7f"
      "ELF\x01\x01\x01\x00",
      8);
  data.append(8, '\0');
  data += std::string("\x02\x00\x28\x00\x01\x00\x00\x00", 8);
  while (data.size() < exportedFileSize(name)) {
    const uint64_t v = rng.next();
    for (int i = 0; i < 8 && data.size() < exportedFileSize(name); ++i) {
      data.push_back(static_cast<char>(v >> (8 * i)));
    }
  }
  return data;
}

std::string fileHandle(Rng& rng, size_t n) {
  std::string fh;
  for (size_t i = 0; i < n; i += 8) {
    const uint64_t v = rng.next();
    for (size_t k = 0; k < 8 && i + k < n; ++k) fh.push_back(static_cast<char>(v >> (8 * k)));
  }
  return fh;
}

}  // namespace

ContecMonitor::ContecMonitor(WardContext& ctx, Host& host, const DeviceProfile& profile,
                             std::string id, Rng rng, int bed, Patient patient,
                             ContecTargets targets)
    : DeviceBehaviour(ctx, host, profile, std::move(id), rng),
      bed_(bed),
      patient_(std::move(patient)),
      physiology_(rng_.fork(1), patient_, ctx.start),
      targets_(std::move(targets)) {
  msg_ = oruTemplate(profile, host, "CMS", "");
  msg_.patient = &patient_;
  msg_.unit = ctx.unit;
  msg_.bed = bed;
  local_.peer = targets_.cms;
  local_.peer_id = targets_.cms_id;
  local_.hl7 =
      std::make_unique<Hl7Link>(host, *targets_.hl7, profile.hl7.port,
                                ctx.lossBetween(host, *targets_.hl7), rng_, id_, targets_.hl7_id);
  if (targets_.hl7 == ctx.interface_engine) local_.hl7->setReceiver(ctx.hl7_router);
  if (targets_.leak_cms != nullptr) {
    leak_.peer = targets_.leak_cms;
    leak_.peer_id = targets_.backdoor_id;
    leak_.hl7 = std::make_unique<Hl7Link>(host, *targets_.leak_hl7, profile.hl7.port, ctx.wan_loss,
                                          rng_, id_, targets_.backdoor_id + "-hl7");
  }
}

void ContecMonitor::event(World& w, Timestamp at, const char* scenario, const char* action,
                          const Host& peer, int port, const char* protocol,
                          nlohmann::ordered_json detail) {
  TruthEvent e;
  e.at = at;
  e.scenario = scenario;
  e.action = action;
  e.device = id_;
  e.peer_ip = ipToString(peer.ip);
  e.peer_port = port;
  e.protocol = protocol;
  e.detail = std::move(detail);
  if (e.detail.is_null()) e.detail = nlohmann::ordered_json::object();
  e.detail["peer_site"] = peer.site == Site::Lan ? "lan" : "via-router";
  w.truth().addEvent(std::move(e));
}

void ContecMonitor::start(World& w, Timestamp t) {
  Timestamp at = t;
  if (targets_.backdoor != nullptr) {
    event(w, t, "contec-backdoor", "interface_up", ctx_.router ? *ctx_.router : host_, 0, "arp",
          {{"note", "monitor program enables the interface before mounting"}});
    at = mountBackdoor(w, t + milliseconds(rng_.range(300, 1500)));
  }
  at = openStream(w, local_, at + milliseconds(rng_.range(50, 400)));
  if (leak_.peer != nullptr) at = openStream(w, leak_, at + milliseconds(rng_.range(10, 100)));
  w.schedule(at + milliseconds(rng_.range(10, profile_.contec.cycle_ms)), *this, kCycle);
  w.schedule(at + fromSeconds(rng_.uniform(0.5, profile_.hl7.interval_s)), *this, kHl7);
}

Timestamp ContecMonitor::openStream(World& w, Stream& s, Timestamp t) {
  s.session =
      std::make_unique<TcpSession>(w.net(), w.frames(), rng_, host_, *s.peer,
                                   profile_.contec.stream_port, ctx_.lossBetween(host_, *s.peer));
  Timestamp at = s.session->connect(t);
  w.truth().notePort("contec_cms", profile_.contec.stream_port);
  buf_.clear();
  contec::appendBedNumber(buf_, bed_);
  contec::appendPatientRecord(buf_, patient_, bed_, ctx_.unit, ctx_.start - seconds(86400 * 2));
  at = s.session->send(Dir::ToServer, bytesOf(buf_), at, AckPolicy::Delayed);
  const bool offsite = s.peer->site == Site::Remote;
  const bool lan_default = !offsite && s.peer->ip == ctx_.profiles->ward.contec_cms_ip;
  const char* scenario =
      offsite ? "contec-backdoor" : (lan_default ? "contec-lan-default" : "baseline");
  event(w, t, scenario, offsite ? "cms_stream_offsite" : "cms_stream", *s.peer,
        profile_.contec.stream_port, "contec_cms",
        {{"carries", "patient record (name, id, birth date) and vitals"}});
  return at;
}

void ContecMonitor::onTimer(World& w, uint32_t tag) {
  const Timestamp now = w.now();
  if (tag == kCycle) {
    Vitals v = physiology_.sample(now);
    if (impossible_at_ && now >= *impossible_at_) {
      v.spo2 = 104 + static_cast<int>(local_.phase % 3);
      v.spo2_valid = Validity::Valid;
    }
    buf_.clear();
    contec::appendCycle(buf_, v, local_.phase++);
    for (Stream* s : {&local_, &leak_}) {
      if (s->session && s->session->established()) {
        s->session->send(Dir::ToServer, bytesOf(buf_), now, AckPolicy::Delayed);
        w.truth().countFor(id_, s == &local_ ? "contec_cycles" : "contec_cycles_offsite");
      }
    }
    w.truth().count("contec_cms.cycles");
    w.schedule(now + milliseconds(profile_.contec.cycle_ms), *this, kCycle);
    return;
  }
  if (tag == kHl7) {
    const Vitals v = physiology_.sample(now);
    vitalsObservations(msg_.dialect, v, now, msg_.observations);
    msg_.time = now;
    msg_.control_id = std::to_string(++control_);
    local_.hl7->exchange(w, msg_, now);
    if (leak_.hl7) {
      if (control_ == 1) {
        event(w, now, "contec-backdoor", "hl7_offsite", leak_.hl7->server(), profile_.hl7.port,
              "hl7", {{"carries", "ORU^R01 with PID (patient name, id, birth date)"}});
      }
      leak_.hl7->exchange(w, msg_, now + microseconds(rng_.range(100, 2000)));
    } else if (control_ == 1 && targets_.hl7->ip == ctx_.profiles->ward.contec_hl7_ip) {
      event(w, now, "contec-lan-default", "hl7_to_default_server", *targets_.hl7, profile_.hl7.port,
            "hl7");
    }
    w.schedule(now + jitter(profile_.hl7.interval_s, 0.02), *this, kHl7);
  }
}

Timestamp ContecMonitor::mountBackdoor(World& w, Timestamp t) {
  Host& srv = *targets_.backdoor;
  const WardPlan& ward = ctx_.profiles->ward;
  const uint16_t port = static_cast<uint16_t>(600 + rng_.range(0, 400));  // a reserved port
  uint32_t xid = static_cast<uint32_t>(rng_.next());
  const uint32_t stamp = static_cast<uint32_t>(t.seconds());
  std::string call, reply;
  auto udpCall = [&](uint32_t program, uint32_t version, uint32_t procedure, uint16_t dport,
                     const std::string& args) {
    call.clear();
    rpc::appendCallHeader(call, {xid, program, version, procedure, kRpcMachine, stamp});
    call += args;
    return dport;
  };
  Timestamp at = t;
  std::string args;
  rpc::appendGetPortArgs(args, rpc::kMountProgram, 3, rpc::kIpprotoUdp);

  if (targets_.backdoor_on_lan) {
    // The ward PC answering to 202.114.4.119 runs no portmapper: port unreachable, retries.
    for (int i = 0; i < kGetPortAttempts; ++i) {
      udpCall(rpc::kPortmapProgram, 2, static_cast<uint32_t>(rpc::PortmapProc::GetPort),
              rpc::kPortmapPort, args);
      at = w.net().udpUnreachable(host_, port, srv, rpc::kPortmapPort, bytesOf(call), at);
      at = at + milliseconds(1100 << i);
    }
    event(w, t, "contec-backdoor", "nfs_mount_failed", srv, rpc::kPortmapPort, "rpc",
          {{"path", ward.nfs_export}, {"reason", "ICMP port unreachable from the LAN host"}});
    return at;
  }

  auto udpExchange = [&](uint16_t dport, const std::string& results) {
    at = w.net().udp(host_, port, srv, dport, bytesOf(call), at);
    reply.clear();
    rpc::appendReplyHeader(reply, xid);
    reply += results;
    at = w.net().udp(srv, dport, host_, port, bytesOf(reply),
                     at + srv.delay + microseconds(rng_.range(60, 400)) + srv.delay);
    at = at + host_.delay + microseconds(rng_.range(200, 900));
    ++xid;
  };
  std::string results;
  // 1. Where is mountd? (portmapper GETPORT, RFC 1833 3.2)
  udpCall(rpc::kPortmapProgram, 2, static_cast<uint32_t>(rpc::PortmapProc::GetPort),
          rpc::kPortmapPort, args);
  rpc::appendGetPortResult(results, kMountdPort);
  udpExchange(rpc::kPortmapPort, results);
  event(w, t, "contec-backdoor", "portmap_getport", srv, rpc::kPortmapPort, "rpc",
        {{"program", rpc::kMountProgram}, {"version", 3}});
  // 2. MOUNT MNT "/pm" (RFC 1813 5.2.1).
  args.clear();
  rpc::appendOpaque(args, ward.nfs_export);
  udpCall(rpc::kMountProgram, 3, static_cast<uint32_t>(rpc::MountProc::Mnt), kMountdPort, args);
  const std::string root_fh = fileHandle(rng_, 32);
  results.clear();
  rpc::appendMountResult(results, root_fh);
  const Timestamp mount_at = at;
  udpExchange(kMountdPort, results);
  event(w, mount_at, "contec-backdoor", "nfs_mount", srv, kMountdPort, "rpc",
        {{"path", ward.nfs_export},
         {"command",
          "mount -o nolock -t nfs " + ipToString(srv.ip) + ":" + ward.nfs_export + " /mnt"}});
  // 3. Where is NFS over TCP?
  args.clear();
  rpc::appendGetPortArgs(args, rpc::kNfsProgram, 3, rpc::kIpprotoTcp);
  udpCall(rpc::kPortmapProgram, 2, static_cast<uint32_t>(rpc::PortmapProc::GetPort),
          rpc::kPortmapPort, args);
  results.clear();
  rpc::appendGetPortResult(results, rpc::kNfsPort);
  udpExchange(rpc::kPortmapPort, results);

  // 4. NFSv3 over TCP from a reserved port: NULL, FSINFO, GETATTR, then LOOKUP + READ per file.
  TcpSession nfs(w.net(), w.frames(), rng_, host_, srv, rpc::kNfsPort, ctx_.wan_loss,
                 static_cast<uint16_t>(port + 1));
  // READ replies are 32 KB RPC records: keep holes out of their middle (see LossShape).
  nfs.setLoss(LossPoint::BeforeCapture, LossShape::TailOnly);
  at = nfs.connect(at);
  auto nfsCall = [&](rpc::NfsProc proc, const std::string& call_args, const std::string& res) {
    call.clear();
    rpc::appendCallHeader(
        call, {xid, rpc::kNfsProgram, 3, static_cast<uint32_t>(proc), kRpcMachine, stamp});
    call += call_args;
    rpc::insertRecordMark(call, 0);
    at = nfs.send(Dir::ToServer, bytesOf(call), at, AckPolicy::Piggyback);
    reply.clear();
    rpc::appendReplyHeader(reply, xid);
    reply += res;
    rpc::insertRecordMark(reply, 0);
    at = nfs.send(Dir::ToClient, bytesOf(reply), at + microseconds(rng_.range(80, 600)),
                  AckPolicy::Piggyback);
    at = at + microseconds(rng_.range(50, 300));
    ++xid;
    w.truth().count("rpc.nfs_calls");
  };
  rpc::Attributes root;
  root.type = rpc::FileType::Directory;
  root.size = 4096;
  root.fileid = 2;
  root.time_s = static_cast<uint32_t>(ctx_.start.seconds() - 86400 * 400);
  std::string fh_args;
  rpc::appendOpaque(fh_args, root_fh);
  nfsCall(rpc::NfsProc::Null, "", "");
  results.clear();
  rpc::appendFsInfoResult(results, root);
  nfsCall(rpc::NfsProc::FsInfo, fh_args, results);
  results.clear();
  rpc::appendGetAttrResult(results, root);
  nfsCall(rpc::NfsProc::GetAttr, fh_args, results);

  uint64_t fileid = 1000;
  for (const std::string& name : ward.nfs_files) {
    const std::string data = exportedFile(name, rng_, ward);
    rpc::Attributes attr;
    attr.size = data.size();
    attr.fileid = ++fileid;
    attr.mode = name.find('.') == std::string::npos ? 0755 : 0644;
    attr.time_s = root.time_s + 3600;
    const std::string fh = fileHandle(rng_, 32);
    args = fh_args;
    rpc::appendOpaque(args, name);
    results.clear();
    rpc::appendLookupResult(results, fh, attr, root);
    nfsCall(rpc::NfsProc::Lookup, args, results);
    for (uint64_t off = 0; off < data.size() || off == 0; off += kReadSize) {
      const size_t n = std::min<size_t>(kReadSize, data.size() - off);
      args.clear();
      rpc::appendOpaque(args, fh);
      rpc::appendU64(args, off);
      rpc::appendU32(args, kReadSize);
      results.clear();
      rpc::appendReadResult(results, attr, std::string_view(data).substr(off, n),
                            off + n >= data.size());
      nfsCall(rpc::NfsProc::Read, args, results);
      if (data.empty()) break;
    }
    event(w, at, "contec-backdoor", "nfs_read", srv, rpc::kNfsPort, "nfs",
          {{"file", ward.nfs_export + "/" + name}, {"bytes", data.size()}});
  }
  return nfs.close(Dir::ToServer, at + milliseconds(rng_.range(20, 200)));
}

}  // namespace medtap::simulate
