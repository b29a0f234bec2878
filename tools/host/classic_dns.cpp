/**
 * @file classic_dns.cpp
 * @brief Classic DNS for the native host (classic_dns.h): UDP, then TCP when
 *        the reply is truncated, every socket non-blocking and waited on by
 *        the worker's loop beside curl's.
 *
 * Theory of operation. Each query is one small state machine:
 *   udp          sent; waiting for a datagram with the query's ID and
 *                question (others are dropped); TC set: tcp_connect
 *   tcp_connect  a non-blocking connect to the same address and port
 *   tcp_send     the 2-byte length and the query (the same ID)
 *   tcp_recv     length-prefixed messages until one matches
 * One time limit covers the whole exchange; past it the query is a timeout.
 */
#include "classic_dns.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <poll.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <utility>

#include "http.h"
#include "mtasts/base64.h"

namespace mtasts::host::detail {

using check::observation;
using check::observation_kind;

struct classic_dns::query {
  enum class phase : std::uint8_t { udp, tcp_connect, tcp_send, tcp_recv };
  std::string id;
  std::string msg;       ///< the query as sent, with its random ID
  std::size_t qname_end = 0;  ///< the question is msg[12, qend): the name, then type and class
  std::size_t qend = 0;
  int fd = -1;
  phase ph = phase::udp;
  std::string out;  ///< tcp: the length and the query
  std::size_t sent = 0;
  std::string in;   ///< tcp: bytes read so far
  steady::time_point start, deadline;
  bool done = false;

  ~query() {
    if (fd >= 0) ::close(fd);
  }
};

namespace {

std::uint16_t random_id() {
  std::uint16_t id = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&id), sizeof id) == 1) return id;
  thread_local std::mt19937 gen{std::random_device{}()};
  return static_cast<std::uint16_t>(gen());
}

char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/** Whether `r` answers `q`: the same ID, QR set, one question, and the same question (the name in any case). */
bool matches(const classic_dns::query& q, const char* r, std::size_t n) {
  if (n < q.qend || n < 12) return false;
  if (r[0] != q.msg[0] || r[1] != q.msg[1]) return false;
  if ((static_cast<unsigned char>(r[2]) & 0x80) == 0) return false;
  if (r[4] != 0 || r[5] != 1) return false;
  for (std::size_t i = 12; i < q.qname_end; ++i)
    if (fold(r[i]) != fold(q.msg[i])) return false;
  return std::memcmp(r + q.qname_end, q.msg.data() + q.qname_end, q.qend - q.qname_end) == 0;
}

std::string errno_text(int e) { return std::strerror(e); }

}  // namespace

classic_dns::classic_dns(const std::string& server) {
  std::string host = server, port = "53";
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string::npos) {
      error_ = "the DNS server " + server + " has '[' without ']'";
    } else {
      const std::string rest = host.substr(close + 1);
      host = host.substr(1, close - 1);
      if (!rest.empty()) {
        if (rest.front() == ':')
          port = rest.substr(1);
        else
          error_ = "the DNS server " + server + " has something after ']' that is not :PORT";
      }
    }
  } else if (std::count(host.begin(), host.end(), ':') == 1) {
    port = host.substr(host.find(':') + 1);
    host = host.substr(0, host.find(':'));
  }
  // more than one ':' and no brackets: a bare IPv6 address, port 53
  const bool numeric = !port.empty() && port.size() <= 5 &&
                       std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (error_.empty() && (!numeric || std::stoul(port) == 0 || std::stoul(port) > 65535))
    error_ = "the DNS server " + server + " has no valid port (1-65535)";
  if (error_.empty() && host.empty()) error_ = "the DNS server " + server + " has no host";
  host_ = host;
  port_ = port;
  well_formed_ = error_.empty();
}

classic_dns::~classic_dns() = default;

std::string classic_dns::url() const {
  const bool v6 = host_.find(':') != std::string::npos;
  return "dns://" + (v6 ? "[" + host_ + "]" : host_) + ":" + port_;
}

