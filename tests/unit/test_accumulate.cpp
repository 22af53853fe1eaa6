// Per-zone sums (ZoneSums): runs of zones, slot 0 for pixels outside every zone, merging partial sums.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "repot/accumulate.hpp"
#include "repot/quantities.hpp"

using namespace repot;

namespace {

// 10 pixels; zone slots (0 = outside): runs 0 0 | 1 1 1 | 2 | 0 | 3 3 | 1
Eigen::ArrayXi zones10() {
    Eigen::ArrayXi z(10);
    z << 0, 0, 1, 1, 1, 2, 0, 3, 3, 1;
    return z;
}

// Columns: q_pixels = 1, q_roof_area_m2 = pixel number 1..10, q_population = 0.1 · (pixel number)²
Eigen::ArrayXXd values10() {
    Eigen::ArrayXXd v = Eigen::ArrayXXd::Zero(10, q_count);
    for (int i = 0; i < 10; ++i) {
        v(i, q_pixels) = 1;
        v(i, q_roof_area_m2) = i + 1;
        v(i, q_population) = 0.1 * (i + 1) * (i + 1);
    }
    return v;
}

}  // namespace

TEST_CASE("ZoneSums::add sums runs of zones into their slots, slot 0 outside") {
    ZoneSums s(3);
    CHECK(s.zone_count() == 3);
    s.add(zones10(), values10());
    // slot 0: pixels 1, 2, 7        -> 3 px, roof 1 + 2 + 7 = 10,      population 0.1 (1 + 4 + 49) = 5.4
    // slot 1: pixels 3, 4, 5, 10    -> 4 px, roof 3 + 4 + 5 + 10 = 22, population 0.1 (9 + 16 + 25 + 100) = 15
    // slot 2: pixel 6               -> 1 px, roof 6,                   population 3.6
    // slot 3: pixels 8, 9           -> 2 px, roof 8 + 9 = 17,          population 0.1 (64 + 81) = 14.5
    CHECK(s.get(0, q_pixels) == 3);
    CHECK(s.get(1, q_pixels) == 4);
    CHECK(s.get(2, q_pixels) == 1);
    CHECK(s.get(3, q_pixels) == 2);
    CHECK(s.get(0, q_roof_area_m2) == 10);
    CHECK(s.get(1, q_roof_area_m2) == 22);
    CHECK(s.get(2, q_roof_area_m2) == 6);
    CHECK(s.get(3, q_roof_area_m2) == 17);
    // Population is summed in quanta of 2^-39 persons at 1 m² (each value rounds by at most half of one).
    CHECK(s.get(0, q_population) == doctest::Approx(5.4).epsilon(1e-11));
    CHECK(s.get(1, q_population) == doctest::Approx(15).epsilon(1e-11));
    CHECK(s.get(2, q_population) == doctest::Approx(3.6).epsilon(1e-11));
    CHECK(s.get(3, q_population) == doctest::Approx(14.5).epsilon(1e-11));
    // Columns never written stay 0.
    for (int slot = 0; slot <= 3; ++slot) CHECK(s.get(slot, q_roof_plane_included_kwh) == 0);

    // A second add accumulates on top.
    s.add(zones10(), values10());
    CHECK(s.get(1, q_roof_area_m2) == 44);
    CHECK(s.get(0, q_pixels) == 6);
}

TEST_CASE("ZoneSums::add takes a segment of a larger zone array") {
    Eigen::ArrayXi all(12);
    all << 3, 3, 0, 0, 1, 1, 1, 2, 0, 3, 3, 1;  // zones10() at offset 2
    ZoneSums a(3), b(3);
    a.add(all.segment(2, 10), values10());
    b.add(zones10(), values10());
    for (int slot = 0; slot <= 3; ++slot)
        for (int q = 0; q < q_count; ++q) CHECK(a.get(slot, Q(q)) == b.get(slot, Q(q)));
}

TEST_CASE("ZoneSums::add of pixels the caller knows are in one zone sums them as one run") {
    // 10 pixels of zone 2: roof 1 + ... + 10 = 55, population 0.1 · (1 + 4 + ... + 100) = 38.5.
    const Eigen::ArrayXi two = Eigen::ArrayXi::Constant(10, 2);
    ColumnPlan plan;
    plan.summed = {q_roof_area_m2, q_population};
    plan.ones = {q_pixels};
    ZoneSums told(3), looked(3);
    told.add(two, values10(), plan, /*one_zone=*/true);
    looked.add(two, values10(), plan);
    CHECK(told.get(2, q_pixels) == 10);
    CHECK(told.get(2, q_roof_area_m2) == 55);
    CHECK(told.get(2, q_population) == doctest::Approx(38.5).epsilon(1e-11));
    for (int slot = 0; slot <= 3; ++slot)
        for (int q = 0; q < q_count; ++q) CHECK(told.get(slot, Q(q)) == looked.get(slot, Q(q)));
}

