/**
 * @file report_files.h
 * @brief The CLI's container host for TLS-RPT reports: one file's bytes in,
 *        the report inputs of mtasts::tlsrpt::summarize() out.
 *
 * The same rules as the JS host (wasm/report.mjs), written down in
 * docs/REPORTS.md ("Containers, told apart by their content"):
 *
 *   - the container is told by the content, never by the name: JSON (after an
 *     optional UTF-8 BOM and whitespace, `{` or `[`), gzip (`1f 8b`), zip
 *     (`PK\3\4`, or `PK\5\6` for an empty archive), e-mail (the first line is
 *     a header field, `Name:`);
 *   - gzip and zip are opened with libarchive, e-mail with GMime 3; inside a
 *     zip or a mail, each entry or attachment whose (decoded) content is JSON
 *     or gzip is a report, and so is a mail's text/plain body that is JSON;
 *     anything else is skipped, and a nested zip or mail is not opened;
 *   - a report found is named `<file>`, `<file>/<entry path>`,
 *     `<file>/<attachment name>` (`attachment-<n>` when it has none, n
 *     counting the mail's attachments from 1; `name#<n>` for a name seen
 *     before) or `<file>/body`, as the JS host names them;
 *   - every text is read as UTF-8 the way TextDecoder reads it (a leading BOM
 *     dropped, an invalid sequence replaced by U+FFFD), so both hosts hand
 *     the core the same text;
 *   - a file that cannot be opened adds one input with an error code
 *     (report.container.unknown, .corrupt, .too_large, .empty) and a message
 *     naming it, after whatever it gave before failing (which still counts);
 *     a damaged gzip or zip entry inside it is an error of that entry only;
 *     a bad file never stops the others;
 *   - limits::report_file_max_bytes bounds the file as given and everything
 *     it decompresses to (skipped entries too), limits::report_archive_entries
 *     the entries of a zip: decompression runs in 64 KiB chunks and stops
 *     there, so a decompression bomb costs at most that much memory.
 *
 * Where the two hosts differ, only on damaged files: libarchive checks each
 * zip entry's CRC-32 and size (fflate does not), so an entry whose bytes
 * changed is report.container.corrupt here and may be read, or be
 * report.json.invalid, there; and a zip damaged in its middle is read on
 * from its central directory here, from its local headers there.
 *
 * This is the CLI's only use of libarchive and GMime: the core and the wasm
 * module never link them.
 */
#ifndef MTASTS_CLI_REPORT_FILES_H
#define MTASTS_CLI_REPORT_FILES_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/report.h"

namespace mtasts::cli {

/** What a file's first bytes say it is. */
enum class container : std::uint8_t { json, gzip, zip, mail, unknown };

/** Tells the container of `bytes` by its content (docs/REPORTS.md). */
[[nodiscard]] container sniff_container(std::string_view bytes) noexcept;

/**
 * The report inputs in one file's bytes: one per report found, or one with
 * `error` set when the file gives none. `source` names the file (as given on
 * the command line); reports found inside it are `source + "/" + name`.
 */
[[nodiscard]] std::vector<tlsrpt::input> report_inputs(const std::string& source, std::string_view bytes);

/**
 * Reads the file at `path` ("-": standard input, named "<stdin>") and returns
 * its inputs. A file that cannot be read, or is larger than
 * limits::report_file_max_bytes, gives one input with an error; reading stops
 * at the limit.
 */
[[nodiscard]] std::vector<tlsrpt::input> load_report_file(const std::string& path);

}  // namespace mtasts::cli

#endif
