// Tests for core/src/idna.h: Punycode against the sample strings of RFC 3492
// §7.1, real names, and the A-label and U-label forms of a name (what the
// core does without Unicode tables, and what it says instead of guessing).
#include <doctest/doctest.h>

#include <string>

#include "idna.h"

using mtasts::detail::punycode_decode;
using mtasts::detail::punycode_encode;
using mtasts::detail::to_a_labels;
using mtasts::detail::to_u_labels;

namespace {

struct sample {
  const char* name;
  std::u32string code_points;
  const char* punycode;
};

// RFC 3492 §7.1. The RFC writes the code points with mixed-case annotations
// (an upper-case "U+" flags a letter to be shown in upper case); these are
// the code points themselves, and (I)'s "D" is written lower case because
// the annotation is what made it upper case there (§A: decoders ignore case).
const sample kRfc3492[] = {
    {"(A) Arabic (Egyptian)",
     U"\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064A\u061F",
     "egbpdaj6bu4bxfgehfvwxn"},
    {"(B) Chinese (simplified)", U"\u4ED6\u4EEC\u4E3A\u4EC0\u4E48\u4E0D\u8BF4\u4E2D\u6587", "ihqwcrb4cv8a8dqg056pqjye"},
    {"(C) Chinese (traditional)", U"\u4ED6\u5011\u7232\u4EC0\u9EBD\u4E0D\u8AAA\u4E2D\u6587",
     "ihqwctvzc91f659drss3x8bo0yb"},
    {"(D) Czech", U"Pro\u010Dprost\u011Bnemluv\u00ED\u010Desky", "Proprostnemluvesky-uyb24dma41a"},
    {"(E) Hebrew",
     U"\u05DC\u05DE\u05D4\u05D4\u05DD\u05E4\u05E9\u05D5\u05D8\u05DC\u05D0\u05DE\u05D3\u05D1\u05E8\u05D9\u05DD\u05E2"
     U"\u05D1\u05E8\u05D9\u05EA",
     "4dbcagdahymbxekheh6e0a7fei0b"},
    {"(F) Hindi (Devanagari)",
     U"\u092F\u0939\u0932\u094B\u0917\u0939\u093F\u0928\u094D\u0926\u0940\u0915\u094D\u092F\u094B\u0902\u0928\u0939"
     U"\u0940\u0902\u092C\u094B\u0932\u0938\u0915\u0924\u0947\u0939\u0948\u0902",
     "i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd"},
    {"(G) Japanese (kanji and hiragana)",
     U"\u306A\u305C\u307F\u3093\u306A\u65E5\u672C\u8A9E\u3092\u8A71\u3057\u3066\u304F\u308C\u306A\u3044\u306E\u304B",
     "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa"},
    {"(H) Korean (Hangul syllables)",
     U"\uC138\uACC4\uC758\uBAA8\uB4E0\uC0AC\uB78C\uB4E4\uC774\uD55C\uAD6D\uC5B4\uB97C\uC774\uD574\uD55C\uB2E4\uBA74"
     U"\uC5BC\uB9C8\uB098\uC88B\uC744\uAE4C",
     "989aomsvi5e83db1d2a355cv1e0vak1dwrv93d5xbh15a0dt30a5jpsd879ccm6fea98c"},
    {"(I) Russian (Cyrillic)",
     U"\u043F\u043E\u0447\u0435\u043C\u0443\u0436\u0435\u043E\u043D\u0438\u043D\u0435\u0433\u043E\u0432\u043E\u0440"
     U"\u044F\u0442\u043F\u043E\u0440\u0443\u0441\u0441\u043A\u0438",
     "b1abfaaepdrnnbgefbadotcwatmq2g4l"},
    {"(J) Spanish", U"Porqu\u00E9nopuedensimplementehablarenEspa\u00F1ol", "PorqunopuedensimplementehablarenEspaol-fmd56a"},
    {"(K) Vietnamese",
     U"T\u1EA1isaoh\u1ECDkh\u00F4ngth\u1EC3ch\u1EC9n\u00F3iti\u1EBFngVi\u1EC7t",
     "TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g"},
    {"(L) 3<nen>B<gumi><kinpachi><sensei>", U"3\u5E74B\u7D44\u91D1\u516B\u5148\u751F", "3B-ww4c5e180e575a65lsy2b"},
    {"(M) <amuro><namie>-with-SUPER-MONKEYS", U"\u5B89\u5BA4\u5948\u7F8E\u6075-with-SUPER-MONKEYS",
     "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"},
    {"(N) Hello-Another-Way-<sorezore><no><basho>", U"Hello-Another-Way-\u305D\u308C\u305E\u308C\u306E\u5834\u6240",
     "Hello-Another-Way--fc4qua05auwb3674vfr0b"},
    {"(O) <hitotsu><yane><no><shita>2", U"\u3072\u3068\u3064\u5C4B\u6839\u306E\u4E0B" U"2", "2-u9tlzr9756bt3uc0v"},
    {"(P) Maji<de>Koi<suru>5<byou><mae>", U"Maji\u3067Koi\u3059\u308B" U"5\u79D2\u524D", "MajiKoi5-783gue6qz075azm5e"},
    {"(Q) <pafii>de<runba>", U"\u30D1\u30D5\u30A3\u30FC" U"de\u30EB\u30F3\u30D0", "de-jg4avhby1noc0d"},
    {"(R) <sono><supiido><de>", U"\u305D\u306E\u30B9\u30D4\u30FC\u30C9\u3067", "d9juau41awczczp"},
    {"(S) -> $1.00 <-", U"-> $1.00 <-", "-> $1.00 <--"},
};

}  // namespace