TEST_CASE("ZoneSums: two halves merged equal one pass") {
    const Eigen::ArrayXi z = zones10();
    const Eigen::ArrayXXd v = values10();
    ZoneSums whole(3), first(3), second(3);
    whole.add(z, v);
    // The split falls inside the run of zone 1 (pixels 3..5) and the run of zone 3 is whole in the second half.
    first.add(z.head(4), v.topRows(4));
    second.add(z.tail(6), v.bottomRows(6));
    first.merge(second);
    for (int slot = 0; slot <= 3; ++slot) {
        CAPTURE(slot);
        // Fixed point: every column is exact in any grouping, bit for bit.
        for (int q = 0; q < q_count; ++q) CHECK(first.get(slot, Q(q)) == whole.get(slot, Q(q)));
    }
    // at() adds to what get() reads.
    first.at(2, q_population) += 1;
    CHECK(first.get(2, q_population) == doctest::Approx(4.6).epsilon(1e-11));
}

TEST_CASE("ZoneSums: bad zone index and mismatched merges are errors") {
    ZoneSums s(2);
    Eigen::ArrayXi z(2);
    z << 1, 3;  // slot 3 does not exist with 2 zones
    Eigen::ArrayXXd v = Eigen::ArrayXXd::Ones(2, q_count);
    CHECK_THROWS_AS(s.add(z, v), std::out_of_range);
    z << 1, -1;
    CHECK_THROWS_AS(s.add(z, v), std::out_of_range);
    ZoneSums other(5);
    CHECK_THROWS_AS(s.merge(other), std::invalid_argument);
}

TEST_CASE("ZoneSums: the quantum of each column, by hand") {
    // 100 m² pixels: 2^7 = 128 > 100, so area-scaled columns take 2^(7 + bound - 40).
    const std::vector<double> q = ZoneSums::quanta(100.0);
    CHECK(q[q_roof_plane_kwh] == std::ldexp(1.0, 7 + 16 - 40));  // up to 2^16 kWh per m² of pixel
    CHECK(q[q_roof_area_m2] == std::ldexp(1.0, 7 + 4 - 40));     // up to 16 m² per m²
    CHECK(q[q_heat_demand_gj] == std::ldexp(1.0, 7 + 8 - 40));
    CHECK(q[q_population] == std::ldexp(1.0, 7 - 40));
    CHECK(q[q_pixels] == std::ldexp(1.0, -40));                  // counts: per pixel
    CHECK(q[q_ground_px] == std::ldexp(1.0, -40));
    CHECK(q[q_temperature_sum_c] == std::ldexp(1.0, 6 - 40));    // a per-pixel mean
    CHECK(q[q_ghi_sum_kwh_m2] == std::ldexp(1.0, 12 - 40));
    // A value rounds to the nearest quantum: 0.3 kWh on a 100 m² pixel is 39321.6 quanta of 2^-17 -> 39322.
    ZoneSums s(1, 0, 100.0);
    Eigen::ArrayXi z = Eigen::ArrayXi::Ones(1);
    Eigen::ArrayXXd v = Eigen::ArrayXXd::Zero(1, q_count);
    v(0, q_roof_plane_kwh) = 0.3;
    s.add(z, v);
    CHECK(s.fixed(1, q_roof_plane_kwh) == 39322);
    CHECK(s.get(1, q_roof_plane_kwh) == 39322.0 / 131072.0);
}

TEST_CASE("ZoneSums: sums do not depend on how the pixels are grouped") {
    // 5,000 irregular values in one zone, added whole, in pieces of 7, and in pieces of 1,000 over two
    // ZoneSums merged: the same bits, which plain double sums in these orders do not give.
    const int n = 5000;
    Eigen::ArrayXXd v = Eigen::ArrayXXd::Zero(n, q_count);
    for (int i = 0; i < n; ++i) v(i, q_land_plane_kwh) = 1000.0 / (i + 3.0) + std::sqrt(double(i));
    const Eigen::ArrayXi z = Eigen::ArrayXi::Ones(n);
    ZoneSums whole(1, 0, 100.0), sevens(1, 0, 100.0), a(1, 0, 100.0), b(1, 0, 100.0);
    whole.add(z, v);
    for (int i = 0; i < n; i += 7) sevens.add(z.segment(i, std::min(7, n - i)), v.middleRows(i, std::min(7, n - i)));
    for (int i = 0; i < n; i += 1000) (i < 2500 ? a : b).add(z.segment(i, 1000), v.middleRows(i, 1000));
    a.merge(b);
    CHECK(sevens.get(1, q_land_plane_kwh) == whole.get(1, q_land_plane_kwh));
    CHECK(a.get(1, q_land_plane_kwh) == whole.get(1, q_land_plane_kwh));
    double plain = 0, reversed = 0;
    for (int i = 0; i < n; ++i) plain += v(i, q_land_plane_kwh), reversed += v(n - 1 - i, q_land_plane_kwh);
    // Each value moves by at most half a quantum (2^-17 kWh at 100 m²).
    CHECK(std::abs(whole.get(1, q_land_plane_kwh) - plain) <= n * std::ldexp(1.0, -18) + 1e-9);
    CHECK(plain != reversed);  // what the fixed point avoids
}

