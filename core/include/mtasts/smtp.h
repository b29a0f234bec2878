/**
 * @file smtp.h
 * @brief SMTP replies (RFC 5321 §4.2), read incrementally and sans I/O: the
 *        STARTTLS probe of a native host (tools/host/smtp_probe.h) feeds the
 *        server's bytes in as they arrive and takes out whole replies.
 * @see RFC 5321 §4.2, §4.2.1, §4.1.1.1, §4.5.3.1.5; RFC 3207 §4
 *
 * A reply is one or more lines, each a 3-digit code, then a hyphen (more
 * lines follow), a space or the end of the line (the last line), then text:
 *
 *   250-mx.example.com Hello
 *   250-PIPELINING
 *   250-STARTTLS
 *   250 8BITMIME
 *
 * The reader takes bytes in any pieces (one byte at a time gives the same
 * replies and the same error as the whole stream at once). What it
 * tolerates beyond RFC 5321's grammar, and where it stops:
 *   - a bare LF ends a line as CRLF does (a CR just before the LF is not
 *     part of the text; a CR elsewhere is);
 *   - the second and third digits of a code may be any digit (the grammar
 *     has x0-x5 for the second); the first must be 2, 3, 4 or 5;
 *   - a line may be up to line_max bytes (RFC 5321 §4.5.3.1.5 says 512, its
 *     CRLF included), a reply up to reply_max_lines lines and
 *     reply_max_bytes bytes; past them, and on a NUL byte, a line that is
 *     not a reply line or a code that differs from the first line's, the
 *     stream is in error and the reader reads no further (an SMTP client
 *     cannot resynchronise with such a server).
 *
 * Nothing here reads a socket or throws (out of memory aside:
 * docs/ARCHITECTURE.md).
 *
 * @example
 *   mtasts::smtp::reader in;
 *   in.feed(bytes_from_the_socket);          // as often as bytes arrive
 *   if (auto r = in.next()) {                // a complete reply
 *     if (r->code == 250 && mtasts::smtp::advertises_starttls(*r)) ...
 *   } else if (in.failed()) {
 *     log(in.error().message);               // "line 2 of a reply has the code 251, ..."
 *   }
 */
#ifndef MTASTS_SMTP_H
#define MTASTS_SMTP_H

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mtasts::smtp {

/** The longest line read, its line ending included (RFC 5321 §4.5.3.1.5 allows 512). */
inline constexpr std::size_t line_max = 2048;
/** The most lines in one reply. */
inline constexpr std::size_t reply_max_lines = 1000;
/** The most bytes in one reply, line endings included. */
inline constexpr std::size_t reply_max_bytes = 65536;

/** One complete reply. */
struct reply {
  std::uint16_t code = 0;  ///< 200-599, the same on every line
  /**
   * The text of each line, in order: what follows the code and its hyphen
   * or space, without the line ending ("" for a line of the code alone).
   * At least one line.
   */
  std::vector<std::string> lines;
  friend bool operator==(const reply& a, const reply& b) { return a.code == b.code && a.lines == b.lines; }
  friend bool operator!=(const reply& a, const reply& b) { return !(a == b); }
};

/** Why a stream of replies cannot be read further. */
enum class error_kind : std::uint8_t {
  none,
  not_a_reply_line,  ///< no code 200-599 followed by a space, a hyphen or the line's end (an empty line too)
  code_mismatch,     ///< a line of a multiline reply has another code than its first line (RFC 5321 §4.2.1)
  line_too_long,     ///< more than line_max bytes before the line's LF
  too_many_lines,    ///< more than reply_max_lines lines in one reply
  reply_too_long,    ///< more than reply_max_bytes bytes in one reply
  nul_byte,          ///< a NUL byte (text is printable US-ASCII, RFC 5321 §4.2)
};

/** "not-a-reply-line", "code-mismatch", ... ("none" for none). */
[[nodiscard]] std::string_view error_name(error_kind k) noexcept;

/** The first error in a stream; after it nothing more is read. */
struct reply_error {
  error_kind kind = error_kind::none;
  /**
   * Where it was found: the byte offset, from the first byte fed, of the
   * offending line's start (of the NUL byte itself for nul_byte).
   */
  std::size_t offset = 0;
  /** A sentence naming the evidence (the line, quoted and cut) and the rule: "line 2 of a reply has the code 251, ...". */
  std::string message;
};

/**
 * The incremental reader of one connection's replies (one direction:
 * server to client). Replies come out in the order they arrived; several
 * may be waiting (a pipelining server, or one that talks out of turn).
 * Replies completed before an error can still be taken.
 */
class reader {
 public:
  /**
   * Takes the next bytes the server sent, in any pieces. false once the
   * stream is in error (then these bytes, and any later, are not read).
   */
  bool feed(std::string_view bytes) noexcept;
  /** Whether a complete reply is waiting. */
  [[nodiscard]] bool has_reply() const noexcept { return !ready_.empty(); }
  /** Takes the oldest complete reply; nullopt when none is complete. */
  [[nodiscard]] std::optional<reply> next() noexcept;
  [[nodiscard]] bool failed() const noexcept { return error_.kind != error_kind::none; }
  /** The error (kind none while there is none). */
  [[nodiscard]] const reply_error& error() const noexcept { return error_; }
  /**
   * Bytes taken that are not yet part of a complete reply: an unfinished
   * line or the first lines of an unfinished multiline reply. Not 0 after a
   * reply means the server sent more than that reply (RFC 3207 §4: no byte
   * may follow the 220 to STARTTLS in the clear).
   */
  [[nodiscard]] std::size_t pending_bytes() const noexcept { return line_.size() + reply_bytes_; }
  /** Every byte fed so far, read or not. */
  [[nodiscard]] std::size_t fed() const noexcept { return fed_; }

 private:
  void line_complete(std::string_view line, std::size_t size_with_ending) noexcept;
  void fail(error_kind kind, std::size_t offset, std::string message) noexcept;

  std::string line_;               // the unfinished line, without its LF
  std::size_t line_start_ = 0;     // its offset in the stream
  reply current_;                  // the lines of an unfinished multiline reply
  std::size_t reply_bytes_ = 0;    // their bytes, line endings included
  std::deque<reply> ready_;        // complete replies not yet taken
  std::size_t fed_ = 0;
  reply_error error_;
};

/**
 * The EHLO keywords of an EHLO reply (RFC 5321 §4.1.1.1: every line after
 * the first, which greets): the first word of each line (spaces and tabs
 * before it skipped, as Postfix's client does), up to a space, a tab or an
 * "=" (the pre-standard "AUTH=LOGIN" form), in ASCII upper case, in order;
 * a line with no word gives none. ("250-starttls" gives "STARTTLS".)
 */
[[nodiscard]] std::vector<std::string> ehlo_keywords(const reply& r) noexcept;

/** Whether `r` is a positive EHLO reply (code 250) with the keyword STARTTLS (RFC 3207 §4). */
[[nodiscard]] bool advertises_starttls(const reply& r) noexcept;

}  // namespace mtasts::smtp

#endif
