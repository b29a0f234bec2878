/**
 * @file fake_resolver.h
 * @brief The fake network of the C++ tests: a DNS-over-HTTPS resolver and
 *        MTA-STS policy hosts described in tests/support/fake-net.mjs's
 *        JSON format, answering the domain check's requests with the
 *        observations web/host.mjs and wasm/mtasts.mjs would hand the engine.
 *
 * The resolver decodes each query's wire bytes and builds the RFC 1035
 * response octet by octet as fake-net's resolve() and buildResponse() do
 * (the question echoed, CNAME chains followed inside the zone, the AD bit
 * as the AND along the chain, name compression on request, an OPT record
 * carrying an Extended DNS Error), with fake-net's per-name overrides (rcode,
 * http, garbage, wrongId, wrongQuestion, tc, stopCname, truncate, padTo,
 * hang, networkError, bodyError, `only`, and `everyQuery` for all names).
 * What dohQuery() would then report becomes the observation: an answer (cut
 * at 65,535 bytes, `truncated`), an HTTP error with the body's first 200
 * characters, a network error, a timeout.
 *
 * A policy host, keyed by host name, behaves like Chromium's fetch of it
 * (what fake-net emulates and tests/e2e/support/world.mjs serves for real):
 * the CORS GET with redirect 'manual' (a redirect is an opaqueredirect, its
 * status hidden), then the no-cors probe that tells "reachable but not
 * readable" (cors_blocked) from "unreachable", then the user's relay
 * (X-Relay-Error / X-Relay-Upstream-Ms / X-Relay-Content-Type), as
 * fetchPolicy() does; the body read as a stream, cut at 65,536 + 1 bytes. A
 * host the scenario does not list, or one whose certificate is not 'good',
 * fails as a TLS failure does in a browser.
 *
 * Nothing here waits: a hang is the timeout observation straight away.
 */
#ifndef MTASTS_TESTS_UNIT_FAKE_RESOLVER_H
#define MTASTS_TESTS_UNIT_FAKE_RESOLVER_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mtasts/check.h"

namespace mtasts_test::fake {

/** The DoH URL the fake network plays (fake-net's DEFAULT_RESOLVER). */
inline constexpr const char* resolver_url = "https://cloudflare-dns.com/dns-query";

struct network {
  nlohmann::json zone = nlohmann::json::object();   ///< owner name (lower case) -> entry, fake-net format
  nlohmann::json hosts = nlohmann::json::object();  ///< host name (lower case) -> behaviour
  nlohmann::json every_query;                       ///< overrides for every name (fake-net's everyQuery), or null
  bool follow_cname = true;                         ///< the resolver follows CNAMEs inside the zone
  std::string relay;                                ///< the user's relay template ("...{url}..."), or empty
  double dns_timeout_ms = 5000, policy_timeout_ms = 10000;
  /** Host names the emulated fetches asked, in order (a request, reached or not). */
  mutable std::vector<std::string> fetched;

  /** Adds or replaces a zone entry (the name is lower-cased). */
  nlohmann::json& operator[](const std::string& name);
};

/** The network of a fake-net style JSON world: {zone, hosts, resolver: {followCname, everyQuery}}. */
network from_world(const nlohmann::json& world);

/** What the host would observe for one of the engine's requests. */
mtasts::check::observation answer(const network& n, const mtasts::check::request& r);

/** The DNS response the resolver builds for a question (for tests of the fake itself). */
std::vector<std::uint8_t> response_for(const network& n, const std::string& qname, mtasts::dns::rr_type qtype,
                                       std::uint16_t id = 0);

/** Lower case, without a trailing dot. */
std::string norm(std::string name);

}  // namespace mtasts_test::fake

#endif
