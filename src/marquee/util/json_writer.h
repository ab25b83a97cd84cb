// JsonWriter: JSON text written straight into a string, for the answers the
// server sends most (recommendation lists with artwork), where building a
// nlohmann::json tree and dumping it cost more than computing the list.
//
// The text is what json_fields::Dump would give for the same values:
// strings escaped the same way (bytes that are not UTF-8 become U+FFFD),
// numbers in the shortest form that reads back exactly, a float-typed value
// always with a fraction or exponent ("1.0"), non-finite numbers as null.
// Key order is the caller's: write keys in the order a reader should see
// (Dump sorts them; callers that must match it write them sorted).
//
// The writer checks nothing about structure (a key outside an object, an
// unclosed array): callers are a handful of renderers with fixed shapes,
// covered by tests that parse the result. Not thread-safe (one per answer).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace marquee {

class JsonWriter {
 public:
  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }

  // A member name; the next value is its value.
  JsonWriter& Key(std::string_view name);

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  // The text so far; Take() hands it over and leaves the writer empty.
  const std::string& text() const { return out_; }
  std::string Take();

 private:
  JsonWriter& Open(char bracket);
  JsonWriter& Close(char bracket);
  // A comma before every value but the first of its container, none after a key.
  void BeforeValue();

  std::string out_;
  std::vector<bool> has_items_;  // one a open container: a value was written
  bool after_key_ = false;
};

}  // namespace marquee
