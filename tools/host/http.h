/**
 * @file http.h
 * @brief Internal to the native host: the HTTPS requests of the domain check
 *        with libcurl's multi interface, DNS over HTTPS (RFC 8484 GET) and
 *        the policy GET (RFC 8461 §3.3), each reported as web/host.mjs
 *        reports it (dohQuery, fetchPolicy), plus what only a native host can
 *        tell about a failure (observation::failure).
 *
 * One `http_client` per worker: its multi handle keeps the connections
 * (HTTP/2 to the DoH resolver above all) from one check to the next. It is
 * driven from one thread; only wakeup() may be called from another.
 */
#ifndef MTASTS_TOOLS_HOST_HTTP_H
#define MTASTS_TOOLS_HOST_HTTP_H

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "mtasts/check.h"

namespace mtasts::host::detail {

using steady = std::chrono::steady_clock;

/** Milliseconds between two points of the steady clock. */
inline double ms_between(steady::time_point from, steady::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

/**
 * The trust store of every HTTPS request, made once for the process by
 * init(): the system's (the CA bundle and directory libcurl would load) plus
 * every certificate of `ca_file` (PEM; empty: none), shared by every
 * connection through CURLOPT_SSL_CTX_FUNCTION. false, with why, when ca_file
 * cannot be read or holds no certificate. free_trust_store() in cleanup().
 * Without it (init() not called) curl loads the system's for each connection.
 */
bool make_trust_store(const std::string& ca_file, std::string& error);
void free_trust_store();

/** false, with why, when libcurl's TLS is not OpenSSL (the shared store needs CURLOPT_SSL_CTX_FUNCTION on an SSL_CTX). */
bool curl_tls_is_openssl(std::string& error);

/** resolver + ('?' | '&' | '') + "dns=" + b64, any fragment dropped (web/host.mjs, dohGetUrl). */
std::string doh_get_url(const std::string& resolver, const std::string& b64);

/** A body excerpt safe to show (web/host.mjs, safeDetail): UTF-8 decoded with U+FFFD, 200 code points, controls as spaces. */
std::string safe_detail(const std::string& bytes);

struct http_settings {
  std::vector<std::string> connect_to;  ///< CURLOPT_CONNECT_TO, every request
  std::string user_agent;
};

class http_client {
 public:
  explicit http_client(const http_settings& s);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /** Starts GET `url` for DoH request `id`. What it observes comes out of collect(). */
  void start_doh(const std::string& id, const std::string& url, double timeout_ms);
  /** Starts the policy GET: no redirect followed, the body read up to policy_max_bytes + 1. */
  void start_policy(const std::string& id, const std::string& url, double timeout_ms);

  /** Transfers started and not collected yet. */
  [[nodiscard]] std::size_t in_flight() const noexcept { return transfers_.size() + ready_.size(); }

  /**
   * Waits at most `timeout_ms` for curl's sockets, the `extra` ones (their
   * revents are set) or a wakeup(), then lets curl do what it can.
   */
  void wait(std::vector<curl_waitfd>& extra, int timeout_ms);
  /** Ends a wait() early; any thread. */
  void wakeup() noexcept;
  /** Appends the transfers that ended (each with its id and elapsed_ms). */
  void collect(std::vector<check::observation>& out);
  /** Ends every transfer in flight: each is reported `aborted`. */
  void cancel_all(std::vector<check::observation>& out);

  struct transfer;

 private:
  void start(std::unique_ptr<transfer> t, const std::string& url, double timeout_ms);
  check::observation finish(transfer& t, CURLcode result);

  CURLM* multi_ = nullptr;
  curl_slist* connect_to_ = nullptr;
  curl_slist* doh_headers_ = nullptr;
  std::string user_agent_;
  std::unordered_map<CURL*, std::unique_ptr<transfer>> transfers_;
  std::vector<check::observation> ready_;  ///< ended before curl saw them (a handle that could not be made)
};

}  // namespace mtasts::host::detail

#endif
