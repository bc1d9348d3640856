#include "sinks/syslog_sink.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
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

// Waits for a non-blocking connect; true when it completed.
bool awaitConnect(int fd, int timeout_ms) {
  pollfd p{fd, POLLOUT, 0};
  if (::poll(&p, 1, timeout_ms) != 1) {
    errno = ETIMEDOUT;
    return false;
  }
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return false;
  errno = err;
  return err == 0;
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
  if (target->transport != SyslogTarget::Transport::Unix) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(target->host.c_str(), nullptr, &hints, &found);
    if (rc != 0) {
      return Error{"syslog server " + options.server + ": " + ::gai_strerror(rc)};
    }
    ::freeaddrinfo(found);
  }
  std::unique_ptr<SyslogSink> sink(new SyslogSink(options, std::move(target.value())));
  return sink;
}

SyslogSink::SyslogSink(SyslogOptions options, SyslogTarget target)
    : options_(std::move(options)), target_(std::move(target)) {}

SyslogSink::~SyslogSink() {
  closeSocket();
}

void SyslogSink::closeSocket() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool SyslogSink::connect() {
  closeSocket();
  if (target_.transport == SyslogTarget::Transport::Unix) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, target_.host.data(), target_.host.size());
    // /dev/log is a datagram socket on Linux; a stream one is tried too.
    for (int type : {SOCK_DGRAM, SOCK_STREAM}) {
      fd_ = ::socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
      if (fd_ < 0) break;
      if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return true;
      const bool wrong_type = errno == EPROTOTYPE;
      last_error_ = std::strerror(errno);
      closeSocket();
      if (!wrong_type) break;
    }
    return false;
  }
  const bool tcp = target_.transport == SyslogTarget::Transport::Tcp;
  addrinfo hints{};
  hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(target_.port);
  if (int rc = ::getaddrinfo(target_.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    last_error_ = ::gai_strerror(rc);
    return false;
  }
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    fd_ = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd_ < 0) continue;
    const bool ok = ::connect(fd_, ai->ai_addr, ai->ai_addrlen) == 0 ||
                    (errno == EINPROGRESS && awaitConnect(fd_, kTimeoutMs));
    if (ok) {
      // Back to blocking, with a bound on how long one send may wait.
      ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
      timeval tv{kTimeoutMs / 1000, (kTimeoutMs % 1000) * 1000};
      ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      ::freeaddrinfo(found);
      return true;
    }
    last_error_ = std::strerror(errno);
    closeSocket();
  }
  ::freeaddrinfo(found);
  return false;
}

bool SyslogSink::sendMessage(const std::string& message) {
  std::string framed;
  const std::string* out = &message;
  if (target_.transport == SyslogTarget::Transport::Tcp) {
    framed = std::to_string(message.size()) + " " + message;  // RFC 6587 3.4.1
    out = &framed;
  }
  size_t done = 0;
  while (done < out->size()) {
    const ssize_t n = ::send(fd_, out->data() + done, out->size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      last_error_ = std::strerror(errno);
      return false;
    }
    // A datagram goes whole or not at all.
    done += static_cast<size_t>(n);
  }
  return true;
}

void SyslogSink::emit(const events::Event& event) {
  if (!std::holds_alternative<events::AlertRecord>(event.body)) return;
  eve_line_.clear();
  formatEve(event, eve_line_);
  const std::string message = formatSyslog(event, eve_line_, options_.message);
  const Timestamp now = event.ts;
  if (fd_ < 0) {
    if (attempted_ && now < next_attempt_) {
      ++failed_;
      return;
    }
    attempted_ = true;
    if (!connect()) {
      next_attempt_ = now + kReconnectInterval;
      ++failed_;
      return;
    }
  }
  if (sendMessage(message)) {
    ++sent_;
    return;
  }
  // A connection the server closed: one new one, then give up until the next interval.
  if (target_.transport != SyslogTarget::Transport::Udp && connect() && sendMessage(message)) {
    ++sent_;
    return;
  }
  if (target_.transport != SyslogTarget::Transport::Udp) closeSocket();
  next_attempt_ = now + kReconnectInterval;
  ++failed_;
}

}  // namespace medtap::sinks
