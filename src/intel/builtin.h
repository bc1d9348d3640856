// The packs built into medtap (data/intel, compiled in): today the Contec CMS8000 pack of
// ICSMA-25-030-01, which the Contec detector matches (detect/contec.h).
#pragma once

#include <string>
#include <vector>

#include "intel/indicator.h"

namespace medtap::intel {

struct PackFile {
  std::string name;  // "contec-icsma-25-030-01.intel"
  std::string text;
};

// Every file of data/intel, generated at build time (cmake/embed_yaml.cmake).
const std::vector<PackFile>& embeddedPacks();

// The Contec pack, loaded once on first use. A built-in pack that does not load is a build
// mistake (a unit test loads it): the process stops with its error.
const IndicatorSet& contecPack();

}  // namespace medtap::intel
