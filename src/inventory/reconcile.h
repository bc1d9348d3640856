// `medtap inventory reconcile` (issue #5): the stored inventory against the hospital's asset list
// (a CMMS export, CSV). Lists the devices seen but not listed, the assets listed but never seen,
// and the matched pairs whose vendor, model, class or MAC disagree. Pure functions over values;
// the command (cli/inventory.cc) reads the files and prints.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/result.h"
#include "inventory/store.h"

namespace medtap::inventory {

// The asset-list columns reconcile reads. `tag` identifies the asset for a human (asset tag,
// serial number or name); it is shown, never matched on.
enum class AssetField { Mac, Ip, Hostname, Vendor, Model, DeviceClass, Tag };
inline constexpr size_t kAssetFieldCount = 7;

// "mac", "ip", "hostname", "vendor", "model", "class", "tag" (also "serial", "name").
std::optional<AssetField> assetFieldNamed(std::string_view name);
std::string_view assetFieldName(AssetField f);

// FIELD=HEADER pairs from --column; a header given here wins over the guessed one.
struct ColumnOverride {
  AssetField field;
  std::string header;
};
// Parses one --column value. Error: one line naming the value and the known fields.
Result<ColumnOverride> parseColumnOverride(std::string_view text);

struct Asset {
  size_t line = 0;  // the CSV line its record starts on
  std::optional<MacAddress> mac;
  std::optional<IpAddress> ip;
  std::string hostname, vendor, model, device_class, tag;
};

struct AssetList {
  std::vector<Asset> assets;
  // The header each field was read from, "" when the list has no such column.
  std::array<std::string, kAssetFieldCount> headers;
};

// Reads an asset list: a header row, then one asset per record. Headers are recognised
// case-insensitively ignoring spaces and punctuation ("MAC Address", "mac_address"; the
// candidates are in reconcile.cc); `overrides` name the header of a field exactly. Values such as
// "", "N/A", "unknown" or "-" mean absent. Error, one line with the CSV line number: not CSV, a
// record with more fields than the header, a MAC or IP that does not parse, no MAC, IP or
// hostname column, an overridden header that is not there.
Result<AssetList> readAssetList(std::string_view csv, const std::vector<ColumnOverride>& overrides);

// Vendor names as CMMS lists and the IEEE registry spell them differ ("GE" and "GE Healthcare",
// "Philips Medical Systems" and "Philips"): lower case, words only, corporate and generic words
// dropped (inc, ltd, gmbh, medical, healthcare, systems, ...), a few aliases ("general electric"
// is "ge", "becton dickinson" is "bd", "draeger" is "drager"). Two vendors agree when the words of
// one are all among the words of the other.
std::vector<std::string> vendorWords(std::string_view vendor);
bool sameVendor(std::string_view listed, std::string_view seen);
// Models agree when they are the same ignoring case, spaces and punctuation ("CMS 8000" and
// "cms8000"), or when the words of one are all among the other's ("MX800" and "IntelliVue
// MX800", as a CMMS and a fingerprint rule may write one model).
bool sameModel(std::string_view listed, std::string_view seen);
// A CMMS device type in the device_class vocabulary (docs/EVENTS.md): spelled as the vocabulary
// spells it ("Patient Monitor" is "patient-monitor"), or one of a few common names ("Bedside
// Monitor", "Syringe Pump", "CT Scanner", "Network Switch", ...; the table is in reconcile.cc).
// Empty when it is neither: such a type is not compared, rather than reported as different.
std::optional<std::string> listedDeviceClass(std::string_view listed);

enum class MatchedBy { Mac, Ip, Hostname };
std::string_view matchedByName(MatchedBy m);

// A matched pair that disagrees on one attribute. Attributes that either side does not know
// (empty, class "unknown" in the inventory, a device type outside the vocabulary) never disagree.
struct Disagreement {
  const Asset* asset;
  const StoredDevice* device;
  MatchedBy matched_by;
  std::string_view attribute;  // "vendor", "model", "class", "mac"
  std::string listed, seen;
};

struct Reconciliation {
  // Seen on the site (an address in site.home_networks, or a MAC only), matched by no asset, in
  // inventory order. Hosts on the internet are not assets and are left out.
  std::vector<const StoredDevice*> unlisted;
  std::vector<const Asset*> unseen;         // listed, matching no device, in list order
  std::vector<Disagreement> disagreements;  // in list order, then vendor, model, class, mac
  size_t matched = 0;                       // assets matched to a device

  bool hasDifferences() const {
    return !unlisted.empty() || !unseen.empty() || !disagreements.empty();
  }
};

// Matches every asset to a device: by MAC (any of the device's), else by IP, else by hostname
// (case-insensitive, and a short name matches its fully qualified form). The first device in
// `devices` order wins a tie. Pointers refer into `devices` and `assets`.
Reconciliation reconcile(const std::vector<StoredDevice>& devices, const AssetList& assets);

}  // namespace medtap::inventory
