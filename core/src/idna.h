/**
 * @file idna.h
 * @brief Internal: Punycode (RFC 3492) and the two forms of a name, A-labels
 *        (`xn--bcher-kva`) and U-labels (`bücher`), as far as the core can go
 *        without Unicode tables.
 * @see RFC 3492; RFC 5890 §2.3.2.1; RFC 5891 §4.4, §5.4; RFC 8461 §3.2
 *
 * Why the core does this itself. The hosts map a domain typed in Unicode to
 * A-labels before the engine sees it (UTS #46: the browser's URL parser,
 * libidn2 in the CLI). But a policy's mx lines reach the core as text, in the
 * domain check and in the linter of a pasted policy, which runs offline with
 * no host to ask; and a report is shown with the domain's Unicode form beside
 * its A-label form, in the page, the widget and the CLI alike. No IDNA library
 * in Debian builds into the WebAssembly module within its size budget
 * (libidn2 and ICU carry the Unicode tables), while Punycode is a page of
 * arithmetic.
 *
 * What is NOT done: the UTS #46 mapping and NFC normalisation, which need
 * those tables. A label is encoded as it is written, with only its ASCII
 * letters lower-cased. What would make that wrong and can be told cheaply is
 * said instead of guessed (a_label_form::problem): a capital letter outside
 * ASCII (Latin-1, Latin Extended-A, Greek, Cyrillic, fullwidth Latin), and a
 * combining mark (a name typed decomposed, not in NFC). Anything subtler
 * (compatibility characters, scripts beyond those, disallowed code points)
 * is encoded as written; the messages that use it say the mapping was not
 * applied.
 */
#ifndef MTASTS_SRC_IDNA_H
#define MTASTS_SRC_IDNA_H

#include <string>
#include <string_view>

namespace mtasts::detail {

/** RFC 3492 §6.3: the Punycode of `code_points` (basic code points kept as they are); false on overflow. */
bool punycode_encode(std::u32string_view code_points, std::string& out);
/** RFC 3492 §6.2: the code points of a Punycode string (without `xn--`); false when it is not valid Punycode. */
bool punycode_decode(std::string_view encoded, std::u32string& out);

/** The A-label form of a name written with U-labels. */
struct a_label_form {
  /** Each label with a non-ASCII character as `xn--<punycode>`, ASCII letters lower case; empty when it cannot be made. */
  std::string name;
  /**
   * Empty, or why `name` may not be the A-label a registrar gives (a capital
   * letter or a combining mark in a label), completing "the name ...":
   * "holds the capital letter \"Ü\", which UTS #46 lower-cases first".
   * When set, `name` is left empty: the core does not guess.
   */
  std::string problem;
};

/** `name` (UTF-8; a `*.` prefix passes through) as A-labels. Invalid UTF-8 gives an empty name and no problem. */
a_label_form to_a_labels(std::string_view name);

/**
 * The U-label form of a name for display: each `xn--` label decoded, the
 * others as they are (lower case). Empty when the name has no `xn--` label or
 * one is not a valid A-label (bad Punycode, no non-ASCII code point, a
 * different encoding on the way back, or a control, bidi or format character
 * a reader could be fooled by).
 */
std::string to_u_labels(std::string_view name);

}  // namespace mtasts::detail

#endif
