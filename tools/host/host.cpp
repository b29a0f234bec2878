/**
 * @file host.cpp
 * @brief The native host's worker (host.h): the loop that drives the engine
 *        (mtasts/check.h) with real I/O, as wasm/mtasts.mjs drives it in the
 *        browser.
 *
 * Theory of operation. One run() is one `session` on the worker's thread:
 *   1. the options: the input mapped to A-labels (libidn2, UTS #46), the
 *      resolver, the time limits, now;
 *   2. every request of c.requests() not started yet starts at once: DoH and
 *      the policy GET on the worker's curl multi handle (http.h), classic DNS
 *      on non-blocking sockets (classic_dns.h), each STARTTLS probe on a
 *      thread of its own (smtp_probe.h) that wakes the loop when it ends;
 *   3. one wait (curl_multi_poll, the DNS sockets beside curl's, at most
 *      50 ms so that `stop` is seen in time), then everything that ended is
 *      observed in one call, and back to 2 until nothing is in flight;
 *   4. `stop` or the overall deadline: what is in flight is cancelled and
 *      reported `aborted`, and the report is computed once more from the
 *      state with options.aborted (and options.deadline) set.
 * Every probe thread is joined before run() returns; nothing throws out of it.
 */
#include "host.h"

#include <idn2.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "classic_dns.h"
#include "http.h"
#include "mtasts/limits.h"
#include "mtasts/mtasts.h"
#include "smtp_probe.h"

