/**
 * @file smtp_probe.cpp
 * @brief The STARTTLS probe (smtp_probe.h) with POSIX sockets and OpenSSL 3.
 * @see RFC 5321 §3.1, §4.1.1.1, §4.2; RFC 3207 §4-§4.2; RFC 8461 §4.2,
 *      §7.2; RFC 6125 §6.4; RFC 8460 §4.3 (the words of the result)
 *
 * One probe, in order, each step bounded by settings.timeout_ms and the
 * whole by three times that:
 *
 *   connect    the addresses in order, non-blocking; the first that accepts
 *   banner     a 220 greeting (anything else: starttls-not-supported)
 *   ehlo       EHLO <helo_name>; the reply must offer STARTTLS
 *   starttls   STARTTLS; the reply must be 220
 *   handshake  TLS on the same socket, SNI = the MX host, TLS 1.2 at least;
 *              the certificate is not checked during it (SSL_VERIFY_NONE),
 *              so that a bad one is still recorded
 *   verify     the chain's result (SSL_get_verify_result), then the name
 *              (X509_check_host: a DNS-ID, a wildcard only as the whole
 *              left-most label; the CN only when there is no DNS-ID)
 *   done       EHLO again over TLS, QUIT
 *
 * Nothing else is ever sent. Waits poll the socket in slices of at most
 * 50 ms, so a `stop` is seen well within 100 ms; a stopped probe returns at
 * once with detail "stopped". Every write of ours goes through send() with
 * MSG_NOSIGNAL, TLS records included (a BIO of our own below), so a server
 * that closes early raises no SIGPIPE. The SSL_CTX is shared read-only by
 * every thread; each probe has its own SSL and socket.
 */
#include "smtp_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mtasts/smtp.h"

namespace mtasts::host {
namespace {

using check::tls_probe;
using check::tls_result;
using steady = std::chrono::steady_clock;

// ---- text --------------------------------------------------------------------

// strerror_r is the GNU one (returning char*) or the XSI one (returning int): both handled.
[[maybe_unused]] std::string strerror_pick(int rc, const char* buf) { return rc == 0 ? buf : "unknown error"; }
[[maybe_unused]] std::string strerror_pick(const char* p, const char*) { return p != nullptr ? p : "unknown error"; }
std::string errno_text(int e) {
  char buf[256] = {0};
  return strerror_pick(strerror_r(e, buf, sizeof buf), buf);
}

/** "10 s", "2.5 s". */
std::string seconds(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", ms / 1000.0);
  return buf;
}

/** Server text for a report: control bytes removed, at most `max` bytes (not cutting a UTF-8 sequence). */
std::string clean(std::string_view s, std::size_t max) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) continue;
    out.push_back(c);
  }
  if (out.size() > max) {
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

/** A reply on one line: "554 5.7.1 go away", or "250 first / second" for a multiline one. */
std::string reply_text(const smtp::reply& r) {
  std::string out = std::to_string(r.code);
  for (std::size_t i = 0; i < r.lines.size(); ++i) {
    out += i == 0 ? " " : " / ";
    out += r.lines[i];
    if (out.size() > 400) break;
  }
  return clean(out, 300);
}

/** OpenSSL's error queue (this thread's), emptied: "unsupported protocol; ...". */
std::string openssl_errors(bool* version_error = nullptr) {
  std::string out;
  for (unsigned long e; (e = ERR_get_error()) != 0;) {
    if (version_error != nullptr && ERR_GET_LIB(e) == ERR_LIB_SSL) {
      const int reason = ERR_GET_REASON(e);
      if (reason == SSL_R_UNSUPPORTED_PROTOCOL || reason == SSL_R_TLSV1_ALERT_PROTOCOL_VERSION ||
          reason == SSL_R_WRONG_SSL_VERSION || reason == SSL_R_VERSION_TOO_LOW)
        *version_error = true;
    }
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

// ---- a write-only BIO that sends with MSG_NOSIGNAL -----------------------------

int nosig_write(BIO* b, const char* data, int len) {
  const int fd = static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(b)));
  BIO_clear_retry_flags(b);
  if (len <= 0) return 0;
  const ssize_t n = ::send(fd, data, static_cast<std::size_t>(len), MSG_NOSIGNAL);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_write(b);
    return -1;
  }
  return static_cast<int>(n);
}
long nosig_ctrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }
int nosig_create(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

/** The method, made once (thread-safe: a function-local static); never freed. */
const BIO_METHOD* nosig_method() {
  static BIO_METHOD* const m = [] {
    BIO_METHOD* bm = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "mtasts send(MSG_NOSIGNAL)");
    if (bm != nullptr) {
      BIO_meth_set_write(bm, nosig_write);
      BIO_meth_set_ctrl(bm, nosig_ctrl);
      BIO_meth_set_create(bm, nosig_create);
    }
    return bm;
  }();
  return m;
}

