/**
 * @file report_files.cpp
 * @brief Files to report inputs: JSON, gzip and zip (libarchive), e-mail
 *        (GMime 3). See report_files.h for the rules and docs/REPORTS.md for
 *        the contract; wasm/report.mjs is the JS host of the same rules, and
 *        the two name sources and word their messages alike.
 *
 * Theory of operation: every file has a budget of
 * limits::report_file_max_bytes. Every byte a decompressor hands us (a gzip
 * stream, a zip entry, skipped entries too, a gzip inside a zip or a mail)
 * is taken from it, and reading stops, in 64 KiB chunks, the moment it
 * would go past it. So a decompression bomb costs at most the budget in
 * memory, and says report.container.too_large. A failure of the file itself
 * (its structure, its limits) adds one error input for the file after what
 * it gave before failing, which still counts; a damaged gzip or entry inside
 * it is an error input of that entry only, and the others are still read.
 */
#include "report_files.h"

#include <archive.h>
#include <archive_entry.h>
#include <gmime/gmime.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>
#include <utility>

#include "mtasts/limits.h"

namespace mtasts::cli {
namespace {

constexpr std::size_t chunk_bytes = 64 * 1024;

/** "64 MiB", or "1,234 bytes", as the JS host writes sizes. */
std::string bytes_text(std::size_t n) {
  constexpr std::size_t mib = 1024 * 1024;
  if (n % mib == 0) return std::to_string(n / mib) + " MiB";
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out + " bytes";
}

tlsrpt::input error_input(std::string source, code c, std::string message) {
  tlsrpt::input in;
  in.source = std::move(source);
  in.error = c;
  in.error_message = std::move(message);
  return in;
}

tlsrpt::input text_input(std::string source, std::string text) {
  tlsrpt::input in;
  in.source = std::move(source);
  in.text = std::move(text);
  return in;
}

/** Why a file (or an entry of it) could not be opened. */
struct failure {
  code c{};
  std::string message;
};

/** What is left of one file's decompression budget. */
struct budget {
  std::size_t left = limits::report_file_max_bytes;
  /** Takes `n` bytes; false (and nothing taken) when that would pass the limit. */
  bool take(std::size_t n) noexcept {
    if (n > left) return false;
    left -= n;
    return true;
  }
};

failure too_large(const std::string& file) {
  return {code::report_container_too_large, file + ": decompresses to more than " +
                                                bytes_text(limits::report_file_max_bytes) +
                                                ", the limit for one file; stopped there"};
}

bool is_json_space(unsigned char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/** RFC 5322 §2.2: a field name is printable US-ASCII but ':'. */
bool is_field_name_char(unsigned char c) noexcept { return c >= 33 && c <= 126 && c != ':'; }

/**
 * The UTF-8 sequence at `k`: how many bytes it spans, and whether they make
 * a whole, valid sequence (`whole`); if not, the count is the maximal
 * subpart the WHATWG decoder replaces by one U+FFFD (at least the one byte).
 */
std::size_t utf8_sequence(std::string_view b, std::size_t k, bool& whole) noexcept {
  const auto c = static_cast<unsigned char>(b[k]);
  whole = true;
  if (c < 0x80) return 1;
  std::size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    lo = c == 0xE0 ? 0xA0 : 0x80;
    hi = c == 0xED ? 0x9F : 0xBF;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    lo = c == 0xF0 ? 0x90 : 0x80;
    hi = c == 0xF4 ? 0x8F : 0xBF;
  }
  std::size_t n = 1;
  while (n <= need && k + n < b.size()) {
    const auto d = static_cast<unsigned char>(b[k + n]);
    if (d < lo || d > hi) break;
    lo = 0x80;
    hi = 0xBF;
    ++n;
  }
  whole = need > 0 && n == need + 1;
  return n;
}

/**
 * The bytes as UTF-8 text the way every host reads them (WHATWG "UTF-8
 * decode", what the JS host's TextDecoder does): one leading BOM dropped,
 * each maximal invalid subsequence replaced by U+FFFD. Valid text is moved
 * through unchanged.
 */
std::string utf8_text(std::string bytes) {
  const std::size_t start = bytes.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  std::size_t i = start;
  bool whole = true;
  while (i < bytes.size()) {  // the common case: valid text (ASCII, mostly)
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence(bytes, i, whole);
    if (!whole) break;
    i += n;
  }
  if (i == bytes.size()) {
    if (start) bytes.erase(0, start);
    return bytes;
  }
  std::string out = bytes.substr(start, i - start);
  while (i < bytes.size()) {
    const std::size_t n = utf8_sequence(bytes, i, whole);
    if (whole) out.append(bytes, i, n);
    else out += "\xEF\xBF\xBD";
    i += n;
  }
  return out;
}

/** A zip entry's name as UTF-8: as it is when it is UTF-8, else read as Latin-1 (as fflate reads names without the UTF-8 flag). */
std::string entry_name_text(std::string_view raw) {
  std::string copy(raw);
  if (utf8_text(copy) == copy && copy.compare(0, 3, "\xEF\xBB\xBF") != 0) return copy;
  std::string out;
  for (const char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

/** CRC-32 (ISO 3309, as gzip's trailer holds it), continued from `crc`. */
std::uint32_t crc32(std::uint32_t crc, const char* data, std::size_t n) noexcept {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t k = 0; k < 256; ++k) {
      std::uint32_t c = k;
      for (int j = 0; j < 8; ++j) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[k] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (std::size_t k = 0; k < n; ++k) crc = table[(crc ^ static_cast<unsigned char>(data[k])) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

/** A prefix's verdict: the container, or "not yet" while it is only a BOM and whitespace. */
enum class prefix_kind : std::uint8_t { undecided, json, gzip, other };

/**
 * For entries and parts: JSON or gzip by the first bytes. Until `complete`
 * (the whole content), a prefix that could still become either is undecided.
 */
prefix_kind report_prefix(std::string_view b, bool complete) noexcept {
  const auto u = [&](std::size_t i) { return static_cast<unsigned char>(b[i]); };
  if (b.size() >= 2 && u(0) == 0x1f && u(1) == 0x8b) return prefix_kind::gzip;
  if (!complete && b.size() == 1 && u(0) == 0x1f) return prefix_kind::undecided;
  std::size_t i = 0;
  static constexpr std::string_view bom = "\xEF\xBB\xBF";
  if (b.substr(0, 3) == bom) i = 3;
  else if (!complete && b.size() < 3 && b == bom.substr(0, b.size())) return prefix_kind::undecided;
  while (i < b.size() && is_json_space(u(i))) ++i;
  if (i == b.size()) return complete ? prefix_kind::other : prefix_kind::undecided;
  return b[i] == '{' || b[i] == '[' ? prefix_kind::json : prefix_kind::other;
}

/** How a file that is none of the containers starts, for its message (as the JS host says it). */
std::string opening(std::string_view b) {
  if (b.empty()) return "it is empty";
  const std::string_view head = b.substr(0, 24);
  bool text = true;
  for (const char ch : head) {
    const auto c = static_cast<unsigned char>(ch);
    text = text && ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r');
  }
  if (text) {
    std::string t;
    for (const char ch : head) {
      const bool space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
      if (!space) t += ch;
      else if (!t.empty() && t.back() != ' ') t += ' ';
    }
    while (!t.empty() && t.back() == ' ') t.pop_back();
    return "it starts with \"" + t + (b.size() > head.size() ? "\xE2\x80\xA6" : "") + "\"";
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "it starts with the bytes";
  for (std::size_t i = 0; i < b.size() && i < 8; ++i) {
    const auto c = static_cast<unsigned char>(b[i]);
    out += ' ';
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

// ---- libarchive ---------------------------------------------------------------

struct archive_closer {
  void operator()(struct archive* a) const noexcept { archive_read_free(a); }
};
using archive_ptr = std::unique_ptr<struct archive, archive_closer>;

std::string archive_message(struct archive* a, const char* fallback) {
  const char* m = archive_error_string(a);
  std::string out = m && *m ? m : fallback;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '.')) out.pop_back();
  return out;
}

/**
 * Inflates a gzip stream (one member or more) into `out`, taking each chunk
 * from the budget. `source` names it in the messages; `file` is the file
 * whose budget it is.
 */
bool inflate_gzip(std::string_view gz, const std::string& source, const std::string& file, budget& b,
                  std::string& out, failure& why) {
  archive_ptr a(archive_read_new());
  if (!a) {
    why = {code::report_container_corrupt, source + ": could not be opened (no memory for the gzip reader)"};
    return false;
  }
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_raw(a.get());
  struct archive_entry* entry = nullptr;
  if (archive_read_open_memory(a.get(), gz.data(), gz.size()) != ARCHIVE_OK ||
      archive_read_next_header(a.get(), &entry) != ARCHIVE_OK) {
    why = {code::report_container_corrupt,
           source + ": damaged gzip data (" + archive_message(a.get(), "unreadable header") + ")"};
    return false;
  }
  std::string buf(chunk_bytes, '\0');
  const std::size_t first = out.size();
  for (;;) {
    const la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
    if (n == 0) break;
    if (n < 0) {
      why = {code::report_container_corrupt,
             source + ": damaged gzip data (" + archive_message(a.get(), "read error") + ")"};
      return false;
    }
    if (!b.take(static_cast<std::size_t>(n))) {
      why = too_large(file);
      return false;
    }
    out.append(buf.data(), static_cast<std::size_t>(n));
  }
  // libarchive does not check the trailer (RFC 1952 §2.3.1: CRC32, ISIZE);
  // zlib in the JS hosts does. It is checked here for the last member (a
  // report is one member): ISIZE says how much of the output is its own, and
  // its CRC32 must match that suffix. In a stream of several members (which
  // zlib reads too) the earlier members are not checked.
  const auto le32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(gz[at + k])) << (8 * k);
    return v;
  };
  // Sizes stay below 2^32 here (the budget is 64 MiB): ISIZE is the last member's whole length.
  const std::size_t size = out.size() - first;
  bool intact = gz.size() >= 18;
  if (intact) {
    const std::uint32_t isize = le32(gz.size() - 4), want = le32(gz.size() - 8);
    if (isize == size) intact = crc32(0, out.data() + first, size) == want;  // one member
    else intact = isize < size && crc32(0, out.data() + out.size() - isize, isize) == want;  // the last of several
  }
  if (!intact) {
    why = {code::report_container_corrupt, source + ": damaged gzip data (incorrect data check)"};
    return false;
  }
  return true;
}

/**
 * One entry's or attachment's content as an input: JSON is taken as is,
 * gzip inflated, anything else skipped (false: no input). A damaged gzip is
 * an error input of that entry; passing the file's budget fails the file
 * (false, `failed` set, `why` says it).
 */
bool take_report(std::string source, std::string content, const std::string& file, budget& b,
                 std::vector<tlsrpt::input>& inputs, failure& why, bool& failed) {
  switch (report_prefix(content, true)) {
    case prefix_kind::json:
      inputs.push_back(text_input(std::move(source), utf8_text(std::move(content))));
      return true;
    case prefix_kind::gzip: {
      std::string text;
      failure inner;
      const bool inflated = inflate_gzip(content, source, file, b, text, inner);
      std::string().swap(content);
      if (inflated) {
        inputs.push_back(text_input(std::move(source), utf8_text(std::move(text))));
      } else if (inner.c == code::report_container_too_large) {
        why = std::move(inner);
        failed = true;
        return false;
      } else {
        inputs.push_back(error_input(std::move(source), inner.c, std::move(inner.message)));
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * The end of central directory record (50 4b 05 06) that closes every whole
 * zip archive: in its last 22 bytes, or up to 65,535 bytes (a comment)
 * before. Its absence means the archive was cut short.
 */
bool has_end_of_central_directory(std::string_view b) noexcept {
  if (b.size() < 22) return false;
  const std::size_t last = b.size() - 22;
  const std::size_t first = last > 65535 ? last - 65535 : 0;
  for (std::size_t i = last + 1; i-- > first;) {
    if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] == '\x05' && b[i + 3] == '\x06') return true;
  }
  return false;
}

/**
 * Reads a zip's entries; false (with `why`) when the archive itself fails.
 *
 * libarchive gives up on the whole archive when an entry's data cannot be
 * inflated (ARCHIVE_FATAL). In a whole archive (its central directory at the
 * end) that entry is then an error of its own, and the archive is opened
 * again and read on from the entry after it (the entries before are
 * skipped, not inflated again), as the JS host goes on to the next entry.
 * In a cut archive the failure is the archive's: what was read before it
 * counts, and the file is report.container.corrupt.
 */
bool read_zip(std::string_view bytes, const std::string& file, budget& b, std::vector<tlsrpt::input>& inputs,
              failure& why) {
  const bool whole = has_end_of_central_directory(bytes);
  std::size_t done = 0;  // entries handled by earlier passes
  std::size_t files = 0, reports = 0;
  std::string buf(chunk_bytes, '\0');
  for (bool again = true; again;) {
    again = false;
    archive_ptr a(archive_read_new());
    if (!a) {
      why = {code::report_container_corrupt, file + ": could not be opened (no memory for the zip reader)"};
      return false;
    }
    archive_read_support_format_zip(a.get());
    if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
      why = {code::report_container_corrupt,
             file + ": damaged zip archive (" + archive_message(a.get(), "unreadable") + ")"};
      return false;
    }
    for (std::size_t index = 1;; ++index) {
      struct archive_entry* entry = nullptr;
      const int r = archive_read_next_header(a.get(), &entry);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN) {
        why = {code::report_container_corrupt,
               file + ": damaged zip archive (" + archive_message(a.get(), "unreadable entry header") + ")"};
        return false;
      }
      if (index <= done) {
        if (archive_read_data_skip(a.get()) == ARCHIVE_FATAL) {
          why = {code::report_container_corrupt,
                 file + ": damaged zip archive (" + archive_message(a.get(), "unreadable entry") + ")"};
          return false;
        }
        continue;
      }
      if (index > limits::report_archive_entries) {
        why = {code::report_container_too_large, file + ": more than " +
                                                     std::to_string(limits::report_archive_entries) +
                                                     " entries, the limit for one archive; stopped there"};
        return false;
      }
      done = index;
      if (archive_entry_filetype(entry) == AE_IFDIR) continue;
      ++files;
      const char* raw = archive_entry_pathname(entry);
      const std::string name = raw && *raw ? entry_name_text(raw) : "entry-" + std::to_string(index);
      const std::string source = file + "/" + name;
      if (archive_entry_is_encrypted(entry)) {
        inputs.push_back(error_input(source, code::report_container_corrupt,
                                     source + ": an encrypted zip entry, which cannot be read without its password"));
        ++reports;
        continue;
      }
      // Every byte is inflated and counted (as the JS host does), but only a
      // JSON or gzip entry is kept: its first bytes decide.
      std::string content;
      prefix_kind kind = prefix_kind::undecided;
      bool damaged = false;
      for (;;) {
        const la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
        if (n == 0) break;
        if (n < 0) {
          if (!whole) {
            // A cut archive (no directory at its end): the cut is the archive's failure, not the entry's.
            why = {code::report_container_corrupt, file + ": damaged zip archive in " + name + " (" +
                                                       archive_message(a.get(), "read error") + ")"};
            return false;
          }
          if (kind != prefix_kind::other) {
            inputs.push_back(error_input(source, code::report_container_corrupt,
                                         source + ": damaged zip entry (" + archive_message(a.get(), "read error") + ")"));
            ++reports;
          }
          damaged = true;
          again = n == ARCHIVE_FATAL;  // the reader is spent: open the archive again after this entry
          break;
        }
        if (!b.take(static_cast<std::size_t>(n))) {
          why = too_large(file);
          return false;
        }
        if (kind == prefix_kind::other) continue;
        content.append(buf.data(), static_cast<std::size_t>(n));
        if (kind == prefix_kind::undecided) kind = report_prefix(content, false);
        if (kind == prefix_kind::other) std::string().swap(content);
      }
      if (again) break;
      if (damaged || kind == prefix_kind::other) continue;
      bool failed = false;
      if (take_report(source, std::move(content), file, b, inputs, why, failed)) ++reports;
      if (failed) return false;
    }
  }
  if (!whole) {
    // The streaming reader never needs the directory at the end, so a cut archive would go unnoticed.
    why = {code::report_container_corrupt, file + ": the zip archive is cut short (it has no end of central directory)"};
    return false;
  }
  if (reports == 0) {
    why = {code::report_container_empty,
           files == 0 ? file + ": an empty zip archive"
                      : file + ": a zip archive of " + std::to_string(files) + (files == 1 ? " entry" : " entries") +
                            ", none of them a JSON or gzip report"};
    return false;
  }
  return true;
}

// ---- GMime --------------------------------------------------------------------

void gmime_once() {
  static const bool done = [] {
    g_mime_init();
    return true;
  }();
  (void)done;
}

/**
 * The walk of a mail's leaves, sorted as postal-mime (the JS host) sorts
 * them: a text/plain or text/html part not marked as an attachment is body
 * text; every other leaf is an attachment, numbered in order.
 */
struct mail_walk {
  const std::string* file = nullptr;
  budget* b = nullptr;
  std::vector<tlsrpt::input>* inputs = nullptr;
  failure* why = nullptr;
  bool failed = false;
  std::size_t attachments = 0;
  std::size_t reports = 0;
  std::set<std::string> names;
  std::string body;  ///< the text/plain body parts, joined by newlines
  bool has_body = false;
};

/** The decoded content of a leaf (its transfer encoding undone: base64, quoted-printable). */
std::string decoded_content(GMimePart* part) {
  std::string decoded;
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (!content) return decoded;
  GMimeStream* out = g_mime_stream_mem_new();
  g_mime_data_wrapper_write_to_stream(content, out);
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
  if (bytes && bytes->len) decoded.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
  g_object_unref(out);
  return decoded;
}

void visit_part(GMimeObject* /*parent*/, GMimeObject* object, gpointer user) {
  auto& w = *static_cast<mail_walk*>(user);
  if (w.failed || GMIME_IS_MULTIPART(object)) return;  // multiparts: their children are visited
  GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(object);
  const char* how = disposition ? g_mime_content_disposition_get_disposition(disposition) : nullptr;
  const bool attachment = how && g_ascii_strcasecmp(how, "attachment") == 0;
  GMimeContentType* type = g_mime_object_get_content_type(object);
  const bool plain = type && g_mime_content_type_is_type(type, "text", "plain");
  const bool html = type && g_mime_content_type_is_type(type, "text", "html");
  if (!attachment && (plain || html)) {
    if (!plain || !GMIME_IS_PART(object)) return;  // an HTML body is not a report
    std::string text;
    if (GMIME_IS_TEXT_PART(object)) {
      // The body's text in UTF-8, whatever its charset (postal-mime decodes it too).
      if (char* t = g_mime_text_part_get_text(GMIME_TEXT_PART(object))) {
        text = t;
        g_free(t);
      }
    } else {
      text = decoded_content(GMIME_PART(object));
    }
    if (w.has_body) w.body += '\n';
    w.body += text;
    w.has_body = true;
    return;
  }
  // An attachment. An attached message (message/rfc822, a GMimeMessagePart)
  // is numbered but not opened.
  const std::size_t index = ++w.attachments;
  if (!GMIME_IS_PART(object)) return;
  GMimePart* part = GMIME_PART(object);
  const char* filename = g_mime_part_get_filename(part);
  std::string name = filename && *filename ? filename : "attachment-" + std::to_string(index);
  if (!w.names.insert(name).second) name += "#" + std::to_string(index);
  std::string decoded = decoded_content(part);
  if (report_prefix(decoded, true) == prefix_kind::other) return;
  if (take_report(*w.file + "/" + name, std::move(decoded), *w.file, *w.b, *w.inputs, *w.why, w.failed)) ++w.reports;
}

bool read_mail(std::string_view bytes, const std::string& file, budget& b, std::vector<tlsrpt::input>& inputs,
               failure& why) {
  gmime_once();
  GMimeStream* stream = g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size());
  GMimeParser* parser = g_mime_parser_new_with_stream(stream);
  g_object_unref(stream);
  GMimeMessage* message = g_mime_parser_construct_message(parser, nullptr);
  g_object_unref(parser);
  if (!message) {
    why = {code::report_container_corrupt, file + ": damaged e-mail (GMime could not read a message from it)"};
    return false;
  }
  mail_walk w;
  w.file = &file;
  w.b = &b;
  w.inputs = &inputs;
  w.why = &why;
  g_mime_message_foreach(message, visit_part, &w);
  g_object_unref(message);
  if (w.failed) return false;
  if (w.has_body && report_prefix(w.body, true) == prefix_kind::json) {
    inputs.push_back(text_input(file + "/body", utf8_text(std::move(w.body))));
    ++w.reports;
  }
  if (w.reports == 0) {
    const std::string what =
        w.attachments == 0 ? "no attachment"
                           : std::to_string(w.attachments) + (w.attachments == 1 ? " attachment" : " attachments");
    why = {code::report_container_empty, file + ": an e-mail with " + what + " and no JSON body: no TLS-RPT report in it"};
    return false;
  }
  return true;
}

}  // namespace

container sniff_container(std::string_view b) noexcept {
  const auto u = [&](std::size_t i) { return static_cast<unsigned char>(b[i]); };
  if (b.size() >= 2 && u(0) == 0x1f && u(1) == 0x8b) return container::gzip;
  if (b.size() >= 4 && b.substr(0, 2) == "PK" && ((u(2) == 3 && u(3) == 4) || (u(2) == 5 && u(3) == 6)))
    return container::zip;
  if (report_prefix(b, true) == prefix_kind::json) return container::json;
  // An e-mail: the first line is a header field, "Name: value" (RFC 5322 §2.2; a line is at most 998 bytes).
  std::size_t i = 0;
  while (i < b.size() && i < 998 && is_field_name_char(u(i))) ++i;
  if (i > 0 && i < b.size() && b[i] == ':') return container::mail;
  return container::unknown;
}

std::vector<tlsrpt::input> report_inputs(const std::string& source, std::string_view bytes) {
  std::vector<tlsrpt::input> inputs;
  if (bytes.size() > limits::report_file_max_bytes) {
    inputs.push_back(error_input(source, code::report_container_too_large,
                                 source + ": " + bytes_text(bytes.size()) + ", more than the " +
                                     bytes_text(limits::report_file_max_bytes) + " one file may have"));
    return inputs;
  }
  budget b;
  failure why;
  bool ok = true;
  switch (sniff_container(bytes)) {
    case container::json:
      inputs.push_back(text_input(source, utf8_text(std::string(bytes))));
      break;
    case container::gzip: {
      std::string text;
      ok = inflate_gzip(bytes, source, source, b, text, why);
      if (ok) inputs.push_back(text_input(source, utf8_text(std::move(text))));
      break;
    }
    case container::zip:
      ok = read_zip(bytes, source, b, inputs, why);
      break;
    case container::mail:
      ok = read_mail(bytes, source, b, inputs, why);
      break;
    case container::unknown:
      ok = false;
      why = {code::report_container_unknown,
             source + ": not a TLS-RPT report: neither JSON, gzip, zip nor an e-mail (" + opening(bytes) + ")"};
      break;
  }
  // What the file gave before it failed still counts; the failure is one more input.
  if (!ok) inputs.push_back(error_input(source, why.c, std::move(why.message)));
  return inputs;
}

std::vector<tlsrpt::input> load_report_file(const std::string& path) {
  const bool is_stdin = path == "-";
  const std::string source = is_stdin ? "<stdin>" : path;
  std::FILE* f = is_stdin ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) {
    const int open_errno = errno;
    // codes.def has no code of its own for a file that cannot be opened; this one says there is no report here.
    return {error_input(source, code::report_container_unknown, source + ": could not be read (" + std::strerror(open_errno) + ")")};
  }
  // A regular file over the limit is refused unread; any other (a pipe, stdin)
  // is read up to the limit and refused there, never held whole.
  struct stat st {};
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<std::uint64_t>(st.st_size) > limits::report_file_max_bytes) {
    if (!is_stdin) std::fclose(f);
    return {error_input(source, code::report_container_too_large,
                        source + ": " + bytes_text(static_cast<std::size_t>(st.st_size)) + ", more than the " +
                            bytes_text(limits::report_file_max_bytes) + " one file may have")};
  }
  std::string bytes;
  std::string buf(chunk_bytes, '\0');
  bool over = false;
  int err = 0;
  for (;;) {
    const std::size_t n = std::fread(buf.data(), 1, buf.size(), f);
    if (n > 0) {
      if (bytes.size() + n > limits::report_file_max_bytes) {
        over = true;
        break;
      }
      bytes.append(buf.data(), n);
    }
    if (n < buf.size()) {
      if (std::ferror(f)) err = errno ? errno : EIO;
      break;
    }
  }
  if (!is_stdin) std::fclose(f);
  if (err) {
    return {error_input(source, code::report_container_unknown, source + ": could not be read (" + std::strerror(err) + ")")};
  }
  if (over) {
    return {error_input(source, code::report_container_too_large,
                        source + ": more than the " + bytes_text(limits::report_file_max_bytes) + " one file may have")};
  }
  return report_inputs(source, bytes);
}

}  // namespace mtasts::cli
