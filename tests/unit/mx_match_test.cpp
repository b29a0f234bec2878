// Tests for mx_matches(): RFC 8461 §4.1 (and RFC 6125 §6.4.3 for the wildcard).
// `*` stands for exactly one whole left-most label; comparison is ASCII
// case-insensitive; one trailing dot on either side is ignored; empty or
// malformed input never matches.
#include <doctest/doctest.h>

#include <string>

#include "mtasts/mx_match.h"

namespace {

struct match_case {
  const char* name;
  const char* pattern;
  const char* host;
  bool expected;
};

const match_case kCases[] = {
    // exact names
    {"identical names", "mail.example.com", "mail.example.com", true},
    {"case-insensitive", "MAIL.example.COM", "mail.EXAMPLE.com", true},
    {"host with the trailing dot of MX RDATA", "mail.example.com", "mail.example.com.", true},
    {"pattern with a trailing dot", "mail.example.com.", "mail.example.com", true},
    {"both with a trailing dot", "mail.example.com.", "mail.example.com.", true},
    {"different names", "mail.example.com", "mx.example.com", false},
    {"pattern is a suffix of the host", "example.com", "mail.example.com", false},
    {"host is a suffix of the pattern", "mail.example.com", "example.com", false},
    {"label boundary respected", "mail.example.com", "xmail.example.com", false},
    {"A-labels compare as text", "xn--mller-kva.example.com", "XN--MLLER-KVA.example.com", true},
    {"U-label never equals its A-label", "m\xc3\xbcller.example.com", "xn--mller-kva.example.com",
     false},
    {"single-label names", "localhost", "LOCALHOST.", true},
    {"digits and hyphens", "mx-1.example-2.com", "MX-1.EXAMPLE-2.COM", true},
    // wildcards
    {"wildcard covers one label", "*.example.com", "mx1.example.com", true},
    {"wildcard, mixed case and trailing dot", "*.EXAMPLE.com", "MX1.example.COM.", true},
    {"wildcard pattern with a trailing dot", "*.example.com.", "mx1.example.com", true},
    {"wildcard does not cover the bare suffix", "*.example.com", "example.com", false},
    {"wildcard does not cover the bare suffix with a dot", "*.example.com", "example.com.", false},
    {"wildcard does not cover two labels", "*.example.com", "a.b.example.com", false},
    {"wildcard suffix must match on a label boundary", "*.example.com", "mx.notexample.com",
     false},
    {"wildcard suffix is not a substring match", "*.example.com", "mxexample.com", false},
    {"wildcard suffix must end the host", "*.example.com", "mx.example.com.evil.net", false},
    {"wildcard does not cover an empty label", "*.example.com", ".example.com", false},
    {"wildcard over a one-label suffix", "*.com", "example.com", true},
    {"wildcard over a one-label suffix, not two labels", "*.com", "mail.example.com", false},
    {"wildcard covers digits and hyphens", "*.mail.protection.outlook.com",
     "contoso-com.mail.protection.outlook.com", true},
    // Provider patterns (Q2 of docs/SENDERS.md): the documented ones cover the hosts the provider
    // really uses (policy.mx.wildcard_provider); the look-alikes do not (wildcard_provider_mismatch).
    {"Microsoft 365's documented pattern", "*.mail.protection.outlook.com",
     "contoso-com.mail.protection.outlook.com", true},
    {"Cloudflare's documented pattern", "*.mx.cloudflare.net", "route1.mx.cloudflare.net", true},
    {"Gmail's own pattern", "*.gmail-smtp-in.l.google.com", "alt1.gmail-smtp-in.l.google.com", true},
    {"Gmail's own pattern does not cover its primary MX host", "*.gmail-smtp-in.l.google.com",
     "gmail-smtp-in.l.google.com", false},
    {"*.mx.microsoft misses a DNSSEC MX host of Microsoft 365", "*.mx.microsoft",
     "contoso-com.o-v1.mx.microsoft", false},
    {"the tenant-region pattern covers it", "*.o-v1.mx.microsoft", "contoso-com.o-v1.mx.microsoft", true},
    {"*.protection.outlook.com misses a Microsoft 365 MX host", "*.protection.outlook.com",
     "contoso-com.mail.protection.outlook.com", false},
    {"*.outlook.com misses a Microsoft 365 MX host", "*.outlook.com",
     "contoso-com.mail.protection.outlook.com", false},
    {"*.google.com misses Google Workspace's aspmx.l.google.com", "*.google.com", "aspmx.l.google.com", false},
    {"*.google.com misses alt1.aspmx.l.google.com", "*.google.com", "alt1.aspmx.l.google.com", false},
    {"*.google.com covers smtp.google.com", "*.google.com", "smtp.google.com", true},
    {"*.aspmx.l.google.com misses aspmx.l.google.com itself", "*.aspmx.l.google.com", "aspmx.l.google.com",
     false},
    {"*.amazonaws.com misses Amazon SES's inbound host", "*.amazonaws.com",
     "inbound-smtp.eu-west-1.amazonaws.com", false},
    {"*.mailgun.org misses Mailgun's EU host", "*.mailgun.org", "mxa.eu.mailgun.org", false},
    {"*.mailgun.org covers Mailgun's US host", "*.mailgun.org", "mxa.mailgun.org", true},
    // malformed patterns never match
    {"star alone", "*", "com", false},
    {"star alone against a one-label host", "*", "localhost", false},
    {"star inside a label", "mx*.example.com", "mx1.example.com", false},
    {"star without its dot", "*example.com", "mxexample.com", false},
    {"star as a middle label", "a.*.example.com", "a.b.example.com", false},
    {"two star labels", "*.*.example.com", "a.b.example.com", false},
    {"star dot and nothing", "*.", "a.", false},
    {"literal star host vs wildcard", "*.example.com", "*.example.com", false},
    {"two trailing dots on the pattern", "mail.example.com..", "mail.example.com", false},
    {"two trailing dots on the host", "mail.example.com", "mail.example.com..", false},
    {"empty label in both", "mail..example.com", "mail..example.com", false},
    {"two trailing dots on both", "mail.example.com..", "mail.example.com..", false},
    {"wildcard pattern with two trailing dots", "*.example.com..", "mx.example.com..", false},
    {"root only", ".", ".", false},
    {"host with trailing space", "mail.example.com", "mail.example.com ", false},
    {"pattern with leading space", " mail.example.com", "mail.example.com", false},
    // empty input never matches
    {"empty pattern", "", "mail.example.com", false},
    {"empty host", "mail.example.com", "", false},
    {"both empty", "", "", false},
    {"empty host against a wildcard", "*.example.com", "", false},
};

}  // namespace