TEST_CASE("ZoneSums: a value too large to sum exactly is an error, not a rounded sum") {
    ZoneSums s(1, 0, 1.0);
    Eigen::ArrayXi z = Eigen::ArrayXi::Ones(2);
    Eigen::ArrayXXd v = Eigen::ArrayXXd::Zero(2, q_count);
    v(0, q_roof_area_m2) = v(1, q_roof_area_m2) = 1e12;  // m² on a 1 m² pixel: 2^4 is the bound
    CHECK_THROWS_AS(s.add(z, v), std::overflow_error);
}

TEST_CASE("ZoneSums::add_class_pixels counts the pixels of runs per zone and class, by hand") {
    // Zones 1 1 1 2 2 2, classes 0 0 -1 1 1 1, as runs: zone 1 two pixels of class 0 and one without a
    // class, zone 2 three of class 1 (added as runs of 2 and 1).
    ZoneSums runs(2, 2);
    runs.add_class_pixels(1, 0, 2);
    runs.add_class_pixels(1, -1, 1);
    runs.add_class_pixels(2, 1, 2);
    runs.add_class_pixels(2, 1, 1);
    const double expected[3][3] = {{0, 0, 0}, {1, 2, 0}, {0, 0, 3}};  // [slot][1 + class]
    for (int slot = 0; slot <= 2; ++slot)
        for (int k = -1; k < 2; ++k) {
            INFO("slot ", slot, ", class ", k);
            CHECK(runs.class_pixels(slot, k) == expected[slot][k + 1]);
        }
    CHECK(runs.touched() == std::vector<int>{1, 2});
    CHECK_THROWS_AS(runs.add_class_pixels(3, 0, 1), std::out_of_range);
    CHECK_THROWS_AS(runs.add_class_pixels(1, 2, 1), std::out_of_range);
    CHECK_THROWS_AS(runs.add_class_pixels(1, -2, 1), std::out_of_range);
}

TEST_CASE("ZoneSums::pixel_quanta of several columns: the quanta of one column each, and too large is an error") {
    ZoneSums s(1, 0, 100.0);
    const double roof[3] = {12.5, 0.3, 99.0}, ghi[3] = {1300.1, 1299.9, 1400.0};
    const auto both = s.pixel_quanta(std::array{q_roof_area_m2, q_ghi_sum_kwh_m2}, 3,
                                     [&](auto at) { return std::array{at(roof), at(ghi)}; });
    CHECK(both[0] == s.pixel_quanta(q_roof_area_m2, 3, [&](Eigen::Index i) { return roof[i]; }));
    CHECK(both[1] == s.pixel_quanta(q_ghi_sum_kwh_m2, 3, [&](Eigen::Index i) { return ghi[i]; }));
    // 0.3 m² in quanta of 2^(7 + 4 - 40) = 2^-29: 161061273.6 → 161061274; 12.5 and 99 are whole.
    CHECK(both[0] == int64_t(12.5 * 0x1p29) + 161061274 + int64_t(99.0 * 0x1p29));
    const double huge[1] = {1e12};  // m² on a 100 m² pixel: beyond what adds exactly
    CHECK_THROWS_AS(s.pixel_quanta(std::array{q_roof_area_m2}, 1, [&](auto at) { return std::array{at(huge)}; }),
                    std::overflow_error);
}

TEST_CASE("all_equal: whether a run of zone indices holds one value") {
    const int same[5] = {3, 3, 3, 3, 3}, last_differs[5] = {3, 3, 3, 3, 4}, first_differs[5] = {2, 3, 3, 3, 3};
    CHECK(all_equal(same, 5));
    CHECK_FALSE(all_equal(last_differs, 5));
    CHECK_FALSE(all_equal(first_differs, 5));
    CHECK(all_equal(last_differs, 4));  // the first four
    CHECK(all_equal(first_differs, 1));
}
