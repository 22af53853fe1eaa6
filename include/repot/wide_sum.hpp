#pragma once
// Sums with eight independent partial sums (the compiler keeps them in vector registers): a plain
// reduction waits on the adder's latency at every element. The order is fixed, so are the results.
#include <cstdint>

namespace repot {

inline double sum_wide(const double* a, int64_t n) {
    double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k) part[k] += a[i + k];
    double s = ((part[0] + part[4]) + (part[1] + part[5])) + ((part[2] + part[6]) + (part[3] + part[7]));
    for (; i < n; ++i) s += a[i];
    return s;
}

// Σ a·b in the same fixed order.
inline double dot_wide(const double* a, const double* b, int64_t n) {
    double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k) part[k] += a[i + k] * b[i + k];
    double s = ((part[0] + part[4]) + (part[1] + part[5])) + ((part[2] + part[6]) + (part[3] + part[7]));
    for (; i < n; ++i) s += a[i] * b[i];
    return s;
}

// Σ round(value(i) / quantum) over i in [0, n), in quanta, each term rounded to the nearest whole number
// of quanta (ties to even) by adding and subtracting 1.5 · 2^52 quanta: a multiple of the quantum is left,
// and the sum of such multiples is exact while it stays below 2^53 quanta (the caller checks). So the
// result does not depend on how the terms are grouped — nor on whether they come from a column or straight
// from the layers (value: any per-pixel expression). quantum: a power of two, so scaling by it is exact and
// rounds nothing — the same terms as rounding value / quantum, without a multiplication per term.
template <class Value>
inline double sum_quanta_of(int64_t n, double quantum, Value value) {
    const double shift = 6755399441055744.0 * quantum;  // 1.5 · 2^52 quanta: no fraction of a quantum survives
    double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k) part[k] += (value(i + k) + shift) - shift;
    double s = ((part[0] + part[4]) + (part[1] + part[5])) + ((part[2] + part[6]) + (part[3] + part[7]));
    for (; i < n; ++i) s += (value(i) + shift) - shift;
    return s / quantum;
}
inline double sum_quanta(const double* a, int64_t n, double quantum) {
    return sum_quanta_of(n, quantum, [a](int64_t i) { return a[i]; });
}

}  // namespace repot
