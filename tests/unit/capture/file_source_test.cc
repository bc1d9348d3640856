// openCaptureFile / openCaptureBuffer on real third-party captures and on hand-made pcap files.
#include "capture/file_source.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <numeric>

#include "capture/link_type.h"
#include "capture/pcap_reader.h"
#include "capture_test_util.h"

namespace medtap::capture {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace ::medtap::capture::testing;

// Reference values from TShark 4.0.17 (`tshark -r F -T fields -e frame.time_epoch -e
// frame.cap_len -e frame.len`), which agrees with `capinfos -c` on every count.
struct Expected {
  const char* path;
  size_t packets;
  uint64_t caplen_sum;
  uint64_t wire_sum;
  int64_t first_ns;
  int64_t last_ns;
  LinkType first_link;
};

constexpr auto kNetlink = static_cast<LinkType>(253);
constexpr Expected kPcapFormat[] = {
    {"pcap_format/PcapPlusPlus/QinQ_802.1_AD.pcapng", 1, 1500, 1500, 1430378523814664000LL,
     1430378523814664000LL, LinkType::Ethernet},
    {"pcap_format/PcapPlusPlus/linktype_ipv4.pcap", 2, 210, 210, 1488848077610623000LL,
     1488848077628624000LL, LinkType::Ipv4},
    {"pcap_format/PcapPlusPlus/linktype_ipv6.pcap", 1, 80, 80, 1147551795526632000LL,
     1147551795526632000LL, LinkType::Ipv6},
    {"pcap_format/PcapPlusPlus/llc_vlan.pcap", 1, 375, 375, 1277840510969363000LL,
     1277840510969363000LL, LinkType::Ethernet},
    {"pcap_format/PcapPlusPlus/many_interfaces-1.pcapng", 64, 15954, 15954, 1439753725701607000LL,
     1439753728292345000LL, LinkType::Ethernet},
    {"pcap_format/PcapPlusPlus/microsecs.pcap", 2, 32, 32, 1000002000LL, 1000001000LL,
     LinkType::Ethernet},
    {"pcap_format/PcapPlusPlus/microsecs_big_endian.pcap", 13, 10356, 10356, 1474059824864984000LL,
     1474059828874473000LL, kNetlink},
    {"pcap_format/PcapPlusPlus/nanosecs.pcap", 2, 32, 32, 1000002000LL, 1000001234LL,
     LinkType::Ethernet},
    {"pcap_format/PcapPlusPlus/nanosecs_big_endian.pcap", 10, 2198, 2198, 1766361926167647291LL,
     1766361926168451894LL, LinkType::Ethernet},
    {"pcap_format/PcapPlusPlus/null_loopback.pcap", 3, 924, 924, 1360854457375051000LL,
     1413056123956615000LL, LinkType::Null},
    // The last 100 packets (interface 1) carry 64-bit timestamps just below 2^64 µs. TShark
    // prints them unsigned (year 586 000); as a 64-bit count of nanoseconds they wrap to 505 s
    // before 1970, which is what medtap reports (see PcapngExampleWrapsLikeASignedCount).
    {"pcap_format/PcapPlusPlus/pcapng-example.pcapng", 159, 18075, 57465, 1422527998578402281LL,
     -505425287000LL + 151122000LL, LinkType::Ethernet},
    {"pcap_format/PcapPlusPlus/raw_ip.pcap", 100, 31018, 31018, 1147551795526632000LL,
     1488848077767141000LL, LinkType::Raw},
    {"pcap_format/PcapPlusPlus/sll.pcap", 518, 451558, 451558, 1465939067790511000LL,
     1465939118808423000LL, LinkType::LinuxSll},
    {"pcap_format/PcapPlusPlus/sll2.pcap", 3, 211, 211, 1668510343193355000LL,
     1668510343193835000LL, LinkType::LinuxSll2},
    {"pcap_format/PcapPlusPlus/too_many_interfaces.pcapng", 1, 78, 78, 1460283000005015000LL,
     1460283000005015000LL, LinkType::Ethernet},
    {"pcap_format/zeek/http-qinq-0.pcap", 14, 6199, 6199, 1362692526869344000LL,
     1362692527080972000LL, LinkType::Ethernet},
    {"pcap_format/zeek/http-vlan-0.pcap", 14, 6143, 6143, 1362692526869344000LL,
     1362692527080972000LL, LinkType::Ethernet},
};

TEST(CaptureFile, EveryPcapFormatFileMatchesTshark) {
  for (const Expected& e : kPcapFormat) {
    SCOPED_TRACE(e.path);
    std::string path = sharedTestdata(e.path);
    ReadAll r = readAllFile(path);
    ASSERT_EQ(r.open_error, "");
    EXPECT_EQ(r.status, ReadStatus::End) << r.error;
    ASSERT_EQ(r.packets.size(), e.packets);
    uint64_t caplen = 0, wire = 0;
    for (const Pkt& p : r.packets) {
      caplen += p.data.size();
      wire += p.wire_len;
    }
    EXPECT_EQ(caplen, e.caplen_sum);
    EXPECT_EQ(wire, e.wire_sum);
    EXPECT_EQ(r.packets.front().ts_ns, e.first_ns);
    EXPECT_EQ(r.packets.back().ts_ns, e.last_ns);
    EXPECT_EQ(r.packets.front().link, static_cast<uint16_t>(e.first_link));
    EXPECT_EQ(r.stats.packets, e.packets);
    EXPECT_EQ(r.stats.bytes, e.caplen_sum);
    uint64_t size = readFileBytes(path).size();
    EXPECT_EQ(r.stats.input_bytes, size);
    EXPECT_EQ(r.input_size, size);
    EXPECT_EQ(r.anomalies.get(Anomaly::CaptureTruncatedRecord), 0u);
    EXPECT_EQ(r.anomalies.get(Anomaly::CaptureBadBlock), 0u);
    // The same bytes from memory give the same packets.
    ReadAll m = readAllBuffer(readFileBytes(path));
    EXPECT_EQ(m.packets, r.packets);
  }
}

// microsecs.pcap and nanosecs.pcap are the same two packets at different resolutions; the
// second is earlier than the first, which is counted.
TEST(CaptureFile, MicroAndNanosecondFilesAgree) {
  ReadAll us = readAllFile(sharedTestdata("pcap_format/PcapPlusPlus/microsecs.pcap"));
  ReadAll ns = readAllFile(sharedTestdata("pcap_format/PcapPlusPlus/nanosecs.pcap"));
  ASSERT_EQ(us.packets.size(), 2u);
  ASSERT_EQ(ns.packets.size(), 2u);
  EXPECT_EQ(us.packets[0].ts_ns, 1'000'002'000);
  EXPECT_EQ(ns.packets[0].ts_ns, 1'000'002'000);
  EXPECT_EQ(us.packets[1].ts_ns, 1'000'001'000);
  EXPECT_EQ(ns.packets[1].ts_ns, 1'000'001'234);
  EXPECT_EQ(us.packets[0].data, ns.packets[0].data);
  EXPECT_EQ(us.anomalies.get(Anomaly::CaptureTimeBackwards), 1u);
  EXPECT_EQ(ns.anomalies.get(Anomaly::CaptureTimeBackwards), 1u);
}

// Rewrites a little-endian microsecond pcap in another byte order and/or at nanosecond
// resolution, record by record.
ByteVec convertPcap(const ByteVec& in, Order order, bool nano) {
  auto le32 = [&](size_t off) {
    return uint32_t{in[off]} | uint32_t{in[off + 1]} << 8 | uint32_t{in[off + 2]} << 16 |
           uint32_t{in[off + 3]} << 24;
  };
  ByteVec out;
  put32(out, nano ? 0xA1B23C4D : 0xA1B2C3D4, order);
  put16(out, 2, order);
  put16(out, 4, order);
  put32(out, 0, order);
  put32(out, 0, order);
  put32(out, le32(16), order);
  put32(out, le32(20), order);
  for (size_t off = 24; off + 16 <= in.size();) {
    uint32_t caplen = le32(off + 8);
    put32(out, le32(off), order);
    put32(out, nano ? le32(off + 4) * 1000 : le32(off + 4), order);
    put32(out, caplen, order);
    put32(out, le32(off + 12), order);
    out.insert(out.end(), in.begin() + off + 16, in.begin() + off + 16 + caplen);
    off += 16 + caplen;
  }
  return out;
}

TEST(CaptureFile, BothByteOrdersAndResolutionsGiveTheSamePackets) {
  ByteVec original = readFileBytes(sharedTestdata("pcap_format/zeek/http-vlan-0.pcap"));
  ASSERT_EQ(original[0], 0xd4);  // little-endian, microseconds
  ReadAll reference = readAllBuffer(original);
  ASSERT_EQ(reference.packets.size(), 14u);
  for (Order order : {Order::Little, Order::Big}) {
    for (bool nano : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "big=" << (order == Order::Big) << " nano=" << nano);
      ByteVec converted = convertPcap(original, order, nano);
      ASSERT_EQ(converted.size(), original.size());
      ReadAll r = readAllBuffer(converted);
      EXPECT_EQ(r.status, ReadStatus::End);
      EXPECT_EQ(r.packets, reference.packets);
    }
  }
}

TEST(CaptureFile, PcapngManyInterfacesAndLinkTypes) {
  ReadAll r = readAllFile(sharedTestdata("pcap_format/PcapPlusPlus/many_interfaces-1.pcapng"));
  ASSERT_EQ(r.packets.size(), 64u);
  size_t on0 = 0, on10 = 0;
  for (const Pkt& p : r.packets) {
    if (p.interface_id == 0) {
      ++on0;
      EXPECT_EQ(p.link, static_cast<uint16_t>(LinkType::Ethernet));
    } else if (p.interface_id == 10) {
      ++on10;
      EXPECT_EQ(p.link, static_cast<uint16_t>(LinkType::Null));
    }
  }
  EXPECT_EQ(on0, 62u);
  EXPECT_EQ(on10, 2u);
  // TShark: packet 3 is on interface 10 at 1439753725.701568, before packet 2.
  EXPECT_EQ(r.packets[2].interface_id, 10u);
  EXPECT_EQ(r.packets[2].ts_ns, 1439753725701568000LL);
  EXPECT_GE(r.anomalies.get(Anomaly::CaptureTimeBackwards), 1u);
}

TEST(CaptureFile, PcapngExampleWrapsLikeASignedCount) {
  ReadAll r = readAllFile(sharedTestdata("pcap_format/PcapPlusPlus/pcapng-example.pcapng"));
  ASSERT_EQ(r.packets.size(), 159u);
  size_t eth = 0, sll = 0;
  for (const Pkt& p : r.packets) {
    if (p.interface_id == 0 && p.link == static_cast<uint16_t>(LinkType::Ethernet)) ++eth;
    if (p.interface_id == 1 && p.link == static_cast<uint16_t>(LinkType::LinuxSll)) ++sll;
  }
  EXPECT_EQ(eth, 59u);
  EXPECT_EQ(sll, 100u);
  // Interface 0 has if_tsresol 9 (nanoseconds): TShark 1422528033.092194163 for packet 59.
  EXPECT_EQ(r.packets[58].ts_ns, 1422528033092194163LL);
  // Packet 60: 0xffffffffe1dfd279 microseconds.
  EXPECT_EQ(r.packets[59].ts_ns, -505425287000LL);
  // Packet 61 is captured at 128 of 1444 bytes.
  EXPECT_EQ(r.packets[60].data.size(), 128u);
  EXPECT_EQ(r.packets[60].wire_len, 1444u);
}

TEST(CaptureFile, TooManyInterfaces) {
  std::string path = sharedTestdata("pcap_format/PcapPlusPlus/too_many_interfaces.pcapng");
  ReadAll all = readAllFile(path);
  ASSERT_EQ(all.packets.size(), 1u);
  EXPECT_EQ(all.packets[0].interface_id, 82u);  // of 95 IDBs
  EXPECT_EQ(all.anomalies.get(Anomaly::CaptureTooManyInterfaces), 0u);

  FileSourceLimits limits;
  limits.max_interfaces = 16;
  ReadAll capped = readAllFile(path, limits);
  EXPECT_EQ(capped.status, ReadStatus::End);
  EXPECT_TRUE(capped.packets.empty());
  EXPECT_EQ(capped.anomalies.get(Anomaly::CaptureTooManyInterfaces), 1u);
  EXPECT_EQ(capped.anomalies.get(Anomaly::CaptureUnknownInterface), 0u);
}

// suricata-verify bug-6875-01: the second record header claims 1 409 179 648 bytes. libpcap
// (tcpdump -r) stops there after one packet, as medtap does. TShark shows two packets, because
// Wireshark guesses at one of the modified pcap formats when a record looks wrong; its second
// "packet" is 1 byte at a negative time, i.e. garbage, so medtap does not guess.
TEST(CaptureFile, CorruptRecordLengthEndsDamagedWithTheOffset) {
  ReadAll r = readAllFile(sharedTestdata("malformed/suricata-verify/bug-6875-01/fuzz.pcap"));
  ASSERT_EQ(r.open_error, "");
  ASSERT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.packets[0].ts_ns, 1508525002992213000LL);
  EXPECT_EQ(r.packets[0].data.size(), 188u);
  EXPECT_EQ(r.status, ReadStatus::Damaged);
  EXPECT_EQ(r.error, "record at offset 228 claims 1409179648 bytes (limit 262144)");
  EXPECT_EQ(r.anomalies.get(Anomaly::CaptureOversizedRecord), 1u);
}

TEST(CaptureFile, RecordBeyondTheConfiguredLimit) {
  PcapBuilder b(Order::Little, TimeUnit::Micro, 1);
  b.record(1, 0, makePayload(100, 1)).record(2, 0, makePayload(101, 2));
  FileSourceLimits limits;
  limits.max_record_bytes = 100;
  ReadAll r = readAllBuffer(b.bytes(), limits);
  ASSERT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.status, ReadStatus::Damaged);
  EXPECT_EQ(r.error, "record at offset 140 claims 101 bytes (limit 100)");
  EXPECT_EQ(r.anomalies.get(Anomaly::CaptureOversizedRecord), 1u);
}

TEST(CaptureFile, CaplenBeyondWireLengthIsCountedAndRead) {
  PcapBuilder b(Order::Big, TimeUnit::Nano, 1);
  b.record(10, 5, makePayload(60, 1), 40).record(11, 6, makePayload(60, 2));
  ReadAll r = readAllBuffer(b.bytes());
  ASSERT_EQ(r.packets.size(), 2u);
  EXPECT_EQ(r.status, ReadStatus::End);
  EXPECT_EQ(r.packets[0].data, makePayload(60, 1));
  EXPECT_EQ(r.packets[0].wire_len, 60u);  // never below what was captured
  EXPECT_EQ(r.packets[0].ts_ns, 10'000'000'005LL);
  EXPECT_EQ(r.anomalies.get(Anomaly::CaptureCaplenExceedsWirelen), 1u);
}

TEST(CaptureFile, LinkTypeField) {
  EXPECT_EQ(linkTypeFromField(1), LinkType::Ethernet);
  // FCS length 4 and the F bit in the upper bits (draft-ietf-opsawg-pcap section 4).
  EXPECT_EQ(linkTypeFromField(0x90000001u), LinkType::Ethernet);
  EXPECT_EQ(linkTypeFromField(12), LinkType::Raw);
  EXPECT_EQ(linkTypeFromField(14), LinkType::Raw);
  EXPECT_EQ(linkTypeFromField(101), LinkType::Raw);
  EXPECT_EQ(linkTypeFromField(276), LinkType::LinuxSll2);
  EXPECT_EQ(static_cast<uint16_t>(linkTypeFromField(147)), 147);  // passes through

  for (uint32_t field : {0x90000001u, 12u, 147u}) {
    PcapBuilder b(Order::Little, TimeUnit::Micro, field);
    b.record(1, 0, makePayload(20, 1));
    ReadAll r = readAllBuffer(b.bytes());
    ASSERT_EQ(r.packets.size(), 1u);
    EXPECT_EQ(r.packets[0].link, static_cast<uint16_t>(linkTypeFromField(field)));
  }
}

TEST(CaptureFile, ParsePcapFileHeader) {
  PcapBuilder be(Order::Big, TimeUnit::Nano, 113, 65535);
  auto h = parsePcapFileHeader(Bytes(be.bytes().data(), be.bytes().size()));
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->order, ByteOrder::Big);
  EXPECT_EQ(h->unit, TimeUnit::Nano);
  EXPECT_EQ(h->link, LinkType::LinuxSll);
  EXPECT_EQ(h->snaplen, 65535u);
  ByteVec junk(24, 0x41);
  EXPECT_FALSE(parsePcapFileHeader(Bytes(junk.data(), junk.size())).has_value());
}

TEST(CaptureFile, EmptyCaptureIsAnEnd) {
  PcapBuilder b(Order::Little, TimeUnit::Micro, 1);
  ReadAll r = readAllBuffer(b.bytes());
  EXPECT_EQ(r.open_error, "");
  EXPECT_EQ(r.status, ReadStatus::End);
  EXPECT_TRUE(r.packets.empty());
}

TEST(CaptureFile, AfterTheEndNextKeepsSayingSo) {
  PcapBuilder b(Order::Little, TimeUnit::Micro, 1);
  b.record(1, 0, makePayload(10, 1)).record(1, 1, makePayload(10, 2));
  AnomalyCounters anomalies;
  ByteVec cut(b.bytes().begin(), b.bytes().end() - 3);
  auto src = openCaptureBuffer(Bytes(cut.data(), cut.size()), anomalies);
  ASSERT_TRUE(src.ok());
  RawPacket p;
  EXPECT_EQ((*src)->next(p), ReadStatus::Packet);
  EXPECT_EQ((*src)->next(p), ReadStatus::Damaged);
  std::string first_error = (*src)->error();
  EXPECT_EQ((*src)->next(p), ReadStatus::Damaged);
  EXPECT_EQ((*src)->error(), first_error);
  EXPECT_EQ(anomalies.get(Anomaly::CaptureTruncatedRecord), 1u);
}

// --- errors when opening ---------------------------------------------------------------------

void expectOneLine(const std::string& message) {
  EXPECT_FALSE(message.empty());
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(CaptureFileErrors, NotACapture) {
  TempDir dir;
  std::string path = dir.file("ward.pcap");
  std::string html = "<html><body>not a capture</body></html>\n";
  writeFileBytes(path, ByteVec(html.begin(), html.end()));
  ReadAll r = readAllFile(path);
  EXPECT_EQ(r.open_error, path + ": not a capture file (starts with 3c 68 74 6d)");
  expectOneLine(r.open_error);
}

TEST(CaptureFileErrors, ShortAndEmptyFiles) {
  TempDir dir;
  writeFileBytes(dir.file("empty.pcap"), {});
  EXPECT_EQ(readAllFile(dir.file("empty.pcap")).open_error,
            dir.file("empty.pcap") + ": not a capture file (empty)");
  writeFileBytes(dir.file("two.pcap"), {0x4d, 0x5a});
  EXPECT_EQ(readAllFile(dir.file("two.pcap")).open_error,
            dir.file("two.pcap") + ": not a capture file (starts with 4d 5a)");
  PcapBuilder b(Order::Little, TimeUnit::Micro, 1);
  ByteVec header_cut(b.bytes().begin(), b.bytes().begin() + 10);
  writeFileBytes(dir.file("cut.pcap"), header_cut);
  EXPECT_EQ(readAllFile(dir.file("cut.pcap")).open_error,
            dir.file("cut.pcap") + ": pcap file header cut short (10 of 24 bytes)");
  EXPECT_EQ(readAllBuffer({}).open_error, "<buffer>: not a capture file (empty)");
}

TEST(CaptureFileErrors, MissingFileAndDirectory) {
  TempDir dir;
  std::string missing = dir.file("x.pcap");
  EXPECT_EQ(readAllFile(missing).open_error, missing + ": No such file or directory");
  EXPECT_EQ(readAllFile(dir.path().string()).open_error, dir.path().string() + ": Is a directory");
}

TEST(CaptureFileErrors, NoPermission) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  TempDir dir;
  std::string path = dir.file("locked.pcap");
  PcapBuilder b(Order::Little, TimeUnit::Micro, 1);
  writeFileBytes(path, b.bytes());
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  ReadAll r = readAllFile(path);
  EXPECT_EQ(r.open_error, path + ": Permission denied");
}

// A FIFO is read in blocks rather than mapped: same packets, including records larger than a
// pipe's buffer that straddle reads.
TEST(CaptureFile, FifoIsReadInBlocks) {
  PcapBuilder b(Order::Little, TimeUnit::Micro, 1);
  for (uint32_t i = 0; i < 40; ++i) {
    size_t size = (i * 7919u) % 262144u;
    b.record(100 + i, i, makePayload(size, static_cast<uint8_t>(i)));
  }
  TempDir dir;
  std::string fifo = dir.file("in.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The writer: a separate process so that a blocked open or write cannot hang the test.
    int fd = ::open(fifo.c_str(), O_WRONLY);
    if (fd < 0) ::_exit(1);
    const uint8_t* p = b.bytes().data();
    size_t left = b.bytes().size();
    while (left > 0) {
      ssize_t n = ::write(fd, p, left);
      if (n <= 0) ::_exit(1);
      p += n;
      left -= static_cast<size_t>(n);
    }
    ::close(fd);
    ::_exit(0);
  }
  ReadAll r = readAllFile(fifo);
  int wstatus = 0;
  ::waitpid(child, &wstatus, 0);
  ASSERT_EQ(r.open_error, "");
  EXPECT_EQ(r.status, ReadStatus::End) << r.error;
  ReadAll reference = readAllBuffer(b.bytes());
  EXPECT_EQ(r.packets, reference.packets);
  EXPECT_EQ(r.stats.input_bytes, b.bytes().size());
  EXPECT_EQ(r.input_size, 0u);  // unknown for a pipe
}

}  // namespace
}  // namespace medtap::capture
