// Throughput of each protocol analyzer on its own (issue #4): realistic conversations, built with
// the ward simulator's generators (src/simulate) or the unit tests' builders where the simulator
// has none, fed through the analyzer's public interface (StreamAnalyzer::feed in TCP-segment
// sized chunks, DatagramAnalyzer::feed with decoded packets) into a sink that only counts.
//
// Each benchmark reports bytes/s (the payload bytes fed, both directions) and items/s (events
// the analyzer emitted: one per protocol message for most, see bench/README.md). A fresh
// analyzer per iteration is one connection, as the flow table would create it.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "analyzers/analyzer.h"
#include "analyzers/arp/arp_analyzer.h"
#include "analyzers/contec_cms/contec_analyzer.h"
#include "analyzers/dhcp/dhcp_analyzer.h"
#include "analyzers/dicom/dicom_analyzer.h"
#include "analyzers/dns/dns_analyzer.h"
#include "analyzers/hl7/hl7_analyzer.h"
#include "analyzers/hl7/hl7_message.h"
#include "analyzers/http/http_analyzer.h"
#include "analyzers/lpd/lpd_analyzer.h"
#include "analyzers/rpc/rpc_analyzer.h"
#include "analyzers/tls/tls_analyzer.h"
#include "core/bytes.h"
#include "decode/decoder.h"
#include "events/event.h"
#include "privacy/phi_tokenizer.h"
#include "simulate/contec_cms.h"
#include "simulate/dhcp.h"
#include "simulate/dicom_ul.h"
#include "simulate/dns.h"
#include "simulate/frame.h"
#include "simulate/hl7_message.h"
#include "simulate/lpd.h"
#include "simulate/monitors.h"
#include "simulate/network.h"
#include "simulate/physiology.h"
#include "simulate/profile.h"
#include "simulate/rng.h"
#include "simulate/sim_time.h"
#include "simulate/sunrpc.h"
#include "simulate/tls.h"
#include "tests/unit/analyzers/tls/tls_builder.h"

