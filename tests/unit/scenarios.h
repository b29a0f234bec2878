/**
 * @file scenarios.h
 * @brief The shared domain scenarios (tests/fixtures/scenarios/<name>/) for
 *        the C++ tests: read from the copy embedded in the test binary,
 *        realised on the fake network (fake_resolver.h), driven through the
 *        engine, and compared with each scenario's expect.json.
 *
 * The same rules as tests/support/scenarios.mjs (the Node and browser
 * drivers'); tests/fixtures/README.md describes the format.
 */
#ifndef MTASTS_TESTS_UNIT_SCENARIOS_H
#define MTASTS_TESTS_UNIT_SCENARIOS_H

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "fake_resolver.h"
#include "mtasts/check.h"

namespace mtasts_test {

struct scenario {
  std::string name;
  nlohmann::json world, expect;
  std::map<std::string, std::string> files;  ///< the folder's other files (bodyFile, policyTextFile), by name
  std::vector<std::string> drivers;          ///< "unit", "node", "e2e", "cli"
  bool runs_in(const std::string& driver) const;
};

/** Every scenario, by name. */
const std::vector<scenario>& all_scenarios();
/** One scenario; fails the test when there is none of that name. */
const scenario& scenario_named(const std::string& name);

/** The engine's options for a scenario (its input, pasted policy, tlsaCap, timeouts). */
mtasts::check::options options_of(const scenario& s);
/** The fake network of a scenario (bodyFile read, the relay and timeouts set). */
fake::network network_of(const scenario& s);

/** A whole check on the fake network. */
struct outcome {
  mtasts::check::report rep;
  nlohmann::json report;  ///< rep as JSON (schema 1), as checkDomain returns it
  std::vector<std::vector<std::string>> waves;         ///< the ids each round of requests added
  std::vector<mtasts::check::request> requests;        ///< all of them, at the end
  std::vector<mtasts::check::observation> observations;  ///< in the order given
  std::vector<std::string> queries;                    ///< the DNS questions, "TYPE name"
};

/** Answers every request the engine makes until it asks for nothing more. */
outcome drive(const fake::network& n, const mtasts::check::options& o);

/** Every way a report differs from the scenario's expect.json (empty: none). */
std::vector<std::string> differences(const outcome& o, const scenario& s, const std::vector<std::string>& fetched);

/** A one-screen summary of a report, for failure messages. */
std::string describe(const mtasts::check::report& r);

}  // namespace mtasts_test

#endif
