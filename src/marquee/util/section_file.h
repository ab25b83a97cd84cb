// The container every Marquee binary file uses (datasets, ground truth, and
// later models): a fixed header, then tagged sections, each with its own CRC.
//
//   header (32 bytes, little-endian)
//     char[8]  magic            e.g. "MQDATA\0\0"; says what kind of file it is
//     u32      format_version   of that kind; readers refuse newer versions
//     u32      section_count
//     u64      file_size        total bytes; catches truncation before anything else
//     u32      header_crc       CRC-32 of the 24 bytes above
//     u32      reserved (0)
//   section_count times:
//     u32 tag (four characters)  u32 reserved  u64 payload_size
//     u32 payload_crc            u32 reserved
//     payload, zero-padded to a multiple of 8 bytes (keeps arrays aligned in a map)
//
// Writing goes through WriteFileAtomically; reading maps the file and checks
// sizes and checksums before any payload is decoded, so a damaged file gives
// a Corruption status naming the file and section, never a crash.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "marquee/util/file.h"
#include "marquee/util/status.h"

namespace marquee {

constexpr uint32_t FourCC(const char (&s)[5]) {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[0])) |
         static_cast<uint32_t>(static_cast<unsigned char>(s[1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[3])) << 24;
}
std::string FourCCName(uint32_t tag);

// Appends fixed-width little-endian values and length-prefixed strings.
class ByteWriter {
 public:
  void U8(uint8_t v) { Raw(&v, 1); }
  void U16(uint16_t v) { Raw(&v, 2); }
  void U32(uint32_t v) { Raw(&v, 4); }
  void U64(uint64_t v) { Raw(&v, 8); }
  void I64(int64_t v) { Raw(&v, 8); }
  void F32(float v) { Raw(&v, 4); }
  void F64(double v) { Raw(&v, 8); }
  void String(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    Raw(s.data(), s.size());
  }
  template <typename T>
  void Array(std::span<const T> values) {
    static_assert(std::is_trivially_copyable_v<T>);
    U64(values.size());
    Raw(values.data(), values.size_bytes());
  }
  void Raw(const void* p, size_t n) { bytes_.append(static_cast<const char*>(p), n); }

  const std::string& bytes() const { return bytes_; }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

// Reads what ByteWriter wrote, with bounds checks: running off the end sets
// a Corruption status (first error wins) and returns zeros from then on.
class ByteReader {
 public:
  ByteReader(std::string_view bytes, std::string context)
      : bytes_(bytes), context_(std::move(context)) {}

  uint8_t U8() { return Fixed<uint8_t>(); }
  uint16_t U16() { return Fixed<uint16_t>(); }
  uint32_t U32() { return Fixed<uint32_t>(); }
  uint64_t U64() { return Fixed<uint64_t>(); }
  int64_t I64() { return Fixed<int64_t>(); }
  float F32() { return Fixed<float>(); }
  double F64() { return Fixed<double>(); }
  std::string String() {
    uint32_t n = U32();
    std::string_view s = Take(n, "string");
    return std::string(s);
  }
  template <typename T>
  std::vector<T> Array() {
    static_assert(std::is_trivially_copyable_v<T>);
    uint64_t n = U64();
    if (n > bytes_.size() / sizeof(T) + 1) {
      Fail("array length " + std::to_string(n));
      return {};
    }
    std::string_view raw = Take(n * sizeof(T), "array");
    std::vector<T> out(raw.size() / sizeof(T));
    if (!out.empty()) std::memcpy(out.data(), raw.data(), out.size() * sizeof(T));
    return out;
  }

  // Marks the data as invalid (e.g. an index out of range) with a reason.
  void Fail(std::string_view what);
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  bool AtEnd() const { return pos_ == bytes_.size(); }
  size_t remaining() const { return bytes_.size() - pos_; }

 private:
  template <typename T>
  T Fixed() {
    T v{};
    std::string_view s = Take(sizeof(T), "value");
    if (s.size() == sizeof(T)) std::memcpy(&v, s.data(), sizeof(T));
    return v;
  }
  std::string_view Take(uint64_t n, std::string_view what);

  std::string_view bytes_;
  size_t pos_ = 0;
  std::string context_;
  Status status_;
};

class SectionFileWriter {
 public:
  SectionFileWriter(std::string_view magic, uint32_t version);

  // Adds a section holding the bytes of `writer` (moved in).
  void AddSection(uint32_t tag, ByteWriter&& writer);
  // Adds a section made of borrowed byte ranges, written without copying
  // (large arrays). The ranges must outlive Write().
  void AddBorrowedSection(uint32_t tag, std::vector<std::string_view> pieces);

  Status Write(const std::string& path) const;

 private:
  struct Section {
    uint32_t tag;
    std::string owned;
    std::vector<std::string_view> pieces;
  };
  char magic_[8] = {};
  uint32_t version_;
  std::vector<Section> sections_;
};

class SectionFileReader {
 public:
  // Maps `path`, checks magic, version (<= max_version), size and every CRC.
  static Result<SectionFileReader> Open(const std::string& path, std::string_view magic,
                                        uint32_t max_version, std::string_view kind);

  uint32_t version() const { return version_; }
  bool Has(uint32_t tag) const;
  // The section's payload, or a Corruption status if it is missing.
  Result<std::string_view> Section(uint32_t tag) const;
  const std::string& path() const { return file_.path(); }

 private:
  MappedFile file_;
  uint32_t version_ = 0;
  std::vector<std::pair<uint32_t, std::string_view>> sections_;
};

// Views of a trivially copyable array's bytes, for AddBorrowedSection.
template <typename T>
std::string_view AsBytes(const std::vector<T>& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  return {reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T)};
}

}  // namespace marquee
