// Sends alerts to a syslog server (outputs.syslog): UDP (RFC 5426, one message a datagram), TCP
// (RFC 6587 octet counting: "LEN SP MSG") or a local unix socket (/dev/log). Synchronous, one
// write per alert: alerts are few. A server that is down or refuses never stops the analysis:
// the message is counted as failed and the run goes on; a lost TCP connection is opened again,
// at most once per kReconnectInterval of packet time, so that a dead server costs one connect
// timeout per interval, not one per alert.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

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
};

class SyslogSink final : public events::EventSink {
 public:
  // Packet time between two attempts to reach a server that failed.
  static constexpr Duration kReconnectInterval = Duration::seconds(60);
  // How long a TCP connect or send may block before the message counts as failed.
  static constexpr int kTimeoutMs = 2000;

  // Checks the URL and resolves the host. The first connection is tried here; a server that is
  // down is not an error (the run must not depend on it), it shows in failed().
  static Result<std::unique_ptr<SyslogSink>> open(const SyslogOptions& options);
  ~SyslogSink() override;
  SyslogSink(const SyslogSink&) = delete;
  SyslogSink& operator=(const SyslogSink&) = delete;

  // Alerts only; other events are ignored.
  void emit(const events::Event& event) override;

  const std::string& server() const { return options_.server; }
  uint64_t sent() const { return sent_; }
  uint64_t failed() const { return failed_; }
  // Why the last message failed ("" when none did).
  const std::string& lastError() const { return last_error_; }

 private:
  SyslogSink(SyslogOptions options, SyslogTarget target);
  bool connect();
  bool sendMessage(const std::string& message);
  void closeSocket();

  SyslogOptions options_;
  SyslogTarget target_;
  int fd_ = -1;
  Timestamp next_attempt_{};
  bool attempted_ = false;
  uint64_t sent_ = 0, failed_ = 0;
  std::string last_error_;
  std::string eve_line_;
};

}  // namespace medtap::sinks
