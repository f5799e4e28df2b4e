// Checks requests against a vendor's published API contract with Stoplight
// Prism (`prism mock`, installed by tests/contract/install.sh). A contract
// test builds a request with a destination module, sends it here instead of
// to the vendor, and reads the verdict: Prism answers a request that matches
// the contract with an example response (2xx) and refuses the others (422 or
// 400, 401 without credentials) with its violations in `sl-violations`.
//
// The contracts live outside the repository, in ../shared/specs (vendor
// material). When that folder is absent the [contract] tests skip VISIBLY:
// BACKFLOW_REQUIRE_CONTRACT prints "SKIPPED: ..." (a Catch2 WARN, always
// shown) and returns; ctest's SKIP_REGULAR_EXPRESSION turns that line into
// "Not Run (Skipped)" in its summary.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

#include <catch2/catch.hpp>

#include "destinations/http_message.h"

namespace backflow::test {

// ../shared/specs/<file_name> next to the source tree, or nullopt when absent.
std::optional<std::filesystem::path> contract_file(const std::string& file_name);

struct ValidatorVerdict {
  long status = 0;
  std::string violations;  // Prism's `sl-violations` header (JSON), empty when accepted
  std::string body;

  bool accepted() const { return status >= 200 && status < 300; }
  // For failure messages: status, violations and body on one line.
  std::string describe() const;
};

// One `prism mock` process for one contract file, in its own process group,
// listening on a free loopback port. The constructor returns once it accepts
// connections (throws after 60 s, with Prism's log); the destructor stops the
// whole process group. Not thread-safe.
class PrismValidator {
 public:
  explicit PrismValidator(const std::filesystem::path& contract);
  ~PrismValidator();
  PrismValidator(const PrismValidator&) = delete;
  PrismValidator& operator=(const PrismValidator&) = delete;

  // http://127.0.0.1:PORT: give it to a module as its base_url.
  std::string base_url() const;

  // Sends `request` (its URL must start with base_url()) and returns Prism's answer.
  ValidatorVerdict check(const destinations::HttpRequest& request);

  // One validator per contract file for the whole test process (Prism takes
  // seconds to start), created on first use.
  static PrismValidator& shared(const std::filesystem::path& contract);

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::filesystem::path log_file_;
};

}  // namespace backflow::test

// Ends the current test case with a visible "SKIPPED" line when the contract
// file is missing; otherwise declares `path_variable` holding its path.
#define BACKFLOW_REQUIRE_CONTRACT(path_variable, file_name)                                     \
  const auto path_variable##_found = ::backflow::test::contract_file(file_name);                \
  if (!path_variable##_found) {                                                                 \
    WARN("SKIPPED: contract " << (file_name) << " not found in ../shared/specs (vendor material " \
                              "outside the repository); this contract test did not run");      \
    return;                                                                                     \
  }                                                                                             \
  const std::filesystem::path path_variable = *path_variable##_found