// ---- the certificate -------------------------------------------------------------

std::string name_text(const X509_NAME* n) {
  std::string out;
  BIO* mem = BIO_new(BIO_s_mem());
  if (mem == nullptr) return out;
  if (X509_NAME_print_ex(mem, n, 0, XN_FLAG_RFC2253) >= 0) {
    char* p = nullptr;
    const long len = BIO_get_mem_data(mem, &p);
    if (p != nullptr && len > 0) out.assign(p, static_cast<std::size_t>(len));
  }
  BIO_free(mem);
  return out;
}

/** RFC 3339 UTC, "2026-01-01T00:00:00Z"; "" when unreadable. */
std::string time_text(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

check::certificate describe(X509* cert) {
  check::certificate c;
  c.subject = name_text(X509_get_subject_name(cert));
  c.issuer = name_text(X509_get_issuer_name(cert));
  if (auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr))) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
      const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
      if (g->type != GEN_DNS) continue;
      const ASN1_IA5STRING* s = g->d.dNSName;
      c.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                               static_cast<std::size_t>(ASN1_STRING_length(s)));
    }
    GENERAL_NAMES_free(names);
  }
  c.not_before = time_text(X509_get0_notBefore(cert));
  c.not_after = time_text(X509_get0_notAfter(cert));
  return c;
}

/** The verify errors that mean "no chain to a trusted root" (RFC 8460 §4.3 certificate-not-trusted). */
bool untrusted(long v) {
  switch (v) {
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
      return true;
    default:
      return false;
  }
}

// ---- one probe ---------------------------------------------------------------------

/** How a wait or an exchange ended. */
enum class io : std::uint8_t { ok, timeout, overall, stopped, closed, failed };

class probe {
 public:
  probe(const std::string& host, const probe_settings& s, const std::atomic<bool>& stop)
      : host_(host), s_(s), stop_(stop), step_ms_(s.timeout_ms > 0 ? s.timeout_ms : 10000) {
    overall_ = steady::now() + ms(3 * step_ms_);
  }
  ~probe() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
  }
  probe(const probe&) = delete;
  probe& operator=(const probe&) = delete;

  tls_probe run(const std::vector<std::string>& addresses);

 private:
  static steady::duration ms(double v) {
    return std::chrono::duration_cast<steady::duration>(std::chrono::duration<double, std::milli>(v));
  }
  steady::time_point step_deadline() const { return std::min(steady::now() + ms(step_ms_), overall_); }

  bool connect_any(const std::vector<std::string>& addresses);
  io wait(short events, steady::time_point deadline);
  io send_plain(std::string_view bytes, steady::time_point deadline);
  io send_tls(std::string_view bytes, steady::time_point deadline);
  io send(std::string_view bytes, steady::time_point deadline) {
    return ssl_ != nullptr ? send_tls(bytes, deadline) : send_plain(bytes, deadline);
  }
  io read_reply(smtp::reader& in, steady::time_point deadline, std::optional<smtp::reply>& out);
  io handshake(steady::time_point deadline, bool& version_error);
  /** Sends QUIT and waits a little for its reply; the outcome changes nothing. */
  void quit(smtp::reader& in);

  /** The probe ends with `r` at `stage`; `detail` is the reason. */
  tls_probe& end(tls_result r, const char* stage, std::string detail) {
    out_.result = r;
    out_.stage = stage;
    out_.detail = std::move(detail);
    return out_;
  }
  /** A wait or an exchange that did not give a reply: how the probe ends, in words. */
  tls_probe& end_io(io why, const char* stage, tls_result protocol_result, const std::string& waiting_for,
                    const smtp::reader* in = nullptr);

  const std::string& host_;
  const probe_settings& s_;
  const std::atomic<bool>& stop_;
  double step_ms_;
  steady::time_point overall_;
  int fd_ = -1;
  SSL* ssl_ = nullptr;
  std::string io_error_;  // errno's or OpenSSL's text for io::failed
  tls_probe out_;
};

