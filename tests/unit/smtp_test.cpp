// Tests for smtp.h: the incremental SMTP reply reader (RFC 5321 §4.2,
// §4.5.3.1.5) and the EHLO keywords (§4.1.1.1, RFC 3207 §4).
#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "mtasts/smtp.h"
#include "test_support.h"

using mtasts::smtp::error_kind;
using mtasts::smtp::reader;
using mtasts::smtp::reply;

namespace {

/** What a reader made of a stream: every reply, the error, the bytes left over. */
struct outcome {
  std::vector<reply> replies;
  error_kind kind = error_kind::none;
  std::size_t offset = 0;
  std::string message;
  std::size_t pending = 0;
  bool operator==(const outcome& o) const {
    return replies == o.replies && kind == o.kind && offset == o.offset && message == o.message &&
           pending == o.pending;
  }
};

outcome drain(reader& in) {
  outcome o;
  while (auto r = in.next()) o.replies.push_back(*r);
  o.kind = in.error().kind;
  o.offset = in.error().offset;
  o.message = in.error().message;
  o.pending = in.pending_bytes();
  return o;
}

/** The stream fed in pieces that end at each offset in `cuts` (ascending). */
outcome read_cut(const std::string& s, const std::vector<std::size_t>& cuts) {
  reader in;
  std::size_t at = 0;
  for (std::size_t c : cuts) {
    in.feed(std::string_view(s).substr(at, c - at));
    at = c;
  }
  in.feed(std::string_view(s).substr(at));
  return drain(in);
}

outcome read_all(const std::string& s) { return read_cut(s, {}); }

reply rep(std::uint16_t code, std::vector<std::string> lines) { return reply{code, std::move(lines)}; }

// A Postfix greeting and EHLO reply, as on the wire.
const std::string postfix =
    "220 mx.example.com ESMTP Postfix (Debian/GNU)\r\n"
    "250-mx.example.com\r\n"
    "250-PIPELINING\r\n"
    "250-SIZE 10240000\r\n"
    "250-VRFY\r\n"
    "250-ETRN\r\n"
    "250-STARTTLS\r\n"
    "250-ENHANCEDSTATUSCODES\r\n"
    "250-8BITMIME\r\n"
    "250-DSN\r\n"
    "250-SMTPUTF8\r\n"
    "250 CHUNKING\r\n"
    "220 2.0.0 Ready to start TLS\r\n";

}  // namespace

