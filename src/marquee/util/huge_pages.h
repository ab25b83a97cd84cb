// Asking the kernel to back large arrays with 2 MB pages. Code that gathers
// rows of a large array in random order (iALS: every play reads a factor row
// of the other side; the transpose scatters 100M plays over 17,770 rows)
// otherwise pays a TLB miss on nearly every access, on top of the cache miss.
//
// Only fresh, untouched memory benefits: advising arrays that are then filled
// at once (the transpose's 800 MB) made filling them slower here, as the
// kernel compacts memory to find huge pages on the first touch.
//
// A hint only: with transparent huge pages off ("never") nothing changes, and
// with "always" it is redundant. Call it before the memory is first touched,
// so that its pages fault in huge.
//
// Thread safety: free functions without shared state.
#pragma once

#include <cstddef>

namespace marquee {

inline constexpr size_t kHugePageBytes = size_t{2} << 20;

// madvise(MADV_HUGEPAGE) over the whole 2 MB pages inside [data, data + bytes).
void AdviseHugePages(void* data, size_t bytes);

}  // namespace marquee
