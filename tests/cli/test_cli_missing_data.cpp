// `repot run` where optional layers cover only part of a zone (method.md §10, "missing is never
// zero"): every optional flag at once on an 8-pixel zone computed by hand, the theoretical tiers
// unchanged by screening layers, coverage columns and coded notes; runs without roof, GHI or any
// raster. Panels are flat (tilt 0, so H_A = H) to keep every number a hand computation.
#include <doctest/doctest.h>

#include <cmath>

#include "cli_support.hpp"

using namespace repot_cli_test;

namespace {

constexpr double N = NAN;

// One row of 8 pixels of 10 m (100 m²) in EPSG:6677; zone "1" holds them all. GHI 1000 kWh/m²/yr.
//   px  roof  slope aspect shade  class terrain  inc1 inc2  demand temperature
//   0    50     2    N     1       1      5      0.5   1     10     15
//   1    50     2    90    0.8     1      5      1     0.5   10     15
//   2    50     N    180   1       1     25      1     1     10     15
//   3    50     2    180   N       1      N      1     1     10     15
//   4    50    65    180   1       1      5      1     1     N      N
//   5     0     N    N     N       2      5      1     1     N      15
//   6     N     N    N     N       1      5      1     N     10     15
//   7    20     1    N     0.6     1      5      1     N     10     15
// Class 1: land, pv_fraction 0.5, gsh_fraction 0.2, built_share 0.3; class 2: water (excluded).
struct Case {
    TempDir dir{"missing"};
    std::string zones = dir / "zones.geojson", roof = dir / "roof.tif", ghi = dir / "ghi.tif",
                slope = dir / "slope.tif", aspect = dir / "aspect.tif", shade = dir / "shade.tif",
                landuse = dir / "landuse.tif", classes = dir / "classes.csv", terrain = dir / "terrain.tif",
                inc1 = dir / "inc1.tif", inc2 = dir / "inc2.tif", demand = dir / "demand.tif",
                temperature = dir / "temperature.tif", scenario = dir / "flat.toml";

    Case() {
        write_zones_geojson(zones, {rect_zone("1", "Row", 0, -10, 80, 0)});
        RasterSpec s;
        s.x0 = 0;
        s.y_top = 0;
        s.width = 8;
        s.height = 1;
        s.nodata = -9999;
        auto put = [&](const std::string& path, std::vector<double> v) {
            for (double& x : v)
                if (std::isnan(x)) x = -9999;
            write_raster(path, s, {v});
        };
        put(roof, {50, 50, 50, 50, 50, 0, N, 20});
        put(ghi, {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000});
        put(slope, {2, 2, N, 2, 65, N, N, 1});
        put(aspect, {N, 90, 180, 180, 180, N, N, N});
        put(shade, {1, 0.8, 1, N, 1, N, N, 0.6});
        put(landuse, {1, 1, 1, 1, 1, 2, 1, 1});
        put(terrain, {5, 5, 25, N, 5, 5, 5, 5});
        put(inc1, {0.5, 1, 1, 1, 1, 1, 1, 1});
        put(inc2, {1, 0.5, 1, 1, 1, 1, N, N});
        put(demand, {10, 10, 10, 10, N, N, 10, 10});
        put(temperature, {15, 15, 15, 15, N, 15, 15, 15});
        write_text(classes, "code,name,pv_fraction,gsh_fraction,excluded,built_share\n"
                            "1,land,0.5,0.2,0,0.3\n"
                            "2,water,0,0,1,0\n");
        write_text(scenario, "[solar_roof]\nflat_panel_tilt_deg = 0\n[solar_land]\npanel_tilt_deg = 0\n");
    }

    std::vector<std::string> base(const std::string& out) const {
        return {"run", "--zones", zones, "--zone-id-field", "code", "--scenario", scenario, "--out", out, "-q"};
    }
    std::vector<std::string> every_flag(const std::string& out) const {
        auto a = base(out);
        a.insert(a.end(), {"--roof", roof, "--ghi", ghi, "--roof-slope", slope, "--roof-aspect", aspect, "--roof-shade",
                           shade, "--landuse", landuse, "--landuse-classes", classes, "--terrain-slope", terrain,
                           "--inclusion", inc1, "--inclusion", inc2, "--heat-demand", demand, "--temperature",
                           temperature});
        return a;
    }
};

CsvTable run_ok(const std::vector<std::string>& args, const std::string& out) {
    auto r = run_repot(args);
    INFO(describe(r));
    REQUIRE(r.code == 0);
    return CsvTable(read_text(fs::path(out) / "potential.csv"));
}

bool has_code(const std::string& codes, const std::string& code) {
    return contains(";" + codes + ";", ";" + code + ";");
}

}  // namespace