TEST_SUITE("smtp") {
  TEST_CASE("smtp: a one-line reply, a multiline reply, and the text of each line") {
    const auto o = read_all(postfix);
    CHECK(o.kind == error_kind::none);
    CHECK(o.pending == 0);
    REQUIRE(o.replies.size() == 3);
    CHECK(o.replies[0] == rep(220, {"mx.example.com ESMTP Postfix (Debian/GNU)"}));
    CHECK(o.replies[1].code == 250);
    CHECK(o.replies[1].lines.size() == 11);
    CHECK(o.replies[1].lines.front() == "mx.example.com");
    CHECK(o.replies[1].lines[2] == "SIZE 10240000");
    CHECK(o.replies[1].lines.back() == "CHUNKING");
    CHECK(o.replies[2] == rep(220, {"2.0.0 Ready to start TLS"}));
  }

  TEST_CASE("smtp: the code alone, an empty text, a trailing space") {
    CHECK(read_all("250\r\n").replies == std::vector<reply>{rep(250, {""})});
    CHECK(read_all("250-\r\n250 \r\n").replies == std::vector<reply>{rep(250, {"", ""})});
    CHECK(read_all("250-a \r\n250\r\n").replies == std::vector<reply>{rep(250, {"a ", ""})});
    CHECK(read_all("421 4.3.2 Service not available  \r\n").replies ==
          std::vector<reply>{rep(421, {"4.3.2 Service not available  "})});
    // Every first digit SMTP uses; any second and third digit.
    for (const char* line : {"200 a\r\n", "354 a\r\n", "450 a\r\n", "599 a\r\n", "290 a\r\n"}) {
      CAPTURE(line);
      const auto o = read_all(line);
      CHECK(o.kind == error_kind::none);
      CHECK(o.replies.size() == 1);
    }
  }

  TEST_CASE("smtp: split at every byte boundary, and at every pair of them, the replies are the same") {
    const auto whole = read_all(postfix);
    for (std::size_t i = 0; i <= postfix.size(); ++i) {
      CAPTURE(i);
      CHECK(read_cut(postfix, {i}) == whole);
    }
    const std::string short_one = "220 hi\r\n250-a\r\n250 STARTTLS\r\n";
    const auto short_whole = read_all(short_one);
    for (std::size_t i = 0; i <= short_one.size(); ++i)
      for (std::size_t j = i; j <= short_one.size(); ++j) {
        CAPTURE(i);
        CAPTURE(j);
        CHECK(read_cut(short_one, {i, j}) == short_whole);
      }
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < postfix.size(); ++i) every.push_back(i);
    CHECK(read_cut(postfix, every) == whole);
  }

  TEST_CASE("smtp: replies come out as soon as their last line ends, not before") {
    reader in;
    CHECK(in.feed("250-first\r\n250 sec"));
    CHECK_FALSE(in.has_reply());
    CHECK_FALSE(in.next().has_value());
    CHECK(in.pending_bytes() == 18);
    CHECK(in.feed("ond\r"));
    CHECK_FALSE(in.has_reply());
    CHECK(in.feed("\n220 next\r\n354 "));
    CHECK(in.next() == std::optional<reply>(rep(250, {"first", "second"})));
    CHECK(in.next() == std::optional<reply>(rep(220, {"next"})));
    CHECK_FALSE(in.next().has_value());
    CHECK(in.pending_bytes() == 4);  // "354 ": more than the replies taken (RFC 3207 §4 cares)
    CHECK(in.fed() == 37);
  }

  TEST_CASE("smtp: CRLF and bare LF end lines alike; a CR elsewhere is text") {
    std::string lf = postfix;
    for (std::size_t p; (p = lf.find("\r\n")) != std::string::npos;) lf.erase(p, 1);
    CHECK(read_all(lf).replies == read_all(postfix).replies);
    CHECK(read_all("250-a\n250-b\r\n250 c\n").replies == std::vector<reply>{rep(250, {"a", "b", "c"})});
    CHECK(read_all("250 a\rb\r\n").replies == std::vector<reply>{rep(250, {"a\rb"})});
    CHECK(read_all("250 a\r\r\n").replies == std::vector<reply>{rep(250, {"a\r"})});
    // A lone CR does not end a line: the reply is still waiting.
    const auto cr = read_all("250 a\r");
    CHECK(cr.replies.empty());
    CHECK(cr.kind == error_kind::none);
    CHECK(cr.pending == 6);
  }

  TEST_CASE("smtp: a multiline reply whose codes disagree") {
    const std::string s = "250-mx.example.com\r\n251-PIPELINING\r\n250 STARTTLS\r\n";
    const auto o = read_all(s);
    CHECK(o.replies.empty());
    CHECK(o.kind == error_kind::code_mismatch);
    CHECK(o.offset == 20);
    CHECK(o.message ==
          "line 2 of a reply has the code 251, its first line 250 (RFC 5321 §4.2.1: every line of a multiline reply "
          "has the same code): \"251-PIPELINING\"");
    CHECK(o.pending == 0);
    // A different code after a complete reply is simply the next reply.
    CHECK(read_all("250 a\r\n251 b\r\n").replies == std::vector<reply>{rep(250, {"a"}), rep(251, {"b"})});
  }

  TEST_CASE("smtp: what is not a reply line") {
    struct row {
      const char* name;
      std::string bytes;
    };
    const row rows[] = {
        {"an empty line", "\r\n"},
        {"an HTTP server", "HTTP/1.1 400 Bad Request\r\n"},
        {"an SSH server", "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"},
        {"a POP3 server", "+OK Dovecot ready.\r\n"},
        {"two digits", "25 ok\r\n"},
        {"four digits", "2500 ok\r\n"},
        {"a letter after the code", "250x\r\n"},
        {"a tab after the code", "250\tok\r\n"},
        {"1yz is not an SMTP code", "199 ok\r\n"},
        {"6yz is not a code", "600 ok\r\n"},
        {"0yz", "050 ok\r\n"},
        {"a space before the code", " 250 ok\r\n"},
        {"a letter in the code", "2a0 ok\r\n"},
        {"a code of three characters only, no digits", "abc\r\n"},
    };
    for (const auto& r : rows) {
      CAPTURE(r.name);
      const auto o = read_all(r.bytes);
      CHECK(o.replies.empty());
      CHECK(o.kind == error_kind::not_a_reply_line);
      CHECK(o.offset == 0);
      CHECK(o.message.rfind("not an SMTP reply line: \"", 0) == 0);
      CHECK(o.message.find("(RFC 5321 §4.2: a code from 200 to 599, then a space, a hyphen or the end of the line)") !=
            std::string::npos);
    }
    // The line's position within its reply is named.
    const auto o = read_all("220 hi\r\n250-a\r\nxyz\r\n");
    CHECK(o.replies == std::vector<reply>{rep(220, {"hi"})});
    CHECK(o.kind == error_kind::not_a_reply_line);
    CHECK(o.offset == 15);
    CHECK(o.message.rfind("line 2 of a reply is not a reply line: \"xyz\"", 0) == 0);
  }

  TEST_CASE("smtp: a NUL byte stops the reader where it is") {
    const std::string s = std::string("220 hi\r\n250-a\0b\r\n", 17);
    const auto o = read_all(s);
    CHECK(o.replies == std::vector<reply>{rep(220, {"hi"})});
    CHECK(o.kind == error_kind::nul_byte);
    CHECK(o.offset == 13);
    CHECK(o.message == "a NUL byte in a reply line at offset 13 (RFC 5321 §4.2: the text is printable US-ASCII)");
    // Even before the line could be judged otherwise.
    const auto first = read_all(std::string("\0", 1));
    CHECK(first.kind == error_kind::nul_byte);
    CHECK(first.offset == 0);
    // A TLS alert (a port that speaks TLS at once) has one in its length.
    const auto tls = read_all(std::string("\x15\x03\x01\x00\x02\x02\x46", 7));
    CHECK(tls.kind == error_kind::nul_byte);
    CHECK(tls.offset == 3);
    const auto second = read_all(std::string("250-ok\r\n250 \0", 13));
    CHECK(second.kind == error_kind::nul_byte);
    CHECK(second.message.find("line 2 of a reply at offset 12") != std::string::npos);
  }

  TEST_CASE("smtp: a line of line_max bytes is read; one byte more is an error, found before its LF") {
    using mtasts::smtp::line_max;
    const std::string text_max(line_max - 6, 'a');  // "250 " + text + CRLF == line_max
    const auto ok = read_all("250 " + text_max + "\r\n");
    CHECK(ok.kind == error_kind::none);
    REQUIRE(ok.replies.size() == 1);
    CHECK(ok.replies[0].lines[0] == text_max);
    const auto bare = read_all("250 " + text_max + "a\n");  // line_max with a bare LF
    CHECK(bare.kind == error_kind::none);

    const auto over = read_all("220 hi\r\n250 " + text_max + "a\r\n");
    CHECK(over.replies.size() == 1);
    CHECK(over.kind == error_kind::line_too_long);
    CHECK(over.offset == 8);
    CHECK(over.message.rfind("a reply line longer than 2048 bytes (RFC 5321 §4.5.3.1.5: at most 512, CRLF included): "
                             "\"250 aaaa",
                             0) == 0);

    // The error comes as soon as line_max bytes arrived with no LF among them.
    reader in;
    CHECK(in.feed(std::string(line_max - 1, '2')));
    CHECK_FALSE(in.failed());
    CHECK(in.pending_bytes() == line_max - 1);
    CHECK_FALSE(in.feed("2"));
    CHECK(in.error().kind == error_kind::line_too_long);
    CHECK(in.pending_bytes() == 0);  // nothing more is held

    // The same byte, whatever the pieces.
    const std::string long_line = "250-ok\r\n250-" + std::string(3000, 'x') + "\r\n";
    const auto whole = read_all(long_line);
    CHECK(whole.kind == error_kind::line_too_long);
    CHECK(whole.message.rfind("line 2 of a reply longer than", 0) == 0);
    for (std::size_t i = 0; i <= long_line.size(); i += 7) {
      CAPTURE(i);
      CHECK(read_cut(long_line, {i}) == whole);
    }
  }

  TEST_CASE("smtp: at most reply_max_lines lines in a reply") {
    using mtasts::smtp::reply_max_lines;
    std::string s;
    for (std::size_t i = 1; i < reply_max_lines; ++i) s += "250-x\r\n";
    const auto ok = read_all(s + "250 end\r\n");
    CHECK(ok.kind == error_kind::none);
    REQUIRE(ok.replies.size() == 1);
    CHECK(ok.replies[0].lines.size() == reply_max_lines);
    const auto over = read_all(s + "250-x\r\n250 end\r\n");
    CHECK(over.replies.empty());
    CHECK(over.kind == error_kind::too_many_lines);
    CHECK(over.offset == reply_max_lines * 7);
    CHECK(over.message == "a reply of more than 1000 lines (code 250)");
  }

  TEST_CASE("smtp: at most reply_max_bytes bytes in a reply") {
    using mtasts::smtp::line_max;
    using mtasts::smtp::reply_max_bytes;
    static_assert(reply_max_bytes % line_max == 0, "the test builds the reply of full lines");
    const std::string full_line = "250-" + std::string(line_max - 6, 'z') + "\r\n";
    std::string s;
    for (std::size_t i = 1; i < reply_max_bytes / line_max; ++i) s += full_line;
    const std::string last = "250 " + std::string(line_max - 6, 'z') + "\r\n";
    const auto ok = read_all(s + last);
    CHECK(ok.kind == error_kind::none);
    REQUIRE(ok.replies.size() == 1);
    CHECK(ok.replies[0].lines.size() == reply_max_bytes / line_max);
    const auto over = read_all(s + full_line + "250 .\r\n");
    CHECK(over.replies.empty());
    CHECK(over.kind == error_kind::reply_too_long);
    CHECK(over.offset == reply_max_bytes);  // the line that goes past the limit
    CHECK(over.message == "a reply longer than 65536 bytes (code 250, 33 lines)");
  }

  TEST_CASE("smtp: after an error nothing more is read; the replies before it can still be taken") {
    reader in;
    CHECK(in.feed("220 hi\r\n250-a\r\n"));
    CHECK_FALSE(in.feed("251 b\r\n250 c\r\n"));
    CHECK(in.failed());
    CHECK_FALSE(in.feed("220 again\r\n"));
    CHECK(in.error().kind == error_kind::code_mismatch);
    CHECK(in.next() == std::optional<reply>(rep(220, {"hi"})));
    CHECK_FALSE(in.next().has_value());
    CHECK(in.fed() == 40);  // counted, not read
  }

  TEST_CASE("smtp: random streams give the same outcome in random pieces") {
    mtasts_test::rng r(5321);
    const char* parts[] = {"250", "251", "220", "-", " ", "\r\n", "\n", "\r", "x", "STARTTLS"};
    for (int round = 0; round < 300; ++round) {
      std::string s;
      const std::size_t n = r.below(40);
      for (std::size_t k = 0; k < n; ++k) {
        const std::size_t p = r.below(11);
        if (p == 10) s.push_back('\0');
        else s += parts[p];
      }
      const auto whole = read_all(s);
      std::vector<std::size_t> cuts;
      for (std::size_t at = 0; at < s.size(); at += 1 + r.below(5)) cuts.push_back(at);
      CAPTURE(s);
      CHECK(read_cut(s, cuts) == whole);
    }
  }

  TEST_CASE("smtp: error_name") {
    CHECK(mtasts::smtp::error_name(error_kind::none) == "none");
    CHECK(mtasts::smtp::error_name(error_kind::not_a_reply_line) == "not-a-reply-line");
    CHECK(mtasts::smtp::error_name(error_kind::code_mismatch) == "code-mismatch");
    CHECK(mtasts::smtp::error_name(error_kind::line_too_long) == "line-too-long");
    CHECK(mtasts::smtp::error_name(error_kind::too_many_lines) == "too-many-lines");
    CHECK(mtasts::smtp::error_name(error_kind::reply_too_long) == "reply-too-long");
    CHECK(mtasts::smtp::error_name(error_kind::nul_byte) == "nul-byte");
  }
}

