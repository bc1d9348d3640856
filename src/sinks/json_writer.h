// A small, fast JSON writer for the event hot path: appends to a std::string the caller reuses, so
// writing an event allocates nothing once the buffer has grown. Hand-written because the JSON
// libraries Debian ships build a document tree first (nlohmann) or only parse (simdjson); a
// writer this size is cheaper than either. Documents that are not on the hot path (config,
// inventory, reports) use nlohmann-json.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace medtap::sinks {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void beginObject() {
    separator();
    out_.push_back('{');
    first_ = true;
  }
  void endObject() {
    out_.push_back('}');
    first_ = false;
  }
  void beginArray() {
    separator();
    out_.push_back('[');
    first_ = true;
  }
  void endArray() {
    out_.push_back(']');
    first_ = false;
  }

  // Keys are program text (ASCII, no escaping needed); values may be anything off the wire.
  void key(std::string_view k) {
    separator();
    out_.push_back('"');
    out_.append(k);
    out_.append("\":");
    first_ = true;  // the value that follows takes no comma
  }
  void string(std::string_view s) {
    separator();
    appendEscaped(out_, s);
  }
  void number(uint64_t v);
  void number(int64_t v);
  void number(double v);
  void boolean(bool v) {
    separator();
    out_.append(v ? "true" : "false");
  }
  void null() {
    separator();
    out_.append("null");
  }
  // Text already formatted as a JSON value (a number or a quoted string the caller built).
  void raw(std::string_view json) {
    separator();
    out_.append(json);
  }
  // For a value the caller appends itself, straight into the buffer (an address, a time):
  // writes the separator and returns the buffer.
  std::string& rawValue() {
    separator();
    return out_;
  }

  // key + value shorthands
  void field(std::string_view k, std::string_view v) {
    key(k);
    string(v);
  }
  void field(std::string_view k, const char* v) {
    key(k);
    string(v);
  }
  void field(std::string_view k, uint64_t v) {
    key(k);
    number(v);
  }
  void field(std::string_view k, uint32_t v) {
    key(k);
    number(uint64_t{v});
  }
  void field(std::string_view k, uint16_t v) {
    key(k);
    number(uint64_t{v});
  }
  void field(std::string_view k, int64_t v) {
    key(k);
    number(v);
  }
  void field(std::string_view k, double v) {
    key(k);
    number(v);
  }
  void field(std::string_view k, bool v) {
    key(k);
    boolean(v);
  }

  // Appends s as a JSON string literal: quotes, backslashes and control characters escaped, and
  // bytes that are not valid UTF-8 replaced by U+FFFD, so that any wire bytes give valid JSON.
  static void appendEscaped(std::string& out, std::string_view s);

 private:
  void separator() {
    if (!first_) out_.push_back(',');
    first_ = false;
  }

  std::string& out_;
  bool first_ = true;
};

}  // namespace medtap::sinks