TEST_CASE("cli missing data: every optional layer at once, partly covered, against a hand computation") {
    Case c;
    const std::string out = c.dir / "out";
    CsvTable t = run_ok(c.every_flag(out), out);
    auto cell = [&](const char* col) { return t.cell("zone_id", "1", col); };
    auto check = [&](const char* col, double v, int decimals) { check_cell(col, cell(col), v, decimals); };

    // Roof PV. Theoretical H·R on every pixel with roof and GHI, screening layers or not:
    // 1000 · (5 · 50 + 0 + 20) = 270000 kWh.
    check("solar_roof_theoretical_mwh", 270, 3);
    check("roof_area_m2", 270, 2);
    // Eligible: px 0 (flat, shade 1) and px 1 (flat, shade 0.8); px 2 lacks slope, px 3 shade, px 4 is too
    // steep, px 7 too shaded (0.6 < 0.7).
    check("eligible_roof_area_m2", 100, 2);
    check("solar_roof_capacity_kw", 100 * 0.8 * 0.167, 3);  // 13.36
    // P · s · H_A · K per face: 6.68 · 1000 · 0.88 = 5878.4 kWh, times s = 1 and 0.8: 10581.12 kWh.
    check("solar_roof_technical_mwh", 10.58112, 3);
    // × 0.85 × inclusion (0.5 · 1 on px 0, 1 · 0.5 on px 1): 0.85 · (2939.2 + 2351.36) = 4496.976 kWh.
    check("solar_roof_usable_mwh", 4.496976, 3);
    // Coverage of the screening layers over the 6 roof pixels (0, 1, 2, 3, 4, 7).
    check("roof_slope_coverage", 5.0 / 6, 6);
    check("roof_slope_nodata_px", 1, 0);
    check("roof_aspect_coverage", 1, 6);  // flat faces need no aspect
    check("roof_shade_coverage", 5.0 / 6, 6);
    check("roof_coverage", 7.0 / 8, 6);
    check("roof_nodata_px", 1, 0);

    // Land PV on the 7 land pixels (px 5 is water). Theoretical H · A_land = 1000 · 700 kWh.
    check("landuse_land_area_m2", 700, 2);
    check("solar_land_theoretical_mwh", 700, 3);
    // Open ground: 50 m² on px 0-4, 100 · (1 − 0.3) = 70 m² on px 6 (no roof data: built share), 80 m² on
    // px 7; capacity × 0.5 × 0.05 kW/m²: 5 · 1.25 + 1.75 + 2.0 = 10 kW; technical × 1000 × 0.88.
    check("solar_land_capacity_kw", 10, 3);
    check("solar_land_technical_mwh", 8.8, 3);
    // Usable: × inclusion, only where terrain slope has a value below 20°: px 0 550 · 0.5 ... px 2 (25°) and
    // px 3 (no slope) drop: 550 + 550 + 1100 + 1540 + 1760 = 5500 kWh.
    check("solar_land_usable_mwh", 5.5, 3);
    check("terrain_slope_coverage", 6.0 / 7, 6);
    check("inclusion_coverage", 6.0 / 8, 6);

    // Ground heat: 0.72 GJ per m² of open ground (400 m² on land): 288 GJ; × 0.2: 57.6 GJ. Usable: the demand
    // cap per covered cell, min(7.2, 10) × 4 on px 0-3, min(10.08, 10) on px 6, min(11.52, 10) on px 7 = 48.8.
    check("ground_heat_theoretical_gj", 288, 3);
    check("ground_heat_technical_gj", 57.6, 3);
    check("ground_heat_usable_gj", 48.8, 3);
    check("heat_demand_coverage", 0.75, 6);
    check("heat_demand_nodata_px", 2, 0);
    // Solar heat on the eligible faces: 80 m² of collectors receiving (40 000 + 32 000) kWh, a mean of 900
    // kWh/m²: theoretical 900 · 80 · 0.0036 = 259.2 GJ, technical × 0.4 = 103.68 GJ; usable: per-cell caps
    // min(57.6, 10) + min(46.08, 10) = 20 GJ.
    check("solar_heat_theoretical_gj", 259.2, 3);
    check("solar_heat_technical_gj", 103.68, 3);
    check("solar_heat_usable_gj", 20, 3);
    check("temperature_mean_c", 15, 2);
    check("temperature_coverage", 7.0 / 8, 6);

    const std::string codes = cell("note_codes");
    for (const char* code : {"roof_coverage_partial", "roof_slope_coverage_partial", "roof_shade_coverage_partial",
                             "terrain_slope_coverage_partial", "inclusion_coverage_partial",
                             "temperature_coverage_partial", "heat_demand_coverage_partial", "open_ground_built_share"}) {
        INFO("note code ", code, " in ", codes);
        CHECK(has_code(codes, code));
    }
    CHECK_FALSE(has_code(codes, "roof_aspect_coverage_partial"));
    CHECK(contains(cell("notes"), "roof slope covers 83.3 % of the roof pixels"));

    // run.json carries the same notes with codes, the schema version and the class table used.
    Json j = parse_json(read_text(fs::path(out) / "run.json"));
    CHECK(j.at("schema_version").num == 2);
    bool found = false;
    for (const auto& n : j.at("zone_notes").items)
        found |= n.at("zone_id").str == "1" && n.at("code").str == "heat_demand_coverage_partial";
    CHECK(found);
    const Json& lc = j.at("landuse_classes");
    CHECK(lc.at("origin").str == c.classes);
    CHECK_FALSE(lc.at("default").b);
    CHECK_FALSE(lc.at("assumption").b);
    CHECK(lc.at("classes").items.at(0).at("built_share").num == doctest::Approx(0.3));

    // landcover.csv: 7 pixels of class 1, 1 of class 2, none without a class; areas add up to the zone's 800 m².
    CsvTable lc_csv(read_text(fs::path(out) / "landcover.csv"));
    REQUIRE(lc_csv.body.size() == 3);
    CHECK(lc_csv.body[0] == std::vector<std::string>{"1", "", "1", "land", "7", "700.00", "0.875000"});
    CHECK(lc_csv.body[1] == std::vector<std::string>{"1", "", "2", "water", "1", "100.00", "0.125000"});
    CHECK(lc_csv.body[2] == std::vector<std::string>{"1", "", "", "(no land-use data)", "0", "0.00", "0.000000"});
    check("land_area_m2", 800, 2);

    // The long form carries every coverage too.
    const std::string tidy = read_text(fs::path(out) / "potential_long.csv");
    CHECK(contains(tidy, "1,,roof_slope,input,coverage,share,0.833333\n"));
    CHECK(contains(tidy, "1,,heat_demand,input,nodata,px,2\n"));
}

