#include "sinks/syslog_sink.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

#include "sinks/eve_writer.h"

namespace medtap::sinks {

namespace {

Result<uint16_t> parsePort(std::string_view text, std::string_view url) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value == 0 ||
      value > 65535) {
    return Error{"syslog server " + std::string(url) + ": the port must be 1-65535"};
  }
  return static_cast<uint16_t>(value);
}

// The socket would block: the message stays queued for the next alert.
bool wouldBlock(int err) {
  return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS;
}

}  // namespace

Result<SyslogTarget> parseSyslogTarget(std::string_view url) {
  SyslogTarget t;
  std::string_view rest;
  auto scheme = [&](std::string_view prefix) {
    if (url.substr(0, prefix.size()) != prefix) return false;
    rest = url.substr(prefix.size());
    return true;
  };
  if (scheme("unix://")) {
    t.transport = SyslogTarget::Transport::Unix;
    if (rest.empty() || rest.front() != '/' || rest.size() >= sizeof(sockaddr_un{}.sun_path)) {
      return Error{"syslog server " + std::string(url) +
                   ": a unix socket is an absolute path, unix:///dev/log"};
    }
    t.host = std::string(rest);
    return t;
  }
  if (scheme("udp://")) {
    t.transport = SyslogTarget::Transport::Udp;
    t.port = 514;
  } else if (scheme("tcp://")) {
    t.transport = SyslogTarget::Transport::Tcp;
    t.port = 601;
  } else {
    return Error{"syslog server " + std::string(url) +
                 ": expected udp://HOST:PORT, tcp://HOST:PORT or unix:///PATH"};
  }
  std::string_view host = rest, port;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      return Error{"syslog server " + std::string(url) + ": unclosed '[' in the address"};
    }
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return Error{"syslog server " + std::string(url) + ": expected ':' after ']'"};
      }
      port = after.substr(1);
    }
  } else if (const size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (!port.empty() || (!rest.empty() && rest.back() == ':')) {
    auto p = parsePort(port, url);
    if (!p) return Error{p.error()};
    t.port = p.value();
  }
  if (host.empty() || host.find_first_of("/ ") != std::string_view::npos) {
    return Error{"syslog server " + std::string(url) + ": no host"};
  }
  t.host = std::string(host);
  return t;
}

Result<std::unique_ptr<SyslogSink>> SyslogSink::open(const SyslogOptions& options) {
  auto target = parseSyslogTarget(options.server);
  if (!target) return Error{target.error()};
  std::vector<Address> addresses;
  if (target->transport != SyslogTarget::Transport::Unix) {
    const bool tcp = target->transport == SyslogTarget::Transport::Tcp;
    addrinfo hints{};
    hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(target->port);
    const int rc = ::getaddrinfo(target->host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0) {
      return Error{"syslog server " + options.server + ": " + ::gai_strerror(rc)};
    }
    for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
      if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
      Address a;
      std::memcpy(&a.addr, ai->ai_addr, ai->ai_addrlen);
      a.len = ai->ai_addrlen;
      a.family = ai->ai_family;
      addresses.push_back(a);
    }
    ::freeaddrinfo(found);
  }
  std::unique_ptr<SyslogSink> sink(
      new SyslogSink(options, std::move(target.value()), std::move(addresses)));
  return sink;
}

SyslogSink::SyslogSink(SyslogOptions options, SyslogTarget target, std::vector<Address> addresses)
    : options_(std::move(options)), target_(std::move(target)), addresses_(std::move(addresses)) {}

SyslogSink::~SyslogSink() {
  closeSocket();
}

void SyslogSink::closeSocket() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  state_ = State::Closed;
  front_sent_ = 0;  // a new connection gets the message whole
}