TEST_SUITE("idna") {
  TEST_CASE("punycode: the sample strings of RFC 3492 §7.1, both ways") {
    for (const auto& s : kRfc3492) {
      CAPTURE(s.name);
      std::string encoded;
      REQUIRE(punycode_encode(s.code_points, encoded));
      CHECK(encoded == s.punycode);
      std::u32string decoded;
      REQUIRE(punycode_decode(s.punycode, decoded));
      CHECK(decoded == s.code_points);
    }
  }

  TEST_CASE("punycode: the RFC's upper-case digit decodes the same (case is only an annotation)") {
    std::u32string lower_d, upper_d;
    REQUIRE(punycode_decode("b1abfaaepdrnnbgefbadotcwatmq2g4l", lower_d));
    REQUIRE(punycode_decode("b1abfaaepdrnnbgefbaDotcwatmq2g4l", upper_d));
    CHECK(lower_d == upper_d);
  }

  TEST_CASE("punycode: what is not Punycode is refused") {
    std::u32string out;
    CHECK_FALSE(punycode_decode("99999999999999999", out));  // overflow
    CHECK_FALSE(punycode_decode("a!", out));                // not a digit
    CHECK_FALSE(punycode_decode("abc-9", out));             // ends in the middle of a number
    CHECK_FALSE(punycode_decode("\xc3\xbc-kva", out));     // a non-basic code point before the delimiter
  }

  TEST_CASE("A-labels of real names") {
    CHECK(to_a_labels("b\xc3\xbc" "cher").name == "xn--bcher-kva");
    CHECK(to_a_labels("m\xc3\xbc" "nchen").name == "xn--mnchen-3ya");
    CHECK(to_a_labels("\xe4\xbe\x8b\xe3\x81\x88").name == "xn--r8jz45g");  // 例え
    CHECK(to_a_labels("mx1.b\xc3\xbc" "cher.test").name == "mx1.xn--bcher-kva.test");
    CHECK(to_a_labels("*.b\xc3\xbc" "cher.test").name == "*.xn--bcher-kva.test");
    CHECK(to_a_labels("MX.B\xc3\xbc" "cher.Example").name == "mx.xn--bcher-kva.example");  // ASCII is lower-cased
    CHECK(to_a_labels("mail.example.com").name == "mail.example.com");
    // RFC 3490 §3.1: the ideographic full stop separates labels.
    CHECK(to_a_labels("\xe4\xbe\x8b\xe3\x81\x88\xe3\x80\x82jp").name == "xn--r8jz45g.jp");
  }

  TEST_CASE("A-labels: a capital letter or a combining mark is said, not guessed") {
    const auto capital = to_a_labels("B\xc3\x9c" "CHER.example");  // BÜCHER
    CHECK(capital.name.empty());
    CHECK(capital.problem.find("U+00DC") != std::string::npos);
    CHECK(capital.problem.find("lower-cases") != std::string::npos);
    const auto decomposed = to_a_labels("bu\xcc\x88" "cher.example");  // u + U+0308
    CHECK(decomposed.name.empty());
    CHECK(decomposed.problem.find("U+0308") != std::string::npos);
    CHECK(decomposed.problem.find("NFC") != std::string::npos);
    const auto cyrillic = to_a_labels("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.test");  // Пример
    CHECK(cyrillic.name.empty());
    CHECK(to_a_labels("\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.test").name == "xn--e1afmkfd.test");  // пример
    CHECK(to_a_labels("b\xc3").name.empty());  // invalid UTF-8
  }

  TEST_CASE("U-labels for display") {
    CHECK(to_u_labels("xn--bcher-kva.test") == "b\xc3\xbc" "cher.test");
    CHECK(to_u_labels("mx1.XN--BCHER-KVA.test") == "mx1.b\xc3\xbc" "cher.test");
    CHECK(to_u_labels("xn--r8jz45g.jp") == "\xe4\xbe\x8b\xe3\x81\x88.jp");
    CHECK(to_u_labels("example.com").empty());        // nothing to decode
    CHECK(to_u_labels("xn--ab-.example").empty());    // no non-ASCII code point
    CHECK(to_u_labels("xn--a.example").empty());      // U+0080, a control character
    CHECK(to_u_labels("xn--zzzzzzzzzzzz.example").empty());  // not Punycode
    std::string rlo;
    REQUIRE(punycode_encode(U"abc\u202Edef", rlo));  // a right-to-left override could disguise a name
    CHECK(to_u_labels("xn--" + rlo + ".example").empty());
  }
}
