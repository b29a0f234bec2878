/**
 * @file host.h
 * @brief The native host of the domain check: it runs the requests the
 *        engine (mtasts/check.h) asks for with real I/O, DNS over HTTPS or
 *        classic DNS, the policy GET (libcurl, OpenSSL) and the STARTTLS
 *        probe of each MX host (smtp_probe.h), and feeds back what it saw.
 *
 * The engine stays sans-I/O; everything here is the host's. One `worker`
 * per thread runs checks one after another, keeping its connections (to
 * the DoH resolver, say) between them. `init` once per process, first.
 *
 *   mtasts::host::config c;             // from the CLI's options
 *   std::string why;
 *   if (!mtasts::host::init(c, why)) ... // the CA file could not be read
 *   mtasts::host::worker w(c);
 *   std::atomic<bool> stop{false};      // set from SIGINT: in-flight requests end as aborted
 *   mtasts::check::report r = w.run("example.com", stop);
 */
#ifndef MTASTS_TOOLS_HOST_HOST_H
#define MTASTS_TOOLS_HOST_HOST_H

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mtasts/check.h"
#include "mtasts/limits.h"

namespace mtasts::host {

/** The CLI's options for the live check (docs in tools/cli/main.cpp's usage). */
struct config {
  /** The DoH resolver (RFC 8484 GET), as the page's default. */
  std::string resolver = "https://cloudflare-dns.com/dns-query";
  /** Classic DNS instead of DoH: "HOST[:PORT]" (port 53), IPv4 or [IPv6]; UDP, retried over TCP when truncated. */
  std::string dns_server;
  /** Extra trust anchors (a PEM file) beside the system's, for DoH, the policy and STARTTLS alike. */
  std::string ca_file;
  /** curl's --connect-to entries ("HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT"), for the HTTPS requests only (tests, a policy host before its DNS changes). */
  std::vector<std::string> connect_to;
  /** Per request (a DNS query, the policy GET) and per step of a probe; 0: each one's default (limits.h). */
  double timeout_ms = 0;
  /** Probe the MX hosts' STARTTLS (false: --no-smtp). */
  bool starttls = true;
  std::uint16_t smtp_port = 25;
  /** MX hosts whose TLSA records are looked up (the page's tlsaCap). */
  std::size_t tlsa_cap = limits::tlsa_cap;
  /** The EHLO name of the probe; empty: this machine's host name when it is a FQDN, else "localhost". */
  std::string helo_name;
  /** The User-Agent of every HTTPS request: "mtasts/<version>". Empty: that default. */
  std::string user_agent;
};

/** Once per process, before any worker: curl_global_init and OpenSSL; checks that ca_file is a readable PEM. false, with why, otherwise. */
bool init(const config& c, std::string& error);
/** Once at exit, after every worker is gone. */
void cleanup();

/** Runs checks one after another on one thread, reusing its connections. */
class worker {
 public:
  explicit worker(const config& c);
  ~worker();
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;
  /**
   * Runs the whole check of `input` (as typed; an IDN is mapped to A-labels
   * first) and returns the final report. Every request the engine asks for
   * starts at once (the policy GET and the probes too); the check's overall
   * deadline is limits::total_timeout_ms (plus the probes' own limits). When
   * `stop` becomes true, what is in flight ends as aborted and the partial
   * report is returned promptly (within about 100 ms).
   */
  check::report run(const std::string& input, const std::atomic<bool>& stop);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mtasts::host

#endif
