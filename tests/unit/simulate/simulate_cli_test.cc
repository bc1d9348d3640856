// `medtap simulate` option handling, run in-process through CLI11 as main() would.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/commands.h"
#include "simulate/simulate.h"

namespace medtap::cli {
namespace {

// Runs `medtap simulate <args>`; returns the exit status main() would return.
int runSimulate(std::vector<std::string> args) {
  CLI::App app{"medtap", "medtap"};
  app.require_subcommand(1);
  addSimulateCommand(app);
  args.insert(args.begin(), "simulate");
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return e.get_exit_code();
  }
  return 0;
}

std::string out(const std::string& name) {
  return ::testing::TempDir() + "simulate_cli_" + name + ".pcap";
}

bool exists(const std::string& path) {
  return std::ifstream(path).good();
}

TEST(SimulateCliTest, WritesCaptureAndSidecar) {
  const std::string pcap = out("ok");
  ASSERT_EQ(runSimulate({"--beds", "3", "--duration", "90s", "--seed", "5", "--scenario",
                         "contec-backdoor,scan", "-o", pcap}),
            0);
  EXPECT_TRUE(exists(pcap));
  EXPECT_TRUE(exists(simulate::truthPathFor(pcap)));
  std::remove(pcap.c_str());
  std::remove(simulate::truthPathFor(pcap).c_str());
}

TEST(SimulateCliTest, SizeAcceptsTheShortUnit) {
  const std::string pcap = out("size");
  ASSERT_EQ(runSimulate({"--beds", "2", "--duration", "1m", "--size", "3M", "-o", pcap}), 0);
  std::ifstream f(pcap, std::ios::binary | std::ios::ate);
  EXPECT_GE(static_cast<uint64_t>(f.tellg()), 3u << 20);
  std::remove(pcap.c_str());
  std::remove(simulate::truthPathFor(pcap).c_str());
}

TEST(SimulateCliTest, BadValuesExitWithStatusTwo) {
  EXPECT_EQ(runSimulate({"--scenario", "nope", "-o", out("bad1")}), 2);
  EXPECT_EQ(runSimulate({"--duration", "soon", "-o", out("bad2")}), 2);
  EXPECT_EQ(runSimulate({"--size", "big", "-o", out("bad3")}), 2);
  EXPECT_EQ(runSimulate({"--beds", "0", "-o", out("bad4")}), 2);
  EXPECT_EQ(runSimulate({"-o", "/nonexistent-dir/x.pcap"}), 2);
  EXPECT_FALSE(exists(out("bad1")));
}

TEST(SimulateCliTest, OutputIsRequired) {
  EXPECT_NE(runSimulate({"--beds", "3"}), 0);
}

}  // namespace
}  // namespace medtap::cli
