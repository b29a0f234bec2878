/**
 * @file internal.h
 * @brief Internal to the DNS codec (core/src/dns/): its limits and the
 *        helpers its three parts share.
 */
#ifndef MTASTS_SRC_DNS_INTERNAL_H
#define MTASTS_SRC_DNS_INTERNAL_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mtasts/dns.h"
#include "mtasts/limits.h"
#include "../text.h"

namespace mtasts::dns::codec {

using mtasts::detail::quote;

constexpr std::size_t header_size = 12;       // RFC 1035 §4.1.1
constexpr std::size_t max_name_octets = 255;  // RFC 1035 §3.1, wire form as expanded
constexpr std::size_t max_label_octets = 63;  // RFC 1035 §3.1
/** Pointers one name may follow. A real encoder adds a label per pointer, and 255 octets hold 127 labels. */
constexpr int max_pointer_hops = static_cast<int>(limits::pointer_hops);
/** CNAME links follow_answer() follows before it calls the chain a loop. */
constexpr std::size_t max_cname_links = limits::cname_chain_in_answer;
/** Warnings of one code listed per message (the rest are counted in one lint.truncated). */
constexpr std::size_t warning_cap = limits::findings_per_code;
/** RFC 6891 §6.2.5 leaves the payload size to the requester; 1232 is the DNS Flag Day 2020 value. */
constexpr std::uint16_t edns_udp_size = 1232;
constexpr std::uint16_t ede_option = 15;  // RFC 8914 §2

inline std::string num(std::size_t v) { return std::to_string(v); }

/** "1 octet", "3 octets". */
inline std::string count_of(std::size_t n, std::string_view one, std::string_view many) {
  return mtasts::detail::plural(n, one, many);
}

}  // namespace mtasts::dns::codec

#endif