namespace medtap::bench {
namespace {

using analyzers::Direction;

// A TCP segment's payload on Ethernet (1500-byte MTU minus IPv4 and TCP headers): streams are
// fed in chunks of this size, as the reassembler hands them on.
constexpr size_t kSegmentBytes = 1460;
constexpr uint64_t kSeed = 1;
const Timestamp kStart = Timestamp::fromSeconds(1'764'064'800);  // 2025-11-25T10:00:00Z

// Counts events; keeps nothing.
class CountingSink final : public events::EventSink {
 public:
  void emit(const events::Event& event) override {
    benchmark::DoNotOptimize(&event);
    ++count;
  }
  uint64_t count = 0;
};

// What every analyzer reports through.
struct Context {
  CountingSink sink;
  AnomalyCounters anomalies;
  privacy::PhiTokenizer phi = privacy::PhiTokenizer::withSecret("bench");
  events::FlowRef flow;
  analyzers::AnalyzerContext ctx{flow, sink, anomalies, phi};
};

// One direction's bytes of a TCP conversation, in the order they were sent.
struct Turn {
  Direction dir;
  std::string bytes;
};
using Conversation = std::vector<Turn>;

size_t totalBytes(const Conversation& c) {
  size_t n = 0;
  for (const Turn& t : c) n += t.bytes.size();
  return n;
}

// Bytes/s and events/s; an input that gave no event or raised an anomaly is a broken
// benchmark, not a figure.
void report(benchmark::State& state, const Context& c, size_t bytes_per_iteration) {
  if (c.sink.count == 0) state.SkipWithError("no event emitted");
  if (c.anomalies.total() != 0) state.SkipWithError("the input raised anomalies");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes_per_iteration));
  state.SetItemsProcessed(static_cast<int64_t>(c.sink.count));
}

using StreamFactory = std::function<std::unique_ptr<analyzers::StreamAnalyzer>()>;

// Feeds `conversation` to a fresh analyzer per iteration, each turn in kSegmentBytes chunks.
void runStream(benchmark::State& state, const Conversation& conversation,
               const StreamFactory& make) {
  Context c;
  for (auto _ : state) {
    std::unique_ptr<analyzers::StreamAnalyzer> analyzer = make();
    for (const Turn& turn : conversation) {
      const Bytes bytes = asBytes(turn.bytes);
      for (size_t pos = 0; pos < bytes.size(); pos += kSegmentBytes) {
        const Bytes chunk = bytes.subspan(pos, std::min(kSegmentBytes, bytes.size() - pos));
        if (analyzer->feed(c.ctx, turn.dir, chunk, kStart) == analyzers::FeedResult::OutOfSync) {
          state.SkipWithError("the analyzer gave up on the conversation");
          return;
        }
      }
    }
    analyzer->end(c.ctx, Direction::Originator, kStart);
    analyzer->end(c.ctx, Direction::Responder, kStart);
  }
  report(state, c, totalBytes(conversation));
}

// ---------------------------------------------------------------------------------------------
// HL7 v2 over MLLP

const simulate::DeviceProfile& profile(const std::string& id) {
  static const simulate::ProfileSet set = [] {
    auto loaded = simulate::loadProfiles(simulate::embeddedProfileFiles());
    if (!loaded) std::abort();
    return std::move(*loaded);
  }();
  const simulate::DeviceProfile* p = set.find(id);
  if (p == nullptr) std::abort();
  return *p;
}

// How many patients an HL7 stream is about.
enum class Patients : uint8_t {
  One,   // a bedside monitor's connection: one patient, tokens computed once per flow
  Many,  // an interface engine's connection: a different patient in every message
};

// `messages` ORU^R01 (IHE PCD-01, MDC codes) each answered by its ACK, as a Philips MX800
// profile sends them: each ORU carries two vital-sign samples (16 numeric OBX) plus the
// device's MDS observation, about 2.5 KB.
Conversation hl7Conversation(size_t messages, Patients patients) {
  simulate::Rng rng(kSeed);
  simulate::Host host;
  host.mac = MacAddress{{0x00, 0x09, 0xFB, 0x12, 0x34, 0x56}};
  const simulate::DeviceProfile& monitor = profile("philips-intellivue-mx800");
  const simulate::DeviceProfile& central = profile("philips-pic-ix");
  simulate::OruMessage m =
      simulate::oruTemplate(monitor, host, central.hl7.application, central.hl7.facility);
  m.unit = "ICU";
  std::vector<simulate::Patient> people;
  for (size_t i = 0; i < (patients == Patients::One ? 1 : messages); ++i) {
    people.push_back(simulate::makePatient(rng, static_cast<int>(i % 24) + 1));
  }
  simulate::Physiology physiology(rng.fork(1), people[0], kStart);
  Conversation out;
  std::vector<simulate::Observation> sample;
  for (size_t i = 0; i < messages; ++i) {
    const Timestamp t = kStart + Duration::seconds(static_cast<int64_t>(10 * i));
    m.patient = &people[i % people.size()];
    m.bed = static_cast<int>(i % 24) + 1;
    m.observations.clear();
    for (int s = 0; s < 2; ++s) {
      simulate::Vitals v = physiology.sample(t + Duration::seconds(5 * s));
      v.nibp_fresh = true;
      simulate::vitalsObservations(m.dialect, v, t + Duration::seconds(5 * s), sample);
      m.observations.insert(m.observations.end(), sample.begin(), sample.end());
    }
    m.time = t;
    m.control_id = "MX" + std::to_string(100000 + i);
    Turn oru{Direction::Originator, {}};
    simulate::appendMllpOru(oru.bytes, m);
    Turn ack{Direction::Responder, {}};
    simulate::appendMllpAck(ack.bytes, m, "ACK" + std::to_string(100000 + i), t);
    out.push_back(std::move(oru));
    out.push_back(std::move(ack));
  }
  return out;
}

void BM_Hl7Mllp(benchmark::State& state, Patients patients) {
  const Conversation c = hl7Conversation(64, patients);
  runStream(state, c, [] { return std::make_unique<analyzers::hl7::Hl7Analyzer>(); });
}
BENCHMARK_CAPTURE(BM_Hl7Mllp, oru_one_patient, Patients::One);
BENCHMARK_CAPTURE(BM_Hl7Mllp, oru_many_patients, Patients::Many);

// The message parser alone on one ORU (no framing, no event), the figure the parser work in
// issue #4 was measured by.
void BM_Hl7ParseOru(benchmark::State& state) {
  const Conversation c = hl7Conversation(1, Patients::One);
  std::string_view message = c[0].bytes;
  message.remove_prefix(1);  // <SB>
  message.remove_suffix(2);  // <EB><CR>
  Context ctx;
  analyzers::hl7::PatientTokens tokens(ctx.phi);
  events::Hl7Message out;
  const analyzers::hl7::ParseOptions options{.tokens = &tokens};
  for (auto _ : state) {
    analyzers::hl7::parseMessage(message, out, ctx.anomalies, options);
    benchmark::DoNotOptimize(out);
  }
  if (ctx.anomalies.total() != 0) state.SkipWithError("the input raised anomalies");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * message.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["message_bytes"] = static_cast<double>(message.size());
  state.counters["observations"] = static_cast<double>(out.observations.size());
}
BENCHMARK(BM_Hl7ParseOru);

// ---------------------------------------------------------------------------------------------
// The Contec central-station stream: a CMS8000 announcing its bed and patient, then one
// telemetry cycle a second (ECG and pleth waveforms, vitals, temperatures) for a minute.

void BM_ContecCms(benchmark::State& state) {
  simulate::Rng rng(kSeed);
  const simulate::Patient patient = simulate::makePatient(rng, 7);
  simulate::Physiology physiology(rng.fork(1), patient, kStart);
  Turn turn{Direction::Originator, {}};
  simulate::contec::appendBedNumber(turn.bytes, 7);
  simulate::contec::appendPatientRecord(turn.bytes, patient, 7, "ICU", kStart);
  for (uint32_t second = 0; second < 60; ++second) {
    const simulate::Vitals v = physiology.sample(kStart + Duration::seconds(second));
    simulate::contec::appendCycle(turn.bytes, v, second);
  }
  runStream(state, {turn},
            [] { return std::make_unique<analyzers::contec_cms::ContecAnalyzer>(); });
}
BENCHMARK(BM_ContecCms);

// ---------------------------------------------------------------------------------------------
// DICOM: a CT's association storing 4 images of about 512 KB each (explicit VR little endian,
// 512x512x16-bit pixel data) in 16 KB P-DATA-TF PDUs, each answered by C-STORE-RSP, then
// A-RELEASE.

void BM_Dicom(benchmark::State& state) {
  namespace dicom = simulate::dicom;
  constexpr std::string_view kCtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
  constexpr uint8_t kContext = 1;
  constexpr uint32_t kMaxPdu = 16384;
  dicom::Association a;
  a.called_ae = "PACS";
  a.calling_ae = "CT_SCANNER_1";
  a.contexts.push_back(
      {kContext, std::string(kCtImageStorage), {std::string(dicom::kExplicitVrLittleEndian)}});
  a.requestor_impl_uid = "1.2.826.0.1.3680043.9.7133.1.1";
  a.requestor_impl_version = "CT_FW_2_1";
  a.acceptor_impl_uid = "1.2.826.0.1.3680043.9.7133.2.1";
  a.acceptor_impl_version = "PACS_5_2";
  simulate::Rng rng(kSeed);
  const simulate::Patient patient = simulate::makePatient(rng, 3);
  Conversation c;
  c.push_back({Direction::Originator, {}});
  dicom::appendAssociateRq(c.back().bytes, a);
  c.push_back({Direction::Responder, {}});
  dicom::appendAssociateAc(c.back().bytes, a);
  for (uint16_t image = 1; image <= 4; ++image) {
    const std::string sop_instance = "1.2.826.0.1.3680043.9.7133.3.1." + std::to_string(image);
    std::string dataset;
    dicom::DatasetWriter ds(dataset);
    ds.text(0x0008, 0x0016, "UI", kCtImageStorage);
    ds.text(0x0008, 0x0018, "UI", sop_instance);
    ds.text(0x0008, 0x0060, "CS", "CT");
    ds.text(0x0010, 0x0010, "PN", patient.family + "^" + patient.given);
    ds.text(0x0010, 0x0020, "LO", patient.mrn);
    ds.text(0x0010, 0x0030, "DA", patient.birth_date);
    ds.us(0x0028, 0x0010, 512);
    ds.us(0x0028, 0x0011, 512);
    const size_t pixels = ds.binary(0x7FE0, 0x0010, "OW", size_t{512} * 512 * 2);
    for (size_t i = pixels; i < dataset.size(); ++i) dataset[i] = static_cast<char>(rng.next());
    c.push_back({Direction::Originator, {}});
    dicom::appendCStoreRq(c.back().bytes, kContext, image, kCtImageStorage, sop_instance, dataset,
                          kMaxPdu);
    c.push_back({Direction::Responder, {}});
    dicom::appendCStoreRsp(c.back().bytes, kContext, image, kCtImageStorage, sop_instance);
  }
  c.push_back({Direction::Originator, {}});
  dicom::appendReleaseRq(c.back().bytes);
  c.push_back({Direction::Responder, {}});
  dicom::appendReleaseRp(c.back().bytes);
  runStream(state, c, [] { return std::make_unique<analyzers::dicom::DicomAnalyzer>(); });
}
BENCHMARK(BM_Dicom);

// ---------------------------------------------------------------------------------------------
// UDP analyzers: whole Ethernet frames written by the simulator and decoded once by the real
// decoder; each iteration feeds the decoded packets to a fresh analyzer (one flow).

struct Datagrams {
  std::vector<std::vector<uint8_t>> frames;  // owned bytes the packets point into
  std::vector<decode::DecodedPacket> packets;
  std::vector<Direction> directions;
  size_t payload_bytes = 0;
};

simulate::IpFrameHeader ipHeader(uint32_t src, uint32_t dst) {
  simulate::IpFrameHeader h;
  h.src_mac = MacAddress{{0x00, 0x1B, 0x2C, 0x00, 0x00, static_cast<uint8_t>(src)}};
  h.dst_mac = MacAddress{{0x00, 0x1B, 0x2C, 0x00, 0x00, static_cast<uint8_t>(dst)}};
  h.src_ip = src;
  h.dst_ip = dst;
  return h;
}

// Decodes every frame of `d` (written beforehand) into its packets.
void decodeAll(Datagrams& d) {
  AnomalyCounters anomalies;
  decode::Decoder decoder(anomalies);
  for (const std::vector<uint8_t>& frame : d.frames) {
    capture::RawPacket raw{kStart, Bytes(frame), static_cast<uint32_t>(frame.size())};
    decode::DecodedPacket& p = d.packets.emplace_back();
    if (decoder.decode(raw, p) != decode::DecodeResult::Ok) std::abort();
    d.payload_bytes += p.payload.size();
  }
}

void addUdp(Datagrams& d, Direction dir, uint32_t client, uint32_t server, uint16_t client_port,
            uint16_t server_port, std::string_view payload) {
  std::vector<uint8_t>& frame = d.frames.emplace_back(simulate::kMaxFrameBytes);
  const bool up = dir == Direction::Originator;
  frame.resize(simulate::writeUdpFrame(
      frame.data(), up ? ipHeader(client, server) : ipHeader(server, client),
      up ? client_port : server_port, up ? server_port : client_port, asBytes(payload)));
  d.directions.push_back(dir);
}

template <typename Analyzer>
void runDatagrams(benchmark::State& state, const Datagrams& d) {
  Context c;
  for (auto _ : state) {
    Analyzer analyzer;
    for (size_t i = 0; i < d.packets.size(); ++i) {
      analyzer.feed(c.ctx, d.directions[i], d.packets[i]);
    }
    analyzer.end(c.ctx, kStart);
  }
  report(state, c, d.payload_bytes);
}

constexpr uint32_t kPumpIp = 0x0A0A0A2A;    // 10.10.10.42
constexpr uint32_t kServerIp = 0x0A0A0A02;  // 10.10.10.2

// DHCP: an infusion pump's DISCOVER, OFFER, REQUEST, ACK (BD Alaris profile's options).
void BM_Dhcp(benchmark::State& state) {
  const simulate::DeviceProfile& pump = profile("bd-alaris-8015");
  const simulate::DhcpClientIdentity id{"ALARIS-8015-0042", pump.dhcp.vendor_class,
                                        pump.dhcp.params};
  simulate::DhcpLease lease;
  lease.mask = 0xFFFFFF00;
  lease.router = 0x0A0A0A01;
  lease.dns = kServerIp;
  lease.domain = "ward.hospital.test";
  const MacAddress mac{{0x00, 0x1B, 0x2C, 0x3D, 0x4E, 0x5F}};
  Datagrams d;
  using Type = simulate::DhcpMessageType;
  for (Type type : {Type::Discover, Type::Offer, Type::Request, Type::Ack}) {
    simulate::DhcpFields f{.type = type, .xid = 0x3903F326, .yiaddr = kPumpIp};
    std::string payload;
    const bool client = type == Type::Discover || type == Type::Request;
    if (client) {
      f.yiaddr = 0;
      f.requested_ip = type == Type::Request ? kPumpIp : 0;
      simulate::appendDhcpClientMessage(payload, f, mac, id);
    } else {
      f.server_id = kServerIp;
      simulate::appendDhcpServerMessage(payload, f, mac, lease);
    }
    addUdp(d, client ? Direction::Originator : Direction::Responder, 0, 0xFFFFFFFF,
           simulate::kDhcpClientPort, simulate::kDhcpServerPort, payload);
  }
  decodeAll(d);
  runDatagrams<analyzers::dhcp::DhcpAnalyzer>(state, d);
}
BENCHMARK(BM_Dhcp);

// DNS: a workstation's A and AAAA lookups of one name and the resolver's answers.
void BM_Dns(benchmark::State& state) {
  constexpr std::string_view kName = "ehr.hospital.test";
  Datagrams d;
  for (uint16_t qtype : {simulate::kDnsTypeA, simulate::kDnsTypeAaaa}) {
    std::string query, answer;
    simulate::appendDnsQuery(query, qtype, kName, qtype);
    simulate::appendDnsResponse(answer, qtype, kName, qtype,
                                qtype == simulate::kDnsTypeA ? 0x0A140005 : 0, 300);
    addUdp(d, Direction::Originator, kPumpIp, kServerIp, 53001, simulate::kDnsPort, query);
    addUdp(d, Direction::Responder, kPumpIp, kServerIp, 53001, simulate::kDnsPort, answer);
  }
  decodeAll(d);
  runDatagrams<analyzers::dns::DnsUdpAnalyzer>(state, d);
}
BENCHMARK(BM_Dns);

// ARP: 32 hosts of a ward resolving each other, 256 packets (requests and replies); a binding
// event when an address is first seen, nothing for the repeats.
void BM_Arp(benchmark::State& state) {
  constexpr uint32_t kHosts = 32;
  const MacAddress broadcast{{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}};
  auto mac = [](uint32_t host) {
    return MacAddress{{0x00, 0x1B, 0x2C, 0x00, 0x01, static_cast<uint8_t>(host)}};
  };
  Datagrams d;
  for (uint32_t i = 0; i < 128; ++i) {
    const uint32_t a = i % kHosts;
    const uint32_t b = (i * 7 + 3) % kHosts;
    const uint32_t ip_a = 0x0A0A0A00 + a + 1;
    const uint32_t ip_b = 0x0A0A0A00 + b + 1;
    std::vector<uint8_t>& request = d.frames.emplace_back(simulate::kMaxFrameBytes);
    request.resize(simulate::writeArpFrame(request.data(), simulate::ArpOp::Request, mac(a), ip_a,
                                           MacAddress{}, ip_b, broadcast));
    std::vector<uint8_t>& reply = d.frames.emplace_back(simulate::kMaxFrameBytes);
    reply.resize(simulate::writeArpFrame(reply.data(), simulate::ArpOp::Reply, mac(b), ip_b, mac(a),
                                         ip_a, mac(a)));
  }
  decodeAll(d);
  size_t frame_bytes = 0;
  for (const auto& f : d.frames) frame_bytes += f.size();
  Context c;
  for (auto _ : state) {
    analyzers::arp::ArpAnalyzer analyzer(c.sink, c.anomalies);
    for (const decode::DecodedPacket& p : d.packets) analyzer.onPacket(p);
  }
  // ARP has no L4 payload: bytes are the frames'.
  report(state, c, frame_bytes);
  state.counters["packets"] = benchmark::Counter(
      static_cast<double>(state.iterations() * d.packets.size()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Arp);

// ---------------------------------------------------------------------------------------------
// SunRPC/NFS over TCP: the CMS8000 backdoor's NFSv3 session (NULL, FSINFO, GETATTR, then LOOKUP
// and 32 KB READs of four 64 KB files), each call answered, with record marks.

void BM_RpcNfs(benchmark::State& state) {
  namespace rpc = simulate::rpc;
  constexpr uint32_t kReadSize = 32768;
  simulate::Rng rng(kSeed);
  Conversation c;
  uint32_t xid = 0x5A3C0001;
  auto exchange = [&](rpc::NfsProc proc, const std::string& args, const std::string& results) {
    std::string call;
    rpc::appendCallHeader(
        call, {xid, rpc::kNfsProgram, 3, static_cast<uint32_t>(proc), "(none)", 1'764'064'800});
    call += args;
    rpc::insertRecordMark(call, 0);
    c.push_back({Direction::Originator, std::move(call)});
    std::string reply;
    rpc::appendReplyHeader(reply, xid++);
    reply += results;
    rpc::insertRecordMark(reply, 0);
    c.push_back({Direction::Responder, std::move(reply)});
  };
  rpc::Attributes root{.type = rpc::FileType::Directory, .size = 4096, .fileid = 2};
  const std::string root_fh(32, '\x01');
  std::string fh_args, results;
  rpc::appendOpaque(fh_args, root_fh);
  exchange(rpc::NfsProc::Null, "", "");
  rpc::appendFsInfoResult(results, root);
  exchange(rpc::NfsProc::FsInfo, fh_args, results);
  results.clear();
  rpc::appendGetAttrResult(results, root);
  exchange(rpc::NfsProc::GetAttr, fh_args, results);
  for (uint64_t file = 0; file < 4; ++file) {
    const std::string name = "update_" + std::to_string(file) + ".bin";
    rpc::Attributes attr{.size = 2 * kReadSize, .fileid = 1000 + file};
    const std::string fh(32, static_cast<char>(0x10 + file));
    std::string args = fh_args;
    rpc::appendOpaque(args, name);
    results.clear();
    rpc::appendLookupResult(results, fh, attr, root);
    exchange(rpc::NfsProc::Lookup, args, results);
    for (uint64_t offset = 0; offset < attr.size; offset += kReadSize) {
      args.clear();
      rpc::appendOpaque(args, fh);
      rpc::appendU64(args, offset);
      rpc::appendU32(args, kReadSize);
      std::string data(kReadSize, '\0');
      for (char& ch : data) ch = static_cast<char>(rng.next());
      results.clear();
      rpc::appendReadResult(results, attr, data, offset + kReadSize >= attr.size);
      exchange(rpc::NfsProc::Read, args, results);
    }
  }
  runStream(state, c, [] { return std::make_unique<analyzers::rpc::RpcStreamAnalyzer>(); });
}
BENCHMARK(BM_RpcNfs);

// ---------------------------------------------------------------------------------------------
// HTTP/1.1: a workstation's browser on a keep-alive connection to a device's web interface, 8
// requests each answered by a 4 KB page (Content-Length) or a 16 KB chunked one.

void BM_Http(benchmark::State& state) {
  simulate::Rng rng(kSeed);
  Conversation c;
  for (int i = 0; i < 8; ++i) {
    std::string request = "GET /status/bed" + std::to_string(i + 1) +
                          "?view=trend&range=24h HTTP/1.1\r\n"
                          "Host: central.ward.hospital.test\r\n"
                          "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
                          "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\n"
                          "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n"
                          "Accept-Encoding: gzip, deflate\r\n"
                          "Accept-Language: en-US,en;q=0.9\r\n"
                          "Cookie: session=8f14e45fceea167a5a36dedd4bea2543\r\n"
                          "Connection: keep-alive\r\n\r\n";
    c.push_back({Direction::Originator, std::move(request)});
    std::string body(i % 2 == 0 ? 4096 : 16384, '\0');
    for (char& ch : body) ch = static_cast<char>('a' + rng.next() % 26);
    std::string response =
        "HTTP/1.1 200 OK\r\n"
        "Server: nginx/1.22.1\r\n"
        "Date: Tue, 25 Nov 2025 10:00:00 GMT\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        "Cache-Control: no-store\r\n";
    if (i % 2 == 0) {
      response += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    } else {
      response += "Transfer-Encoding: chunked\r\n\r\n";
      for (size_t pos = 0; pos < body.size(); pos += 4096) {
        response += "1000\r\n" + body.substr(pos, 4096) + "\r\n";
      }
      response += "0\r\n\r\n";
    }
    c.push_back({Direction::Responder, std::move(response)});
  }
  runStream(state, c, [] { return std::make_unique<analyzers::http::HttpAnalyzer>(); });
}
BENCHMARK(BM_Http);

// ---------------------------------------------------------------------------------------------
// TLS 1.2: a browser's ClientHello (the simulator's), the server's ServerHello, Certificate (a
// real X.509 certificate, P-256, made here with OpenSSL) and ServerHelloDone, the client's key
// exchange and Finished, the server's Finished, then one request of 600 bytes and a 16 KB
// response as application data.

std::string selfSignedCertificate(std::string_view host) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 0x4D45);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Hospital Test"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(std::string(host).c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, key, EVP_sha256());
  unsigned char* der = nullptr;
  const int length = i2d_X509(cert, &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

void BM_Tls(benchmark::State& state) {
  namespace t = analyzers::tls::testing;
  constexpr std::string_view kHost = "ehr.hospital.test";
  constexpr uint8_t kHandshake = 22, kChangeCipherSpec = 20;
  simulate::Rng rng(kSeed);
  Conversation c;
  c.push_back({Direction::Originator, {}});
  simulate::tls::appendClientHello(c.back().bytes, rng, kHost, simulate::tls::ClientKind::Browser);
  const std::string der = selfSignedCertificate(kHost);
  std::string chain;
  t::put24(chain, der.size());
  chain += der;
  std::string certificate;
  t::put24(certificate, chain.size());
  certificate += chain;
  c.push_back(
      {Direction::Responder, t::records(t::handshake(2, t::serverHelloBody(0)) +
                                        t::handshake(11, certificate) + t::handshake(14, ""))});
  std::string key_exchange(66, '\x04');
  key_exchange[0] = 65;              // ECDHE public key length
  std::string finished(40, '\x5A');  // encrypted: opaque bytes
  c.push_back({Direction::Originator, t::records(t::handshake(16, key_exchange)) +
                                          t::records("\x01", 16384, kChangeCipherSpec) +
                                          t::records(finished, 16384, kHandshake)});
  c.push_back({Direction::Responder, t::records("\x01", 16384, kChangeCipherSpec) +
                                         t::records(finished, 16384, kHandshake)});
  c.push_back({Direction::Originator, {}});
  simulate::tls::appendApplicationData(c.back().bytes, rng, 600);
  c.push_back({Direction::Responder, {}});
  simulate::tls::appendApplicationData(c.back().bytes, rng, 16384);
  runStream(state, c, [] { return std::make_unique<analyzers::tls::TlsAnalyzer>(); });
}
BENCHMARK(BM_Tls);

// ---------------------------------------------------------------------------------------------
// LPD: a workstation printing a 20-page ward report (PostScript) to a printer's raw queue.

void BM_Lpd(benchmark::State& state) {
  Conversation c;
  const std::string document = simulate::lpd::wardReport("ICU census", 20, 1, 24);
  for (simulate::lpd::Step& step :
       simulate::lpd::printJob("raw", "nurse-ws-03", "nurse3", 42, "icu_census.ps", document)) {
    c.push_back({step.from == simulate::lpd::Step::From::Client ? Direction::Originator
                                                                : Direction::Responder,
                 std::move(step.bytes)});
  }
  runStream(state, c, [] { return std::make_unique<analyzers::lpd::LpdAnalyzer>(); });
}
BENCHMARK(BM_Lpd);

}  // namespace
}  // namespace medtap::bench