TEST_SUITE("smtp.ehlo") {
  using mtasts::smtp::advertises_starttls;
  using mtasts::smtp::ehlo_keywords;
  using strings = std::vector<std::string>;

  TEST_CASE("ehlo: the keywords of a Postfix reply, the greeting line left out") {
    const auto o = read_all(postfix);
    REQUIRE(o.replies.size() == 3);
    CHECK(ehlo_keywords(o.replies[1]) == strings{"PIPELINING", "SIZE", "VRFY", "ETRN", "STARTTLS",
                                                  "ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING"});
    CHECK(advertises_starttls(o.replies[1]));
  }

  TEST_CASE("ehlo: Exim, Microsoft and Gmail") {
    const auto exim = read_all(
        "250-mail.example.org Hello client.example.net [192.0.2.1]\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n"
        "250-PIPELINING\r\n250-PIPE_CONNECT\r\n250-AUTH PLAIN LOGIN\r\n250-CHUNKING\r\n250-STARTTLS\r\n"
        "250-PRDR\r\n250 HELP\r\n");
    REQUIRE(exim.replies.size() == 1);
    CHECK(ehlo_keywords(exim.replies[0]) ==
          strings{"SIZE", "8BITMIME", "PIPELINING", "PIPE_CONNECT", "AUTH", "CHUNKING", "STARTTLS", "PRDR", "HELP"});
    CHECK(advertises_starttls(exim.replies[0]));

    const auto microsoft = read_all(
        "250-AM0PR10MB1234.outlook.office365.com Hello [192.0.2.1]\r\n250-SIZE 157286400\r\n250-PIPELINING\r\n"
        "250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250-STARTTLS\r\n250-8BITMIME\r\n250-BINARYMIME\r\n250-CHUNKING\r\n"
        "250 SMTPUTF8\r\n");
    REQUIRE(microsoft.replies.size() == 1);
    CHECK(advertises_starttls(microsoft.replies[0]));

    const auto gmail = read_all(
        "250-mx.google.com at your service, [192.0.2.1]\r\n250-SIZE 157286400\r\n250-8BITMIME\r\n250-STARTTLS\r\n"
        "250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n");
    REQUIRE(gmail.replies.size() == 1);
    CHECK(ehlo_keywords(gmail.replies[0]).size() == 7);
    CHECK(advertises_starttls(gmail.replies[0]));

    // After STARTTLS the server no longer offers it (RFC 3207 §4.2).
    const auto after = read_all("250-mx.google.com at your service\r\n250-SIZE 157286400\r\n250 SMTPUTF8\r\n");
    REQUIRE(after.replies.size() == 1);
    CHECK_FALSE(advertises_starttls(after.replies[0]));
  }

  TEST_CASE("ehlo: the keyword's case, spaces before it, its parameters and the old AUTH= form") {
    const auto o = read_all("250-mx\r\n250-starttls\r\n250- \tSize 100\r\n250-AUTH=LOGIN PLAIN\r\n250-\r\n250  \r\n");
    REQUIRE(o.replies.size() == 1);
    CHECK(ehlo_keywords(o.replies[0]) == strings{"STARTTLS", "SIZE", "AUTH"});
    CHECK(advertises_starttls(o.replies[0]));
    CHECK(advertises_starttls(read_all("250-mx\r\n250 StartTLS\r\n").replies.at(0)));
    CHECK(advertises_starttls(read_all("250-mx\r\n250 STARTTLS \r\n").replies.at(0)));
  }

  TEST_CASE("ehlo: what is not an offer of STARTTLS") {
    struct row {
      const char* name;
      const char* bytes;
    };
    const row rows[] = {
        {"the greeting line only", "250 mx.example.com STARTTLS\r\n"},
        {"a longer keyword", "250-mx\r\n250 STARTTLSX\r\n"},
        {"a shorter one", "250-mx\r\n250 STARTTL\r\n"},
        {"a parameter, not the keyword", "250-mx\r\n250 X-OPTION STARTTLS\r\n"},
        {"a reply other than 250", "220-mx\r\n220 STARTTLS\r\n"},
        {"a refusal", "550-mx\r\n550 STARTTLS\r\n"},
        {"a code 251", "251-mx\r\n251 STARTTLS\r\n"},
        {"no keywords at all", "250 mx.example.com\r\n"},
    };
    for (const auto& r : rows) {
      CAPTURE(r.name);
      const auto o = read_all(r.bytes);
      REQUIRE(o.replies.size() == 1);
      CHECK_FALSE(advertises_starttls(o.replies[0]));
    }
    CHECK(ehlo_keywords(reply{}).empty());
  }
}
