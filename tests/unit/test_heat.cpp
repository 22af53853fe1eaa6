// Solar heat and ground-source heat (method.md §5, §6) against values worked by hand.
#include <doctest/doctest.h>

#include <cmath>

#include "repot/kernels.hpp"

using namespace repot;

TEST_CASE("borehole heat: 100 m × 30 W/m × 1800 h × COP/(COP−1) = 25.92 GJ per borehole") {
    GroundHeatParams p;
    // 100 * 30 * 1800 = 5.4e6 Wh extracted; * 4/3 = 7.2e6 Wh delivered; * 3.6e-6 GJ/Wh = 25.92 GJ
    CHECK(borehole_heat_gj(p) == doctest::Approx(25.92).epsilon(1e-12));
    p.cop = 3;  // 5.4e6 * 3/2 * 3.6e-6 = 29.16
    CHECK(borehole_heat_gj(p) == doctest::Approx(29.16).epsilon(1e-12));
}

namespace {
Block ground_block(std::initializer_list<double> roof) {
    Block b;
    b.width = int(roof.size());
    b.height = 1;
    b.pixel_area = 100;
    b.roof = Eigen::Map<const Eigen::ArrayXd>(roof.begin(), Eigen::Index(roof.size()));
    return b;
}
}  // namespace

TEST_CASE("ground heat kernel without land use: open ground × default fraction") {
    Block b = ground_block({40, NAN, 100});
    GroundHeatParams p;
    Columns out = Columns::Zero(3, q_count);
    ground_heat_kernel(b, {0, 3}, p, nullptr, out);
    // 25.92 GJ per borehole / 36 m² per borehole = 0.72 GJ/m² of open ground
    CHECK(out(0, q_ground_open_m2) == 60);   // 100 - 40 m² open
    CHECK(out(1, q_ground_open_m2) == 100);  // no roof data: whole pixel
    CHECK(out(2, q_ground_open_m2) == 0);    // all roof
    CHECK(out(0, q_ground_field_m2) == 60);  // no classes: the default fraction applies per zone
    // 25.92 GJ per borehole / 36 m² per borehole = 0.72 GJ/m² of open ground; field × 0.1 without classes
    CHECK(ground_heat_gj_per_m2(p) == doctest::Approx(0.72).epsilon(1e-12));
    CHECK(ground_field_gj_per_m2(p, false) == doctest::Approx(0.072).epsilon(1e-12));
    const HeatTiers z = ground_heat_zone(160, 160, false, std::nullopt, std::nullopt, p);
    CHECK(z.theoretical_gj == doctest::Approx(160 * 0.72));       // 115.2 GJ
    CHECK(z.technical_gj == doctest::Approx(160 * 0.72 * 0.1));   // 11.52 GJ
    CHECK(out.col(q_ground_px).sum() == 3);
    CHECK(out.col(q_ground_heat_capped_gj).sum() == 0);  // no demand raster
}

TEST_CASE("ground heat kernel with land use: class fractions, excluded water, demand cap per cell") {
    Block b = ground_block({40, 0, 0, 0});
    b.landuse.resize(4);
    LandUseTable t = LandUseTable::parse(
        "code,name,pv_fraction,gsh_fraction,excluded\n1,a,0,0.2,0\n2,water,0,0.5,1\n", "test");
    b.landuse << t.index_of(1), t.index_of(2), -1, t.index_of(1);
    b.heat_demand.resize(4);
    b.heat_demand << 100, 100, 100, 5;
    GroundHeatParams p;
    Columns out = Columns::Zero(4, q_count);
    ground_heat_kernel(b, {0, 4}, p, &t, out);
    CHECK(out(0, q_ground_field_m2) == doctest::Approx(60 * 0.2));   // 12 m² of field: 8.64 GJ
    CHECK(out(1, q_ground_open_m2) == 0);                            // excluded class
    CHECK(out(2, q_ground_px) == 0);                                 // no class: not counted
    CHECK(out(3, q_ground_field_m2) == doctest::Approx(100 * 0.2));  // 20 m²: 14.4 GJ
    CHECK(ground_field_gj_per_m2(p, true) == doctest::Approx(0.72).epsilon(1e-12));  // classes carry the fraction
    CHECK(out(0, q_ground_heat_capped_gj) == doctest::Approx(8.64));           // below its demand of 100
    CHECK(out(3, q_ground_heat_capped_gj) == doctest::Approx(5));              // capped by its demand of 5
}

