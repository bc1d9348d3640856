// data/advisories/aliases.yaml: vendor names, relabels and behaviour families, so that an
// advisory about "Contec Health CMS8000" finds a device the inventory calls "Contec Medical
// Systems CMS8000", an "Epsimed MN-120", or a monitor tagged cms8000-family with no name at all.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace medtap::advisories {

struct Identity {
  std::string vendor, model;
};

struct Relabel {
  Identity label, is;
};

struct Family {
  std::string tag;
  Identity is;
};

class Aliases {
 public:
  // Parses an alias file. Error, one line: "NAME:LINE: what".
  static Result<Aliases> parse(std::string_view text, std::string_view name);
  // The compiled-in data/advisories/aliases.yaml.
  static const Aliases& builtIn();

  // Whether two vendor names name the same company (aliases.yaml's rules).
  bool sameVendor(std::string_view a, std::string_view b) const;
  const std::vector<Relabel>& relabels() const { return relabels_; }
  const std::vector<Family>& families() const { return families_; }

 private:
  std::vector<std::vector<std::string>> vendors_;  // normalised names, one group per company
  std::vector<Relabel> relabels_;
  std::vector<Family> families_;
};

// A name without case, punctuation, or company suffixes ("Co., Ltd.", "Inc", "GmbH", "AG"):
// "Contec Medical Systems Co., Ltd." -> "contec medical systems".
std::string normalizedName(std::string_view name);

// The words of a name, lower case, a hyphen inside a word dropped ("MN-120" -> "mn120"): how
// names are compared everywhere here.
std::vector<std::string> nameWords(std::string_view name);

// Whether an advisory's product name names this model (aliases.yaml's rule).
bool sameModel(std::string_view product_name, std::string_view model);

}  // namespace medtap::advisories
