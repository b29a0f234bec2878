/**
 * @file lookup.cpp
 * @brief Resolving a name and type through the host's DoH answers: decoding
 *        and checking each answer, telling NXDOMAIN and NODATA (the only
 *        "not configured") from every way a lookup can fail, and following a
 *        CNAME the resolver stopped at with a query for its target
 *        (RFC 1034 §3.6.2), at most limits::cname_hops links.
 */
#include <algorithm>
#include <set>

#include "mtasts/base64.h"
#include "../text.h"
#include "context.h"

namespace mtasts::check::detail {

using dns::rr_type;
using mtasts::detail::list_names;
using mtasts::detail::lower;
using mtasts::detail::quote;

const observation* context::find(std::string_view id) const {
  // The last observation for an id wins (a host may retry).
  for (auto it = observations_.rbegin(); it != observations_.rend(); ++it)
    if (it->id == id) return &*it;
  return nullptr;
}

void context::need_dns(const std::string& id, const std::string& name, rr_type type) {
  for (const auto& r : requests_)
    if (r.id == id) return;
  dns::query_options qo;
  qo.edns = true;  // for Extended DNS Errors (RFC 8914) with SERVFAIL
  request r;
  r.id = id;
  r.kind = request_kind::dns;
  r.name = name;
  r.type = type;
  r.dns = base64_encode(dns::encode_query(name, type, qo).bytes, base64_alphabet::url);
  requests_.push_back(std::move(r));
}

void context::need_policy() {
  for (const auto& r : requests_)
    if (r.id == "policy") return;
  request r;
  r.id = "policy";
  r.kind = request_kind::policy;
  r.url = policy_url();
  requests_.push_back(std::move(r));
}

std::string context::need_starttls(const std::string& host, const std::vector<std::string>& addresses) {
  std::string id = "starttls:" + lower(host);
  for (const auto& r : requests_)
    if (r.id == id) return id;
  request r;
  r.id = id;
  r.kind = request_kind::starttls;
  r.host = lower(host);
  r.addresses = addresses;
  requests_.push_back(std::move(r));
  return id;
}

namespace {

/** RFC 2181 §8: a TTL with its top bit set is read as 0. */
std::uint32_t ttl_of(const dns::record& r) { return (r.ttl & 0x80000000u) != 0 ? 0 : r.ttl; }

/** The longest TTL of the CNAMEs followed in `m` from `from` (0 if none). */
std::uint32_t cname_ttl(const dns::message& m, const std::string& from, const std::vector<std::string>& aliases) {
  std::uint32_t longest = 0;
  for (const auto& r : m.answers) {
    if (r.type != rr_type::cname || r.klass != dns::class_in) continue;
    bool on_chain = dns::names_equal(r.name, from);
    for (std::size_t i = 0; !on_chain && i + 1 < aliases.size(); ++i) on_chain = dns::names_equal(r.name, aliases[i]);
    if (on_chain) longest = std::max(longest, ttl_of(r));
  }
  return longest;
}

/** RFC 2308 §5: a negative answer may be cached for min(SOA TTL, SOA MINIMUM) of the SOA in the authority section. */
std::optional<std::uint32_t> negative_ttl(const dns::message& m) {
  for (const auto& r : m.authority)
    if (const auto* soa = std::get_if<dns::soa_data>(&r.data); soa != nullptr && r.klass == dns::class_in)
      return std::min(ttl_of(r), soa->minimum);
  return std::nullopt;
}

}  // namespace

const lookup& context::resolve(const std::string& name, rr_type type) {
  auto key = std::make_pair(lower(name), type);
  auto it = lookups_.find(key);
  if (it != lookups_.end()) return it->second;
  lookup l = compute(name, type);
  return lookups_.emplace(std::move(key), std::move(l)).first->second;
}

lookup context::compute(const std::string& name, rr_type type) {
  lookup out;
  out.name = name;
  std::set<std::string> seen;
  std::string current = name;
  std::uint32_t chain_ttl = 0;  // the longest CNAME link so far (check.h, ttl_info)
  const auto settle = [&](lookup::state st, std::optional<std::uint32_t> last) {
    out.st = st;
    if (last) out.ttl = std::max(chain_ttl, *last);
  };
  for (std::size_t hop = 0; hop <= limits::cname_hops; ++hop) {
    seen.insert(lower(current));
    if (auto q = dns::encode_query(current, type); !q.ok()) {
      // Only a name from DNS can get here (an MX host, a CNAME target): say so, ask nothing.
      out.st = lookup::state::failed;
      out.failure = finding{code::dns_query_failed,
                            dns::type_name(type) + " " + quote(current, 80) + " cannot be asked: " + q.error + "."};
      return out;
    }
    const std::string id = "dns:" + dns::type_name(type) + ":" + lower(current);
    need_dns(id, current, type);
    const observation* o = find(id);
    const std::string what = dns::type_name(type) + " " + current;
    if (o == nullptr) {
      if (opt.aborted) {
        out.st = lookup::state::failed;
        out.failure = stopped("the answer to " + what + " arrived");
      }
      return out;
    }
    if (o->kind != observation_kind::answer) {
      out.st = lookup::state::failed;
      out.failure = dns_failure(*o, what);
      return out;
    }
    if (o->truncated) {
      // The host stopped reading at the largest size a DNS message can have.
      out.st = lookup::state::failed;
      out.failure = finding{code::dns_query_too_large,
                            "The resolver's answer to " + what + " is larger than 65,535 bytes, the most a DNS message "
                            "can hold (RFC 1035 §4.2.2, RFC 8484 §6); it was not read, so nothing is known about this name."};
      return out;
    }
    auto decoded = dns::decode(reinterpret_cast<const std::uint8_t*>(o->bytes.data()), o->bytes.size());
    if (!decoded.msg) {
      out.st = lookup::state::failed;
      out.failure = finding{code::dns_query_malformed,
                            "The resolver's answer to " + what + " is not a valid DNS message (" +
                                (decoded.findings.empty() ? std::string("unreadable") : decoded.findings.front().message) +
                                "), so nothing is known about this name."};
      return out;
    }
    const dns::message& m = *decoded.msg;
    auto mismatch = dns::check_response(m, dns::question{current, type, dns::class_in});
    if (!mismatch.empty()) {
      out.st = lookup::state::failed;
      out.failure = finding{code::dns_query_malformed, "The resolver's answer to " + what + " does not answer that query (" +
                                                           mismatch.front().message + "), so it was not used."};
      return out;
    }
    if (m.tc) {
      out.st = lookup::state::failed;
      out.failure = finding{code::dns_query_malformed,
                            "The resolver's answer to " + what +
                                " is truncated (TC set), which a DNS-over-HTTPS answer must never be; it was not used."};
      return out;
    }
    out.ad = out.ad && m.ad;
    if (m.rcode == dns::rcode::servfail) {
      std::string ede;
      if (m.edns)
        for (const auto& e : m.edns->extended_errors) {
          ede += ede.empty() ? " (" : "; ";
          ede += "Extended DNS Error " + std::to_string(e.info_code) + ": " + std::string(ede_name(e.info_code));
          if (!e.extra_text.empty()) ede += ", " + quote(e.extra_text);
        }
      if (!ede.empty()) ede += ")";
      out.st = lookup::state::failed;
      out.failure = finding{code::dns_query_servfail,
                            "The resolver answered SERVFAIL for " + what + ede +
                                ": it could not get an answer from the domain's name servers, or the answer failed DNSSEC validation."};
      return out;
    }
    auto fa = dns::follow_answer(m, current, type);
    chain_ttl = std::max(chain_ttl, cname_ttl(m, current, fa.aliases));
    for (auto& a : fa.aliases) out.aliases.push_back(a);
    if (!fa.findings.empty()) {
      out.st = lookup::state::loop;
      out.failure = fa.findings.front();
      return out;
    }
    if (m.rcode == dns::rcode::nxdomain) {
      settle(lookup::state::nxdomain, negative_ttl(m));
      return out;
    }
    if (m.rcode != dns::rcode::noerror) {
      out.st = lookup::state::failed;
      out.failure = finding{code::dns_query_rcode, "The resolver answered " + dns::rcode_name(m.rcode) + " for " + what +
                                                       " instead of an answer, so nothing is known about this name."};
      return out;
    }
    if (!fa.records.empty()) {
      std::uint32_t shortest = ttl_of(fa.records.front());
      for (const auto& r : fa.records) shortest = std::min(shortest, ttl_of(r));
      settle(lookup::state::records, shortest);
      out.records = std::move(fa.records);
      return out;
    }
    if (fa.aliases.empty()) {
      settle(lookup::state::nodata, negative_ttl(m));
      return out;
    }
    // The resolver stopped at a CNAME: ask for its target (RFC 1034 §3.6.2).
    current = fa.aliases.back();
    if (seen.count(lower(current)) != 0) break;
  }
  out.st = lookup::state::loop;
  out.failure = finding{code::dns_answer_cname_loop,
                        "The CNAME chain from " + name + " (" + list_names(out.aliases, 10) + ") loops or is longer than " +
                            std::to_string(limits::cname_hops) + " links, so it resolves to nothing."};
  return out;
}

std::optional<finding> dangling_cname(const lookup& l, const std::string& risk) {
  if (l.st != lookup::state::nxdomain || l.aliases.empty()) return std::nullopt;
  const std::string& target = l.aliases.back();
  std::string chain = l.name;
  for (const auto& a : l.aliases) chain += " -> " + a;
  return finding{code::dns_cname_dangling,
                 l.aliases.size() == 1
                     ? l.name + " is a CNAME to " + target + ", which does not exist (NXDOMAIN): a dangling alias. " + risk
                     : l.name + " is a chain of CNAMEs (" + chain + ") whose last target, " + target +
                           ", does not exist (NXDOMAIN): a dangling alias. " + risk};
}

}  // namespace mtasts::check::detail