TEST_CASE("cli missing data: screening layers never change the theoretical tiers") {
    Case c;
    const std::string with = c.dir / "with", without = c.dir / "without";
    CsvTable a = run_ok(c.every_flag(with), with);
    auto plain = c.base(without);
    plain.insert(plain.end(), {"--roof", c.roof, "--ghi", c.ghi, "--landuse", c.landuse, "--landuse-classes", c.classes});
    CsvTable b = run_ok(plain, without);
    for (const char* col : {"solar_roof_theoretical_mwh", "solar_land_theoretical_mwh", "landuse_land_area_m2",
                            "ground_heat_theoretical_gj", "roof_area_m2"}) {
        INFO(col);
        CHECK(a.cell("zone_id", "1", col) == b.cell("zone_id", "1", col));
    }
    // Without screening layers every roof is flat, unshaded and eligible: 270 m².
    check_cell("eligible", b.cell("zone_id", "1", "eligible_roof_area_m2"), 270, 2);
    CHECK(b.cell("zone_id", "1", "roof_slope_coverage").empty());
}

TEST_CASE("cli missing data: a screening layer covering no roof leaves the technical tier empty, not 0") {
    Case c;
    const std::string out = c.dir / "out", nan_slope = c.dir / "nan_slope.tif";
    RasterSpec s;
    s.width = 8;
    s.height = 1;
    s.nodata = -9999;
    write_raster(nan_slope, s, {std::vector<double>(8, -9999)});
    auto a = c.base(out);
    a.insert(a.end(), {"--roof", c.roof, "--ghi", c.ghi, "--roof-slope", nan_slope, "--roof-aspect", c.aspect});
    CsvTable t = run_ok(a, out);
    auto cell = [&](const char* col) { return t.cell("zone_id", "1", col); };
    check_cell("theoretical", cell("solar_roof_theoretical_mwh"), 270, 3);
    for (const char* col : {"solar_roof_technical_mwh", "solar_roof_usable_mwh", "solar_roof_capacity_kw",
                            "eligible_roof_area_m2", "solar_heat_technical_gj"}) {
        INFO(col);
        CHECK(cell(col).empty());
    }
    check_cell("slope coverage", cell("roof_slope_coverage"), 0, 6);
    CHECK(has_code(cell("note_codes"), "roof_slope_coverage_none"));
    CHECK(has_code(cell("note_codes"), "roof_screening_none"));
}