io probe::wait(short events, steady::time_point deadline) {
  for (;;) {
    if (stop_.load(std::memory_order_relaxed)) return io::stopped;
    const auto now = steady::now();
    if (now >= deadline) return deadline >= overall_ ? io::overall : io::timeout;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    pollfd p{fd_, events, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 50)));
    if (rc > 0) return io::ok;  // readable, writable, or an error the next call reports
    if (rc < 0 && errno != EINTR) {
      io_error_ = errno_text(errno);
      return io::failed;
    }
  }
}

bool probe::connect_any(const std::vector<std::string>& addresses) {
  std::string failures;
  bool all_timeouts = !addresses.empty();
  const std::string port = std::to_string(s_.port);
  for (const auto& a : addresses) {
    if (stop_.load(std::memory_order_relaxed)) return end(tls_result::timeout, "connect", "stopped"), false;
    out_.address = a;
    const auto note = [&](const std::string& why, bool timed_out) {
      if (!failures.empty()) failures += "; ";
      failures += a + ": " + why;
      if (!timed_out) all_timeouts = false;
    };
    addrinfo hints{};
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* ai = nullptr;
    std::string literal = a;
    if (literal.size() > 2 && literal.front() == '[' && literal.back() == ']')
      literal = literal.substr(1, literal.size() - 2);
    if (::getaddrinfo(literal.c_str(), port.c_str(), &hints, &ai) != 0 || ai == nullptr) {
      note("not an IP address", false);
      continue;
    }
    fd_ = ::socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      note(errno_text(errno), false);
      ::freeaddrinfo(ai);
      continue;
    }
    int rc = ::connect(fd_, ai->ai_addr, ai->ai_addrlen);
    const int connect_errno = errno;
    ::freeaddrinfo(ai);
    int err = rc == 0 ? 0 : connect_errno;
    if (rc != 0 && connect_errno == EINPROGRESS) {
      const io w = wait(POLLOUT, step_deadline());
      if (w == io::stopped) return end(tls_result::timeout, "connect", "stopped"), false;
      if (w == io::timeout || w == io::overall) {
        note("no answer within " + seconds(step_ms_), true);
        ::close(fd_);
        fd_ = -1;
        if (w == io::overall) {
          end(tls_result::timeout, "connect",
              failures + " (the probe's overall limit of " + seconds(3 * step_ms_) + " was reached)");
          return false;
        }
        continue;
      }
      if (w == io::failed) {
        note(io_error_, false);
        ::close(fd_);
        fd_ = -1;
        continue;
      }
      socklen_t len = sizeof err;
      if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    }
    if (err == 0) return true;
    note(errno_text(err), false);
    ::close(fd_);
    fd_ = -1;
  }
  if (addresses.empty()) failures = "no address to connect to";
  end(all_timeouts ? tls_result::timeout : tls_result::unreachable, "connect", failures);
  return false;
}

io probe::send_plain(std::string_view bytes, steady::time_point deadline) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      const io w = wait(POLLOUT, deadline);
      if (w != io::ok) return w;
      continue;
    }
    io_error_ = errno_text(errno);
    return io::failed;
  }
  return io::ok;
}

io probe::send_tls(std::string_view bytes, steady::time_point deadline) {
  while (!bytes.empty()) {
    ERR_clear_error();
    std::size_t n = 0;
    if (SSL_write_ex(ssl_, bytes.data(), bytes.size(), &n) == 1) {
      bytes.remove_prefix(n);
      continue;
    }
    const int e = SSL_get_error(ssl_, 0);
    const int saved = errno;
    if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
      const io w = wait(e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, deadline);
      if (w != io::ok) return w;
      continue;
    }
    if (e == SSL_ERROR_ZERO_RETURN) return io::closed;
    io_error_ = openssl_errors();
    if (io_error_.empty()) io_error_ = saved != 0 ? errno_text(saved) : "the connection was closed";
    return io::failed;
  }
  return io::ok;
}