bool SyslogSink::startConnect() {
  closeSocket();
  ++connect_attempts_;
  if (target_.transport == SyslogTarget::Transport::Unix) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, target_.host.data(), target_.host.size());
    // /dev/log is a datagram socket on Linux; a stream one is tried too.
    for (int type : {SOCK_DGRAM, SOCK_STREAM}) {
      fd_ = ::socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (fd_ < 0) break;
      if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        state_ = State::Open;
        datagram_ = type == SOCK_DGRAM;
        return true;
      }
      const bool wrong_type = errno == EPROTOTYPE;
      last_error_ = std::strerror(errno);
      closeSocket();
      if (!wrong_type) break;
    }
    return false;
  }
  const bool tcp = target_.transport == SyslogTarget::Transport::Tcp;
  for (const Address& a : addresses_) {
    fd_ = ::socket(a.family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) continue;
    datagram_ = !tcp;
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&a.addr), a.len) == 0) {
      state_ = State::Open;
      return true;
    }
    if (errno == EINPROGRESS) {
      state_ = State::Connecting;
      return true;
    }
    last_error_ = std::strerror(errno);
    closeSocket();
  }
  if (addresses_.empty()) last_error_ = "no address";
  return false;
}

int SyslogSink::connectDone(int timeout_ms) {
  pollfd p{fd_, POLLOUT, 0};
  const int n = ::poll(&p, 1, timeout_ms);
  if (n == 0) return 0;
  int err = n < 0 ? errno : 0;
  socklen_t len = sizeof err;
  if (n > 0 && ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) {
    last_error_ = std::strerror(err);
    return -1;
  }
  state_ = State::Open;
  return 1;
}

bool SyslogSink::writeQueued() {
  while (!queue_.empty()) {
    const std::string& m = queue_.front();
    const ssize_t n =
        ::send(fd_, m.data() + front_sent_, m.size() - front_sent_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (wouldBlock(errno)) return true;
      last_error_ = std::strerror(errno);
      return false;
    }
    // A datagram goes whole or not at all; a stream may take part of a message.
    front_sent_ += static_cast<size_t>(n);
    if (datagram_ || front_sent_ >= m.size()) {
      queued_bytes_ -= m.size();
      queue_.pop_front();
      front_sent_ = 0;
      ++sent_;
      backoff_ = kFirstBackoff;
    }
  }
  return true;
}

void SyslogSink::onFailure(Timestamp now) {
  closeSocket();
  ++failed_;
  next_attempt_ = now + backoff_;
  backoff_ = std::min(Duration{backoff_.ns * 2}, kMaxBackoff);
}

void SyslogSink::pump(Timestamp now) {
  if (state_ == State::Closed) {
    if (attempted_ && now < next_attempt_) return;
    attempted_ = true;
    connect_started_ = now;
    if (!startConnect()) return onFailure(now);
  }
  if (state_ == State::Connecting) {
    const int done = connectDone(0);
    if (done == 0 && now < connect_started_ + kConnectTimeout) return;
    if (done <= 0) {
      if (done == 0) last_error_ = "connect timed out";
      return onFailure(now);
    }
  }
  if (!writeQueued()) onFailure(now);
}

void SyslogSink::emit(const events::Event& event) {
  if (!std::holds_alternative<events::AlertRecord>(event.body)) return;
  eve_line_.clear();
  formatEve(event, eve_line_);
  std::string message = formatSyslog(event, eve_line_, options_.message);
  if (target_.transport == SyslogTarget::Transport::Tcp) {
    message = std::to_string(message.size()) + " " + message;  // RFC 6587 3.4.1
  }
  // The newest waits behind the older ones, or is dropped: a full queue keeps the first alerts.
  if (queued_bytes_ + message.size() > options_.queue_bytes) {
    ++dropped_;
  } else {
    queued_bytes_ += message.size();
    queue_.push_back(std::move(message));
  }
  pump(event.ts);
}

void SyslogSink::flush(int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  auto left = [&] {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::max<int64_t>(ms, 0));
  };
  if (!queue_.empty() && state_ == State::Closed && !startConnect()) ++failed_;
  while (!queue_.empty() && state_ != State::Closed) {
    if (state_ == State::Connecting) {
      if (connectDone(left()) <= 0) {
        closeSocket();
        ++failed_;
        break;
      }
    }
    if (!writeQueued()) {
      closeSocket();
      ++failed_;
      break;
    }
    if (queue_.empty()) break;
    pollfd p{fd_, POLLOUT, 0};
    if (left() == 0 || ::poll(&p, 1, left()) <= 0) break;
  }
  dropped_ += queue_.size();
  queue_.clear();
  queued_bytes_ = 0;
  front_sent_ = 0;
}

}  // namespace medtap::sinks
