/**
 * @file http.cpp
 * @brief The HTTPS requests of the native host (http.h): libcurl's multi
 *        interface with OpenSSL, one easy handle per request, the multi
 *        handle (and so its connections) kept for the worker's life.
 *
 * What a request becomes follows web/host.mjs line by line, so that the
 * engine words a native check as it words a browser's:
 *   DoH     200 with application/dns-message: answer (its bytes; over
 *           dns_message_max + 1 bytes: `truncated`, no bytes); anything else
 *           with a status: http-error (a textual body's excerpt in
 *           `message`); the body broken off after a 200: network-error with
 *           the status and "body read failed: ..."; the time limit: timeout;
 *           else network-error with curl's text.
 *   policy  3xx: redirect (its Location in `message`); another status:
 *           response (the body up to policy_max_bytes, `truncated` past it);
 *           the body broken off: unreachable with the status; the time
 *           limit: timeout; else unreachable, with `failure` saying what
 *           failed (a native host can tell; a browser cannot).
 */
#include "http.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "mtasts/limits.h"

// curl_easy_header (7.84), CURLOPT_PROTOCOLS_STR (7.85), CURLOPT_QUICK_EXIT
// and CURLOPT_CA_CACHE_TIMEOUT (7.87).
#if LIBCURL_VERSION_NUM < 0x075700
#error "the native host needs libcurl 7.87 or later"
#endif

namespace mtasts::host::detail {
namespace {

using check::observation;
using check::observation_kind;

/** Characters of a non-answer body kept in `message`, and the bytes read to make them (web/host.mjs). */
constexpr std::size_t detail_chars = 200;
constexpr std::size_t detail_bytes = 1024;

/** The trust store of every HTTPS request: the system's and config.ca_file's; made once by init(), shared (read-only). */
X509_STORE* g_store = nullptr;

/** CURLOPT_SSL_CTX_FUNCTION: the shared store in place of the one curl would load for each connection. */
CURLcode use_shared_store(CURL*, void* ssl_ctx, void*) {
  if (g_store == nullptr) return CURLE_SSL_CACERT_BADFILE;
  SSL_CTX_set1_cert_store(static_cast<SSL_CTX*>(ssl_ctx), g_store);
  return CURLE_OK;
}

/** Every certificate of a PEM file into `store`; how many, or -1 with why. */
int add_pem_file(X509_STORE* store, const std::string& path, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = "cannot read the CA file " + path + ": " + std::strerror(errno);
    return -1;
  }
  BIO* bio = BIO_new_fp(f, BIO_CLOSE);
  if (bio == nullptr) {
    std::fclose(f);
    error = "cannot read the CA file " + path + ": out of memory";
    return -1;
  }
  ERR_clear_error();
  int count = 0;
  while (X509* cert = PEM_read_bio_X509_AUX(bio, nullptr, nullptr, nullptr)) {
    if (X509_STORE_add_cert(store, cert) == 1) ++count;
    X509_free(cert);
  }
  const unsigned long last = ERR_peek_last_error();
  const bool clean_end = last == 0 || (ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE);
  char why[256] = "";
  if (!clean_end) ERR_error_string_n(last, why, sizeof why);
  ERR_clear_error();
  BIO_free(bio);
  if (!clean_end) {
    error = "the CA file " + path + " is not a PEM file of certificates (" + why + ")";
    return -1;
  }
  if (count == 0) {
    error = "the CA file " + path + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)";
    return -1;
  }
  return count;
}

/** The media type of a Content-Type value: no parameters, trimmed, lower case. */
std::string media_type(const std::optional<std::string>& ct) {
  if (!ct) return {};
  std::string mt = ct->substr(0, ct->find(';'));
  const auto first = mt.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  mt = mt.substr(first, mt.find_last_not_of(" \t") - first + 1);
  for (char& c : mt)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return mt;
}

