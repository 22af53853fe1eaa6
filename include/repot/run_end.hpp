#pragma once
#include <Eigen/Core>

namespace repot {

// The end of the run of equal values (zones, classes) that starts at `start`: neighbouring pixels mostly
// share them, so 64 at a time by a vectorised min and max, then one by one.
inline Eigen::Index run_end(const Eigen::Ref<const Eigen::ArrayXi>& v, Eigen::Index start) {
    const Eigen::Index n = v.size();
    const int z = v(start);
    Eigen::Index end = start + 1;
    while (end + 64 <= n) {
        const auto chunk = v.segment(end, 64);
        if (chunk.minCoeff() != z || chunk.maxCoeff() != z) break;
        end += 64;
    }
    while (end < n && v(end) == z) ++end;
    return end;
}

// Whether v[0, n) all equal v[0]: the differences OR-ed, with no early exit, so the loop vectorises (a
// cheap test before run_end's search, for spans and stretches that mostly lie in one zone).
inline bool all_equal(const int* __restrict v, Eigen::Index n) {
    int diff = 0;
    for (Eigen::Index i = 1; i < n; ++i) diff |= v[i] ^ v[0];
    return diff == 0;
}

}  // namespace repot
