// The demo's real inputs on a coarse clip: JAXA land cover with the built-in JAXA table, NEDO MONSOLA
// irradiation, the census population and the PLATEAU roofs, on a 200 m grid over mainland Tokyo (the demo's
// extent at 1/400 of its pixels). Every mainland municipality must get land PV, land-cover ground heat and
// land-cover areas that add up to its land area.
#include <doctest/doctest.h>

#include <map>

#include "maps_support.hpp"

using namespace repot_cli_test;

TEST_CASE("cli tokyo inputs: land PV, ground heat and land cover for every mainland municipality") {
    const fs::path d = fs::path(REPOT_SOURCE_DIR) / "datasets/tokyo";
    TempDir dir("tokyo");
    const std::string out = dir / "out";
    auto r = run_repot({"run", "--zones", (d / "tokyo_municipalities_n03_2021_s0010.gpkg").string(), "--zone-id-field",
                        "city_code", "--zone-name-field", "city_name", "--roof", (d / "tokyo23_roof_area_10m.tif").string(),
                        "--ghi", (d / "irradiation/ghi_monsola_mainland_1km.tif").string(), "--landuse",
                        (d / "landcover/jaxa_hrlulc_v2111_tokyo_mainland_6677_10m.tif").string(), "--landuse-classes",
                        "builtin:jaxa", "--population", (d / "population/census2015_pop_500m_mesh5339.tif").string(),
                        "--grid", "EPSG:6677:200:-80800,-55400,7800,-10800", "--no-checksum", "-q", "--maps", "--out", out});
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CsvTable t(read_text(fs::path(out) / "potential.csv"));
    REQUIRE(t.body.size() == 62);
    int mainland = 0;
    for (const auto& row : t.body) {
        const std::string id = row[t.col("zone_id")];
        const bool island = id >= "13360";  // 大島町 13361 … 小笠原村 13421 lie outside the grid
        if (island) {
            CHECK(row[t.col("pixel_count")] == "0");
            continue;
        }
        ++mainland;
        INFO("zone ", id, " ", row[t.col("zone_name")]);
        for (const char* col : {"solar_land_theoretical_mwh", "solar_land_technical_mwh", "solar_land_usable_mwh",
                                "ground_heat_technical_gj", "ground_heat_usable_gj", "landuse_land_area_m2"}) {
            INFO(col);
            REQUIRE_FALSE(row[t.col(col)].empty());
            CHECK(std::stod(row[t.col(col)]) > 0);
        }
        CHECK(row[t.col("landuse_coverage")] == "1.000000");
        // Irradiation from the nearest MONSOLA point: every mainland point's annual total is 1204-1261 kWh/m².
        const double ghi = std::stod(row[t.col("ghi_mean_kwh_m2")]);
        CHECK(ghi >= 1204.0);
        CHECK(ghi <= 1261.0);
    }
    CHECK(mainland == 53);

    // landcover.csv: the class areas of each zone add up to its land_area_m2, to the cent.
    CsvTable lc(read_text(fs::path(out) / "landcover.csv"));
    std::map<std::string, double> area;
    for (const auto& row : lc.body) area[row[lc.col("zone_id")]] += std::stod(row[lc.col("area_m2")]);
    CHECK(area.size() == 53);
    for (const auto& [id, a] : area) {
        INFO("zone ", id);
        CHECK(a == doctest::Approx(std::stod(t.cell("zone_id", id, "land_area_m2"))).epsilon(1e-12));
    }
    // run.json names the built-in table and marks its fractions as assumptions.
    Json j = parse_json(read_text(fs::path(out) / "run.json"));
    CHECK(j.at("landuse_classes").at("assumption").b);
    CHECK(j.at("landuse_classes").at("id").str == "builtin:jaxa");
    CHECK_FALSE(j.at("landuse_classes").at("default").b);

    // --maps: the GeoPackage holds all 62 municipalities with every CSV column; each map's sum over
    // a zone's pixels (read here with GDAL) equals its CSV value. Solar heat per pixel comes before the
    // household collector cap (population is given), so its map may only exceed the CSV.
    check_gpkg_matches_csv(out, 62);
    const Band zones = read_band((fs::path(out) / "maps/zones.tif").string());
    for (const auto& name : kMaps) {
        const auto sums = zonal_sums(read_band((fs::path(out) / "maps" / name).string()), zones);
        const auto& [column, per_unit] = kCsvColumn.at(name);
        for (size_t z = 0; z < t.body.size(); ++z) {
            const std::string cell = t.body[z][t.col(column)];
            INFO(name, " zone ", t.body[z][0]);
            const double map = sums.count(int(z) + 1) ? sums.at(int(z) + 1) : 0.0;
            if (cell.empty()) CHECK(map == 0);
            else if (name.rfind("solar_heat", 0) == 0)  // the tolerance of check_sum: float32 map pixels
                CHECK(map >= std::stod(cell) * per_unit - 0.0005 * per_unit - 1e-6 * std::stod(cell) * per_unit);
            else check_sum(map, std::stod(cell) * per_unit, per_unit, name);
        }
    }
    CHECK(fs::file_size(fs::path(out) / "maps/overview.png") < 500 * 1024);
}