TEST_SUITE("mx_match") {
  TEST_CASE("mx_matches table") {
    for (const auto& c : kCases) {
      CAPTURE(c.name);
      CAPTURE(c.pattern);
      CAPTURE(c.host);
      CHECK(mtasts::mx_matches(c.pattern, c.host) == c.expected);
    }
  }

  TEST_CASE("string_view arguments are not read past their length") {
    const std::string buf = "mail.example.comXYZ";
    const std::string_view pattern(buf.data(), 16);  // "mail.example.com"
    CHECK(mtasts::mx_matches(pattern, "mail.example.com"));
    CHECK_FALSE(mtasts::mx_matches(std::string_view(buf), "mail.example.com"));
    const std::string wild = "*.example.com.extra";
    CHECK(mtasts::mx_matches(std::string_view(wild.data(), 13), "mx.example.com"));
  }

  TEST_CASE("embedded NUL is not a terminator") {
    const std::string host("mail.example.com\0.evil", 22);
    CHECK_FALSE(mtasts::mx_matches("mail.example.com", host));
    CHECK_FALSE(mtasts::mx_matches("*.example.com", std::string("mx\0.example.com", 15)));
  }

  TEST_CASE("matching is symmetric for exact names") {
    for (const auto& c : kCases) {
      const std::string p = c.pattern;
      if (p.find('*') != std::string::npos) continue;
      CAPTURE(c.name);
      CHECK(mtasts::mx_matches(c.pattern, c.host) == mtasts::mx_matches(c.host, c.pattern));
    }
  }
}
