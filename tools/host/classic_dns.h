/**
 * @file classic_dns.h
 * @brief Internal to the native host: the engine's DNS queries sent to one
 *        server over UDP (RFC 1035 §4.2.1), retried over TCP (§4.2.2, a
 *        2-byte length first) when the reply has TC set; non-blocking, on
 *        the worker's own thread, its sockets waited on beside curl's.
 *
 * A query goes out with a random ID; a reply counts only when its ID and
 * question are the query's (anything else is ignored, as a stub resolver
 * ignores spoofed or stray datagrams). The ID is set back to 0 before the
 * reply goes to the engine, which reads it as the DoH form (RFC 8484 §4.1).
 * Reported like DoH: answer (status 0, no Content-Type), timeout (no reply
 * in the time limit), network-error (errno's text).
 */
#ifndef MTASTS_TOOLS_HOST_CLASSIC_DNS_H
#define MTASTS_TOOLS_HOST_CLASSIC_DNS_H

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mtasts/check.h"

namespace mtasts::host::detail {

/** A socket to wait on, and for what (POLLIN, POLLOUT); `revents` is filled by the wait. */
struct dns_wait {
  int fd = -1;
  short events = 0;
};

class classic_dns {
 public:
  /** `server`: "HOST[:PORT]", IPv4, [IPv6] (a bare IPv6 address too) or a name; port 53 by default. */
  explicit classic_dns(const std::string& server);
  ~classic_dns();
  classic_dns(const classic_dns&) = delete;
  classic_dns& operator=(const classic_dns&) = delete;

  /** Why `server` is not of the form HOST[:PORT]; empty when it is. */
  [[nodiscard]] std::string form_error() const { return well_formed_ ? std::string() : error_; }
  /** "dns://HOST:PORT", the resolver the report names. */
  [[nodiscard]] std::string url() const;

  /** Before a check: resolves the server's name when that has not been done yet (getaddrinfo, blocking). */
  void prepare();
  /** Sends the query of request `id` (the request's base64url message). What it observes comes out of collect(). */
  void start(const std::string& id, const std::string& dns_b64, double timeout_ms);
  [[nodiscard]] std::size_t in_flight() const noexcept { return queries_.size() + ready_.size(); }

  /** The sockets to wait on now. */
  void wanted(std::vector<dns_wait>& out) const;
  /** What a wait said about socket `fd` (poll's revents). */
  void ready(int fd, short revents);
  /** When the next query runs out of time (steady clock); nullopt with none in flight. */
  [[nodiscard]] std::optional<std::chrono::steady_clock::time_point> next_deadline() const;
  /** Appends the queries that ended (answered, failed, or out of time by now). */
  void collect(std::vector<check::observation>& out);
  /** Ends every query in flight: each is reported `aborted`. */
  void cancel_all(std::vector<check::observation>& out);

  struct query;

 private:
  void fail(query& q, const std::string& why);
  void answered(query& q, std::string reply);
  void on_udp(query& q);
  void on_tcp(query& q, short revents);
  void to_tcp(query& q);

  std::string host_;  ///< as given, brackets removed
  std::string port_;
  bool resolved_ = false;
  sockaddr_storage addr_{};
  socklen_t addr_len_ = 0;
  bool well_formed_ = false;
  std::string error_;  ///< why the server is not usable (its form, its name)
  std::vector<char> buf_;  ///< one datagram
  std::vector<std::unique_ptr<query>> queries_;
  std::vector<check::observation> ready_;
};

}  // namespace mtasts::host::detail

#endif