bool ends_with(const std::string& s, const char* tail) {
  const std::size_t n = std::strlen(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

/** Whether a content type is worth showing as text (web/host.mjs, isTextual). */
bool is_textual(const std::optional<std::string>& ct) {
  const std::string mt = media_type(ct);
  return mt.empty() || mt.rfind("text/", 0) == 0 || ends_with(mt, "+json") || ends_with(mt, "+xml") ||
         mt == "application/json" || mt == "application/xml";
}

/** Every value of header `name` in the response, joined with ", " as fetch() does; nullopt when absent. */
std::optional<std::string> header_of(CURL* easy, const char* name) {
  curl_header* h = nullptr;
  if (curl_easy_header(easy, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || h == nullptr) return std::nullopt;
  std::string value = h->value != nullptr ? h->value : "";
  const std::size_t amount = h->amount;
  for (std::size_t i = 1; i < amount; ++i) {
    curl_header* more = nullptr;
    if (curl_easy_header(easy, name, i, CURLH_HEADER, -1, &more) == CURLHE_OK && more != nullptr && more->value)
      value += std::string(", ") + more->value;
  }
  return value;
}

/** UTF-8 of one code point. */
void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/** The certificate failures a verify result names (observation::failure), or empty for another one. */
const char* certificate_failure(long verify) {
  switch (verify) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "certificate-expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "certificate-not-yet-valid";
    case X509_V_ERR_HOSTNAME_MISMATCH:
      return "certificate-host-mismatch";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_CERT_UNTRUSTED:
      return "certificate-not-trusted";
    default:
      return "";
  }
}

bool is_tls_error(CURLcode r) {
  switch (r) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
      return true;
    default:
      return false;
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// Process-wide

bool make_trust_store(const std::string& ca_file, std::string& error) {
  free_trust_store();
  X509_STORE* store = X509_STORE_new();
  if (store == nullptr) {
    error = "the trust store could not be made (out of memory)";
    return false;
  }
  // The system's: what libcurl itself would load (its CA bundle and
  // directory), read once here instead of at every new connection (OpenSSL
  // 3.0 takes tens of milliseconds of CPU for a bundle, more with threads).
  std::string bundle, dir;
  if (CURL* e = curl_easy_init()) {
    char* v = nullptr;
    if (curl_easy_getinfo(e, CURLINFO_CAINFO, &v) == CURLE_OK && v != nullptr) bundle = v;
    v = nullptr;
    if (curl_easy_getinfo(e, CURLINFO_CAPATH, &v) == CURLE_OK && v != nullptr) dir = v;
    curl_easy_cleanup(e);
  }
  // The bundle alone when there is one: every certificate is then in the
  // store before any thread uses it, and the store is only read. (A hashed
  // directory is read lazily, adding to the store during verification, which
  // OpenSSL 3.0 does not do race-free across threads.)
  if (!bundle.empty() && X509_STORE_load_file(store, bundle.c_str()) == 1) {
  } else if (!dir.empty()) {
    X509_STORE_load_path(store, dir.c_str());
  } else {
    X509_STORE_set_default_paths(store);
  }
  ERR_clear_error();  // a missing system bundle: then only ca_file is trusted
  // As libcurl sets them on its own store.
  X509_STORE_set_flags(store, X509_V_FLAG_TRUSTED_FIRST | X509_V_FLAG_PARTIAL_CHAIN);
  if (!ca_file.empty() && add_pem_file(store, ca_file, error) < 0) {
    X509_STORE_free(store);
    return false;
  }
  // OpenSSL works out a certificate's extensions (its key identifiers, its
  // purposes) at first use and caches them in the certificate; done here, so
  // that the threads that share the store only ever read it.
  STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
  for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i)
    if (X509* cert = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i))) X509_check_purpose(cert, -1, 0);
  ERR_clear_error();
  g_store = store;
  return true;
}

void free_trust_store() {
  if (g_store != nullptr) X509_STORE_free(g_store);
  g_store = nullptr;
}

bool curl_tls_is_openssl(std::string& error) {
  const curl_version_info_data* v = curl_version_info(CURLVERSION_NOW);
  if (v != nullptr && v->ssl_version != nullptr && std::strncmp(v->ssl_version, "OpenSSL", 7) == 0) return true;
  error = std::string("libcurl uses ") + (v != nullptr && v->ssl_version != nullptr ? v->ssl_version : "no TLS library") +
          ", not OpenSSL: --ca-file needs libcurl built with OpenSSL (Debian: libcurl4-openssl-dev)";
  return false;
}

