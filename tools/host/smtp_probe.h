/**
 * @file smtp_probe.h
 * @brief The STARTTLS probe of one MX host (RFC 3207; RFC 8461 §4.2): TCP to
 *        port 25 at the host's addresses, the banner, EHLO, STARTTLS, the TLS
 *        handshake with SNI, the chain and the name verified, EHLO again,
 *        QUIT. Nothing else is sent (no MAIL FROM).
 *
 * Blocking, on the calling thread; every step is bounded by the timeout and
 * the probe ends early when `stop` becomes true. The SMTP replies are read by
 * the core's sans-I/O reader (mtasts/smtp.h), which the fuzzer exercises.
 */
#ifndef MTASTS_TOOLS_HOST_SMTP_PROBE_H
#define MTASTS_TOOLS_HOST_SMTP_PROBE_H

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "mtasts/check.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace mtasts::host {

struct probe_settings {
  std::uint16_t port = 25;
  double timeout_ms = 10000;  ///< for each step: connect, each reply, the handshake
  std::string helo_name = "localhost";
  SSL_CTX* ctx = nullptr;     ///< from make_probe_context (shared by every probe; not owned)
};

/**
 * The client context every probe shares: TLS 1.2 at least (RFC 8461 §7.2),
 * the system trust store plus `ca_file` (PEM; empty: none). The handshake
 * itself does not abort on a bad certificate, so that the certificate is
 * still recorded; the verification result is read afterwards. nullptr, with
 * why, when the CA file cannot be loaded. Free it with SSL_CTX_free.
 */
SSL_CTX* make_probe_context(const std::string& ca_file, std::string& error);

/**
 * Probes `host` (lower case, A-labels, no trailing dot) at `addresses` in
 * order until one accepts the connection. The result is in RFC 8460 §4.3's
 * words (check.h, tls_result), with the stage it ended at and the exact
 * reason (errno's text, the server's reply, OpenSSL's verify error).
 */
check::tls_probe probe_starttls(const std::string& host, const std::vector<std::string>& addresses,
                                const probe_settings& settings, const std::atomic<bool>& stop);

}  // namespace mtasts::host

#endif
