/**
 * @file policy_fetch.cpp
 * @brief The policy file over HTTPS (RFC 8461 §3.3): what the browser saw of
 *        the GET (a response, a redirect, a CORS block, a failure, a timeout),
 *        the Content-Type (§3.2), and, when the fetch failed, the A/AAAA
 *        lookups of mta-sts.<d> that tell a missing host from an unreachable
 *        one. A pasted policy stands in when the browser may not read it.
 */
#include "../text.h"
#include "context.h"

namespace mtasts::check::detail {
namespace {

using namespace mtasts::detail;

/**
 * What senders do when the policy cannot be fetched, as the finding says it
 * (docs/SENDERS.md "Policy fetch failures and the cache").
 */
constexpr std::string_view cached_policy =
    " Senders that cached an earlier policy keep it until its max_age runs out (maddy, mox, chasquid, "
    "postfix-mta-sts-resolver, postfix-tlspol, mailauth); Stalwart and KumoMTA drop it once the TXT id changes, "
    "and a sender without one delivers without MTA-STS.";

/** The media type of a Content-Type value, lower case, without parameters. */
std::string media_type(std::string_view ct) {
  std::string_view mt = ct.substr(0, ct.find(';'));
  while (!mt.empty() && is_wsp(mt.front())) mt.remove_prefix(1);
  while (!mt.empty() && is_wsp(mt.back())) mt.remove_suffix(1);
  return lower(mt);
}

/** The charset parameter, lower case and unquoted; empty when absent. */
std::string charset_of(std::string_view ct) {
  const std::string l = lower(ct);
  const auto pos = l.find("charset=");
  if (pos == std::string::npos) return {};
  std::string v = l.substr(pos + 8);
  v = v.substr(0, v.find(';'));
  std::string out;
  for (char c : v)
    if (c != '"' && !is_wsp(c)) out += c;
  return out;
}

void content_type(check_result& c, const observation& o, const std::string& url) {
  if (!o.content_type) {
    add(c, code::policy_fetch_content_type,
        url + " was served without a Content-Type header; senders that check it (go-mtasts in maddy, "
              "postfix-mta-sts-resolver, postfix-tlspol, chasquid, KumoMTA) reject a policy without text/plain.");
    return;
  }
  if (media_type(*o.content_type) != "text/plain") {
    std::string body_hint;
    std::string_view b = o.bytes;
    while (!b.empty() && (is_wsp(b.front()) || b.front() == '\r' || b.front() == '\n')) b.remove_prefix(1);
    if (!b.empty() && b.front() == '<') body_hint = "; the body looks like an HTML page, not a policy";
    add(c, code::policy_fetch_content_type,
        url + " was served as " + quote(*o.content_type) + ", not text/plain" + body_hint +
            ". Senders that check the media type (go-mtasts in maddy, postfix-mta-sts-resolver, postfix-tlspol, "
            "chasquid, KumoMTA) reject it.");
    return;
  }
  const std::string cs = charset_of(*o.content_type);
  if (!cs.empty() && cs != "utf-8" && cs != "us-ascii")
    add(c, code::policy_fetch_charset,
        "The Content-Type names charset " + quote(cs) + "; senders read the file as UTF-8 or US-ASCII whatever it says.");
}

void use_pasted(context& ctx, check_result& c, std::string_view why) {
  policy_info p;
  p.source = policy_source::pasted;
  p.url = ctx.policy_url();
  p.text = *ctx.opt.pasted_policy;
  p.size = p.text.size();
  ctx.rep.policy = std::move(p);
  add(c, code::policy_fetch_pasted,
      "The policy checked is the text you pasted (" + plural(ctx.opt.pasted_policy->size(), "byte", "bytes") +
          "), because " + std::string(why) +
          ". Its HTTP status and Content-Type were not observed; the grade assumes 200 and text/plain.");
}

/** Not observed (yet): the check and the policy stay open. */
void unknown(context& ctx, check_result& c, std::string summary, bool pending = false) {
  c.status = pending ? status::pending : status::unknown;
  c.summary = std::move(summary);
  ctx.policy_unknown = true;
  ctx.policy_pending = ctx.policy_pending || pending;
}

/** Both the CORS fetch and the no-cors probe failed: the address lookups say why, if they can. */
void unreachable(context& ctx, check_result& c, const observation& o) {
  const std::string url = ctx.policy_url();
  const std::string host = "mta-sts." + ctx.domain;
  if (o.status != 0) {
    // The headers came (the connection and the certificate were fine); the body broke off.
    add(c, code::policy_fetch_unreachable,
        url + " answered HTTP " + std::to_string(o.status) + ", but the connection broke before the body was read" +
            (o.message.empty() ? std::string()
                               : std::string(ctx.opt.host == host_kind::native ? " (" : " (the browser said ") +
                                     quote(o.message, 80) + ")") +
            ", so there is no policy to check. Senders that lose the body have no policy either; if it happens "
            "again, look at the web server's logs and at any proxy in front of it.");
    c.status = status::fail;
    c.summary = "The policy host answered, but the body broke off.";
    return;
  }
  // A native host names the failure exactly (a browser cannot): a TLS
  // failure is what every sender meets too (RFC 8461 §3.3).
  const std::string& f = o.failure;
  if (starts_with(f, "certificate-") || f == "tls-handshake") {
    std::string what = f == "certificate-expired"         ? "presents a certificate that has expired"
                       : f == "certificate-not-yet-valid" ? "presents a certificate that is not valid yet"
                       : f == "certificate-host-mismatch" ? "presents a certificate that does not name " + host
                       : f == "certificate-not-trusted"   ? "presents a certificate that does not chain to a trusted root"
                                                          : "failed the TLS handshake";
    add(c, code::policy_fetch_tls,
        host + " " + what + (o.message.empty() ? std::string() : " (" + quote(o.message, 120) + ")") +
            ": senders refuse the connection the same way, so they find no policy at " + url + "." +
            std::string(cached_policy));
    c.status = status::fail;
    c.summary = "The policy host's TLS failed: " + std::string(f) + ".";
    return;
  }
  if (f == "connection-refused") {
    add(c, code::policy_fetch_unreachable,
        host + " refused the connection to port 443" +
            (o.message.empty() ? std::string() : " (" + quote(o.message, 120) + ")") +
            ": nothing serves HTTPS there, so senders find no policy at " + url + "." + std::string(cached_policy));
    c.status = status::fail;
    c.summary = "The policy host refused the HTTPS connection.";
    return;
  }
  const lookup& a = ctx.resolve(host, dns::rr_type::a);
  const lookup& aaaa = ctx.resolve(host, dns::rr_type::aaaa);
  if (!a.settled() || !aaaa.settled()) {
    if (ctx.opt.aborted) {
      c.findings.push_back(ctx.stopped("the address of " + host + " was known"));
      unknown(ctx, c, "Stopped before the policy host answered.");
      return;
    }
    unknown(ctx, c, "The HTTPS request failed; looking up " + host + " to tell why.", true);
    return;
  }
  const std::vector<std::string> addrs = addresses_of(a, aaaa);
  const bool native = ctx.opt.host == host_kind::native;
  const std::string why = o.message.empty() ? std::string()
                                            : std::string(native ? " (" : " (the browser said ") + quote(o.message, 80) + ")";
  bool missing = false;
  if (!addrs.empty()) {
    add(c, code::policy_fetch_unreachable,
        host + " resolves (" + list_names(addrs, 3) + "), but no HTTPS connection to it succeeded" + why +
            (native ? std::string(". Senders fail the same way.")
                    : ": its certificate is not trusted, has expired or does not name " + host +
                          ", or nothing answers on port 443. A browser cannot tell which; senders fail the same way.") +
            std::string(cached_policy));
  } else if (a.st == lookup::state::nxdomain && aaaa.st == lookup::state::nxdomain) {
    // A CNAME to nothing: the dangling alias is the cause, and the risk (said once, first).
    const lookup& chain = a.aliases.empty() ? aaaa : a;
    const auto dangling = dangling_cname(
        chain, "Whoever registers or claims " + (chain.aliases.empty() ? std::string() : chain.aliases.back()) +
                   " (the name of a deleted cloud resource, or a domain that lapsed) can serve " + url +
                   " with a valid certificate for " + host +
                   " (a CA grants one to whoever answers for the name) and so choose the MX hosts senders accept for " +
                   ctx.domain + ", or switch its protection off.");
    if (dangling) c.findings.push_back(*dangling);
    add(c, code::policy_host_missing,
        host + (dangling ? " leads by CNAME to a name that does not exist (NXDOMAIN)" : " does not exist (NXDOMAIN)") +
            ", so there is no policy to fetch from " + url + ".");
    missing = true;
  } else if (a.st == lookup::state::nxdomain || aaaa.st == lookup::state::nxdomain ||
             (a.st == lookup::state::nodata && aaaa.st == lookup::state::nodata)) {
    // NXDOMAIN for either type is about the name itself; NODATA counts only
    // when both types said so (a failed lookup of one proves nothing).
    add(c, code::policy_host_no_address,
        host + " has no A or AAAA record" +
            (a.aliases.empty() ? std::string() : " (it is a CNAME to " + a.aliases.back() + ")") +
            ", so no sender can connect to fetch the policy.");
    missing = true;
  } else {
    // The fetch and the address lookups all failed: this browser reached
    // neither, which says nothing certain about the host.
    const std::string dns_why = a.failure ? a.failure->message : aaaa.failure ? aaaa.failure->message : "";
    if (a.failure) c.findings.push_back(*a.failure);
    if (aaaa.failure && !(a.failure && aaaa.failure->message == a.failure->message)) c.findings.push_back(*aaaa.failure);
    add(c, code::policy_fetch_failed,
        "No HTTPS connection to " + host + " succeeded" + why + ", and its address could not be looked up either (" +
            dns_why + "). From here the host may be missing or unreachable; nothing certain is known.");
    unknown(ctx, c, ctx.opt.host == host_kind::native ? "Neither the policy host nor its DNS answered."
                                                      : "Neither the policy host nor its DNS answered this browser.");
    return;
  }
  c.status = status::fail;
  c.summary = missing ? "The policy host " + host + " does not resolve." : "The policy host could not be reached over HTTPS.";
}

}  // namespace

void check_policy_fetch(context& ctx, check_result& c) {
  const std::string url = ctx.policy_url();
  const observation* o = ctx.find("policy");
  if (o == nullptr) {
    if (ctx.opt.aborted) {
      c.findings.push_back(ctx.stopped(url + " answered"));
      unknown(ctx, c, "Stopped before the policy host answered.");
    } else {
      unknown(ctx, c, "Fetching " + url + ".", true);
    }
    return;
  }
  const bool relay = o->via_relay;
  switch (o->kind) {
    case observation_kind::response: {
      if (relay)
        add(c, code::policy_fetch_relay,
            "The browser may not read " + url + " (no CORS header), so it was fetched through your relay" +
                (o->message.empty() ? std::string() : " " + quote(o->message, 100)) +
                "; what follows is what the relay reported.");
      if (o->status != 200) {
        add(c, code::policy_fetch_status,
            url + " answered HTTP " + std::to_string(o->status) + ", not 200; senders accept only 200, so they find no policy." +
                std::string(cached_policy));
        c.status = status::fail;
        c.summary = "HTTP " + std::to_string(o->status) + " instead of 200.";
        return;
      }
      if (o->truncated) {
        add(c, code::policy_fetch_too_large,
            url + " sent more than 65,536 bytes (reading stopped there); senders stop at 64 KB and reject it." +
                std::string(cached_policy));
        c.status = status::fail;
        c.summary = "The body is over 64 KB.";
        return;
      }
      policy_info p;
      p.source = relay ? policy_source::relay : policy_source::fetched;
      p.url = url;
      p.status = o->status;
      p.content_type = o->content_type;
      p.size = o->bytes.size();
      p.text = o->bytes;
      content_type(c, *o, url);
      ctx.rep.policy = std::move(p);
      c.status = from_findings(c, status::pass);
      c.summary = "HTTP 200, " + (o->content_type ? quote(*o->content_type) : std::string("no Content-Type")) + ", " +
                  plural(o->bytes.size(), "byte", "bytes") + (relay ? ", through your relay." : ".");
      return;
    }
    case observation_kind::redirect:
      add(c, code::policy_fetch_redirect,
          url + (o->status != 0 ? " answered with a redirect (HTTP " + std::to_string(o->status) + ")"
                                : " answered with a redirect (the browser hides its status and target)") +
              (relay ? " through your relay" : "") + "; senders must not follow redirects, so they find no policy." +
              std::string(cached_policy));
      c.status = status::fail;
      c.summary = "The policy URL redirects.";
      return;
    case observation_kind::cors_blocked: {
      std::string msg = url + " answered over HTTPS with a certificate this browser trusts, but without an "
                              "Access-Control-Allow-Origin header, so the browser may not read the policy.";
      if (!o->relay_failure.empty()) msg += " Your relay failed as well (" + quote(o->relay_failure, 120) + ").";
      add(c, code::policy_fetch_cors_blocked, msg);
      if (ctx.opt.pasted_policy) {
        // The pasted text completes the check (the fetch itself stays unobserved, and says so).
        use_pasted(ctx, c, "the browser may not read the policy host's answer");
        c.status = status::info;
        c.summary = "Reachable, but not readable from the browser; the pasted policy is checked instead.";
      } else {
        unknown(ctx, c, "Reachable over HTTPS, but the browser may not read it (CORS): could not verify from the browser.");
      }
      return;
    }
    case observation_kind::timeout:
      add(c, code::policy_fetch_timeout,
          url + " did not answer within " + seconds_text(ctx.opt.policy_timeout_ms) +
              "; the check cannot tell a slow server from a slow network. Senders wait about a minute.");
      if (ctx.opt.pasted_policy) {
        use_pasted(ctx, c, "the policy host did not answer in time");
        c.status = status::info;
        c.summary = "No answer in time; the pasted policy is checked instead.";
      } else {
        unknown(ctx, c, "No answer within " + seconds_text(ctx.opt.policy_timeout_ms) + ".");
      }
      return;
    case observation_kind::aborted:
      c.findings.push_back(ctx.stopped(url + " answered"));
      unknown(ctx, c, "Stopped before the policy host answered.");
      return;
    case observation_kind::unreachable:
      unreachable(ctx, c, *o);
      return;
    default:
      add(c, code::check_aborted, "The host reported an observation of the wrong kind for the policy.");
      unknown(ctx, c, "The host reported an observation of the wrong kind for the policy.");
      return;
  }
}

}  // namespace mtasts::check::detail
