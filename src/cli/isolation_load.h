// What `medtap export` and `medtap plan isolate` share: their options, and the isolation
// (remediate/isolation.h) built from the store they name.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/result.h"
#include "inventory/observations.h"
#include "inventory/store.h"
#include "policy/policy.h"
#include "remediate/isolation.h"

namespace medtap::cli {

// The tag selected when neither --tag nor --device is given: what ICSMA-25-030-01 is about.
constexpr std::string_view kDefaultTag = "cms8000-family";

struct IsolationOptions {
  std::string config_path;
  std::string database;
  std::vector<std::string> tags, devices;
  std::string policy;
  std::vector<std::string> home_networks;
};

void addIsolationOptions(CLI::App& cmd, IsolationOptions& o);

// What the isolation points into, kept alive with it.
struct LoadedIsolation {
  std::vector<inventory::StoredDevice> devices;
  std::unique_ptr<inventory::Observations> facts;
  std::unique_ptr<policy::Policy> policy;
  remediate::Isolation isolation;
};

// Reads the store read-only (a missing one is an error that says to run analyze), the policy if
// any, and builds the isolation. Error: one line.
Result<std::unique_ptr<LoadedIsolation>> loadIsolation(const IsolationOptions& o);

}  // namespace medtap::cli
