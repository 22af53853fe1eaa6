// Per-zone sums (ZoneSums): runs of zones, slot 0 for pixels outside every zone, merging partial sums.
#include <doctest/doctest.h>

#include <stdexcept>

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
    CHECK(s.get(0, q_population) == doctest::Approx(5.4).epsilon(1e-14));
    CHECK(s.get(1, q_population) == doctest::Approx(15).epsilon(1e-14));
    CHECK(s.get(2, q_population) == doctest::Approx(3.6).epsilon(1e-14));
    CHECK(s.get(3, q_population) == doctest::Approx(14.5).epsilon(1e-14));
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
        // Integer-valued columns are exact in any order.
        CHECK(first.get(slot, q_pixels) == whole.get(slot, q_pixels));
        CHECK(first.get(slot, q_roof_area_m2) == whole.get(slot, q_roof_area_m2));
        CHECK(first.get(slot, q_population) == doctest::Approx(whole.get(slot, q_population)).epsilon(1e-14));
    }
    // at() writes into the same storage get() reads.
    first.at(2, q_population) += 1;
    CHECK(first.get(2, q_population) == doctest::Approx(4.6).epsilon(1e-14));
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