namespace mtasts::host {

using check::observation;
using check::observation_kind;
using detail::steady;

namespace {

/** The probes' shared TLS context (init()). */
SSL_CTX* g_probe_ctx = nullptr;
bool g_curl_ready = false;

/** The longest wait of the loop: how late `stop` may be seen. */
constexpr int poll_slice_ms = 50;
/** A time limit no request needs more of (and that casts to long safely). */
constexpr double longest_ms = 24.0 * 3600 * 1000;

double clamp_ms(double ms) { return std::isfinite(ms) && ms > 0 ? std::min(ms, longest_ms) : 1; }

/** The input as A-labels (UTS #46 nontransitional, NFC): empty when it is plain ASCII or cannot be mapped. */
std::string to_a_labels(const std::string& input) {
  if (std::all_of(input.begin(), input.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) return {};
  std::string s = input;
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  s = s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
  if (s.find('\0') != std::string::npos) return {};
  char* out = nullptr;
  const int rc = idn2_to_ascii_8z(s.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  std::string mapped;
  if (rc == IDN2_OK && out != nullptr) mapped = out;
  idn2_free(out);
  return mapped;
}

/** The EHLO name: this machine's name when it is a FQDN, else "localhost". */
std::string default_helo() {
  char name[256] = "";
  if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
  const std::string n = name;
  const auto dot = n.find('.');
  return dot != std::string::npos && dot > 0 && dot + 1 < n.size() ? n : "localhost";
}

double unix_now_ms() {
  using namespace std::chrono;
  return static_cast<double>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

}  // namespace

// ---------------------------------------------------------------------------
// The process

bool init(const config& c, std::string& error) {
  if (!g_curl_ready) {
    if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) {
      error = "libcurl could not be initialised";
      return false;
    }
    g_curl_ready = true;
  }
  if (!c.dns_server.empty()) {
    detail::classic_dns probe(c.dns_server);
    if (std::string why = probe.form_error(); !why.empty()) {
      error = why;
      return false;
    }
  }
  if (detail::curl_tls_is_openssl(error)) {
    if (!detail::make_trust_store(c.ca_file, error)) return false;
  } else if (!c.ca_file.empty()) {
    return false;  // the extra anchors go in through OpenSSL
  }
  error.clear();
  if (c.starttls && g_probe_ctx == nullptr) {
    std::string why;
    g_probe_ctx = make_probe_context(c.ca_file, why);
    if (g_probe_ctx == nullptr) {
      error = why.empty() ? "the TLS context of the STARTTLS probe could not be made" : why;
      return false;
    }
  }
  return true;
}

void cleanup() {
  if (g_probe_ctx != nullptr) SSL_CTX_free(g_probe_ctx);
  g_probe_ctx = nullptr;
  detail::free_trust_store();
  if (g_curl_ready) curl_global_cleanup();
  g_curl_ready = false;
}

// ---------------------------------------------------------------------------
// The worker

namespace {

/** What a worker keeps from one check to the next (worker::impl is this). */
struct worker_state {
  config cfg;
  detail::http_client http;
  std::unique_ptr<detail::classic_dns> dns;  ///< when cfg.dns_server is set
  std::string helo;
  SSL_CTX* own_ctx = nullptr;  ///< a probe context of its own, when init() made none

  explicit worker_state(const config& c)
      : cfg(c),
        http(detail::http_settings{c.connect_to, c.user_agent.empty() ? "mtasts/" + std::string(mtasts::version())
                                                                      : c.user_agent}),
        helo(c.helo_name.empty() ? default_helo() : c.helo_name) {
    if (!c.dns_server.empty()) dns = std::make_unique<detail::classic_dns>(c.dns_server);
  }
  ~worker_state() {
    if (own_ctx != nullptr) SSL_CTX_free(own_ctx);
  }
  worker_state(const worker_state&) = delete;
  worker_state& operator=(const worker_state&) = delete;

  SSL_CTX* probe_ctx() {
    if (g_probe_ctx != nullptr) return g_probe_ctx;
    if (own_ctx == nullptr) {
      std::string why;
      own_ctx = make_probe_context(cfg.ca_file, why);
    }
    return own_ctx;
  }

  check::options options_for(const std::string& input) const {
    check::options o;
    o.input = input;
    o.domain = to_a_labels(input);
    o.resolver = dns ? dns->url() : cfg.resolver;
    o.host = check::host_kind::native;
    o.starttls = cfg.starttls;
    o.tlsa_cap = cfg.tlsa_cap;
    o.now_ms = unix_now_ms();
    if (cfg.timeout_ms > 0 && std::isfinite(cfg.timeout_ms)) {
      const double t = std::min(cfg.timeout_ms, longest_ms);
      o.dns_timeout_ms = t;
      o.policy_timeout_ms = t;
      o.smtp_timeout_ms = t;
    }
    o.total_timeout_ms = limits::total_timeout_ms + (o.starttls ? 3 * o.smtp_timeout_ms : 0);
    return o;
  }
};

/** One run(): the requests in flight and the state observed so far. */
class session {
 public:
  session(worker_state& w, check::options o, const std::atomic<bool>& stop)
      : w_(w), stop_(stop), t0_(steady::now()) {
    state_.options = std::move(o);
    deadline_ = t0_ + std::chrono::microseconds(static_cast<long long>(clamp_ms(state_.options.total_timeout_ms) * 1000));
    if (w_.dns) w_.dns->prepare();
  }

  ~session() {
    // Nothing may outlive the run: the probes see probe_stop_ and end; the
    // transfers and queries are dropped.
    probe_stop_ = true;
    for (auto& p : probes_)
      if (p->thread.joinable()) p->thread.join();
    std::vector<observation> dropped;
    w_.http.cancel_all(dropped);
    if (w_.dns) w_.dns->cancel_all(dropped);
  }

  session(const session&) = delete;
  session& operator=(const session&) = delete;

  check::report run() {
    try {
      check::domain_check c(state_.options);
      for (;;) {
        const bool stop = stop_.load();
        if (stop || steady::now() >= deadline_) {
          if (in_flight() == 0 && !unstarted(c)) return c.result();  // it ended as the stop came
          by_deadline_ = !stop;
          break;
        }
        for (const auto& r : c.requests())
          if (started_.insert(r.id).second) start(r);
        if (in_flight() == 0) return c.result();
        std::vector<observation> batch;
        wait_and_collect(batch);
        if (batch.empty()) continue;
        stamp(batch);
        state_.observations.insert(state_.observations.end(), batch.begin(), batch.end());
        if (batch.size() == 1)
          c.observe(std::move(batch.front()));
        else
          c.observe(std::move(batch));
      }
    } catch (...) {
      // Out of memory, say: what was seen is reported, the rest as stopped.
    }
    return stop_and_report();
  }

 private:
  /** One probe on its thread: the thread fills `result`, then sets `ended` and wakes the loop. */
  struct probe_run {
    std::string id;
    steady::time_point start;
    std::thread thread;
    observation result;
    std::atomic<bool> ended{false};
    bool done = false;  ///< collected (or reported aborted): the loop's own flag
  };

  bool unstarted(const check::domain_check& c) const {
    for (const auto& r : c.requests())
      if (started_.count(r.id) == 0) return true;
    return false;
  }

  std::size_t in_flight() const {
    std::size_t probes = 0;
    for (const auto& p : probes_) probes += p->done ? 0 : 1;
    return w_.http.in_flight() + (w_.dns ? w_.dns->in_flight() : 0) + probes + ready_.size();
  }

  void start(const check::request& r) {
    const auto now = steady::now();
    started_at_[r.id] = now;
    const check::options& o = state_.options;
    switch (r.kind) {
      case check::request_kind::dns:
        if (w_.dns)
          w_.dns->start(r.id, r.dns, clamp_ms(o.dns_timeout_ms));
        else
          w_.http.start_doh(r.id, detail::doh_get_url(w_.cfg.resolver, r.dns), clamp_ms(o.dns_timeout_ms));
        return;
      case check::request_kind::policy:
        w_.http.start_policy(r.id, r.url, clamp_ms(o.policy_timeout_ms));
        return;
      case check::request_kind::starttls:
        start_probe(r, now);
        return;
    }
  }

  void start_probe(const check::request& r, steady::time_point now) {
    probe_settings settings;
    settings.port = w_.cfg.smtp_port;
    settings.timeout_ms = clamp_ms(state_.options.smtp_timeout_ms);
    settings.helo_name = w_.helo;
    settings.ctx = w_.probe_ctx();
    probes_.push_back(std::make_unique<probe_run>());
    probe_run& p = *probes_.back();
    p.id = r.id;
    p.start = now;
    p.result.id = r.id;
    p.result.kind = observation_kind::starttls;
    try {
      p.thread = std::thread([this, &p, host = r.host, addresses = r.addresses, settings = std::move(settings)]() {
        check::tls_probe seen;
        try {
          seen = probe_starttls(host, addresses, settings, probe_stop_);
        } catch (const std::exception& e) {
          seen.stage = "connect";
          seen.detail = std::string("the probe failed: ") + e.what();
        } catch (...) {
          seen.stage = "connect";
          seen.detail = "the probe failed";
        }
        p.result.tls = std::move(seen);
        p.result.elapsed_ms = detail::ms_between(p.start, steady::now());
        p.ended.store(true, std::memory_order_release);
        w_.http.wakeup();
      });
    } catch (const std::exception& e) {
      p.done = true;
      observation o = p.result;
      o.tls = check::tls_probe{};
      o.tls->stage = "connect";
      o.tls->detail = std::string("the probe could not start: ") + e.what();
      ready_.push_back(std::move(o));
    }
  }

  void wait_and_collect(std::vector<observation>& batch) {
    std::vector<detail::dns_wait> dns_fds;
    if (w_.dns) w_.dns->wanted(dns_fds);
    std::vector<curl_waitfd> extra(dns_fds.size());
    for (std::size_t i = 0; i < dns_fds.size(); ++i) {
      extra[i].fd = dns_fds[i].fd;
      extra[i].events = static_cast<short>(((dns_fds[i].events & POLLIN) ? CURL_WAIT_POLLIN : 0) |
                                           ((dns_fds[i].events & POLLOUT) ? CURL_WAIT_POLLOUT : 0));
      extra[i].revents = 0;
    }
    const auto now = steady::now();
    auto until = std::min(deadline_, now + std::chrono::milliseconds(poll_slice_ms));
    if (w_.dns)
      if (auto next = w_.dns->next_deadline()) until = std::min(until, *next);
    const int timeout = static_cast<int>(std::ceil(std::max(0.0, detail::ms_between(now, until))));
    if (ready_.empty()) w_.http.wait(extra, timeout);

    if (!dns_fds.empty()) {
      // curl_multi_poll keeps only POLLIN and POLLOUT of the extra sockets;
      // an ICMP refusal or a failed connect shows as POLLERR or POLLHUP, so
      // ask the kernel again, without waiting.
      std::vector<pollfd> pfds(dns_fds.size());
      for (std::size_t i = 0; i < dns_fds.size(); ++i) pfds[i] = pollfd{dns_fds[i].fd, dns_fds[i].events, 0};
      if (::poll(pfds.data(), pfds.size(), 0) > 0)
        for (const auto& p : pfds) w_.dns->ready(p.fd, p.revents);
    }

    for (auto& o : ready_) batch.push_back(std::move(o));
    ready_.clear();
    w_.http.collect(batch);
    if (w_.dns) w_.dns->collect(batch);
    collect_probes(batch);
  }

  void collect_probes(std::vector<observation>& batch) {
    for (auto& p : probes_) {
      if (p->done || !p->ended.load(std::memory_order_acquire)) continue;
      p->done = true;
      if (p->thread.joinable()) p->thread.join();  // it has set `ended`: it is returning
      batch.push_back(std::move(p->result));
    }
  }

  /** at_ms: when the request settled, from the start of the check. */
  void stamp(std::vector<observation>& batch) const {
    for (auto& o : batch) {
      auto it = started_at_.find(o.id);
      const double started = it == started_at_.end() ? 0 : detail::ms_between(t0_, it->second);
      o.at_ms = started + o.elapsed_ms;
    }
  }

  /** The stop or the deadline: what ended is kept, what is in flight is aborted, and the report says so. */
  check::report stop_and_report() {
    try {
      probe_stop_ = true;
      std::vector<observation> tail;
      for (auto& o : ready_) tail.push_back(std::move(o));
      ready_.clear();
      collect_probes(tail);  // the probes that had ended
      const auto now = steady::now();
      for (auto& p : probes_) {
        if (p->done) continue;
        p->done = true;
        observation o;
        o.id = p->id;
        o.kind = observation_kind::aborted;
        o.elapsed_ms = detail::ms_between(p->start, now);
        tail.push_back(std::move(o));
      }
      w_.http.cancel_all(tail);
      if (w_.dns) w_.dns->cancel_all(tail);
      stamp(tail);
      state_.observations.insert(state_.observations.end(), tail.begin(), tail.end());
      state_.options.aborted = true;
      state_.options.deadline = by_deadline_;
      return check::domain_check(state_).result();
    } catch (...) {
      check::report r;
      r.input = state_.options.input;
      r.resolver = state_.options.resolver;
      return r;
    }
  }

  worker_state& w_;
  const std::atomic<bool>& stop_;
  const steady::time_point t0_;
  steady::time_point deadline_;
  bool by_deadline_ = false;
  check::state state_;
  std::unordered_set<std::string> started_;
  std::unordered_map<std::string, steady::time_point> started_at_;
  std::vector<observation> ready_;  ///< ended without I/O (a probe thread that could not start)
  std::vector<std::unique_ptr<probe_run>> probes_;
  std::atomic<bool> probe_stop_{false};
};

}  // namespace

struct worker::impl : worker_state {
  using worker_state::worker_state;
};

worker::worker(const config& c) : impl_(std::make_unique<impl>(c)) {}

worker::~worker() = default;

check::report worker::run(const std::string& input, const std::atomic<bool>& stop) {
  try {
    session s(*impl_, impl_->options_for(input), stop);
    return s.run();
  } catch (...) {
  }
  try {
    check::options o;
    o.input = input;
    o.host = check::host_kind::native;
    o.aborted = true;
    return check::domain_check(o).result();
  } catch (...) {
    return check::report{};
  }
}

}  // namespace mtasts::host
