#include "marquee/util/threads.h"

#include <omp.h>

namespace marquee {

void SetThreadCount(int n) { omp_set_num_threads(n > 0 ? n : omp_get_num_procs()); }

int ThreadCount() { return omp_get_max_threads(); }

}  // namespace marquee