io probe::read_reply(smtp::reader& in, steady::time_point deadline, std::optional<smtp::reply>& out) {
  char buf[4096];
  for (;;) {
    if (auto r = in.next()) {
      out = std::move(r);
      return io::ok;
    }
    if (in.failed()) return io::failed;
    if (stop_.load(std::memory_order_relaxed)) return io::stopped;
    short want = POLLIN;
    if (ssl_ == nullptr) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        in.feed(std::string_view(buf, static_cast<std::size_t>(n)));
        continue;
      }
      if (n == 0) return io::closed;
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        io_error_ = errno_text(errno);
        return io::failed;
      }
    } else {
      ERR_clear_error();
      std::size_t n = 0;
      if (SSL_read_ex(ssl_, buf, sizeof buf, &n) == 1) {
        in.feed(std::string_view(buf, n));
        continue;
      }
      const int e = SSL_get_error(ssl_, 0);
      const int saved = errno;
      if (e == SSL_ERROR_ZERO_RETURN) return io::closed;
      if (e == SSL_ERROR_WANT_WRITE) {
        want = POLLOUT;
      } else if (e != SSL_ERROR_WANT_READ) {
        io_error_ = openssl_errors();
        if (io_error_.empty() && e == SSL_ERROR_SYSCALL && saved == 0) return io::closed;
        if (io_error_.empty()) io_error_ = saved != 0 ? errno_text(saved) : "a TLS error";
        return io::failed;
      }
    }
    const io w = wait(want, deadline);
    if (w != io::ok) return w;
  }
}

io probe::handshake(steady::time_point deadline, bool& version_error) {
  ssl_ = SSL_new(s_.ctx);
  const BIO_METHOD* m = nosig_method();
  BIO* rbio = BIO_new_socket(fd_, BIO_NOCLOSE);
  BIO* wbio = m != nullptr ? BIO_new(m) : nullptr;
  if (ssl_ == nullptr || rbio == nullptr || wbio == nullptr) {
    BIO_free(rbio);
    BIO_free(wbio);
    io_error_ = "cannot set up TLS: " + openssl_errors();
    return io::failed;
  }
  BIO_set_data(wbio, reinterpret_cast<void*>(static_cast<std::intptr_t>(fd_)));
  SSL_set_bio(ssl_, rbio, wbio);
  SSL_set_verify(ssl_, SSL_VERIFY_NONE, nullptr);  // verified afterwards, so that a bad certificate is still seen
  SSL_set_tlsext_host_name(ssl_, host_.c_str());
  SSL_set_connect_state(ssl_);
  for (;;) {
    ERR_clear_error();
    const int rc = SSL_connect(ssl_);
    if (rc == 1) return io::ok;
    const int e = SSL_get_error(ssl_, rc);
    const int saved = errno;
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      const io w = wait(e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, deadline);
      if (w != io::ok) return w;
      continue;
    }
    io_error_ = openssl_errors(&version_error);
    if (io_error_.empty()) {
      if (e == SSL_ERROR_SYSCALL && saved != 0) io_error_ = errno_text(saved);
      else return io::closed;
    }
    return io::failed;
  }
}

void probe::quit(smtp::reader& in) {
  if (stop_.load(std::memory_order_relaxed)) return;
  while (in.next()) {
  }
  const auto deadline = std::min(steady::now() + ms(std::min(step_ms_, 2000.0)), overall_);
  if (send("QUIT\r\n", deadline) != io::ok) return;
  std::optional<smtp::reply> r;
  (void)read_reply(in, deadline, r);
}