std::string doh_get_url(const std::string& resolver, const std::string& b64) {
  const std::string base = resolver.substr(0, resolver.find('#'));
  std::string sep;
  if (base.find('?') == std::string::npos)
    sep = "?";
  else if (!base.empty() && (base.back() == '?' || base.back() == '&'))
    sep = "";
  else
    sep = "&";
  return base + sep + "dns=" + b64;
}

std::string safe_detail(const std::string& bytes) {
  // The WHATWG UTF-8 decoder (TextDecoder, fatal: false): a leading BOM
  // dropped, each maximal invalid subpart one U+FFFD.
  std::u32string cps;
  std::size_t needed = 0, seen = 0;
  char32_t cp = 0;
  unsigned lower = 0x80, upper = 0xBF;
  std::size_t i = bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  for (; i < bytes.size() && cps.size() < detail_chars; ++i) {
    const unsigned b = static_cast<unsigned char>(bytes[i]);
    if (needed == 0) {
      if (b <= 0x7F) {
        cps += static_cast<char32_t>(b);
      } else if (b >= 0xC2 && b <= 0xDF) {
        needed = 1;
        cp = b & 0x1F;
      } else if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0) lower = 0xA0;
        if (b == 0xED) upper = 0x9F;
        needed = 2;
        cp = b & 0x0F;
      } else if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0) lower = 0x90;
        if (b == 0xF4) upper = 0x8F;
        needed = 3;
        cp = b & 0x07;
      } else {
        cps += U'\uFFFD';
      }
      continue;
    }
    if (b < lower || b > upper) {
      needed = seen = 0;
      cp = 0;
      lower = 0x80;
      upper = 0xBF;
      cps += U'\uFFFD';
      --i;  // the byte starts over
      continue;
    }
    lower = 0x80;
    upper = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
    if (++seen == needed) {
      cps += cp;
      needed = seen = 0;
      cp = 0;
    }
  }
  if (needed != 0 && cps.size() < detail_chars) cps += U'\uFFFD';
  std::string out;
  for (char32_t c : cps) {
    const bool control = c <= 0x08 || (c >= 0x0B && c <= 0x1F) || (c >= 0x7F && c <= 0x9F);
    append_utf8(out, control ? U' ' : c);
  }
  return out;
}

// ---------------------------------------------------------------------------
// The client

struct http_client::transfer {
  std::string id;
  bool doh = true;
  CURL* easy = nullptr;
  std::string body;
  std::size_t cap = 0;       ///< bytes kept at most
  bool stop_at_cap = false;  ///< the policy: reading stops when `cap` bytes are in (that many already means too many)
  bool over = false;         ///< reading stopped at the cap (curl then says CURLE_WRITE_ERROR)
  steady::time_point start;
  char error[CURL_ERROR_SIZE] = "";

  ~transfer() {
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
};

namespace {

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<http_client::transfer*>(user);
  const std::size_t len = size * n;
  const std::size_t room = t->cap - std::min(t->cap, t->body.size());
  if (len > room) {
    t->body.append(data, room);
    t->over = true;
    return 0;  // stop reading: CURLE_WRITE_ERROR
  }
  t->body.append(data, len);
  if (t->stop_at_cap && len > 0 && t->body.size() == t->cap) {
    t->over = true;
    return 0;
  }
  return len;
}

}  // namespace

http_client::http_client(const http_settings& s) : user_agent_(s.user_agent) {
  multi_ = curl_multi_init();
  if (multi_ != nullptr) {
    curl_multi_setopt(multi_, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
    // A bounded cache, in practice the resolver's connection: a policy GET
    // never leaves its connection behind (start(): CURLOPT_FORBID_REUSE), as
    // each domain has a policy host of its own. Idle TLS connections to them
    // made 16 workers reach 196 MB over 1,000 domains; the resolver's one
    // connection per worker is what pays to keep.
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 4L);
  }
  for (const auto& c : s.connect_to) {
    curl_slist* next = curl_slist_append(connect_to_, c.c_str());
    if (next != nullptr) connect_to_ = next;
  }
  doh_headers_ = curl_slist_append(nullptr, "Accept: application/dns-message");
}

