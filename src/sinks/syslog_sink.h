// Sends alerts to a syslog server (outputs.syslog): UDP (RFC 5426, one message a datagram), TCP
// (RFC 6587 octet counting: "LEN SP MSG") or a local unix socket (/dev/log). Never blocks the
// packet path: the socket is non-blocking, messages wait in a queue bounded in bytes
// (outputs.syslog.queue_bytes) and go out as fast as the socket takes them, at each alert. A
// server that is down, refuses or stops reading costs nothing but the queue: a full queue drops
// the new message (dropped()), a failed connect or send (failed()) closes the socket and the next
// attempt waits a backoff in packet time, doubling from kFirstBackoff to kMaxBackoff, so that the
// same capture makes the same attempts. At the end of a run flush() waits a bounded wall time
// for what is queued.
#pragma once

#include <sys/socket.h>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "events/event.h"
#include "sinks/syslog_format.h"

namespace medtap::sinks {

struct SyslogTarget {
  enum class Transport : uint8_t { Udp, Tcp, Unix } transport = Transport::Udp;
  std::string host;  // name or address (IPv6 without brackets); the socket path for Unix
  uint16_t port = 514;
};

// "udp://host:514", "tcp://[::1]:601", "unix:///dev/log". Error: one line saying what is wrong.
Result<SyslogTarget> parseSyslogTarget(std::string_view url);

struct SyslogOptions {
  std::string server;  // the URL
  SyslogMessageOptions message;
  size_t queue_bytes = size_t{1} << 20;  // outputs.syslog.queue_bytes
};

class SyslogSink final : public events::EventSink {
 public:
  // Packet time before the first attempt to reach a server that failed, doubled at each failure
  // up to kMaxBackoff, and back to kFirstBackoff once a message went out.
  static constexpr Duration kFirstBackoff = Duration::seconds(1);
  static constexpr Duration kMaxBackoff = Duration::seconds(60);
  // Packet time a TCP connect may stay in progress before it counts as failed.
  static constexpr Duration kConnectTimeout = Duration::seconds(10);
  // Wall time flush() may wait at the end of a run, in all.
  static constexpr int kFlushTimeoutMs = 2000;

  // Checks the URL and resolves the host (once: no name lookup on the packet path). A server
  // that is down is not an error (the run must not depend on it), it shows in failed().
  static Result<std::unique_ptr<SyslogSink>> open(const SyslogOptions& options);
  ~SyslogSink() override;
  SyslogSink(const SyslogSink&) = delete;
  SyslogSink& operator=(const SyslogSink&) = delete;

  // Alerts only; other events are ignored. Queues the message and sends what the socket takes
  // now, without waiting.
  void emit(const events::Event& event) override;
  // At the end of a run: one more connection if there is none, then sends what is queued,
  // waiting at most `timeout_ms` of wall time in all; what is left counts as dropped.
  void flush(int timeout_ms = kFlushTimeoutMs);

  const std::string& server() const { return options_.server; }
  uint64_t sent() const { return sent_; }
  // Connects and sends that failed (syslog_send_failed).
  uint64_t failed() const { return failed_; }
  // Messages never sent: the queue was full, or they were left at the end (syslog_dropped).
  uint64_t dropped() const { return dropped_; }
  uint64_t connectAttempts() const { return connect_attempts_; }
  size_t queuedBytes() const { return queued_bytes_; }
  size_t queuedMessages() const { return queue_.size(); }
  // Why the last attempt failed ("" when none did).
  const std::string& lastError() const { return last_error_; }

 private:
  enum class State : uint8_t { Closed, Connecting, Open };
  struct Address {
    sockaddr_storage addr{};
    socklen_t len = 0;
    int family = 0;
  };

  SyslogSink(SyslogOptions options, SyslogTarget target, std::vector<Address> addresses);
  void pump(Timestamp now);
  // Starts a connection without waiting: Open, Connecting, or false (Closed, last_error_ set).
  bool startConnect();
  // Whether the connect in progress completed within `timeout_ms`: 1 yes, 0 not yet, -1 failed.
  int connectDone(int timeout_ms);
  // Sends queued messages until the socket would block; false on an error.
  bool writeQueued();
  void onFailure(Timestamp now);
  void closeSocket();

  SyslogOptions options_;
  SyslogTarget target_;
  std::vector<Address> addresses_;  // resolved once, by open()
  int fd_ = -1;
  State state_ = State::Closed;
  bool datagram_ = false;  // of the open socket
  Timestamp next_attempt_{};
  Timestamp connect_started_{};
  bool attempted_ = false;
  Duration backoff_ = kFirstBackoff;
  std::deque<std::string> queue_;  // framed messages
  size_t queued_bytes_ = 0;
  size_t front_sent_ = 0;  // bytes of queue_.front() already on a stream socket
  uint64_t sent_ = 0, failed_ = 0, dropped_ = 0, connect_attempts_ = 0;
  std::string last_error_;
  std::string eve_line_;
};

}  // namespace medtap::sinks
