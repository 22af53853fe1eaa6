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

}  // namespace repot
