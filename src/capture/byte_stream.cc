#include "capture/byte_stream.h"

#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include <fmt/format.h>

namespace medtap::capture {

bool ByteStream::skip(uint64_t n) {
  while (n > available()) {
    n -= available();
    cur_ = end_;
    if (!refill(1)) return false;
  }
  cur_ += n;
  return true;
}

namespace {

// The whole input is in memory: the window is all of it and never moves.
class MemoryStream : public ByteStream {
 public:
  explicit MemoryStream(Bytes data) {
    begin_ = cur_ = data.data();
    end_ = data.data() + data.size();
  }
  uint64_t inputBytes() const override { return position(); }
  size_t capacity() const override { return SIZE_MAX; }

 protected:
  bool refill(size_t n) override {
    if (state_ == StreamState::Ok) state_ = StreamState::End;
    return available() >= n;
  }
};

// A MemoryStream over a read-only private mapping it owns.
class MappedFileStream : public MemoryStream {
 public:
  MappedFileStream(void* map, size_t size)
      : MemoryStream({static_cast<const uint8_t*>(map), size}), map_(map), size_(size) {}
  ~MappedFileStream() override { ::munmap(map_, size_); }
  MappedFileStream(const MappedFileStream&) = delete;
  MappedFileStream& operator=(const MappedFileStream&) = delete;

 private:
  void* map_;
  size_t size_;
};

// Moves the unread tail of a block buffer to its front so that more can be appended.
class BlockBuffer {
 public:
  explicit BlockBuffer(size_t capacity)
      : data_(std::make_unique_for_overwrite<uint8_t[]>(capacity)), capacity_(capacity) {}
  uint8_t* data() { return data_.get(); }
  size_t capacity() const { return capacity_; }

 private:
  std::unique_ptr<uint8_t[]> data_;
  size_t capacity_;
};

class FdStream : public ByteStream {
 public:
  FdStream(int fd, size_t min_capacity)
      : fd_(fd), buf_(std::max(kMinStreamBufferBytes, min_capacity)) {
    begin_ = cur_ = end_ = buf_.data();
  }
  ~FdStream() override { ::close(fd_); }
  FdStream(const FdStream&) = delete;
  FdStream& operator=(const FdStream&) = delete;

  uint64_t inputBytes() const override { return read_total_; }
  size_t capacity() const override { return buf_.capacity(); }

 protected:
  bool refill(size_t n) override {
    if (state_ != StreamState::Ok) return available() >= n;
    size_t have = available();
    uint8_t* buf = buf_.data();
    std::memmove(buf, cur_, have);
    base_ += static_cast<uint64_t>(cur_ - begin_);
    begin_ = cur_ = buf;
    end_ = buf + have;
    while (have < n) {
      ssize_t got = ::read(fd_, buf + have, buf_.capacity() - have);
      if (got < 0) {
        if (errno == EINTR) continue;
        fail(fmt::format("read error: {}", std::strerror(errno)));
        break;
      }
      if (got == 0) {
        state_ = StreamState::End;
        break;
      }
      have += static_cast<size_t>(got);
      read_total_ += static_cast<uint64_t>(got);
      end_ = buf + have;
    }
    return have >= n;
  }

 private:
  int fd_;
  BlockBuffer buf_;
  uint64_t read_total_ = 0;
};

// RFC 1952 section 2.3.1: every gzip member starts with ID1 ID2 = 1f 8b.
constexpr uint8_t kGzipId1 = 0x1f;
constexpr uint8_t kGzipId2 = 0x8b;
// inflateInit2 windowBits: 15 (the largest window) + 16 (expect a gzip wrapper, check its CRC).
constexpr int kGzipWindowBits = 15 + 16;
// zlib counts input in uInt; feed at most this much per inflate() call.
constexpr size_t kMaxInflateChunk = size_t{1} << 30;

class GzipStream : public ByteStream {
 public:
  GzipStream(std::unique_ptr<ByteStream> inner, size_t min_capacity)
      : inner_(std::move(inner)), buf_(std::max(kMinStreamBufferBytes, min_capacity)) {
    begin_ = cur_ = end_ = buf_.data();
    if (inflateInit2(&z_, kGzipWindowBits) != Z_OK) {
      fail("gzip: cannot initialise zlib");
      return;
    }
    z_ready_ = true;
  }
  ~GzipStream() override {
    if (z_ready_) inflateEnd(&z_);
  }
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  uint64_t inputBytes() const override { return inner_->inputBytes(); }
  size_t capacity() const override { return buf_.capacity(); }

