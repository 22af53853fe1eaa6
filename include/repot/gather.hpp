#pragma once
#include <Eigen/Core>
#include <cstring>

namespace repot {

// dst[i] = src[index[i]] for every i of index, whose values must be strictly ascending (the pixels of a
// window in row-major order). A plain loop: assigning an Eigen indexed view, out = v(index), builds the
// result in a temporary and copies it. Most indices run consecutively (a window's rows inside a zone):
// ascending indices i..j whose values span j - i are consecutive, and copied as one block.
template <class T>
void gather(const T* __restrict src, const Eigen::ArrayXi& index, T* __restrict dst) {
    const int* at = index.data();
    const Eigen::Index n = index.size();
    Eigen::Index i = 0;
    while (i + 8 <= n) {
        if (at[i + 7] - at[i] != 7) {
            for (int k = 0; k < 8; ++k) dst[i + k] = src[at[i + k]];
            i += 8;
            continue;
        }
        Eigen::Index j = i + 8;  // [i, j) consecutive
        while (j + 8 <= n && at[j + 7] - at[i] == j + 7 - i) j += 8;
        std::memcpy(dst + i, src + at[i], size_t(j - i) * sizeof(T));
        i = j;
    }
    for (; i < n; ++i) dst[i] = src[at[i]];
}

}  // namespace repot