void classic_dns::prepare() {
  if (resolved_ || !well_formed_) return;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(host_.c_str(), port_.c_str(), &hints, &res);
  if (rc != 0 || res == nullptr) {
    error_ = "cannot resolve the DNS server " + host_ + ": " + (rc == EAI_SYSTEM ? errno_text(errno) : gai_strerror(rc));
    if (res != nullptr) ::freeaddrinfo(res);
    return;
  }
  std::memcpy(&addr_, res->ai_addr, res->ai_addrlen);
  addr_len_ = res->ai_addrlen;
  ::freeaddrinfo(res);
  resolved_ = true;
  error_.clear();
}

void classic_dns::start(const std::string& id, const std::string& dns_b64, double timeout_ms) {
  auto q = std::make_unique<query>();
  q->id = id;
  q->start = steady::now();
  q->deadline = q->start + std::chrono::microseconds(static_cast<long long>(std::max(1.0, timeout_ms) * 1000));
  query& r = *q;
  queries_.push_back(std::move(q));

  if (!resolved_) {
    fail(r, error_.empty() ? "the DNS server " + host_ + " was not resolved" : error_);
    return;
  }
  auto bytes = base64_decode(dns_b64);
  // The question: a name of uncompressed labels from offset 12, then type and class.
  std::size_t i = 12;
  if (bytes) {
    while (i < bytes->size() && (*bytes)[i] != 0) i += 1 + static_cast<unsigned char>((*bytes)[i]);
  }
  if (!bytes || bytes->size() < 12 || i + 5 > bytes->size()) {
    fail(r, "the engine's query could not be read");
    return;
  }
  r.msg = std::move(*bytes);
  r.qname_end = i + 1;
  r.qend = i + 5;
  const std::uint16_t qid = random_id();
  r.msg[0] = static_cast<char>(qid >> 8);
  r.msg[1] = static_cast<char>(qid & 0xFF);

  r.fd = ::socket(addr_.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (r.fd < 0) {
    fail(r, errno_text(errno));
    return;
  }
  // connect(): only the server's datagrams come in, and an ICMP refusal shows as ECONNREFUSED.
  if (::connect(r.fd, reinterpret_cast<const sockaddr*>(&addr_), addr_len_) != 0 ||
      ::send(r.fd, r.msg.data(), r.msg.size(), MSG_NOSIGNAL) < 0) {
    fail(r, errno_text(errno));
    return;
  }
}

void classic_dns::wanted(std::vector<dns_wait>& out) const {
  for (const auto& q : queries_) {
    if (q->done || q->fd < 0) continue;
    const bool write = q->ph == query::phase::tcp_connect || q->ph == query::phase::tcp_send;
    out.push_back(dns_wait{q->fd, static_cast<short>(write ? POLLOUT : POLLIN)});
  }
}

void classic_dns::ready(int fd, short revents) {
  if (fd < 0 || revents == 0) return;
  for (auto& q : queries_) {
    if (q->done || q->fd != fd) continue;
    if (q->ph == query::phase::udp)
      on_udp(*q);
    else
      on_tcp(*q, revents);
    return;
  }
}

void classic_dns::on_udp(query& q) {
  if (buf_.size() < 65536) buf_.resize(65536);
  for (;;) {
    const ssize_t n = ::recv(q.fd, buf_.data(), buf_.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) fail(q, errno_text(errno));
      return;
    }
    if (!matches(q, buf_.data(), static_cast<std::size_t>(n))) continue;  // not ours: keep waiting
    if (static_cast<unsigned char>(buf_[2]) & 0x02) {
      to_tcp(q);  // TC: the whole answer over TCP
      return;
    }
    answered(q, std::string(buf_.data(), static_cast<std::size_t>(n)));
    return;
  }
}

