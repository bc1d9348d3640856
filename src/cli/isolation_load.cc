#include "cli/isolation_load.h"

#include <filesystem>

#include "cli/run.h"
#include "policy/loader.h"

namespace medtap::cli {

void addIsolationOptions(CLI::App& cmd, IsolationOptions& o) {
  cmd.add_option("--db", o.database,
                 "inventory store written by medtap analyze (default: inventory.database in "
                 "outputs.directory, medtap-out/medtap.db)");
  cmd.add_option("-c,--config", o.config_path, "configuration file (medtap.yaml)");
  cmd.add_option("--tag", o.tags,
                 "isolate the devices with this tag; repeatable (default: cms8000-family)");
  cmd.add_option("--device", o.devices, "isolate this device (inventory id); repeatable");
  cmd.add_option("--policy", o.policy,
                 "segmentation policy (docs/POLICY.md): keep the observed flows it allows "
                 "(default: keep the clinical flows to central stations, interface engines, PACS)");
  cmd.add_option("--home-net", o.home_networks,
                 "the site's own network, CIDR; repeatable (replaces site.home_networks)");
}

Result<std::unique_ptr<LoadedIsolation>> loadIsolation(const IsolationOptions& o) {
  RunOptions run;
  run.config_path = o.config_path;
  run.database = o.database;
  run.home_networks = o.home_networks;
  auto cfg = effectiveConfig(run);
  if (!cfg) return Error{cfg.error()};
  const std::string path = databasePath(cfg.value());
  auto store = inventory::Store::openReadOnly(path);
  if (!store) {
    return Error{store.error() +
                 (std::filesystem::exists(path) ? "" : " (run medtap analyze, or give --db)")};
  }
  auto loaded = std::make_unique<LoadedIsolation>();
  auto devices = (*store)->devices();
  if (!devices) return Error{devices.error()};
  loaded->devices = std::move(devices.value());
  loaded->facts = std::make_unique<inventory::Observations>();
  if (auto s = (*store)->loadFacts(*loaded->facts); !s) return Error{s.error()};
  if (!o.policy.empty()) {
    auto p = policy::loadPolicyFile(o.policy);
    if (!p) return Error{p.error()};
    loaded->policy = std::make_unique<policy::Policy>(std::move(p.value()));
  }
  remediate::IsolationInput in;
  in.devices = &loaded->devices;
  in.facts = loaded->facts.get();
  in.policy = loaded->policy.get();
  in.site_networks = cfg->site.home_networks;
  in.selection.tags = o.tags;
  in.selection.device_ids = o.devices;
  if (o.tags.empty() && o.devices.empty()) in.selection.tags.emplace_back(kDefaultTag);
  in.database = path;
  auto iso = remediate::buildIsolation(in);
  if (!iso) return Error{iso.error()};
  loaded->isolation = std::move(iso.value());
  return loaded;
}

}  // namespace medtap::cli
