// Tests for the name helpers of core/src/hostname.h that have no public
// surface: the approximation of a registrable domain (without the Public
// Suffix List) that mx.pattern.stale_foreign relies on.
#include <doctest/doctest.h>

#include <string>

#include "hostname.h"

using mtasts::detail::registrable_part;

TEST_SUITE("hostname") {
  TEST_CASE("registrable_part: the last two labels, three under a known multi-label suffix") {
    CHECK(registrable_part("mx1.example.com") == "example.com");
    CHECK(registrable_part("a.b.mx1.example.com.") == "example.com");
    CHECK(registrable_part("*.mail.protection.outlook.com") == "outlook.com");
    CHECK(registrable_part("mail.example.co.uk") == "example.co.uk");
    CHECK(registrable_part("Mail.Example.CO.UK") == "Example.CO.UK");  // case kept; the list is read case-insensitively
    CHECK(registrable_part("example.co.uk") == "example.co.uk");
    CHECK(registrable_part("example.com") == "example.com");
    CHECK(registrable_part("co.uk") == "co.uk");
    CHECK(registrable_part("localhost") == "localhost");
  }

  TEST_CASE("registrable_part: a suffix the list does not know widens the domain (so callers err to not flagging)") {
    // cloudapp.net is a private public suffix: a.cloudapp.net and b.cloudapp.net are different registrants,
    // which the approximation cannot tell apart; it never splits one registrant's names.
    CHECK(registrable_part("mx.a.cloudapp.net") == registrable_part("mx.b.cloudapp.net"));
    CHECK(registrable_part("mx.example.net.za") == "net.za");
  }
}
