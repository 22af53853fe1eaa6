#pragma once
// Sums with eight independent partial sums (the compiler keeps them in vector registers): a plain
// reduction waits on the adder's latency at every element. The order is fixed, so are the results.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

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

// Four doubles, four 64-bit integers: one AVX register each (the GCC and Clang vector extension; without
// AVX, two SSE registers). fixed_quanta's terms are written once for these and for plain doubles.
using Lanes = double __attribute__((vector_size(32)));
using LaneBits = uint64_t __attribute__((vector_size(32)));

// Reads (and writes: put) for fixed_quanta's terms: four pixels from i on, or the one pixel i (the tail).
struct LanesAt {
    int64_t i;
    Lanes operator()(const double* p) const {
        Lanes v;
        std::memcpy(&v, p + i, sizeof v);
        return v;
    }
    void put(double* p, Lanes v) const { std::memcpy(p + i, &v, sizeof v); }
};
struct PixelAt {
    int64_t i;
    double operator()(const double* p) const { return p[i]; }
    void put(double* p, double v) const { p[i] = v; }
};

// Σ a and Σ a·b in one pass, each in sum_wide's order (partial k takes the elements i with i mod 8 = k), so
// Σ a has sum_wide's bits: the two sums' sixteen partials are independent, so the adder's latency is hidden
// twice as well as in two passes. Written with Lanes: GCC's own vector code for the two
// reductions interleaved falls back to scalar additions.
struct SumAndDot {
    double sum, dot;
};
inline SumAndDot sum_and_dot_wide(const double* a, const double* b, int64_t n) {
    Lanes s_lo{}, s_hi{}, d_lo{}, d_hi{};  // partials 0-3 and 4-7
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const Lanes a_lo = LanesAt{i}(a), a_hi = LanesAt{i + 4}(a);
        s_lo += a_lo, s_hi += a_hi;
        d_lo += a_lo * LanesAt{i}(b), d_hi += a_hi * LanesAt{i + 4}(b);
    }
    const Lanes s4 = s_lo + s_hi, d4 = d_lo + d_hi;  // (p0 + p4), (p1 + p5), ...
    double s = (s4[0] + s4[1]) + (s4[2] + s4[3]), d = (d4[0] + d4[1]) + (d4[2] + d4[3]);
    for (; i < n; ++i) s += a[i], d += a[i] * b[i];
    return {s, d};
}

// K sums in quanta in one pass over the layers, each term the quanta sum_quanta_of would add for it, so
// the same sums. terms(at) gives the K terms of the pixels at() reads (std::array of Lanes or of double),
// once per pixel (so it may also store a per-pixel value with at.put).
// A layer read once for K sums, not K times — and the rounded terms add as integers: (term + shift)'s bit
// pattern less the shift's is the term in quanta while the term stays within ±2^51 quanta (the shift's
// binade, where neighbouring doubles are one quantum apart), and the vector unit's integer adders work
// beside its floating-point ones. The integer sums wrap modulo 2^64 and the shifts' bits come off at the
// end. in_range: no term above that binade, infinite or NaN — an OR of the sums' sign and exponent bits
// (a term below −2^51 quanta would pass unseen: the callers' terms are areas and energies, never negative).
template <size_t K>
struct FixedQuanta {
    std::array<int64_t, K> quanta;
    bool in_range;
};
template <size_t K, class Terms>
inline FixedQuanta<K> fixed_quanta(int64_t n, const std::array<double, K>& quantum, Terms terms) {
    std::array<double, K> shift;
    for (size_t k = 0; k < K; ++k) shift[k] = 6755399441055744.0 * quantum[k];  // 1.5 · 2^52 quanta
    std::array<LaneBits, K> sum{}, seen{};
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const std::array<Lanes, K> t = terms(LanesAt{i});
        for (size_t k = 0; k < K; ++k) {
            const auto bits = reinterpret_cast<LaneBits>(t[k] + shift[k]);
            sum[k] += bits, seen[k] |= bits;
        }
    }
    std::array<uint64_t, K> total, all_bits;
    for (size_t k = 0; k < K; ++k)
        total[k] = sum[k][0] + sum[k][1] + sum[k][2] + sum[k][3], all_bits[k] = seen[k][0] | seen[k][1] | seen[k][2] | seen[k][3];
    for (; i < n; ++i) {
        const std::array<double, K> t = terms(PixelAt{i});
        for (size_t k = 0; k < K; ++k) {
            const auto bits = std::bit_cast<uint64_t>(t[k] + shift[k]);
            total[k] += bits, all_bits[k] |= bits;
        }
    }
    FixedQuanta<K> out{{}, true};
    for (size_t k = 0; k < K; ++k) {
        const uint64_t shift_bits = std::bit_cast<uint64_t>(shift[k]);
        out.quanta[k] = int64_t(total[k] - uint64_t(n) * shift_bits);
        out.in_range &= ((all_bits[k] | shift_bits) >> 52) == (shift_bits >> 52);  // | shift: no term, in range
    }
    return out;
}

}  // namespace repot
