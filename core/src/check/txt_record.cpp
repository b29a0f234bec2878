/**
 * @file txt_record.cpp
 * @brief The two TXT-record checks, `_mta-sts.<d>` (RFC 8461 §3.1) and
 *        `_smtp._tls.<d>` (RFC 8460 §3): one algorithm, one table row per kind.
 *
 * Both RFCs sort the TXT records at the name the same way: when several come
 * back, those not starting with the version prefix ("v=STSv1;") are
 * discarded and exactly one must remain; a lone record is parsed as it is
 * (the lint says when senders that always filter would discard it, erratum
 * 6285). The record's strings are joined without separators, then linted.
 */
#include "mtasts/records.h"
#include "../text.h"
#include "context.h"

namespace mtasts::check::detail {
namespace {

using namespace mtasts::detail;

/** What one kind of record changes in the algorithm. */
struct txt_kind {
  std::string_view check_id;
  std::string_view owner;        ///< "_mta-sts."
  std::string_view prefix;       ///< the version prefix that survives the filter: "v=STSv1;"
  std::string_view near_prefix;  ///< a record that starts like one, in any case: "v=stsv1"
  std::string_view label;        ///< "MTA-STS" / "TLS-RPT"
  std::string_view who;          ///< "senders" / "reporters"
  std::string_view without;      ///< what having none means: "senders see no MTA-STS"
  code missing, multiple, discarded;
  std::optional<code> near_miss;  ///< a near miss beside others is reported (sts) or only mentioned (tlsrpt)
  std::optional<code> cname;      ///< a delegation through CNAME is noted
  bool quote_others;              ///< quote the discarded and the duplicate records
};

constexpr txt_kind sts_kind{
    "sts", "_mta-sts.", "v=STSv1;", "v=stsv1", "MTA-STS", "senders",
    "senders see no MTA-STS",
    code::sts_dns_missing, code::sts_dns_multiple, code::sts_dns_discarded,
    code::sts_dns_near_miss, code::sts_dns_cname, true,
};

constexpr txt_kind tlsrpt_kind{
    "tlsrpt", "_smtp._tls.", "v=TLSRPTv1;", "v=tlsrpt", "TLS-RPT", "reporters",
    "nobody reports to you when senders fail to deliver securely",
    code::tlsrpt_dns_missing, code::tlsrpt_dns_multiple, code::tlsrpt_dns_discarded,
    std::nullopt, std::nullopt, false,
};

/** The joined text of a TXT record (RFC 8461 §3.1, RFC 8460 §3: no separator). */
std::string joined(const dns::record& rr) {
  std::string out;
  if (const auto* t = std::get_if<dns::txt_data>(&rr.data))
    for (const auto& s : t->strings) out += s;
  return out;
}
std::vector<std::string> strings_of(const dns::record& rr) {
  if (const auto* t = std::get_if<dns::txt_data>(&rr.data)) return t->strings;
  return {};
}

/** The records sorted the RFCs' way; `texts` keeps every record, strings joined. */
struct txt_sort {
  std::vector<std::string> texts;
  std::vector<const dns::record*> candidates, near, others;
};
txt_sort sort_txt(const std::vector<dns::record>& records, const txt_kind& k) {
  txt_sort out;
  const bool lone = records.size() == 1;
  for (const auto& rr : records) {
    std::string text = joined(rr);
    const bool near = istarts_with(text, k.near_prefix);
    if (starts_with(text, k.prefix) || (lone && near)) out.candidates.push_back(&rr);
    else if (near) out.near.push_back(&rr);
    else out.others.push_back(&rr);
    out.texts.push_back(std::move(text));
  }
  return out;
}

std::vector<std::string> quoted(const std::vector<const dns::record*>& rrs, std::size_t width) {
  std::vector<std::string> out;
  for (const auto* rr : rrs) out.push_back(quote(joined(*rr), width));
  return out;
}

/** The outcome every kind shares; each kind then files it in its part of the report. */
struct txt_outcome {
  bool observed = false;  ///< the TXT lookup settled without failing
  std::vector<std::string> records;
  std::optional<std::string> record;  ///< the one that counts
  std::vector<std::string> strings;   ///< its character-strings
  std::vector<std::string> aliases;
  bool ad = false;
  bool valid = false;  ///< the record that counts lints valid
};

/**
 * The algorithm. Lints the record that counts with `lint` (which appends its
 * findings to the check and returns whether it was valid).
 */
template <class Lint>
txt_outcome run(context& ctx, check_result& c, const txt_kind& k, Lint&& lint) {
  txt_outcome out;
  const std::string where = std::string(k.owner) + ctx.domain;
  const lookup& l = ctx.resolve(where, dns::rr_type::txt);
  if (unsettled(c, l, "TXT " + where)) return out;
  if (l.st == lookup::state::loop) {
    c.findings.push_back(*l.failure);
    c.status = status::fail;
    c.summary = "The CNAME at " + where + " leads nowhere, so " + std::string(k.who) + " find no record.";
    return out;
  }
  out.observed = true;
  out.aliases = l.aliases;
  out.ad = l.ad;
  // A CNAME to nothing is said once, as the risk it is; the missing record follows.
  const auto dangling = k.cname ? dangling_cname(l, "Whoever registers or claims " + (l.aliases.empty() ? std::string() : l.aliases.back()) +
                                                        " (the name of a deleted cloud resource, or a domain that lapsed) "
                                                        "decides what senders read here: whether they find MTA-STS at all, "
                                                        "and when they fetch the policy again.")
                                : std::nullopt;
  if (dangling) c.findings.push_back(*dangling);
  else if (k.cname && !l.aliases.empty())
    add(c, *k.cname,
        where + " is a CNAME to " + l.aliases.back() +
            (l.aliases.size() > 1 ? " (through " + plural(l.aliases.size(), "link", "links") + ")" : "") +
            ": the record is delegated there, and " + std::string(k.who) + " follow the alias.");
  if (l.st == lookup::state::nxdomain || l.st == lookup::state::nodata) {
    add(c, k.missing,
        "There is no TXT record at " + where + ": " +
            (dangling                           ? "its CNAME leads to a name that does not exist (NXDOMAIN)"
             : l.st == lookup::state::nxdomain ? "the name does not exist (NXDOMAIN)"
                                               : "the name exists but has no TXT record (NODATA)") +
            ", so " + std::string(k.without) + ".");
    c.status = from_findings(c, status::warn);
    c.summary = "No " + std::string(k.label) + " TXT record.";
    return out;
  }
  auto sorted = sort_txt(l.records, k);
  out.records = std::move(sorted.texts);
  if (!sorted.others.empty())
    add(c, k.discarded,
        "Ignored " + plural(sorted.others.size(), "other TXT record", "other TXT records") + " at " + where +
            (sorted.others.size() == 1 ? " that does" : " that do") + " not start with " + std::string(k.prefix) +
            (k.quote_others ? " (" + list_names(quoted(sorted.others, 40), 3) + ")" : std::string()) + ", as " +
            std::string(k.who) + " do.");
  if (k.near_miss)
    for (const auto* rr : sorted.near)
      add(c, *k.near_miss,
          "The TXT record " + quote(joined(*rr)) + " looks like an " + std::string(k.label) +
              " record but does not start with exactly " + std::string(k.prefix) + " so " + std::string(k.who) +
              " discard it.");
  if (sorted.candidates.size() > 1) {
    add(c, k.multiple,
        "There are " + std::to_string(sorted.candidates.size()) + " TXT records starting with " + std::string(k.prefix) +
            " at " + where +
            (k.quote_others ? " (" + list_names(quoted(sorted.candidates, 50), 4) + ")" : std::string()) + "; " +
            std::string(k.who) + " require exactly one and treat this as none at all.");
    c.status = from_findings(c, status::warn);
    c.summary = std::to_string(sorted.candidates.size()) + " " + std::string(k.label) +
                " records where exactly one is allowed.";
    return out;
  }
  if (sorted.candidates.empty()) {
    std::string msg = "None of the " + plural(l.records.size(), "TXT record", "TXT records") + " at " + where +
                      " starts with " + std::string(k.prefix) + ", so " + std::string(k.without) + ".";
    if (!sorted.near.empty() && !k.near_miss) msg += " " + quote(joined(*sorted.near.front())) + " comes close; see why below.";
    add(c, k.missing, msg);
    if (!sorted.near.empty()) {
      // Why the near miss fails, with positions in its text.
      lint(strings_of(*sorted.near.front()));
    }
    c.status = from_findings(c, status::warn);
    c.summary = sorted.near.empty() ? "No TXT record at " + where + " starts with " + std::string(k.prefix) + "."
                                    : "The " + std::string(k.label) + " record does not start with exactly " +
                                          std::string(k.prefix) + ".";
    return out;
  }
  out.record = joined(*sorted.candidates.front());
  out.strings = strings_of(*sorted.candidates.front());
  out.valid = lint(out.strings);
  c.status = out.valid ? from_findings(c, status::pass) : status::fail;
  c.summary = out.valid ? "One valid record: " + quote(*out.record, 80) + "."
                        : "The record " + quote(*out.record, 80) + " is invalid, so " + std::string(k.who) + " ignore it.";
  return out;
}

}  // namespace

void check_sts(context& ctx, check_result& c) {
  std::optional<std::string> id;
  txt_outcome o = run(ctx, c, sts_kind, [&](const std::vector<std::string>& strings) {
    auto lr = lint_sts_record(strings);
    for (auto& f : lr.findings) c.findings.push_back(std::move(f));
    if (!lr.valid || !lr.record) return false;
    id = lr.record->id;
    return true;
  });
  if (!o.observed) return;
  sts_info info;
  info.records = std::move(o.records);
  info.record = std::move(o.record);
  info.id = std::move(id);
  info.aliases = std::move(o.aliases);
  info.ad = o.ad;
  ctx.rep.sts = std::move(info);
}

void check_tlsrpt(context& ctx, check_result& c) {
  std::vector<std::string> rua;
  txt_outcome o = run(ctx, c, tlsrpt_kind, [&](const std::vector<std::string>& strings) {
    auto lr = lint_tlsrpt_record(strings);
    for (auto& f : lr.findings) c.findings.push_back(std::move(f));
    if (!lr.valid || !lr.record) return false;
    rua = lr.record->rua;
    return true;
  });
  if (!o.observed) return;
  tlsrpt_info info;
  info.records = std::move(o.records);
  info.record = std::move(o.record);
  info.valid = o.valid;
  info.rua = std::move(rua);
  if (o.valid) c.summary = "Reports go to " + list_names(info.rua, 3) + ".";
  ctx.rep.tlsrpt = std::move(info);
}

}  // namespace mtasts::check::detail
