/**
 * @file hostname.h
 * @brief Internal: the one grammar of names, for every place that reads one.
 *
 *   host  RFC 5321 §4.1.2 `Domain` (the grammar of an MTA-STS mx pattern,
 *         RFC 8461 §3.2, and of a domain to check):
 *           Domain     = sub-domain *("." sub-domain)
 *           sub-domain = Let-dig [Ldh-str]
 *           Let-dig    = ALPHA / DIGIT
 *           Ldh-str    = *( ALPHA / DIGIT / "-" ) Let-dig
 *   dns   a name DNS can hold and a resolver will look up: labels of
 *         letters, digits, `-` and `_` (`_mta-sts`, `_25._tcp`; RFC 2181
 *         §11 allows any octet, but a DoH query is built only from these).
 *
 * Both obey the DNS limits (RFC 1035 §2.3.4): labels of 1 to 63 octets, at
 * most 253 characters (255 octets in wire form). scan_name() reports the
 * first place a name breaks its grammar; each caller words the finding, the
 * rule lives here. The mx pattern linter (check_mx_value) is here too,
 * because a pattern is `["*."] host`.
 */
#ifndef MTASTS_SRC_HOSTNAME_H
#define MTASTS_SRC_HOSTNAME_H

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/finding.h"

namespace mtasts::detail {

enum class name_grammar : std::uint8_t { host, dns };

/** The first way a name breaks its grammar; `what == ok` when it does not. */
struct name_scan {
  enum class problem : std::uint8_t {
    ok,
    empty,          ///< no name at all
    empty_label,    ///< two dots in a row, or a leading dot (offset: where the label would start)
    label_too_long, ///< a label over 63 octets (offset: its start; length: its size)
    too_long,       ///< over the maximum length (length: the name's size)
    non_ascii,      ///< a byte >= 0x80 (offset: it)
    bad_char,       ///< another character the grammar does not allow (offset: it)
    hyphen_edge,    ///< host grammar: a label starts or ends with '-' (offset: the hyphen)
  };
  problem what = problem::ok;
  std::size_t offset = 0;
  std::size_t length = 0;
  std::size_t labels = 0;  ///< labels read (all of them when ok)
  bool ok() const noexcept { return what == problem::ok; }
};

/** Reads `name` (no trailing dot: the caller strips the one it allows) by `grammar`, at most `max_length` characters. */
name_scan scan_name(std::string_view name, name_grammar grammar, std::size_t max_length = 253) noexcept;

/** The label `name_scan` points at (for messages). */
std::string_view label_at(std::string_view name, std::size_t offset) noexcept;

/** A host name as a key for comparison: lower case (ASCII), without a trailing dot. */
std::string host_key(std::string_view name);

/** A dotted quad such as 192.0.2.1 (syntactically a Domain, never a host name). */
bool looks_like_ipv4(std::string_view s) noexcept;

/** True for a TLD, or a multi-label public suffix of a short built-in list (co.uk, com.au, ...; not the full PSL). */
bool known_public_suffix(std::string_view suffix) noexcept;

/** True for `*.<suffix>` where suffix is a TLD or a well-known public suffix. */
bool wildcard_over_public_suffix(std::string_view pattern) noexcept;

/**
 * An approximation of a name's registrable domain, without the Public Suffix
 * List (too large for the module): its last two labels, or three when those
 * two are a known_public_suffix (mail.example.co.uk -> example.co.uk). A `*.`
 * and one trailing dot are ignored; case is kept. Where the real public suffix is
 * longer than the list knows (a private suffix such as cloudapp.net, or a
 * second level not on the list), the answer is a shorter, wider domain than
 * the real one, so two names under different registrants can share it; never
 * the other way round, as long as the list names only true public suffixes.
 * A caller that flags names for NOT sharing it therefore errs to not flagging.
 */
std::string_view registrable_part(std::string_view name) noexcept;

/** A mail provider's own wildcard over the suffix under which it rotates MX hosts. */
struct provider_pattern {
  std::string_view suffix;    ///< "mail.protection.outlook.com"
  std::string_view provider;  ///< "Microsoft 365 (Exchange Online)"
  std::string_view evidence;  ///< "documents this pattern for ..." (completes a sentence naming the provider)
};

/**
 * The provider whose documentation (or own policy) gives `*.<suffix>` as the
 * mx pattern (Microsoft 365's `*.mail.protection.outlook.com`, ...), or
 * nullptr when the suffix is no such provider's. Sources: docs/SENDERS.md.
 */
const provider_pattern* documented_provider(std::string_view pattern) noexcept;

/** A pattern that looks like a provider's but does not cover the hosts it really uses. */
struct provider_lookalike {
  std::string_view suffix;    ///< "mx.microsoft"
  std::string_view provider;  ///< "Microsoft 365"
  std::string_view hosts;     ///< the shape of its real MX hosts, and why the pattern misses them
  std::string_view instead;   ///< what to write
};

/** The provider `pattern` (`*.<suffix>`) seems meant for but does not cover, or nullptr. */
const provider_lookalike* provider_lookalike_of(std::string_view pattern) noexcept;

struct mx_diagnosis {
  code c{};               ///< the code to raise
  std::size_t offset{};   ///< byte offset in the value of the evidence
  std::string message;
};

/**
 * Checks one mx value (already stripped of surrounding whitespace) and appends
 * what it finds to `out`: at most one error (then it returns false: the value
 * does not match `["*."] Domain`; a trailing dot is such an error, D9 of
 * docs/SENDERS.md) and any warnings (an address-shaped name). A value whose
 * only fault is being written with U-labels gets its A-label form (idna.h) in
 * `a_label`, when asked for, and that form is a valid pattern.
 */
bool check_mx_value(std::string_view value, std::vector<mx_diagnosis>& out, std::string* a_label = nullptr);

}  // namespace mtasts::detail

#endif
