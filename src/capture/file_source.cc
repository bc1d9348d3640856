#include "capture/file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "capture/byte_stream.h"
#include "capture/capture_reader.h"
#include "capture/pcap_reader.h"
#include "capture/pcapng_reader.h"

namespace medtap::capture {
namespace {

constexpr size_t kMagicBytes = 4;
constexpr uint8_t kGzipId1 = 0x1f;  // RFC 1952 section 2.3.1
constexpr uint8_t kGzipId2 = 0x8b;

bool isGzip(Bytes b) {
  return b.size() >= 2 && b[0] == kGzipId1 && b[1] == kGzipId2;
}

std::string hexPrefix(Bytes b) {
  std::string out;
  for (size_t i = 0; i < b.size() && i < kMagicBytes; ++i) {
    if (i > 0) out += ' ';
    out += fmt::format("{:02x}", b[i]);
  }
  return out;
}

// Recognises the format from the first bytes (never the name) and hands the stream to its
// reader. `name` goes in front of every error.
Result<std::unique_ptr<PacketSource>> openStream(const std::string& name,
                                                 std::unique_ptr<ByteStream> stream,
                                                 uint64_t input_size, AnomalyCounters& anomalies,
                                                 const FileSourceLimits& limits) {
  stream->ensure(kMagicBytes);
  Compression compression = Compression::None;
  if (isGzip(stream->window())) {
    stream = makeGzipStream(std::move(stream), largestReadBytes(limits));
    compression = Compression::Gzip;
    stream->ensure(kMagicBytes);
  }
  std::string_view gz = compression == Compression::Gzip ? "gzip-compressed, " : "";
  Bytes head = stream->window().first(std::min(stream->available(), kMagicBytes));
  if (head.size() < kMagicBytes && stream->state() == StreamState::Failed) {
    return Error{fmt::format("{}: {}{}", name, gz, stream->error())};
  }
  if (head.empty()) return Error{fmt::format("{}: not a capture file ({}empty)", name, gz)};

  ReaderContext context{std::move(stream), compression, input_size, &anomalies, limits};
  if (isPcapMagic(head)) return openPcap(name, std::move(context));
  if (head.size() == kMagicBytes && readBe32(head, 0) == kPcapngSectionHeader) {
    return openPcapng(name, std::move(context));
  }
  return Error{fmt::format("{}: not a capture file ({}starts with {})", name, gz, hexPrefix(head))};
}

}  // namespace

Result<std::unique_ptr<PacketSource>> openCaptureFile(const std::string& path,
                                                      AnomalyCounters& anomalies,
                                                      const FileSourceLimits& limits) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{fmt::format("{}: {}", path, std::strerror(errno))};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return Error{fmt::format("{}: {}", path, std::strerror(err))};
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Error{fmt::format("{}: {}", path, std::strerror(EISDIR))};
  }
  std::unique_ptr<ByteStream> stream;
  uint64_t size = 0;
  if (S_ISREG(st.st_mode)) {
    size = static_cast<uint64_t>(st.st_size);
    if (size == 0) {
      ::close(fd);
      return Error{fmt::format("{}: not a capture file (empty)", path)};
    }
    // Mapped, the readers hand out views into the page cache without a copy. The mapping
    // outlives the descriptor.
    stream = makeMappedFileStream(fd, size);
    if (stream) ::close(fd);
  }
  // Pipes, FIFOs, devices, and files that cannot be mapped are read in blocks.
  if (!stream) stream = makeFdStream(fd, largestReadBytes(limits));
  return openStream(path, std::move(stream), size, anomalies, limits);
}

Result<std::unique_ptr<PacketSource>> openCaptureBuffer(Bytes data, AnomalyCounters& anomalies,
                                                        const FileSourceLimits& limits) {
  return openStream("<buffer>", makeMemoryStream(data), data.size(), anomalies, limits);
}

}  // namespace medtap::capture
