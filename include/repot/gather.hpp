#pragma once
#include <Eigen/Core>

namespace repot {

// dst[i] = src[index[i]] for every i of index. A plain loop: assigning an Eigen indexed view,
// out = v(index), builds the result in a temporary and copies it (a memcpy of every value).
template <class T>
void gather(const T* __restrict src, const Eigen::ArrayXi& index, T* __restrict dst) {
    const int* at = index.data();
    for (Eigen::Index i = 0; i < index.size(); ++i) dst[i] = src[at[i]];
}

}  // namespace repot
