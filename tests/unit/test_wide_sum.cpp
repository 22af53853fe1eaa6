// The fixed-order sums of wide_sum.hpp: sum_and_dot_wide against sum_wide and a dot product in its order,
// fixed_quanta against sum_quanta_of and by hand.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "repot/wide_sum.hpp"

using namespace repot;

TEST_CASE("sum_and_dot_wide: sum_wide's bits, and the dot product in the same order") {
    std::vector<double> a(1003), b(1003);
    for (size_t i = 0; i < a.size(); ++i) a[i] = 1.0 / (double(i) + 1.7), b[i] = std::sin(double(i)) * 0.5 + 0.5;
    for (int64_t n : {0, 1, 7, 8, 9, 64, 255, 1003}) {
        double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};  // partial k takes the products i with i mod 8 = k
        int64_t i = 0;
        for (; i + 8 <= n; i += 8)
            for (int k = 0; k < 8; ++k) part[k] += a[size_t(i + k)] * b[size_t(i + k)];
        double dot = ((part[0] + part[4]) + (part[1] + part[5])) + ((part[2] + part[6]) + (part[3] + part[7]));
        for (; i < n; ++i) dot += a[size_t(i)] * b[size_t(i)];
        const SumAndDot both = sum_and_dot_wide(a.data(), b.data(), n);
        CHECK(both.sum == sum_wide(a.data(), n));
        CHECK(both.dot == dot);
    }
    const double x[3] = {1.5, 2.0, 4.0}, y[3] = {2.0, 0.5, 0.25};  // by hand: 7.5 and 3 + 1 + 1
    CHECK(sum_and_dot_wide(x, y, 3).sum == 7.5);
    CHECK(sum_and_dot_wide(x, y, 3).dot == 5.0);
}

TEST_CASE("fixed_quanta: several sums in one pass, each term rounded to its quantum, by hand") {
    // Quanta 0.5 and 0.25; terms a and a·b of a = 1.3, 2.2, 0.7, 3.0, 1.1 (four lanes and a one-pixel tail).
    // a rounds to 1.5, 2, 0.5, 3, 1 (halves: 2.6 → 3, 4.4 → 4, 1.4 → 1, 6, 2.2 → 2 quanta): 16 quanta.
    // a·b with b = 1: the same terms in quarters: 5.2 → 5, 8.8 → 9, 2.8 → 3, 12, 4.4 → 4: 33 quanta.
    const double a[5] = {1.3, 2.2, 0.7, 3.0, 1.1}, b[5] = {1, 1, 1, 1, 1};
    auto terms = [&](auto at) { return std::array{at(a), at(a) * at(b)}; };
    const FixedQuanta<2> f = fixed_quanta(5, std::array{0.5, 0.25}, terms);
    CHECK(f.in_range);
    CHECK(f.quanta[0] == 16);
    CHECK(f.quanta[1] == 33);
    // Ties go to even as in sum_quanta_of: 0.25 and 0.75 in halves are 0 and 2 quanta (0.5 and 1.5).
    const double ties[2] = {0.25, 0.75};
    CHECK(fixed_quanta(2, std::array{0.5}, [&](auto at) { return std::array{at(ties)}; }).quanta[0] == 2);
    CHECK(sum_quanta(ties, 2, 0.5) == 2);
}

TEST_CASE("fixed_quanta equals sum_quanta_of term by term, for every tail length") {
    std::vector<double> v(4103);
    for (size_t i = 0; i < v.size(); ++i) v[i] = 1000.0 / (double(i) + 3.0) + std::sqrt(double(i)) * 1e-3;
    const double q = std::ldexp(1.0, -30);
    for (int64_t n : {0, 1, 3, 4, 7, 4096, 4103}) {
        const double* p = v.data();
        const FixedQuanta<1> f = fixed_quanta(n, std::array{q}, [p](auto at) { return std::array{at(p)}; });
        CHECK(f.in_range);
        CHECK(double(f.quanta[0]) == sum_quanta(p, n, q));
    }
}

TEST_CASE("fixed_quanta: a term beyond 2^51 quanta, an infinity or a NaN is out of range") {
    const double q = 1.0;
    const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
    for (double bad : {0x1p51, 1e300, inf, nan, -nan}) {
        const double v[6] = {1, 2, 3, 4, 5, 6};
        for (int at_pixel : {2, 5}) {  // in the lanes, in the tail
            double w[6];
            std::copy(v, v + 6, w);
            w[at_pixel] = bad;
            CHECK_FALSE(fixed_quanta(6, std::array{q}, [&](auto at) { return std::array{at(w)}; }).in_range);
        }
    }
    const double edge[1] = {0x1p51 - 1};  // the largest whole term in the shift's binade
    CHECK(fixed_quanta(1, std::array{q}, [&](auto at) { return std::array{at(edge)}; }).quanta[0] == (int64_t(1) << 51) - 1);
}
