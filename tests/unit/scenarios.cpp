// The shared domain scenarios for the C++ tests (see scenarios.h).
#include "scenarios.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <set>
#include <string_view>
#include <utility>

#include "mtasts/finding.h"
#include "mtasts/json.h"

namespace mtasts_test {

// tests/fixtures/scenarios/, embedded at build time (tests/unit/embed_fixtures.cmake).
struct embedded_file {
  const char* path;  ///< relative to tests/fixtures/scenarios/
  const unsigned char* data;
  std::size_t size;
};
extern const embedded_file embedded_fixtures[];
extern const std::size_t embedded_fixture_count;

namespace {

namespace check = mtasts::check;
using json = nlohmann::json;

const std::set<std::string> world_keys = {"input", "ascii", "options", "resolver", "zone", "hosts", "drivers", "drivers_why", "page"};
const std::set<std::string> expect_keys = {"why", "rfc", "grade", "grade_range", "complete", "status", "codes", "findings",
                                           "reason_has", "summary_has", "report", "queries", "not_fetched", "e2e",
                                           "cli", "cli_why"};  // cli: the native CLI's differences, read by its driver only
const char* const check_ids[] = {"sts", "policy_fetch", "policy", "mx", "tlsrpt", "dane"};

std::vector<scenario> load() {
  std::map<std::string, scenario> by_name;
  for (std::size_t i = 0; i < embedded_fixture_count; ++i) {
    const embedded_file& f = embedded_fixtures[i];
    const std::string path = f.path;
    const std::size_t slash = path.find('/');
    REQUIRE(slash != std::string::npos);
    scenario& s = by_name[path.substr(0, slash)];
    s.name = path.substr(0, slash);
    const std::string file = path.substr(slash + 1);
    const std::string text(reinterpret_cast<const char*>(f.data), f.size);
    if (file == "world.json" || file == "expect.json") {
      CAPTURE(path);
      json j = json::parse(text, nullptr, false);
      REQUIRE_FALSE(j.is_discarded());
      (file == "world.json" ? s.world : s.expect) = std::move(j);
    } else {
      s.files[file] = text;
    }
  }
  std::vector<scenario> out;
  // (no structured bindings here: clang's C++17 cannot capture one in doctest's lambdas)
  for (auto& entry : by_name) {
    scenario& s = entry.second;
    CAPTURE(s.name);
    REQUIRE(s.world.is_object());
    REQUIRE(s.expect.is_object());
    for (auto it = s.world.begin(); it != s.world.end(); ++it) {
      const std::string key = it.key();
      CHECK_MESSAGE(world_keys.count(key) == 1, "world.json: unknown key " << key);
    }
    for (auto it = s.expect.begin(); it != s.expect.end(); ++it) {
      const std::string key = it.key();
      CHECK_MESSAGE(expect_keys.count(key) == 1, "expect.json: unknown key " << key);
    }
    if (s.world.contains("drivers")) s.drivers = s.world.at("drivers").get<std::vector<std::string>>();
    else s.drivers = {"unit", "node", "e2e", "cli"};
    out.push_back(std::move(s));
  }
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

/** The value at a JSON pointer ('/mx/0/host'); a last segment 'length' of an array is its length. */
std::optional<json> at_pointer(const json& doc, const std::string& ptr) {
  const json* cur = &doc;
  json length;
  std::size_t pos = 1;
  while (pos <= ptr.size()) {
    const std::size_t next = ptr.find('/', pos);
    std::string seg = ptr.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    for (std::size_t k; (k = seg.find("~1")) != std::string::npos;) seg.replace(k, 2, "/");
    for (std::size_t k; (k = seg.find("~0")) != std::string::npos;) seg.replace(k, 2, "~");
    if (cur->is_array() && seg == "length") {
      length = cur->size();
      cur = &length;
    } else if (cur->is_array()) {
      const std::size_t i = static_cast<std::size_t>(std::stoul(seg));
      if (i >= cur->size()) return std::nullopt;
      cur = &(*cur)[i];
    } else if (cur->is_object() && cur->contains(seg)) {
      cur = &cur->at(seg);
    } else {
      return std::nullopt;
    }
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return *cur;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

}  // namespace

bool scenario::runs_in(const std::string& driver) const {
  return std::find(drivers.begin(), drivers.end(), driver) != drivers.end();
}

const std::vector<scenario>& all_scenarios() {
  static const std::vector<scenario> all = load();
  return all;
}

const scenario& scenario_named(const std::string& name) {
  for (const auto& s : all_scenarios())
    if (s.name == name) return s;
  FAIL("no scenario " << name << " in tests/fixtures/scenarios");
  return all_scenarios().front();
}

check::options options_of(const scenario& s) {
  check::options o;
  o.input = s.world.at("input").get<std::string>();
  o.domain = s.world.value("ascii", std::string());
  o.resolver = fake::resolver_url;
  const json opt = s.world.value("options", json::object());
  if (opt.contains("policyText")) o.pasted_policy = opt.at("policyText").get<std::string>();
  if (opt.contains("policyTextFile")) o.pasted_policy = s.files.at(opt.at("policyTextFile").get<std::string>());
  if (opt.contains("tlsaCap")) o.tlsa_cap = opt.at("tlsaCap").get<std::size_t>();
  if (opt.contains("timeoutMs")) o.dns_timeout_ms = o.policy_timeout_ms = opt.at("timeoutMs").get<double>();
  return o;
}

fake::network network_of(const scenario& s) {
  json world = s.world;
  if (world.contains("hosts")) {
    for (auto& [host, b] : world.at("hosts").items()) {
      if (!b.contains("bodyFile")) continue;
      const std::string file = b.at("bodyFile").get<std::string>();
      REQUIRE_MESSAGE(s.files.count(file) == 1, s.name << ": no file " << file);
      b["body"] = s.files.at(file);
      b.erase("bodyFile");
    }
  }
  fake::network n = fake::from_world(world);
  const json opt = s.world.value("options", json::object());
  if (opt.contains("relay")) n.relay = opt.at("relay").get<std::string>();
  if (opt.contains("timeoutMs")) n.dns_timeout_ms = n.policy_timeout_ms = opt.at("timeoutMs").get<double>();
  return n;
}

outcome drive(const fake::network& n, const check::options& opt) {
  outcome out;
  check::domain_check c(opt);
  std::set<std::string> started;
  for (int round = 0; round < 50; ++round) {
    std::vector<check::request> todo;
    for (const auto& r : c.requests())
      if (started.insert(r.id).second) todo.push_back(r);
    if (todo.empty()) break;
    out.waves.emplace_back();
    for (const auto& r : todo) out.waves.back().push_back(r.id);
    for (const auto& r : todo) {
      check::observation o = fake::answer(n, r);
      out.observations.push_back(o);
      c.observe(std::move(o));
    }
  }
  out.rep = c.result();
  out.requests = c.requests();
  out.report = json::parse(check::to_json(out.rep));
  for (const auto& r : out.requests)
    if (r.kind == check::request_kind::dns) out.queries.push_back(mtasts::dns::type_name(r.type) + " " + fake::norm(r.name));
  return out;
}

std::vector<std::string> differences(const outcome& o, const scenario& s, const std::vector<std::string>& fetched) {
  const json& r = o.report;
  const json& e = s.expect;
  std::vector<std::string> out;
  auto eq = [&](const std::string& what, const json& got, const json& want) {
    if (got != want) out.push_back(what + ": expected " + want.dump() + ", got " + got.dump());
  };
  eq("grade", r.at("grade"), e.at("grade"));
  eq("grade_range", r.at("grade_range"), e.at("grade_range"));
  eq("complete", r.at("complete"), e.at("complete"));
  for (const char* id : check_ids) {
    json got;
    for (const auto& c : r.at("checks"))
      if (c.at("id") == id) got = c.at("status");
    eq(std::string("status of ") + id, got, e.at("status").value(id, json()));
  }
  // The finding codes by check ("domain" for the input's), exactly.
  std::map<std::string, std::set<std::string>> got_codes, want_codes;
  for (const auto& f : r.at("findings"))
    got_codes[f.at("check").is_null() ? "domain" : f.at("check").get<std::string>()].insert(f.at("code").get<std::string>());
  for (const auto& [k, v] : e.at("codes").items())
    for (const auto& c : v) want_codes[k].insert(c.get<std::string>());
  for (auto it = want_codes.begin(); it != want_codes.end();) it = it->second.empty() ? want_codes.erase(it) : std::next(it);
  eq("finding codes by check", json(got_codes), json(want_codes));
  // Whatever the scenario: a failure is said once, where it belongs, never again on every check
  // that depends on it (docs/GRADING.md "The root cause"); the cause, when there is one, is a finding.
  std::map<std::string, std::set<std::string>> checks_of_code;
  for (const auto& [k, codes] : got_codes)
    for (const auto& c : codes) checks_of_code[c].insert(k);
  for (const auto& [c, ks] : checks_of_code)
    if (ks.size() > 1) out.push_back("finding " + c + " repeated on " + json(ks).dump());
  if (r.contains("cause") && !r.at("cause").is_null()) {
    const json& cause = r.at("cause");
    bool found = false;
    for (const auto& f : r.at("findings"))
      found = found || (f.at("code") == cause.at("code") && f.at("check") == cause.at("check") &&
                        f.at("message") == cause.at("message"));
    if (!found) out.push_back("the cause " + cause.dump() + " is not one of the findings");
  }
  for (const auto& f : e.value("findings", json::array())) {
    bool ok = false;
    std::string seen;
    for (const auto& x : r.at("findings")) {
      if (x.at("code") != f.at("code")) continue;
      if (f.contains("check") && x.at("check") != f.at("check")) continue;
      seen += "\n      " + x.dump();
      bool m = (!f.contains("severity") || x.at("severity") == f.at("severity")) &&
               (!f.contains("line") || x.value("line", json()) == f.at("line")) &&
               (!f.contains("column") || x.value("column", json()) == f.at("column"));
      for (const auto& t : f.value("message_has", json::array())) m = m && contains(x.at("message").get<std::string>(), t.get<std::string>());
      for (const auto& t : f.value("message_lacks", json::array())) m = m && !contains(x.at("message").get<std::string>(), t.get<std::string>());
      ok = ok || m;
    }
    if (!ok) out.push_back("no finding matches " + f.dump() + "; with that code:" + seen);
  }
  for (const auto& t : e.value("reason_has", json::array()))
    if (!contains(r.at("grade_reason").get<std::string>(), t.get<std::string>()))
      out.push_back("grade_reason lacks " + t.dump() + ": " + r.at("grade_reason").dump());
  const json summary_has = e.value("summary_has", json::object());
  for (const auto& [id, texts] : summary_has.items()) {
    std::string summary;
    for (const auto& c : r.at("checks"))
      if (c.at("id") == id) summary = c.at("summary").get<std::string>();
    for (const auto& t : texts)
      if (!contains(summary, t.get<std::string>())) out.push_back("summary of " + id + " lacks " + t.dump() + ": " + summary);
  }
  const json report = e.value("report", json::object());
  for (const auto& [ptr, value] : report.items()) {
    const auto got = at_pointer(r, ptr);
    if (!got || *got != value) out.push_back("report " + ptr + ": expected " + value.dump() + ", got " + (got ? got->dump() : "nothing"));
  }
  if (e.contains("queries")) {
    const json& q = e.at("queries");
    std::set<std::string> asked;
    for (const auto& x : o.queries) asked.insert(x);
    for (const auto& x : q.value("asked", json::array()))
      if (asked.count(x.get<std::string>()) == 0) out.push_back("not asked: " + x.get<std::string>());
    for (const auto& x : q.value("not_asked", json::array()))
      if (asked.count(x.get<std::string>()) != 0) out.push_back("asked, and should not have been: " + x.get<std::string>());
    auto by_type = [&](const std::string& t) {
      return static_cast<std::size_t>(std::count_if(asked.begin(), asked.end(), [&](const std::string& x) { return x.rfind(t + " ", 0) == 0; }));
    };
    const json count = q.value("count", json::object()), at_most = q.value("at_most", json::object());
    for (const auto& [t, n] : count.items()) eq("distinct " + t + " questions", by_type(t), n);
    for (const auto& [t, n] : at_most.items())
      if (by_type(t) > n.get<std::size_t>()) out.push_back(std::to_string(by_type(t)) + " distinct " + t + " questions, at most " + n.dump() + " expected");
    if (q.contains("all_under")) {
      const std::string under = q.at("all_under").get<std::string>();
      for (const auto& x : asked) {
        const std::string name = x.substr(x.find(' ') + 1);
        if (name.size() < under.size() || name.compare(name.size() - under.size(), under.size(), under) != 0)
          out.push_back("asked outside " + under + ": " + x);
      }
    }
  }
  for (const auto& h : e.value("not_fetched", json::array()))
    if (std::find(fetched.begin(), fetched.end(), lower(h.get<std::string>())) != fetched.end())
      out.push_back(h.get<std::string>() + " was fetched, and should not have been");
  return out;
}

std::string describe(const check::report& r) {
  std::string out = "grade " + (r.grade ? std::string(check::grade_name(*r.grade)) : std::string("null"));
  if (r.grade_range)
    out += " [" + std::string(check::grade_name(r.grade_range->first)) + ", " + std::string(check::grade_name(r.grade_range->second)) + "]";
  out += " complete=" + std::string(r.complete ? "true" : "false") + " (" + r.grade_reason + ")";
  for (const auto& f : r.domain_findings) out += "\n  domain: " + std::string(mtasts::code_name(f.code)) + " " + f.message;
  for (const auto& c : r.checks) {
    out += "\n  " + c.id + ": " + std::string(check::status_name(c.status)) + " - " + c.summary;
    for (const auto& f : c.findings) out += "\n    " + std::string(mtasts::code_name(f.code)) + " " + f.message;
  }
  for (const auto& p : r.pending) out += "\n  pending " + p;
  return out;
}

}  // namespace mtasts_test
