// Fuzz target for resynchronisation after gaps in the length-framed stream analyzers (SunRPC
// record marking, DICOM upper layer, Contec stream): byte 0's high nibble picks the analyzer, the
// input is cut by fuzz_support's sized form, where a size of 0 is a gap (of 1 to 300 bytes, by
// position) rather than a chunk, so the scan after a gap is driven from every state. Checks: no
// crash, every event formats.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "analyzers/contec_cms/contec_analyzer.h"
#include "analyzers/dicom/dicom_analyzer.h"
#include "analyzers/rpc/rpc_analyzer.h"
#include "fuzz_support.h"

namespace {

using namespace medtap;

std::unique_ptr<analyzers::StreamAnalyzer> pick(uint8_t selector) {
  switch ((selector >> 4) % 3) {
    case 0:
      return std::make_unique<analyzers::rpc::RpcStreamAnalyzer>();
    case 1:
      return std::make_unique<analyzers::dicom::DicomAnalyzer>();
    default:
      return std::make_unique<analyzers::contec_cms::ContecAnalyzer>();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto in = fuzz::sizedInput(data, size);
  if (!in) return 0;
  fuzz::StreamContext s;
  const auto analyzer = pick(data[0]);
  constexpr size_t kMaxGap = 300;
  size_t pos = 0;
  for (size_t i = 0; pos < in->stream.size(); ++i) {
    const uint8_t code = in->sizes.empty() ? 0x7F : in->sizes[i % in->sizes.size()];
    const flow::Direction dir =
        (code & 0x80) != 0 ? flow::Direction::Responder : flow::Direction::Originator;
    if ((code & 0x7F) == 0) {
      analyzer->gap(s.ctx, dir, 1 + (i * 37) % kMaxGap, Timestamp{});
      ++pos;  // a gap stands for the byte it replaces, so the loop always advances
      continue;
    }
    const size_t len = fuzz::chunkLength(in->sizes, i, in->stream.size() - pos);
    if (analyzer->feed(s.ctx, dir, in->stream.subspan(pos, len), Timestamp{}) ==
        analyzers::FeedResult::OutOfSync) {
      break;
    }
    pos += len;
  }
  analyzer->end(s.ctx, flow::Direction::Originator, Timestamp{});
  analyzer->end(s.ctx, flow::Direction::Responder, Timestamp{});
  return 0;
}