void classic_dns::to_tcp(query& q) {
  ::close(q.fd);
  q.fd = ::socket(addr_.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (q.fd < 0) {
    fail(q, errno_text(errno));
    return;
  }
  q.out.clear();
  q.out += static_cast<char>(q.msg.size() >> 8);
  q.out += static_cast<char>(q.msg.size() & 0xFF);
  q.out += q.msg;
  q.sent = 0;
  q.in.clear();
  if (::connect(q.fd, reinterpret_cast<const sockaddr*>(&addr_), addr_len_) == 0) {
    q.ph = query::phase::tcp_send;
  } else if (errno == EINPROGRESS) {
    q.ph = query::phase::tcp_connect;
  } else {
    fail(q, errno_text(errno));
  }
}

void classic_dns::on_tcp(query& q, short revents) {
  if (q.ph == query::phase::tcp_connect) {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(q.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) {
      fail(q, errno_text(err));
      return;
    }
    if ((revents & POLLOUT) == 0) {
      if (revents & (POLLERR | POLLHUP)) fail(q, "the TCP connection to the server failed");
      return;
    }
    q.ph = query::phase::tcp_send;
  }
  if (q.ph == query::phase::tcp_send) {
    while (q.sent < q.out.size()) {
      const ssize_t n = ::send(q.fd, q.out.data() + q.sent, q.out.size() - q.sent, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) fail(q, errno_text(errno));
        return;
      }
      q.sent += static_cast<std::size_t>(n);
    }
    q.ph = query::phase::tcp_recv;
    return;
  }
  char chunk[16384];
  for (;;) {
    const ssize_t n = ::recv(q.fd, chunk, sizeof chunk, 0);
    if (n == 0) {
      fail(q, "the server closed the TCP connection without an answer");
      return;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) fail(q, errno_text(errno));
      return;
    }
    q.in.append(chunk, static_cast<std::size_t>(n));
    while (q.in.size() >= 2) {
      const std::size_t len = (static_cast<std::size_t>(static_cast<unsigned char>(q.in[0])) << 8) |
                              static_cast<unsigned char>(q.in[1]);
      if (q.in.size() < 2 + len) break;
      if (matches(q, q.in.data() + 2, len)) {
        answered(q, q.in.substr(2, len));
        return;
      }
      q.in.erase(0, 2 + len);  // not ours: the next message
    }
  }
}

void classic_dns::fail(query& q, const std::string& why) {
  observation o;
  o.id = q.id;
  o.kind = observation_kind::network_error;
  o.message = why;
  o.elapsed_ms = ms_between(q.start, steady::now());
  ready_.push_back(std::move(o));
  q.done = true;
  if (q.fd >= 0) ::close(q.fd);
  q.fd = -1;
}

void classic_dns::answered(query& q, std::string reply) {
  reply[0] = 0;  // the DoH form (RFC 8484 §4.1): ID 0
  reply[1] = 0;
  observation o;
  o.id = q.id;
  o.kind = observation_kind::answer;
  o.bytes = std::move(reply);
  o.elapsed_ms = ms_between(q.start, steady::now());
  ready_.push_back(std::move(o));
  q.done = true;
  ::close(q.fd);
  q.fd = -1;
}

std::optional<steady::time_point> classic_dns::next_deadline() const {
  std::optional<steady::time_point> next;
  for (const auto& q : queries_)
    if (!q->done && (!next || q->deadline < *next)) next = q->deadline;
  return next;
}

void classic_dns::collect(std::vector<observation>& out) {
  const auto now = steady::now();
  for (auto& q : queries_) {
    if (q->done || now < q->deadline) continue;
    observation o;
    o.id = q->id;
    o.kind = observation_kind::timeout;
    o.elapsed_ms = ms_between(q->start, now);
    ready_.push_back(std::move(o));
    q->done = true;
  }
  for (auto& o : ready_) out.push_back(std::move(o));
  ready_.clear();
  queries_.erase(std::remove_if(queries_.begin(), queries_.end(), [](const auto& q) { return q->done; }), queries_.end());
}

void classic_dns::cancel_all(std::vector<observation>& out) {
  const auto now = steady::now();
  for (auto& o : ready_) out.push_back(std::move(o));
  ready_.clear();
  for (auto& q : queries_) {
    if (q->done) continue;
    observation o;
    o.id = q->id;
    o.kind = observation_kind::aborted;
    o.elapsed_ms = ms_between(q->start, now);
    out.push_back(std::move(o));
  }
  queries_.clear();
}

}  // namespace mtasts::host::detail