tls_probe& probe::end_io(io why, const char* stage, tls_result protocol_result, const std::string& waiting_for,
                         const smtp::reader* in) {
  switch (why) {
    case io::stopped: return end(tls_result::timeout, stage, "stopped");
    case io::timeout: return end(tls_result::timeout, stage, "no " + waiting_for + " within " + seconds(step_ms_));
    case io::overall:
      return end(tls_result::timeout, stage,
                 "no " + waiting_for + " before the probe's overall limit of " + seconds(3 * step_ms_));
    case io::closed:
      return end(protocol_result, stage,
                 "the server closed the connection before its " + waiting_for +
                     (in != nullptr && in->pending_bytes() > 0 ? " was complete" : std::string()));
    case io::failed:
      if (in != nullptr && in->failed()) return end(protocol_result, stage, in->error().message);
      return end(protocol_result, stage, "no " + waiting_for + ": " + io_error_);
    case io::ok: break;
  }
  return out_;
}

tls_probe probe::run(const std::vector<std::string>& addresses) {
  if (s_.ctx == nullptr) return end(tls_result::validation_failure, "connect", "no TLS context (make_probe_context)");
  if (!connect_any(addresses)) return out_;
  std::string helo = s_.helo_name;
  if (helo.empty() || std::any_of(helo.begin(), helo.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F;
      }))
    helo = "localhost";

  // The banner (RFC 5321 §3.1, §4.2): 220, or the server does not take mail here.
  smtp::reader in;
  std::optional<smtp::reply> r;
  if (io w = read_reply(in, step_deadline(), r); w != io::ok)
    return end_io(w, "banner", tls_result::starttls_not_supported, "greeting", &in);
  if (r->code != 220) {
    end(tls_result::starttls_not_supported, "banner", reply_text(*r));
    quit(in);
    return out_;
  }
  out_.banner = clean(r->lines.front(), 200);

  // EHLO (RFC 5321 §4.1.1.1); the reply must offer STARTTLS (RFC 3207 §4).
  while (in.next()) {
  }
  if (io w = send("EHLO " + helo + "\r\n", step_deadline()); w != io::ok)
    return end_io(w, "ehlo", tls_result::starttls_not_supported, "reply to EHLO");
  if (io w = read_reply(in, step_deadline(), r); w != io::ok)
    return end_io(w, "ehlo", tls_result::starttls_not_supported, "reply to EHLO", &in);
  if (r->code != 250) {
    end(tls_result::starttls_not_supported, "ehlo", "EHLO refused: " + reply_text(*r));
    quit(in);
    return out_;
  }
  if (!smtp::advertises_starttls(*r)) {
    const auto words = smtp::ehlo_keywords(*r);
    std::string list;
    for (const auto& k : words) list += (list.empty() ? "" : ", ") + k;
    end(tls_result::starttls_not_supported, "ehlo",
        clean("the EHLO reply does not offer STARTTLS (" +
                  (list.empty() ? std::string("no keywords") : "keywords: " + list) + ")",
              300));
    quit(in);
    return out_;
  }

  // STARTTLS (RFC 3207 §4): 220, then TLS at once.
  while (in.next()) {
  }
  if (io w = send("STARTTLS\r\n", step_deadline()); w != io::ok)
    return end_io(w, "starttls", tls_result::starttls_not_supported, "reply to STARTTLS");
  if (io w = read_reply(in, step_deadline(), r); w != io::ok)
    return end_io(w, "starttls", tls_result::starttls_not_supported, "reply to STARTTLS", &in);
  if (r->code != 220) {
    end(tls_result::starttls_not_supported, "starttls", reply_text(*r));
    quit(in);
    return out_;
  }
  // Whatever came in the clear after the 220 is dropped (RFC 3207 §4.2: nothing from before TLS is kept).

  bool version_error = false;
  if (io w = handshake(step_deadline(), version_error); w != io::ok) {
    if (w == io::closed)
      return end(tls_result::validation_failure, "handshake", "the server closed the connection during the TLS handshake");
    if (w == io::failed) {
      std::string why = io_error_;
      if (version_error)
        why = "the server offers only TLS 1.0/1.1; RFC 8461 §7.2 requires TLS 1.2 or later (" + why + ")";
      return end(tls_result::validation_failure, "handshake", why);
    }
    return end_io(w, "handshake", tls_result::validation_failure, "end of the TLS handshake");
  }
  if (const char* v = SSL_get_version(ssl_)) out_.version = v;
  if (const char* c = SSL_get_cipher_name(ssl_)) out_.cipher = c;

  // The chain, then the name (RFC 8461 §4.2; RFC 6125 §6.4).
  X509* leaf = SSL_get1_peer_certificate(ssl_);
  if (leaf != nullptr) out_.certificate = describe(leaf);
  const long v = SSL_get_verify_result(ssl_);
  std::optional<tls_result> bad;
  std::string why;
  if (leaf == nullptr) {
    bad = tls_result::validation_failure;
    why = "the server presented no certificate";
  } else if (v != X509_V_OK) {
    bad = v == X509_V_ERR_CERT_HAS_EXPIRED ? tls_result::certificate_expired
          : untrusted(v)                   ? tls_result::certificate_not_trusted
                                           : tls_result::validation_failure;
    why = X509_verify_cert_error_string(v);
  } else if (X509_check_host(leaf, host_.data(), host_.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr) != 1) {
    bad = tls_result::certificate_host_mismatch;
    std::string names;
    for (const auto& n : out_.certificate->dns_names) names += (names.empty() ? "" : ", ") + n;
    why = clean("no DNS name of the certificate matches " + host_ +
                    (names.empty() ? " (it has no DNS name; subject " + out_.certificate->subject + ")"
                                   : " (it names " + names + ")"),
                300);
  }
  X509_free(leaf);
  smtp::reader tls_in;  // RFC 3207 §4.2: nothing from before TLS is kept
  if (bad) {
    end(*bad, "verify", why);
    quit(tls_in);
    SSL_shutdown(ssl_);
    return out_;
  }

  // EHLO again, over TLS (RFC 3207 §4.2), then QUIT; a failure here keeps the result.
  end(tls_result::ok, "ehlo", "");
  const auto after = [&](io w, const std::string& waiting_for) {
    const tls_result keep = out_.result;
    end_io(w, "ehlo", keep, waiting_for, &tls_in);
    out_.result = keep;
    if (out_.detail != "stopped") out_.detail = "after the handshake: " + out_.detail;
    return out_;
  };
  if (io w = send("EHLO " + helo + "\r\n", step_deadline()); w != io::ok) return after(w, "reply to EHLO");
  if (io w = read_reply(tls_in, step_deadline(), r); w != io::ok) return after(w, "reply to EHLO");
  if (r->code != 250) {
    out_.detail = "after the handshake: EHLO refused: " + reply_text(*r);
    quit(tls_in);
    return out_;
  }
  quit(tls_in);
  if (stop_.load(std::memory_order_relaxed)) {
    out_.detail = "stopped";
    return out_;
  }
  ERR_clear_error();
  SSL_shutdown(ssl_);
  ERR_clear_error();
  out_.stage = "done";
  return out_;
}

}  // namespace

