// roof_sums_direct: a span's sums straight from the roof and GHI layers, against hand values and against
// the column kernels summed by ZoneSums::add.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "repot/accumulate.hpp"
#include "repot/kernels.hpp"
#include "repot/quantities.hpp"
#include "repot/scenario.hpp"

using namespace repot;

namespace {

// n pixels of zone slot 1, 100 m² each, with roof, annual GHI and the flat-roof plane on the lattice.
Block roof_block(const Eigen::ArrayXd& roof, const Eigen::ArrayXd& ghi, const Eigen::ArrayXd& plane) {
    Block b;
    b.width = int(roof.size()), b.height = 1, b.pixel_area = 100, b.latitude_deg = 35.7;
    b.zone = Eigen::ArrayXi::Ones(roof.size());
    b.roof = roof, b.ghi_year = ghi, b.roof_plane_year = plane;
    return b;
}

// The column kernels on the whole block, every column summed (no plan: unwritten columns hold 0).
ZoneSums by_columns(const Block& b) {
    const Scenario sc;
    Columns out = Columns::Zero(b.size(), q_count);
    MonthlyEnergy monthly;
    const Span s{0, b.size()};
    coverage_kernel(b, s, out);
    solar_roof_kernel(b, s, sc.solar_roof, SkyContext{}, out, &monthly);
    solar_heat_kernel(b, s, sc.solar_roof, sc.solar_heat, out);
    ground_heat_kernel(b, s, sc.ground_heat, nullptr, out);
    ZoneSums sums(1, 0, b.pixel_area);
    sums.add(b.zone, out);
    return sums;
}

}  // namespace

TEST_CASE("roof_sums_direct: a span's sums by hand") {
    Eigen::ArrayXd roof(3), ghi(3), plane(3);
    roof << 10, 0, 150;  // m² on 100 m² pixels: the last roof overhangs its pixel (no open ground)
    ghi << 1200, 1300, 1250;
    plane << 1300, 1400, 1350;
    const Block b = roof_block(roof, ghi, plane);
    ZoneSums sums(1, 0, b.pixel_area);
    MonthlyEnergy monthly;
    REQUIRE(roof_sums_direct(b, Span{0, 3}, 1, sums, &monthly));
    CHECK(sums.get(1, q_pixels) == 3);
    CHECK(sums.get(1, q_roof_valid_px) == 3);
    CHECK(sums.get(1, q_ghi_valid_px) == 3);
    CHECK(sums.get(1, q_roof_pv_px) == 3);
    CHECK(sums.get(1, q_roof_px) == 2);  // roof > 0
    CHECK(sums.get(1, q_roof_face_px) == 2);
    CHECK(sums.get(1, q_ground_px) == 3);
    CHECK(sums.get(1, q_roof_area_m2) == 160);
    CHECK(sums.get(1, q_eligible_roof_m2) == 160);
    CHECK(sums.get(1, q_ghi_sum_kwh_m2) == 3750);
    CHECK(sums.get(1, q_roof_theoretical_kwh) == 10 * 1200 + 150 * 1250);  // 199,500 kWh
    CHECK(sums.get(1, q_roof_plane_kwh) == 10 * 1300 + 150 * 1350);        // 215,500 kWh
    CHECK(sums.get(1, q_roof_plane_included_kwh) == 215500);
    CHECK(sums.get(1, q_ground_open_m2) == 90 + 100 + 0);
    CHECK(sums.get(1, q_ground_field_m2) == 190);
    CHECK(sums.touched() == std::vector<int>{1});
    CHECK(monthly.weight == b.roof.data());  // the eligible roof is all the roof
    CHECK(monthly.rows.empty());
}

TEST_CASE("roof_sums_direct equals the column kernels summed by ZoneSums::add, bit for bit") {
    // 5,000 pixels (not a multiple of the sums' eight lanes), roofs on 40 % of them, irregular values.
    const int n = 5000;
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    Eigen::ArrayXd roof(n), ghi(n), plane(n);
    for (int i = 0; i < n; ++i) {
        roof(i) = u(rng) < 0.4 ? 130.0 * u(rng) : 0.0;
        ghi(i) = 1100 + 300 * u(rng);
        plane(i) = ghi(i) * (1 + 0.2 * u(rng));
    }
    const Block b = roof_block(roof, ghi, plane);
    ZoneSums direct(1, 0, b.pixel_area);
    REQUIRE(roof_sums_direct(b, Span{0, n}, 1, direct));
    const ZoneSums columns = by_columns(b);
    for (int q = 0; q < q_count; ++q) {
        CAPTURE(q);
        CHECK(direct.fixed(1, Q(q)) == columns.fixed(1, Q(q)));
    }
    CHECK(direct.get(1, q_roof_plane_kwh) > 0);
    // In two spans added one after the other: the same bits (fixed point does not depend on grouping).
    ZoneSums halves(1, 0, b.pixel_area);
    REQUIRE(roof_sums_direct(b, Span{0, 1234}, 1, halves));
    REQUIRE(roof_sums_direct(b, Span{1234, n - 1234}, 1, halves));
    for (int q = 0; q < q_count; ++q) CHECK(halves.fixed(1, Q(q)) == direct.fixed(1, Q(q)));
}

TEST_CASE("roof_sums_direct leaves a span with a missing value or other layers to the column kernels") {
    Eigen::ArrayXd roof(4), ghi(4), plane(4);
    roof << 10, 20, 30, 40;
    ghi << 1200, 1200, 1200, 1200;
    plane << 1300, 1300, 1300, 1300;
    ZoneSums sums(1, 0, 100);
    SUBCASE("a pixel without roof data") {
        Block b = roof_block(roof, ghi, plane);
        b.roof(2) = NAN;
        CHECK_FALSE(roof_sums_direct(b, Span{0, 4}, 1, sums));
        CHECK(roof_sums_direct(b, Span{0, 2}, 1, sums));  // the span before it is complete
    }
    SUBCASE("a pixel without GHI") {
        Block b = roof_block(roof, ghi, plane);
        b.ghi_year(0) = NAN;
        CHECK_FALSE(roof_sums_direct(b, Span{0, 4}, 1, sums));
        CHECK(sums.touched().empty());
    }
    SUBCASE("other layers or no plane on the lattice") {
        Block b = roof_block(roof, ghi, plane);
        b.shade = Eigen::ArrayXd::Ones(4);
        CHECK_FALSE(roof_sums_direct(b, Span{0, 4}, 1, sums));
        b = roof_block(roof, ghi, plane);
        b.landuse = Eigen::ArrayXi::Zero(4);
        CHECK_FALSE(roof_sums_direct(b, Span{0, 4}, 1, sums));
        b = roof_block(roof, ghi, plane);
        b.population = Eigen::ArrayXd::Ones(4);
        CHECK_FALSE(roof_sums_direct(b, Span{0, 4}, 1, sums));
        b = roof_block(roof, ghi, Eigen::ArrayXd());
        CHECK_FALSE(roof_sums_direct(b, Span{0, 4}, 1, sums));
        CHECK(sums.touched().empty());
    }
}