http_client::~http_client() {
  for (auto& [easy, t] : transfers_) {
    if (multi_ != nullptr) curl_multi_remove_handle(multi_, easy);
  }
  transfers_.clear();
  if (multi_ != nullptr) curl_multi_cleanup(multi_);
  curl_slist_free_all(connect_to_);
  curl_slist_free_all(doh_headers_);
}

void http_client::start_doh(const std::string& id, const std::string& url, double timeout_ms) {
  auto t = std::make_unique<transfer>();
  t->id = id;
  t->doh = true;
  // web/host.mjs reads MAX_DNS_MESSAGE + 1 bytes and calls it over past that.
  t->cap = limits::dns_message_max + 1;
  start(std::move(t), url, timeout_ms);
}

void http_client::start_policy(const std::string& id, const std::string& url, double timeout_ms) {
  auto t = std::make_unique<transfer>();
  t->id = id;
  t->doh = false;
  t->cap = limits::policy_max_bytes + 1;
  t->stop_at_cap = true;
  start(std::move(t), url, timeout_ms);
}

void http_client::start(std::unique_ptr<transfer> t, const std::string& url, double timeout_ms) {
  t->start = steady::now();
  // libcurl refused the transfer: the request failed before it left.
  const auto could_not_start = [&] {
    observation o;
    o.id = t->id;
    o.kind = t->doh ? observation_kind::network_error : observation_kind::unreachable;
    o.message = "libcurl could not start the request";
    if (!t->doh) o.failure = "network";
    ready_.push_back(std::move(o));
  };
  CURL* e = multi_ != nullptr ? curl_easy_init() : nullptr;
  if (e == nullptr) {
    could_not_start();
    return;
  }
  t->easy = e;
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  if (!t->doh) curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  // A transfer ended while its host name is still being resolved leaves the
  // resolver thread to finish alone, rather than wait for it: a stop or a
  // time limit is not held up by a slow getaddrinfo.
  curl_easy_setopt(e, CURLOPT_QUICK_EXIT, 1L);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max(1.0, timeout_ms)));
  curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent_.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, t->doh ? "https,http" : "https");
  curl_easy_setopt(e, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));  // as senders (RFC 8461 §3.3, RFC 7525)
  if (connect_to_ != nullptr) curl_easy_setopt(e, CURLOPT_CONNECT_TO, connect_to_);
  if (g_store != nullptr) {
    // curl loads nothing of its own; the shared store goes in at the SSL_CTX.
    curl_easy_setopt(e, CURLOPT_CAINFO, nullptr);
    curl_easy_setopt(e, CURLOPT_CAPATH, nullptr);
    curl_easy_setopt(e, CURLOPT_CA_CACHE_TIMEOUT, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, &use_shared_store);
  }
  if (t->doh) {
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, doh_headers_);
    // The first wave's five queries share one HTTP/2 connection rather than open five.
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
  }
  if (curl_multi_add_handle(multi_, e) != CURLM_OK) {
    could_not_start();
    return;  // t (and its handle) go
  }
  transfers_.emplace(e, std::move(t));
}

void http_client::wait(std::vector<curl_waitfd>& extra, int timeout_ms) {
  if (multi_ == nullptr) return;
  int running = 0;
  curl_multi_poll(multi_, extra.empty() ? nullptr : extra.data(), static_cast<unsigned>(extra.size()),
                  std::max(0, timeout_ms), nullptr);
  curl_multi_perform(multi_, &running);
}

void http_client::wakeup() noexcept {
  if (multi_ != nullptr) curl_multi_wakeup(multi_);
}

void http_client::collect(std::vector<observation>& out) {
  for (auto& o : ready_) out.push_back(std::move(o));
  ready_.clear();
  if (multi_ == nullptr) return;
  int left = 0;
  while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
    if (m->msg != CURLMSG_DONE) continue;
    CURL* e = m->easy_handle;
    const CURLcode result = m->data.result;
    auto it = transfers_.find(e);
    if (it == transfers_.end()) continue;
    std::unique_ptr<transfer> t = std::move(it->second);
    transfers_.erase(it);
    out.push_back(finish(*t, result));
    curl_multi_remove_handle(multi_, e);
  }
}