TEST_CASE("cli missing data: land PV without roofs, and waste without any raster") {
    Case c;
    const std::string land = c.dir / "land";
    auto a = c.base(land);
    a.insert(a.end(), {"--ghi", c.ghi, "--landuse", c.landuse, "--landuse-classes", c.classes});
    CsvTable t = run_ok(a, land);
    auto cell = [&](const char* col) { return t.cell("zone_id", "1", col); };
    check_cell("pixels", cell("pixel_count"), 8, 0);
    // No roof layer: open ground is the pixel less the built share everywhere: 7 · 70 m² · 0.025 kW/m².
    check_cell("land capacity", cell("solar_land_capacity_kw"), 12.25, 3);
    check_cell("land technical", cell("solar_land_technical_mwh"), 12.25 * 0.88, 3);
    CHECK(cell("solar_roof_theoretical_mwh").empty());
    CHECK(cell("roof_coverage").empty());
    CHECK(has_code(cell("note_codes"), "no_roof_layer"));

    // Waste alone: no grid at all; pixel counts and areas empty, the plant's tiers present.
    const std::string waste = c.dir / "waste", plants = c.dir / "plants.csv";
    write_text(plants, "facility_code,facility_name,annual_throughput_t,host_city_code\nP1,one,1000,1\n");
    auto w = c.base(waste);
    w.insert(w.end(), {"--waste-plants", plants});
    CsvTable wt = run_ok(w, waste);
    auto wcell = [&](const char* col) { return wt.cell("zone_id", "1", col); };
    CHECK(wcell("pixel_count").empty());
    CHECK(wcell("land_area_m2").empty());
    CHECK(wcell("ground_heat_theoretical_gj").empty());
    // 1000 t · 9000 kJ/kg (default LHV) = 9000 GJ.
    check_cell("waste theoretical", wcell("waste_theoretical_gj"), 9000, 3);
    CHECK(has_code(wcell("note_codes"), "no_raster"));
    Json j = parse_json(read_text(fs::path(waste) / "run.json"));
    CHECK(j.find("grid") == nullptr);
}

TEST_CASE("cli missing data: the grid comes from the first projected raster; none left asks for --grid") {
    Case c;
    const std::string out = c.dir / "out", geo = c.dir / "population_deg.tif";
    RasterSpec s;
    s.x0 = 139.832;  // around the origin of EPSG:6677 (36° N, 139°50' E), where the grid lies
    s.y_top = 36.0005;
    s.res = 0.001;
    s.width = 3;
    s.height = 2;
    s.epsg = 6668;
    write_raster(geo, s, {{1, 2, 3, 4, 5, 6}});
    auto a = c.base(out);
    a.insert(a.end(), {"--population", geo});
    expect_failure(a, out, 2, {"--grid"});
    // With land use given, its grid is taken (the population mesh in degrees is resampled).
    a.insert(a.end(), {"--landuse", c.landuse, "--landuse-classes", c.classes});
    auto r = run_repot(a);
    INFO(describe(r));
    CHECK(r.code == 0);
    Json j = parse_json(read_text(fs::path(out) / "run.json"));
    CHECK(j.at("grid").at("source").str == c.landuse);
}

TEST_CASE("cli: roof above the pixel's area is kept and counted in a warning; --strict refuses it") {
    Case c;
    const std::string out = c.dir / "out", big = c.dir / "big_roof.tif";
    RasterSpec s;
    s.width = 8;
    s.height = 1;
    write_raster(big, s, {{150, 50, 50, 120, 0, 0, 0, 0}});  // two pixels hold more than their 100 m²
    auto a = c.base(out);
    a.insert(a.end(), {"--roof", big, "--ghi", c.ghi});
    CsvTable t = run_ok(a, out);
    check_cell("roof", t.cell("zone_id", "1", "roof_area_m2"), 370, 2);
    bool warned = false;
    const Json manifest = parse_json(read_text(fs::path(out) / "run.json"));  // kept: the loop reads into it
    for (const auto& w : manifest.at("warnings").items)
        warned |= contains(w.str, "2 roof pixels hold more roof than the pixel's 100 m² (up to 150 m²");
    CHECK(warned);
    a.push_back("--strict");
    const std::string out2 = c.dir / "strict";
    a = with_flag(a, "--out", out2);
    expect_failure(a, out2, 1, {"--strict", "2 roof pixels"});
}
