// The split file: a section file (magic "MQSPLIT") so that an evaluation can
// be repeated on exactly the same train/query/target later or elsewhere.
//
//   OPTS  protocol u8, fraction f64, last_n u32, split_time i64,
//         heldout_members u32, min_history u32, seed u64, fold_in u8
//   TRAN, QURY, TARG  one matrix each: rows u32, cols u32, then the CSR
//         arrays indptr, indices, weights, times, each as u64 count + elements
//
// The reader checks every count against the shape before it trusts it, then
// the matrix invariants, so a damaged file is a Corruption naming the file.
#include <string>

#include "marquee/eval/split.h"
#include "marquee/util/section_file.h"

namespace marquee {

namespace {
constexpr char kMagic[] = "MQSPLIT";
constexpr uint32_t kOptionsTag = FourCC("OPTS");
constexpr uint32_t kTrainTag = FourCC("TRAN");
constexpr uint32_t kQueryTag = FourCC("QURY");
constexpr uint32_t kTargetTag = FourCC("TARG");

ByteWriter WriteOptions(const EvalSplit& split) {
  const SplitOptions& o = split.options;
  ByteWriter out;
  out.U8(static_cast<uint8_t>(o.protocol));
  out.F64(o.fraction);
  out.U32(o.last_n);
  out.I64(o.split_time);
  out.U32(o.heldout_members);
  out.U32(o.min_history);
  out.U64(o.seed);
  out.U8(split.fold_in ? 1 : 0);
  return out;
}

// The small headers in front of a matrix's borrowed arrays; they must live
// until the file is written.
struct MatrixHeaders {
  ByteWriter shape, indptr, indices, weights, times;
};

void AddMatrix(SectionFileWriter& w, uint32_t tag, const InteractionMatrix& m, MatrixHeaders& h) {
  h.shape.U32(m.rows());
  h.shape.U32(m.cols());
  h.indptr.U64(m.indptr().size());
  h.indices.U64(m.indices().size());
  h.weights.U64(m.weights().size());
  h.times.U64(m.times().size());
  w.AddBorrowedSection(tag, {h.shape.bytes(), h.indptr.bytes(), AsBytes(m.indptr()),
                             h.indices.bytes(), AsBytes(m.indices()), h.weights.bytes(),
                             AsBytes(m.weights()), h.times.bytes(), AsBytes(m.times())});
}

Status CheckSavable(const EvalSplit& split) {
  MARQUEE_RETURN_IF_ERROR(split.options.Validate());
  for (const InteractionMatrix* m : {&split.train, &split.query, &split.target}) {
    MARQUEE_RETURN_IF_ERROR(m->Validate());
  }
  const InteractionMatrix& t = split.train;
  for (const InteractionMatrix* m : {&split.query, &split.target}) {
    if (m->rows() != t.rows() || m->cols() != t.cols()) {
      return Status::InvalidArgument("split: train, query and target differ in shape");
    }
  }
  return Status::OK();
}

Status ReadOptions(const SectionFileReader& r, EvalSplit& split) {
  MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, r.Section(kOptionsTag));
  ByteReader in(payload, r.path() + ": options");
  SplitOptions& o = split.options;
  const uint8_t protocol = in.U8();
  o.protocol = static_cast<SplitProtocol>(protocol);
  o.fraction = in.F64();
  o.last_n = in.U32();
  o.split_time = in.I64();
  o.heldout_members = in.U32();
  o.min_history = in.U32();
  o.seed = in.U64();
  const uint8_t fold_in = in.U8();
  if (in.ok() && !in.AtEnd()) in.Fail("trailing bytes");
  if (!in.ok()) return in.status();
  Status valid = o.Validate();
  if (!valid.ok()) in.Fail(valid.message());
  if (fold_in != (o.protocol == SplitProtocol::kStrongGeneralization ? 1 : 0)) {
    in.Fail("fold_in does not match the protocol");
  }
  split.fold_in = fold_in == 1;
  return in.status();
}

template <typename T>
std::vector<T> ReadArray(ByteReader& in, uint64_t expected, const char* name) {
  std::vector<T> v = in.template Array<T>();
  if (in.ok() && v.size() != expected) {
    in.Fail(std::string(name) + " has " + std::to_string(v.size()) + " entries, expected " +
            std::to_string(expected));
  }
  return v;
}

Result<InteractionMatrix> ReadMatrix(const SectionFileReader& r, uint32_t tag, const char* what) {
  MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, r.Section(tag));
  const std::string context = r.path() + ": " + what;
  ByteReader in(payload, context);
  const uint32_t rows = in.U32();
  const uint32_t cols = in.U32();
  auto indptr = ReadArray<uint64_t>(in, static_cast<uint64_t>(rows) + 1, "indptr");
  const uint64_t nnz = indptr.empty() ? 0 : indptr.back();
  auto indices = ReadArray<uint32_t>(in, nnz, "indices");
  auto weights = ReadArray<float>(in, nnz, "weights");
  auto times = in.Array<int64_t>();
  if (in.ok() && !times.empty() && times.size() != nnz) in.Fail("times has the wrong length");
  if (in.ok() && !in.AtEnd()) in.Fail("trailing bytes");
  if (!in.ok()) return in.status();
  InteractionMatrix m(rows, cols, std::move(indptr), std::move(indices), std::move(weights),
                      std::move(times));
  Status valid = m.Validate();
  if (!valid.ok()) return Status::Corruption(context + ": " + valid.message());
  return m;
}
}  // namespace

Status SaveSplit(const EvalSplit& split, const std::string& path) {
  MARQUEE_RETURN_IF_ERROR(CheckSavable(split));
  SectionFileWriter w(kMagic, kSplitFormatVersion);
  w.AddSection(kOptionsTag, WriteOptions(split));
  MatrixHeaders train, query, target;
  AddMatrix(w, kTrainTag, split.train, train);
  AddMatrix(w, kQueryTag, split.query, query);
  AddMatrix(w, kTargetTag, split.target, target);
  return w.Write(path);
}

Result<EvalSplit> LoadSplit(const std::string& path) {
  MARQUEE_ASSIGN_OR_RETURN(SectionFileReader r,
                           SectionFileReader::Open(path, kMagic, kSplitFormatVersion, "split"));
  EvalSplit split;
  MARQUEE_RETURN_IF_ERROR(ReadOptions(r, split));
  MARQUEE_ASSIGN_OR_RETURN(split.train, ReadMatrix(r, kTrainTag, "train"));
  MARQUEE_ASSIGN_OR_RETURN(split.query, ReadMatrix(r, kQueryTag, "query"));
  MARQUEE_ASSIGN_OR_RETURN(split.target, ReadMatrix(r, kTargetTag, "target"));
  const InteractionMatrix& t = split.train;
  for (const InteractionMatrix* m : {&split.query, &split.target}) {
    if (m->rows() != t.rows() || m->cols() != t.cols()) {
      return Status::Corruption(path + ": train, query and target differ in shape");
    }
  }
  return split;
}

}  // namespace marquee
