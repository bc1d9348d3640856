// gzip-compressed captures: the same packets as the plain file, and clean failure when the
// compressed stream is damaged.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "capture/file_source.h"
#include "capture_test_util.h"

namespace medtap::capture {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace ::medtap::capture::testing;

std::vector<std::string> pcapFormatFiles() {
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(sharedTestdata("pcap_format"))) {
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(CaptureGzip, EveryPcapFormatFileGzippedGivesIdenticalPackets) {
  TempDir dir;
  std::vector<std::string> files = pcapFormatFiles();
  ASSERT_EQ(files.size(), 17u);
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
    ReadAll plain = readAllFile(path);
    ASSERT_EQ(plain.status, ReadStatus::End);
    ByteVec gz = gzipBytes(readFileBytes(path));
    std::string gz_path = dir.file(std::filesystem::path(path).filename().string() + ".gz");
    writeFileBytes(gz_path, gz);
    ReadAll r = readAllFile(gz_path);
    ASSERT_EQ(r.open_error, "");
    EXPECT_EQ(r.status, ReadStatus::End) << r.error;
    EXPECT_EQ(r.packets, plain.packets);
    EXPECT_EQ(r.stats.input_bytes, gz.size());  // progress counts compressed bytes
    EXPECT_EQ(r.input_size, gz.size());
    EXPECT_EQ(readAllBuffer(gz).packets, plain.packets);
  }
}

TEST(CaptureGzip, ConcatenatedMembersAndTrailingPadding) {
  ByteVec file = readFileBytes(sharedTestdata("pcap_format/PcapPlusPlus/sll.pcap"));
  ReadAll plain = readAllBuffer(file);
  size_t half = file.size() / 2;
  ByteVec first = gzipBytes(ByteVec(file.begin(), file.begin() + half), 1);
  ByteVec second = gzipBytes(ByteVec(file.begin() + half, file.end()), 9);
  ByteVec joined = first;
  joined.insert(joined.end(), second.begin(), second.end());
  ReadAll r = readAllBuffer(joined);
  EXPECT_EQ(r.status, ReadStatus::End) << r.error;
  EXPECT_EQ(r.packets, plain.packets);

  joined.insert(joined.end(), 512, 0);  // tape-style zero padding, which gzip ignores
  r = readAllBuffer(joined);
  EXPECT_EQ(r.status, ReadStatus::End) << r.error;
  EXPECT_EQ(r.packets.size(), plain.packets.size());
}

// Records up to the 256 KiB limit straddle the 1 MiB inflate buffer again and again.
TEST(CaptureGzip, LargeRecordsAcrossBlockBoundaries) {
  PcapBuilder b(Order::Little, TimeUnit::Nano, 1);
  for (uint32_t i = 0; i < 48; ++i) {
    size_t size = i % 5 == 0 ? 262144 : (i * 104729u) % 262144u;
    b.record(1000 + i, i, makePayload(size, static_cast<uint8_t>(i)));
  }
  ReadAll plain = readAllBuffer(b.bytes());
  ASSERT_EQ(plain.packets.size(), 48u);
  for (int level : {0, 1, 9}) {
    SCOPED_TRACE(level);
    ReadAll r = readAllBuffer(gzipBytes(b.bytes(), level));
    EXPECT_EQ(r.status, ReadStatus::End) << r.error;
    EXPECT_EQ(r.packets, plain.packets);
  }

  PcapngBuilder ng;
  ng.shb().idb(1);
  for (uint32_t i = 0; i < 24; ++i) {
    ng.epb(0, i, makePayload(i % 3 == 0 ? 262144 : (i * 7001u) % 262144u, 3));
    ng.block(4, makePayload((i * 131u) % 5000u, 4));
  }
  ng.block(4, makePayload(3u << 20, 5));  // a 3 MiB block, skipped across refills
  ng.epb(0, 99, makePayload(10, 6));
  ReadAll ng_plain = readAllBuffer(ng.bytes());
  ASSERT_EQ(ng_plain.packets.size(), 25u);
  ReadAll ng_gz = readAllBuffer(gzipBytes(ng.bytes()));
  EXPECT_EQ(ng_gz.status, ReadStatus::End) << ng_gz.error;
  EXPECT_EQ(ng_gz.packets, ng_plain.packets);
}

TEST(CaptureGzip, CorruptStreamKeepsThePacketsBefore) {
  ByteVec file = readFileBytes(sharedTestdata("pcap_format/PcapPlusPlus/sll.pcap"));
  ReadAll plain = readAllBuffer(file);
  ByteVec gz = gzipBytes(file);
  // Overwrite a run in the middle of the deflate data.
  size_t mid = gz.size() / 2;
  std::fill(gz.begin() + mid, gz.begin() + mid + 64, 0xff);
  ReadAll r = readAllBuffer(gz);
  ASSERT_EQ(r.open_error, "");
  EXPECT_EQ(r.status, ReadStatus::Damaged);
  EXPECT_THAT(r.error, StartsWith("gzip data corrupt at compressed offset "));
  EXPECT_THAT(r.error, HasSubstr("uncompressed offset"));
  EXPECT_EQ(r.anomalies.get(Anomaly::CaptureGzipCorrupt), 1u);
  ASSERT_GT(r.packets.size(), 10u);
  ASSERT_LT(r.packets.size(), plain.packets.size());
  // Everything inflated before the damage is the original; the last packet handed out may
  // already hold bytes decoded from the damaged run.
  for (size_t i = 0; i + 1 < r.packets.size(); ++i) {
    ASSERT_EQ(r.packets[i], plain.packets[i]) << i;
  }
}

TEST(CaptureGzip, CutShortStream) {
  ByteVec file = readFileBytes(sharedTestdata("pcap_format/PcapPlusPlus/sll.pcap"));
  ReadAll plain = readAllBuffer(file);
  ByteVec gz = gzipBytes(file);
  ByteVec cut(gz.begin(), gz.begin() + gz.size() / 2);
  ReadAll r = readAllBuffer(cut);
  EXPECT_EQ(r.status, ReadStatus::Damaged);
  EXPECT_THAT(r.error, StartsWith("gzip stream cut short at compressed offset " +
                                  std::to_string(cut.size())));
  EXPECT_EQ(r.anomalies.get(Anomaly::CaptureGzipCorrupt), 1u);
  ASSERT_GT(r.packets.size(), 10u);
  for (size_t i = 0; i < r.packets.size(); ++i) ASSERT_EQ(r.packets[i], plain.packets[i]) << i;
}

TEST(CaptureGzip, NotACaptureInside) {
  std::string text = "hello, world";
  EXPECT_EQ(readAllBuffer(gzipBytes(ByteVec(text.begin(), text.end()))).open_error,
            "<buffer>: not a capture file (gzip-compressed, starts with 68 65 6c 6c)");
  EXPECT_EQ(readAllBuffer(gzipBytes({})).open_error,
            "<buffer>: not a capture file (gzip-compressed, empty)");
  ByteVec bad_header = {0x1f, 0x8b, 0x42, 0x00, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
  std::string err = readAllBuffer(bad_header).open_error;
  EXPECT_THAT(err, StartsWith("<buffer>: gzip-compressed, gzip data corrupt at compressed "
                              "offset "));
  EXPECT_EQ(err.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace medtap::capture