TEST_CASE("ground heat per zone: the household demand cap on both sides") {
    GroundHeatParams p;  // 10.2 + 0.7 = 10.9 GJ per household
    // With classes 0.72 GJ per m² of field: 125 m² → 90 GJ, 250 m² → 180 GJ.
    auto below = ground_heat_zone(500, 125, true, 10.0, std::nullopt, p);
    CHECK(below.technical_gj == doctest::Approx(90));
    CHECK(below.usable_gj.value() == doctest::Approx(90));   // demand 109 > technical 90
    auto above = ground_heat_zone(500, 250, true, 10.0, std::nullopt, p);
    CHECK(above.usable_gj.value() == doctest::Approx(109));  // demand 109 < technical 180
    CHECK(above.theoretical_gj == doctest::Approx(360));     // 500 m² × 0.72
    CHECK(ground_heat_zone(500, 250, true, std::nullopt, 50.0, p).usable_gj.value() == doctest::Approx(50));
    CHECK_FALSE(ground_heat_zone(500, 250, true, std::nullopt, std::nullopt, p).usable_gj.has_value());
}

TEST_CASE("solar heat per zone: collector area capped at 6 m² per household, demand 12 GJ per household") {
    SolarHeatParams p;
    const SolarRoofParams roof;  // coverage 0.8: 125 m² of eligible roof carry 100 m² of collectors
    // 100 m² of collector area at 1300 kWh/m²; 10 households may use 60 m² of it.
    auto h = solar_heat_zone(125, 125 * 1300.0, 10.0, std::nullopt, roof, p);
    CHECK(h.theoretical_gj == doctest::Approx(1300 * 60 * 0.0036));        // 280.8 GJ
    CHECK(h.technical_gj == doctest::Approx(1300 * 60 * 0.0036 * 0.4));    // 112.32 GJ
    CHECK(h.usable_gj.value() == doctest::Approx(112.32));                 // demand 120 GJ does not bind
    // At 1500 kWh/m² the same 60 m² deliver 129.6 GJ, more than the 120 GJ the households need.
    auto d = solar_heat_zone(125, 125 * 1500.0, 10.0, std::nullopt, roof, p);
    CHECK(d.technical_gj == doctest::Approx(129.6));
    CHECK(d.usable_gj.value() == doctest::Approx(120));
    // Many households: the roofs bind (100 m²).
    auto r = solar_heat_zone(125, 125 * 1300.0, 1000.0, std::nullopt, roof, p);
    CHECK(r.theoretical_gj == doctest::Approx(1300 * 100 * 0.0036));  // 468 GJ
    // Without population: every eligible collector metre, usable not computed.
    auto n = solar_heat_zone(125, 125 * 1300.0, std::nullopt, std::nullopt, roof, p);
    CHECK(n.theoretical_gj == doctest::Approx(468));
    CHECK_FALSE(n.usable_gj.has_value());
    // A heat-demand raster's per-cell cap, never above the technical tier.
    CHECK(solar_heat_zone(125, 125 * 1300.0, 10.0, 50.0, roof, p).usable_gj.value() == doctest::Approx(50));
    CHECK(solar_heat_zone(125, 125 * 1300.0, 10.0, 500.0, roof, p).usable_gj.value() == doctest::Approx(112.32));
}

TEST_CASE("solar heat kernel: per-cell demand cap from a heat-demand raster") {
    Block b;
    b.width = 2;
    b.height = 1;
    b.heat_demand.resize(2);
    b.heat_demand << 2.0, NAN;
    b.roof = Eigen::ArrayXd::Constant(2, 10.0);  // the roof kernel ran
    b.ghi_year = Eigen::ArrayXd::Constant(2, 1200.0);
    Columns out = Columns::Zero(2, q_count);
    out(0, q_roof_plane_kwh) = 1250;  // as the roof kernel leaves it: 1,000 kWh on the collectors (× 0.8)
    out(1, q_roof_plane_kwh) = 2500;
    coverage_kernel(b, {0, 2}, out);  // counts the demand and its cells
    solar_heat_kernel(b, {0, 2}, SolarRoofParams{}, SolarHeatParams{}, out);
    CHECK(out(0, q_solar_heat_capped_gj) == doctest::Approx(1250 * 0.8 * 0.4 * 0.0036));  // 1.44 GJ < 2 GJ demand
    CHECK(out(1, q_solar_heat_capped_gj) == 0);                                     // no demand value
    CHECK(out.col(q_heat_demand_gj).sum() == doctest::Approx(2));
    CHECK(out.col(q_heat_demand_valid_px).sum() == 1);
}