SSL_CTX* make_probe_context(const std::string& ca_file, std::string& error) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) {
    error = "cannot make a TLS context: " + openssl_errors();
    return nullptr;
  }
  // RFC 8461 §7.2: TLS 1.2 or later.
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // The handshake goes on whatever the certificate; the probe reads the verdict afterwards.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_default_verify_paths(ctx);
  if (!ca_file.empty() && SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1) {
    error = "cannot load the CA file " + ca_file + ": " + openssl_errors();
    SSL_CTX_free(ctx);
    return nullptr;
  }
  ERR_clear_error();
  return ctx;
}

check::tls_probe probe_starttls(const std::string& host, const std::vector<std::string>& addresses,
                                const probe_settings& settings, const std::atomic<bool>& stop) {
#if defined(__cpp_exceptions)
  try {
#endif
    probe p(host, settings, stop);
    tls_probe out = p.run(addresses);
    ERR_clear_error();  // leave nothing in this thread's queue for the next user
    return out;
#if defined(__cpp_exceptions)
  } catch (...) {  // out of memory: no exception leaves the probe
    ERR_clear_error();
    tls_probe out;
    out.result = tls_result::validation_failure;
    out.stage = "connect";
    out.detail = "the probe failed (out of memory)";
    return out;
  }
#endif
}

}  // namespace mtasts::host
