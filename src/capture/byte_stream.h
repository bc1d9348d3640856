// Byte streams under the capture readers: a window of contiguous unread bytes over a memory
// buffer, a mapped file, a file read in big blocks, or a gzip stream inflated into a block
// buffer. The readers parse records straight out of the window, so a record that is entirely in
// the window is handed out without a copy.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "core/bytes.h"

namespace medtap::capture {

enum class StreamState {
  Ok,      // more bytes may come
  End,     // the input ended cleanly; what is in the window is all there is
  Failed,  // the input could not be read further (I/O error, corrupt or cut-short gzip)
};

// Smallest block buffer for streams that read or inflate: 1 MiB, so that a read() or an inflate()
// call moves enough bytes to amortise its cost, and small records never straddle a refill often.
inline constexpr size_t kMinStreamBufferBytes = size_t{1} << 20;
// How far ahead of the read position advance() prefetches, and in what steps.
inline constexpr size_t kPrefetchDistance = 2048;
inline constexpr size_t kCacheLine = 64;

class ByteStream {
 public:
  virtual ~ByteStream() = default;

  // The unread bytes in the window. Valid until the next ensure(), skip() or advance() past them.
  Bytes window() const { return {cur_, static_cast<size_t>(end_ - cur_)}; }
  size_t available() const { return static_cast<size_t>(end_ - cur_); }

  // Makes at least n unread bytes available in the window if the input holds them (n must not
  // exceed capacity()). False when the input ends or fails first; the window then holds the
  // rest and state() says which.
  bool ensure(size_t n) { return available() >= n || refill(n); }

  // Consumes n bytes of the window (n <= available()), and asks the CPU to fetch as many bytes
  // kPrefetchDistance ahead: the readers hop from record to record through lengths they read,
  // a chain of dependent loads that the hardware prefetcher does not run ahead of, so without
  // this every record header is a cache miss.
  void advance(size_t n) {
    cur_ += n;
    // The bytes [old + distance, new + distance), as offsets from the new position, clipped to
    // the window (no pointer is formed past its end).
    size_t hi = std::min(kPrefetchDistance, available());
    size_t lo = n < kPrefetchDistance ? kPrefetchDistance - n : 0;
    for (size_t off = lo; off < hi; off += kCacheLine) __builtin_prefetch(cur_ + off);
  }

  // Consumes n bytes that need not fit in the window (stepping over a large block). False when
  // the input ends or fails first.
  bool skip(uint64_t n);

  // Offset of the first unread byte in the (uncompressed) stream.
  uint64_t position() const { return base_ + static_cast<uint64_t>(cur_ - begin_); }

  // Bytes taken from the underlying file so far (compressed bytes for gzip); for progress.
  virtual uint64_t inputBytes() const = 0;

  // The largest n that ensure() can satisfy.
  virtual size_t capacity() const = 0;

  StreamState state() const { return state_; }
  // When state() is Failed: one line saying why.
  const std::string& error() const { return error_; }

 protected:
  // Makes at least n unread bytes available, moving the window (invalidating views into it);
  // returns available() >= n. Sets state_ to End or Failed when the input stops.
  virtual bool refill(size_t n) = 0;

  void fail(std::string why) {
    state_ = StreamState::Failed;
    error_ = std::move(why);
  }

  const uint8_t* begin_ = nullptr;  // window buffer start; its stream offset is base_
  const uint8_t* cur_ = nullptr;    // first unread byte
  const uint8_t* end_ = nullptr;    // one past the last byte in the window
  uint64_t base_ = 0;
  StreamState state_ = StreamState::Ok;
  std::string error_;
};

// Bytes in memory that someone else owns (openCaptureBuffer): the window is the whole buffer.
std::unique_ptr<ByteStream> makeMemoryStream(Bytes data);

// A regular file mapped read-only (MAP_PRIVATE, MADV_SEQUENTIAL): the window is the whole file,
// valid for the stream's life. Null when the file cannot be mapped (then read it in blocks).
std::unique_ptr<ByteStream> makeMappedFileStream(int fd, uint64_t size);

// A file descriptor read in blocks of at least kMinStreamBufferBytes (pipes, FIFOs, character
// devices, files that cannot be mapped). Takes ownership of fd. `min_capacity` is the largest
// record the reader will ask for in one piece.
std::unique_ptr<ByteStream> makeFdStream(int fd, size_t min_capacity);

// Inflates a gzip stream (RFC 1952; concatenated members are read as one stream) from `inner`
// into a block buffer. A corrupt or cut-short stream turns the state to Failed after the bytes
// inflated before the damage.
std::unique_ptr<ByteStream> makeGzipStream(std::unique_ptr<ByteStream> inner, size_t min_capacity);

}  // namespace medtap::capture
