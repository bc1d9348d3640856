// The data files compiled into medtap (data/advisories: the shipped CSAF documents and
// aliases.yaml), by cmake/embed_yaml.cmake.
#pragma once

#include <string_view>
#include <vector>

namespace medtap::advisories {

struct EmbeddedFile {
  std::string_view name;  // path relative to data/advisories
  std::string_view text;
};

const std::vector<EmbeddedFile>& embeddedAdvisoryFiles();

}  // namespace medtap::advisories