 protected:
  bool refill(size_t n) override {
    if (state_ != StreamState::Ok) return available() >= n;
    size_t have = available();
    uint8_t* buf = buf_.data();
    std::memmove(buf, cur_, have);
    base_ += static_cast<uint64_t>(cur_ - begin_);
    begin_ = cur_ = buf;
    end_ = buf + have;
    // Inflate until n bytes are there; beyond that keep going only while compressed bytes are
    // already at hand, so that a slow pipe does not hold back packets we could hand out.
    while (state_ == StreamState::Ok && have < buf_.capacity()) {
      if (inner_->available() == 0) {
        if (have >= n) break;
        if (!inner_->ensure(1)) {
          endOfCompressedInput();
          break;
        }
      }
      if (!in_member_ && !startNextMember()) break;
      Bytes in = inner_->window();
      size_t in_chunk = std::min(in.size(), kMaxInflateChunk);
      size_t out_room = buf_.capacity() - have;
      z_.next_in = const_cast<Bytef*>(in.data());  // zlib's API is not const-correct
      z_.avail_in = static_cast<uInt>(in_chunk);
      z_.next_out = buf + have;
      z_.avail_out = static_cast<uInt>(std::min(out_room, kMaxInflateChunk));
      uInt out_before = z_.avail_out;
      int rc = inflate(&z_, Z_NO_FLUSH);
      size_t consumed = in_chunk - z_.avail_in;
      size_t produced = out_before - z_.avail_out;
      inner_->advance(consumed);
      have += produced;
      end_ = buf + have;
      if (rc == Z_STREAM_END) {
        in_member_ = false;
      } else if (rc == Z_BUF_ERROR && consumed == 0 && produced == 0) {
        fail(fmt::format("gzip stream stuck at compressed offset {}", inner_->position()));
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        fail(fmt::format("gzip data corrupt at compressed offset {}: {}", inner_->position(),
                         z_.msg != nullptr ? z_.msg : "inflate error"));
      }
    }
    return have >= n;
  }

 private:
  void endOfCompressedInput() {
    if (inner_->state() == StreamState::Failed) {
      fail(inner_->error());
    } else if (in_member_) {
      fail(fmt::format("gzip stream cut short at compressed offset {}", inner_->position()));
    } else {
      state_ = StreamState::End;
    }
  }

  // Between members (RFC 1952 section 2.2, "a gzip file consists of a series of members"):
  // another member starts with 1f 8b; anything else is trailing padding, ignored as gzip does.
  bool startNextMember() {
    if (!inner_->ensure(2) || inner_->window()[0] != kGzipId1 || inner_->window()[1] != kGzipId2) {
      if (inner_->state() == StreamState::Failed) {
        fail(inner_->error());
      } else {
        state_ = StreamState::End;
      }
      return false;
    }
    inflateReset(&z_);
    in_member_ = true;
    return true;
  }

  std::unique_ptr<ByteStream> inner_;
  BlockBuffer buf_;
  z_stream z_{};
  bool z_ready_ = false;
  bool in_member_ = true;  // the caller saw 1f 8b at the start
};

}  // namespace

std::unique_ptr<ByteStream> makeMemoryStream(Bytes data) {
  return std::make_unique<MemoryStream>(data);
}

std::unique_ptr<ByteStream> makeMappedFileStream(int fd, uint64_t size) {
  if (size == 0 || size > SIZE_MAX) return nullptr;
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) return nullptr;
  ::madvise(map, size, MADV_SEQUENTIAL);
  return std::make_unique<MappedFileStream>(map, size);
}

std::unique_ptr<ByteStream> makeFdStream(int fd, size_t min_capacity) {
  return std::make_unique<FdStream>(fd, min_capacity);
}

std::unique_ptr<ByteStream> makeGzipStream(std::unique_ptr<ByteStream> inner, size_t min_capacity) {
  return std::make_unique<GzipStream>(std::move(inner), min_capacity);
}

}  // namespace medtap::capture