void http_client::cancel_all(std::vector<observation>& out) {
  const auto now = steady::now();
  for (auto& o : ready_) out.push_back(std::move(o));
  ready_.clear();
  for (auto& [easy, t] : transfers_) {
    if (multi_ != nullptr) curl_multi_remove_handle(multi_, easy);
    observation o;
    o.id = t->id;
    o.kind = observation_kind::aborted;
    o.elapsed_ms = ms_between(t->start, now);
    out.push_back(std::move(o));
  }
  transfers_.clear();
}

observation http_client::finish(transfer& t, CURLcode result) {
  observation o;
  o.id = t.id;
  o.elapsed_ms = ms_between(t.start, steady::now());
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  const bool capped = result == CURLE_WRITE_ERROR && t.over;
  const bool ok = result == CURLE_OK || capped;
  const std::string error = t.error[0] != '\0' ? std::string(t.error) : std::string(curl_easy_strerror(result));

  if (result == CURLE_OPERATION_TIMEDOUT) {
    o.kind = observation_kind::timeout;
    return o;
  }
  const std::optional<std::string> content_type = status > 0 ? header_of(t.easy, "Content-Type") : std::nullopt;

  if (t.doh) {
    if (status <= 0) {
      o.kind = observation_kind::network_error;
      o.message = error;
      return o;
    }
    o.status = static_cast<std::uint16_t>(std::min(status, 65535L));
    o.content_type = content_type;
    if (status == 200 && media_type(content_type) == "application/dns-message") {
      if (!ok) {
        // The resolver answered 200 and the body then broke off (a reset).
        o.kind = observation_kind::network_error;
        o.content_type.reset();
        o.message = "body read failed: " + error;
        return o;
      }
      o.kind = observation_kind::answer;
      if (t.over)
        o.truncated = true;  // larger than any DNS message: the engine says dns.query.too_large
      else
        o.bytes = std::move(t.body);
      return o;
    }
    o.kind = observation_kind::http_error;
    // A broken error body is not worth more than the status itself.
    if (ok && is_textual(content_type) && !t.body.empty())
      o.message = safe_detail(t.body.substr(0, std::min(t.body.size(), detail_bytes)));
    return o;
  }

  // The policy.
  if (status >= 300 && status < 400) {
    o.kind = observation_kind::redirect;
    o.status = static_cast<std::uint16_t>(status);
    if (auto location = header_of(t.easy, "Location")) o.message = *location;
    return o;
  }
  if (status > 0) {
    o.status = static_cast<std::uint16_t>(std::min(status, 65535L));
    if (!ok) {
      // The headers came (the connection and the certificate were fine); the body broke off.
      o.kind = observation_kind::unreachable;
      o.failure = "network";
      o.message = "body read failed: " + error;
      return o;
    }
    o.kind = observation_kind::response;
    o.content_type = content_type;
    o.truncated = t.body.size() > limits::policy_max_bytes;
    if (o.truncated) t.body.resize(limits::policy_max_bytes);
    o.bytes = std::move(t.body);
    return o;
  }
  o.kind = observation_kind::unreachable;
  o.message = error;
  if (result == CURLE_COULDNT_RESOLVE_HOST) {
    o.failure = "no-address";
  } else if (result == CURLE_COULDNT_CONNECT) {
    long os_errno = 0;
    curl_easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &os_errno);
    o.failure = os_errno == ECONNREFUSED ? "connection-refused" : "network";
  } else if (is_tls_error(result)) {
    long verify = X509_V_OK;
    curl_easy_getinfo(t.easy, CURLINFO_SSL_VERIFYRESULT, &verify);
    const char* cert = verify != X509_V_OK ? certificate_failure(verify) : "";
    if (*cert != '\0') {
      o.failure = cert;
      o.message = X509_verify_cert_error_string(verify);
    } else if (error.find("no alternative certificate subject name matches") != std::string::npos ||
               error.find("does not match target host name") != std::string::npos) {
      o.failure = "certificate-host-mismatch";
    } else {
      o.failure = "tls-handshake";
      if (verify != X509_V_OK) o.message = X509_verify_cert_error_string(verify);
    }
  } else {
    o.failure = "network";
  }
  return o;
}

}  // namespace mtasts::host::detail
