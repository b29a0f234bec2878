// Fuzzes the SMTP reply reader (mtasts/smtp.h; RFC 5321 §4.2): any bytes
// as a server's side of a conversation. The first 4 bytes seed where the
// stream is cut; the rest is the stream.
//
// Invariants: the stream read in one piece, in random pieces, one byte at a
// time, and in two pieces at a random point give the same replies, the same
// error (kind, offset, message) and the same bytes left over; what a prefix
// of the stream gives is a prefix of that (or the same error). Every reply
// has a code from 200 to 599 and 1 to reply_max_lines lines, no line text
// holds an LF or a NUL or is longer than a line_max-byte line allows, and
// no reply is longer than reply_max_bytes, written back in the fewest bytes
// that read as it; written back so, the replies read again as themselves. An error has a message and
// an offset inside what was fed. EHLO keywords are non-empty upper-case
// words, and advertises_starttls says exactly "250 with STARTTLS".
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "mtasts/smtp.h"

namespace {

using mtasts::smtp::reader;
using mtasts::smtp::reply;

struct outcome {
  std::vector<reply> replies;
  mtasts::smtp::reply_error error;
  std::size_t pending = 0;
  std::size_t fed = 0;
  bool operator==(const outcome& o) const {
    return replies == o.replies && error.kind == o.error.kind && error.offset == o.error.offset &&
           error.message == o.error.message && pending == o.pending && fed == o.fed;
  }
};

outcome drain(reader& in) {
  outcome o;
  while (auto r = in.next()) o.replies.push_back(std::move(*r));
  o.error = in.error();
  o.pending = in.pending_bytes();
  o.fed = in.fed();
  return o;
}

/** xorshift32: the cut points, from the seed the input starts with. */
struct cuts {
  std::uint32_t s;
  std::size_t next(std::size_t max) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return max == 0 ? 0 : s % max;
  }
};

/**
 * A reply line written back in the fewest bytes that read as it: a bare LF,
 * the code alone for an empty last line, CRLF only when the text ends in a
 * CR (which a bare LF would strip). Never longer than the line it came from.
 */
std::string line_back(const reply& r, std::size_t i) {
  const std::string& t = r.lines[i];
  const bool last = i + 1 == r.lines.size();
  return std::to_string(r.code) + (last ? (t.empty() ? "" : " ") : "-") + t +
         (!t.empty() && t.back() == '\r' ? "\r\n" : "\n");
}

std::string written_back(const std::vector<reply>& replies) {
  std::string out;
  for (const auto& r : replies)
    for (std::size_t i = 0; i < r.lines.size(); ++i) out += line_back(r, i);
  return out;
}

void check_reply(const reply& r, const std::string& stream) {
  using namespace mtasts::smtp;
  MTASTS_FUZZ_REQUIRE(r.code >= 200 && r.code <= 599, stream);
  MTASTS_FUZZ_REQUIRE(!r.lines.empty() && r.lines.size() <= reply_max_lines, stream);
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < r.lines.size(); ++i) {
    const std::string& l = r.lines[i];
    MTASTS_FUZZ_REQUIRE(l.find('\n') == std::string::npos && l.find('\0') == std::string::npos, stream);
    const std::size_t n = line_back(r, i).size();
    MTASTS_FUZZ_REQUIRE(n <= line_max, stream);
    bytes += n;
  }
  MTASTS_FUZZ_REQUIRE(bytes <= reply_max_bytes, stream);
  bool starttls = false;
  for (const auto& k : ehlo_keywords(r)) {
    MTASTS_FUZZ_REQUIRE(!k.empty(), stream);
    for (char c : k) MTASTS_FUZZ_REQUIRE(!(c >= 'a' && c <= 'z') && c != ' ' && c != '\t' && c != '=', stream);
    starttls = starttls || k == "STARTTLS";
  }
  MTASTS_FUZZ_REQUIRE(advertises_starttls(r) == (r.code == 250 && starttls), stream);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mtasts_fuzz::reader in(data, size);
  cuts c{in.u32() | 1u};
  const std::string stream = in.rest();
  const std::string_view sv(stream);

  reader whole_reader;
  whole_reader.feed(sv);
  const outcome whole = drain(whole_reader);

  // The verdict depends on the bytes, not on how they arrive.
  reader pieces;
  for (std::size_t at = 0; at < stream.size();) {
    const std::size_t n = 1 + c.next(stream.size() - at < 64 ? stream.size() - at : 64);
    pieces.feed(sv.substr(at, n));
    at += n;
  }
  MTASTS_FUZZ_REQUIRE(drain(pieces) == whole, stream);

  reader bytes;
  for (std::size_t i = 0; i < stream.size(); ++i) bytes.feed(sv.substr(i, 1));
  MTASTS_FUZZ_REQUIRE(drain(bytes) == whole, stream);

  const std::size_t cut = c.next(stream.size() + 1);
  reader two;
  two.feed(sv.substr(0, cut));
  reader prefix = two;  // a copy: what the first piece alone gives
  two.feed(sv.substr(cut));
  MTASTS_FUZZ_REQUIRE(drain(two) == whole, stream);
  const outcome head = drain(prefix);
  MTASTS_FUZZ_REQUIRE(head.replies.size() <= whole.replies.size(), stream);
  for (std::size_t i = 0; i < head.replies.size(); ++i)
    MTASTS_FUZZ_REQUIRE(head.replies[i] == whole.replies[i], stream);
  if (head.error.kind != mtasts::smtp::error_kind::none)
    MTASTS_FUZZ_REQUIRE(head.error.kind == whole.error.kind && head.error.offset == whole.error.offset, stream);

  // The replies and the error make sense on their own.
  for (const auto& r : whole.replies) check_reply(r, stream);
  MTASTS_FUZZ_REQUIRE(whole.fed == stream.size(), stream);
  MTASTS_FUZZ_REQUIRE((mtasts::smtp::error_name(whole.error.kind) == "none") ==
                          (whole.error.kind == mtasts::smtp::error_kind::none),
                      stream);
  if (whole.error.kind == mtasts::smtp::error_kind::none) {
    MTASTS_FUZZ_REQUIRE(whole.error.message.empty() && whole.pending <= stream.size(), stream);
  } else {
    MTASTS_FUZZ_REQUIRE(!whole.error.message.empty() && whole.error.offset < stream.size(), stream);
    MTASTS_FUZZ_REQUIRE(whole.pending == 0, stream);
  }

  // Written back, the replies read as themselves.
  reader again;
  MTASTS_FUZZ_REQUIRE(again.feed(written_back(whole.replies)), stream);
  const outcome round = drain(again);
  MTASTS_FUZZ_REQUIRE(round.replies == whole.replies && round.pending == 0, stream);
  return 0;
}
