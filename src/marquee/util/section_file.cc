#include "marquee/util/section_file.h"

#include <algorithm>

#include <fmt/format.h>

#include "marquee/util/checksum.h"

namespace marquee {

namespace {
constexpr size_t kHeaderSize = 32;
constexpr size_t kSectionHeaderSize = 24;

size_t Padding(uint64_t n) { return static_cast<size_t>((8 - n % 8) % 8); }

template <typename T>
T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T>
void Store(char* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}
}  // namespace

std::string FourCCName(uint32_t tag) {
  std::string s(4, ' ');
  for (int i = 0; i < 4; ++i) {
    char c = static_cast<char>((tag >> (8 * i)) & 0xff);
    s[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return s;
}

void ByteReader::Fail(std::string_view what) {
  if (!status_.ok()) return;
  status_ = Status::Corruption(context_ + ": invalid data: " + std::string(what));
  pos_ = bytes_.size();
}

std::string_view ByteReader::Take(uint64_t n, std::string_view what) {
  if (!status_.ok()) return {};
  if (n > bytes_.size() - pos_) {
    Fail(fmt::format("truncated {} (needs {} bytes, {} left)", what, n, bytes_.size() - pos_));
    return {};
  }
  std::string_view s = bytes_.substr(pos_, n);
  pos_ += n;
  return s;
}

SectionFileWriter::SectionFileWriter(std::string_view magic, uint32_t version)
    : version_(version) {
  std::memcpy(magic_, magic.data(), std::min<size_t>(magic.size(), sizeof(magic_)));
}

void SectionFileWriter::AddSection(uint32_t tag, ByteWriter&& writer) {
  sections_.push_back(Section{tag, std::move(writer.bytes()), {}});
}

void SectionFileWriter::AddBorrowedSection(uint32_t tag, std::vector<std::string_view> pieces) {
  sections_.push_back(Section{tag, {}, std::move(pieces)});
}

Status SectionFileWriter::Write(const std::string& path) const {
  uint64_t file_size = kHeaderSize;
  std::vector<uint64_t> sizes;
  std::vector<uint32_t> crcs;
  for (const Section& s : sections_) {
    uint64_t size = s.owned.size();
    uint32_t crc = Crc32(s.owned);
    for (std::string_view piece : s.pieces) {
      size += piece.size();
      crc = Crc32(piece, crc);
    }
    sizes.push_back(size);
    crcs.push_back(crc);
    file_size += kSectionHeaderSize + size + Padding(size);
  }

  char header[kHeaderSize] = {};
  std::memcpy(header, magic_, 8);
  Store<uint32_t>(header + 8, version_);
  Store<uint32_t>(header + 12, static_cast<uint32_t>(sections_.size()));
  Store<uint64_t>(header + 16, file_size);
  Store<uint32_t>(header + 24, Crc32(std::string_view(header, 24)));

  return WriteFileAtomically(path, [&](std::FILE* f) -> Status {
    MARQUEE_RETURN_IF_ERROR(WriteBytes(f, header, kHeaderSize, path));
    static const char kZeros[8] = {};
    for (size_t i = 0; i < sections_.size(); ++i) {
      char sh[kSectionHeaderSize] = {};
      Store<uint32_t>(sh, sections_[i].tag);
      Store<uint64_t>(sh + 8, sizes[i]);
      Store<uint32_t>(sh + 16, crcs[i]);
      MARQUEE_RETURN_IF_ERROR(WriteBytes(f, sh, kSectionHeaderSize, path));
      const std::string& owned = sections_[i].owned;
      MARQUEE_RETURN_IF_ERROR(WriteBytes(f, owned.data(), owned.size(), path));
      for (std::string_view piece : sections_[i].pieces) {
        MARQUEE_RETURN_IF_ERROR(WriteBytes(f, piece.data(), piece.size(), path));
      }
      MARQUEE_RETURN_IF_ERROR(WriteBytes(f, kZeros, Padding(sizes[i]), path));
    }
    return Status::OK();
  });
}

Result<SectionFileReader> SectionFileReader::Open(const std::string& path,
                                                  std::string_view magic,
                                                  uint32_t max_version,
                                                  std::string_view kind) {
  MARQUEE_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  std::string_view bytes = file.bytes();
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption(path + ": not a valid " + std::string(kind) + " file: " + what);
  };
  if (bytes.empty()) return corrupt("the file is empty");
  char expected_magic[8] = {};
  std::memcpy(expected_magic, magic.data(), std::min<size_t>(magic.size(), 8));
  if (bytes.size() < 8 || std::memcmp(bytes.data(), expected_magic, 8) != 0) {
    return corrupt("wrong magic bytes (expected a file written by 'marquee')");
  }
  if (bytes.size() < kHeaderSize) return corrupt("truncated header");
  const char* h = bytes.data();
  if (Load<uint32_t>(h + 24) != Crc32(std::string_view(h, 24))) return corrupt("header checksum mismatch");
  uint32_t version = Load<uint32_t>(h + 8);
  if (version == 0 || version > max_version) {
    return Status::Unsupported(
        fmt::format("{}: {} format version {} is newer than this build supports ({}); upgrade marquee",
                    path, kind, version, max_version));
  }
  uint64_t file_size = Load<uint64_t>(h + 16);
  if (file_size != bytes.size()) {
    return corrupt(fmt::format("size is {} bytes, header says {} (truncated or appended to)",
                               bytes.size(), file_size));
  }

  SectionFileReader reader;
  reader.version_ = version;
  uint32_t count = Load<uint32_t>(h + 12);
  size_t pos = kHeaderSize;
  for (uint32_t i = 0; i < count; ++i) {
    if (bytes.size() - pos < kSectionHeaderSize) return corrupt("truncated section table");
    const char* sh = bytes.data() + pos;
    uint32_t tag = Load<uint32_t>(sh);
    uint64_t size = Load<uint64_t>(sh + 8);
    uint32_t crc = Load<uint32_t>(sh + 16);
    pos += kSectionHeaderSize;
    if (size > bytes.size() - pos) {
      return corrupt("section '" + FourCCName(tag) + "' runs past the end of the file");
    }
    std::string_view payload = bytes.substr(pos, size);
    if (Crc32(payload) != crc) {
      return corrupt("section '" + FourCCName(tag) + "' checksum mismatch (the file is damaged)");
    }
    reader.sections_.emplace_back(tag, payload);
    pos += size + Padding(size);
  }
  if (pos != bytes.size()) return corrupt("trailing bytes after the last section");
  reader.file_ = std::move(file);
  return reader;
}

bool SectionFileReader::Has(uint32_t tag) const {
  return std::any_of(sections_.begin(), sections_.end(),
                     [tag](const auto& s) { return s.first == tag; });
}

Result<std::string_view> SectionFileReader::Section(uint32_t tag) const {
  for (const auto& [t, payload] : sections_) {
    if (t == tag) return payload;
  }
  return Status::Corruption(path() + ": missing section '" + FourCCName(tag) + "'");
}

}  // namespace marquee
