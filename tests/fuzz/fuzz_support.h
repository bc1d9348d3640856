// What several fuzz targets share: the abort-on-failure check, a sink that formats every event
// as its EVE line, and the two ways an input says how to cut a stream into chunks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "analyzers/analyzer.h"
#include "events/event.h"
#include "privacy/phi_tokenizer.h"
#include "sinks/eve_writer.h"

namespace medtap::fuzz {

// A failed check is a finding: abort, so that libFuzzer keeps the input.
inline void check(bool ok) {
  if (!ok) std::abort();
}

// Formats every event as EVE (the writer is part of what is fuzzed) and keeps the lines.
class FormatSink : public events::EventSink {
 public:
  void emit(const events::Event& e) override {
    std::string line;
    sinks::formatEve(e, line);
    lines.push_back(std::move(line));
  }
  std::vector<std::string> lines;
};

// An analyzer context over a FormatSink, for a flow with no addresses.
struct StreamContext {
  events::FlowRef ref;
  FormatSink sink;
  AnomalyCounters anomalies;
  privacy::PhiTokenizer phi = privacy::PhiTokenizer::withSecret("fuzz");
  analyzers::AnalyzerContext ctx{ref, sink, anomalies, phi};
};

// Input form 1: byte 0 gives the chunk size (low 6 bits, plus one), the rest is the stream.
struct ChunkedInput {
  size_t chunk;
  Bytes stream;
};
inline std::optional<ChunkedInput> chunkedInput(const uint8_t* data, size_t size) {
  if (size == 0) return std::nullopt;
  return ChunkedInput{size_t{data[0] & 63u} + 1, Bytes(data + 1, size - 1)};
}

// Feeds `stream` to a stream analyzer in chunks of `chunk` bytes, every `responder_every`-th
// chunk the other way (0: never), until it is out of sync as the dispatcher would; then ends
// both directions.
template <typename Analyzer>
void feedChunks(Analyzer& a, analyzers::AnalyzerContext& ctx, Bytes stream, size_t chunk,
                size_t responder_every) {
  for (size_t i = 0; i < stream.size(); i += chunk) {
    const bool back = responder_every != 0 && (i / chunk) % responder_every == responder_every - 1;
    const flow::Direction dir = back ? flow::Direction::Responder : flow::Direction::Originator;
    if (a.feed(ctx, dir, stream.subspan(i, std::min(chunk, stream.size() - i)), {}) ==
        analyzers::FeedResult::OutOfSync) {
      break;
    }
  }
  a.end(ctx, flow::Direction::Originator, {});
  a.end(ctx, flow::Direction::Responder, {});
}

// Feeds `stream` in chunks of `chunk` bytes to both directions in turn: the same bytes as the
// client's and as the server's (a request parser and a response parser each get every byte).
template <typename Analyzer>
void feedBothWays(Analyzer& a, analyzers::AnalyzerContext& ctx, Bytes stream, size_t chunk) {
  for (size_t pos = 0; pos < stream.size(); pos += chunk) {
    const Bytes part = stream.subspan(pos, std::min(chunk, stream.size() - pos));
    a.feed(ctx, flow::Direction::Originator, part, Timestamp{});
    a.feed(ctx, flow::Direction::Responder, part, Timestamp{});
  }
}

// Input form 2: byte 0 gives n = byte & 15; the next n bytes are a cycle of chunk sizes (low 7
// bits, 0 meaning "a gap of one byte"; the high bit may send the chunk the other way); the rest
// is the stream.
struct SizedInput {
  Bytes sizes;
  Bytes stream;
};
inline std::optional<SizedInput> sizedInput(const uint8_t* data, size_t size) {
  if (size == 0) return std::nullopt;
  const size_t n = data[0] & 15;
  if (size < 1 + n) return std::nullopt;
  return SizedInput{Bytes(data + 1, n), Bytes(data + 1 + n, size - 1 - n)};
}

// Length of the i-th chunk of `remaining` bytes: the whole when there are no sizes; a size 0
// counts as 1.
inline size_t chunkLength(Bytes sizes, size_t i, size_t remaining) {
  size_t len = sizes.empty() ? remaining : (sizes[i % sizes.size()] & 0x7F);
  return std::min(std::max<size_t>(len, 1), remaining);
}

}  // namespace medtap::fuzz
