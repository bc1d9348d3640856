#include "analyzers/registry.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace medtap::analyzers {
namespace {

ProbeResult probeNo(Bytes, Direction) {
  return ProbeResult::No;
}

AnalyzerDef def(std::string_view name, Transport t, std::vector<uint16_t> hints) {
  return AnalyzerDef{name, t, std::move(hints), &probeNo, nullptr, nullptr};
}

std::vector<std::string_view> names(const std::vector<const AnalyzerDef*>& order) {
  std::vector<std::string_view> out;
  for (const AnalyzerDef* d : order) out.push_back(d->name);
  return out;
}

using Names = std::vector<std::string_view>;

TEST(Registry, ProbeOrderPutsPortHintedAnalyzersFirstThenRegistrationOrder) {
  Registry r;
  r.add(def("a", Transport::Tcp, {}));
  r.add(def("b", Transport::Tcp, {80}));
  r.add(def("c", Transport::Udp, {80}));
  r.add(def("d", Transport::Tcp, {443, 80}));
  r.add(def("e", Transport::Tcp, {}));
  EXPECT_EQ(r.analyzers().size(), 5u);
  EXPECT_EQ(names(r.probeOrder(Transport::Tcp, 80)), (Names{"b", "d", "a", "e"}));
  EXPECT_EQ(names(r.probeOrder(Transport::Tcp, 443)), (Names{"d", "a", "b", "e"}));
  EXPECT_EQ(names(r.probeOrder(Transport::Tcp, 1)), (Names{"a", "b", "d", "e"}));
  EXPECT_EQ(names(r.probeOrder(Transport::Udp, 80)), (Names{"c"}));
  EXPECT_EQ(names(r.probeOrder(Transport::Udp, 53)), (Names{"c"}));
}

TEST(Registry, EmptyRegistryHasNoProbes) {
  Registry r;
  EXPECT_TRUE(r.probeOrder(Transport::Tcp, 2575).empty());
}

TEST(Registry, RegisterAnalyzersAddsHl7WithItsPortHints) {
  Registry r;
  registerAnalyzers(r);
  std::set<std::pair<std::string_view, Transport>> seen;  // one name may serve TCP and UDP
  for (const AnalyzerDef& d : r.analyzers()) {
    EXPECT_TRUE(seen.insert({d.name, d.transport}).second) << "duplicate " << d.name;
    EXPECT_NE(d.probe, nullptr) << d.name;
    if (d.transport == Transport::Tcp) {
      EXPECT_NE(d.make_stream, nullptr) << d.name;
    } else {
      EXPECT_NE(d.make_datagram, nullptr) << d.name;
    }
  }
  ASSERT_TRUE(seen.contains({"hl7", Transport::Tcp}));
  const auto order = r.probeOrder(Transport::Tcp, 2575);
  ASSERT_FALSE(order.empty());
  EXPECT_EQ(order.front()->name, "hl7");
  for (uint16_t port : {2575, 6661, 511, 4601, 3100}) {
    EXPECT_EQ(r.probeOrder(Transport::Tcp, port).front()->name, "hl7") << port;
  }
}

}  // namespace
}  // namespace medtap::analyzers
