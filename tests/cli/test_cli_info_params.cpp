// `repot params`, `repot params --landuse-classes`, `repot info` on the tiny case, `repot --version`.
#include <doctest/doctest.h>

#include "cli_support.hpp"

using namespace repot_cli_test;

TEST_CASE("cli params: the default scenario as TOML") {
    auto r = run_repot({"params"});
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    for (const char* section : {"[solar_roof]", "[solar_land]", "[irradiation]", "[solar_heat]", "[ground_heat]",
                                "[waste]", "[co2]"}) {
        INFO("section ", section);
        CHECK(contains(r.out, std::string("\n") + section + "\n"));
    }
    CHECK(contains(r.out, "\ncoverage = 0.8 "));
    CHECK(contains(r.out, "(assumption)"));  // assumptions are marked as such (method.md)
    CHECK(contains(r.out, "monthly_profile = ["));

    SUBCASE("its output is a valid scenario that reads back to the same text") {
        TempDir dir("params");
        const std::string path = dir / "defaults.toml";
        write_text(path, r.out);
        auto back = run_repot({"params", "--scenario", path});
        INFO(describe(back));
        REQUIRE(back.code == 0);
        CHECK(back.out == r.out);
    }
    SUBCASE("a scenario file merged over the defaults") {
        TinyCase tc;
        auto s = run_repot({"params", "--scenario", tc.scenario});
        INFO(describe(s));
        REQUIRE(s.code == 0);
        CHECK(contains(s.out, "\nflat_panel_tilt_deg = 0 "));
        CHECK(contains(s.out, "\npanel_tilt_deg = 0 "));
        CHECK(contains(s.out, "\ncoverage = 0.8 "));
    }
    SUBCASE("an unknown key is a usage error") {
        TempDir dir("params");
        const std::string path = dir / "typo.toml";
        write_text(path, "[co2]\nelectricity = 0.4\n");
        auto bad = run_repot({"params", "--scenario", path});
        INFO(describe(bad));
        CHECK(bad.code == 2);
        CHECK(bad.err.rfind("repot: error: ", 0) == 0);
        CHECK(contains(bad.err, "electricity"));
    }
}

TEST_CASE("cli params --landuse-classes: the default class table") {
    auto r = run_repot({"params", "--landuse-classes"});
    INFO(describe(r));
    REQUIRE(r.code == 0);
    auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 14);  // note + header + the 12 L03-b classes of method.md §4
    CHECK(lines[0].rfind("# ", 0) == 0);
    CHECK(contains(lines[0], "assumptions"));
    CHECK(lines[1] == "code,name,pv_fraction,gsh_fraction,excluded,existing_pv,built_share");
    CsvTable t(r.out.substr(r.out.find('\n') + 1));
    for (const char* code : {"100", "200", "500", "600", "700", "901", "902", "1000", "1100", "1400", "1500", "1600"}) {
        INFO("code ", code);
        CHECK_NOTHROW(t.row_where("code", code));
    }
    CHECK(t.cell("code", "1100", "excluded") == "1");
    CHECK(t.cell("code", "1500", "excluded") == "1");
    CHECK(t.cell("code", "600", "excluded") == "0");
    CHECK(t.cell("code", "700", "built_share") == "0.35");
    CHECK(t.cell("code", "600", "pv_fraction") == "0.30");

    auto named = run_repot({"params", "--landuse-classes", "builtin:l03b"});
    CHECK(named.code == 0);
    CHECK(named.out == r.out);
}

TEST_CASE("cli params --landuse-classes builtin:jaxa and FILE") {
    auto r = run_repot({"params", "--landuse-classes", "builtin:jaxa"});
    INFO(describe(r));
    REQUIRE(r.code == 0);
    auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 14);  // note + header + JAXA codes 1..12
    CHECK(lines[0].rfind("# ", 0) == 0);
    CHECK(contains(lines[0], "assumptions"));
    CsvTable t(r.out.substr(r.out.find('\n') + 1));
    CHECK(t.cell("code", "1", "excluded") == "1");
    CHECK(t.cell("code", "2", "name") == "Urban");
    CHECK(t.cell("code", "2", "pv_fraction") == "0.00");
    CHECK(t.cell("code", "2", "gsh_fraction") == "0.10");
    CHECK(t.cell("code", "2", "built_share") == "0.35");
    CHECK(t.cell("code", "3", "pv_fraction") == "0.05");
    CHECK(t.cell("code", "10", "pv_fraction") == "0.30");
    CHECK(t.cell("code", "12", "existing_pv") == "1");
    CHECK(t.cell("code", "12", "pv_fraction") == "0.00");
    CHECK_THROWS(t.row_where("code", "0"));

    TempDir dir("params_classes");
    const std::string path = dir / "mine.csv";
    write_text(path, "code,name,pv_fraction,gsh_fraction,excluded\n7,x,0.25,0.5,0\n");
    auto file = run_repot({"params", "--landuse-classes", path});
    CHECK(file.code == 0);
    CHECK(file.out == "code,name,pv_fraction,gsh_fraction,excluded\n7,x,0.25,0.5,0\n");

    auto unknown = run_repot({"params", "--landuse-classes", "builtin:corine"});
    CHECK(unknown.code == 2);
    CHECK(contains(unknown.err, "builtin:corine"));
    const std::string bad = dir / "bad.csv";
    write_text(bad, "code,name,pv_fraction,gsh_fraction,excluded,built_share\n7,x,0.25,0.5,0,2\n");
    auto refused = run_repot({"params", "--landuse-classes", bad});
    CHECK(refused.code == 1);
    CHECK(contains(refused.err, bad));
    CHECK(contains(refused.err, "built_share"));
}

TEST_CASE("cli info: the tiny case") {
    TinyCase tc;
    auto r = run_repot(tc.args("info", ""));
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    CHECK(contains(r.out, "40 × 12 px"));
    CHECK(contains(r.out, "zones: 3 from " + tc.zones + " (2 overlap the grid's extent)"));
    for (const char* layer : {"roof: ", "ghi: ", "landuse: "}) {
        INFO("layer ", layer);
        CHECK(contains(r.out, std::string("\n  ") + layer));
    }
    CHECK(contains(r.out, "12 band(s)"));
    CHECK(contains(r.out, "land-use classes: 12"));
    CHECK(contains(r.out, "solar_land"));
    CHECK(contains(r.out, "--maps writes: maps/solar_roof_usable_kwh.tif (solar_roof usable, kWh/yr) "
                          "maps/solar_land_usable_kwh.tif (solar_land usable, kWh/yr) maps/solar_heat_technical_gj.tif "
                          "(solar_heat technical, GJ/yr) maps/ground_heat_technical_gj.tif (ground_heat technical, GJ/yr) "
                          "maps/zones.tif maps/zones.csv maps/overview.png municipalities.gpkg\n"));

    SUBCASE("without land use it says land PV is not computed") {
        auto r2 = run_repot(tc.args("info", "", false));
        INFO(describe(r2));
        REQUIRE(r2.code == 0);
        CHECK_FALSE(contains(r2.out, "\n  landuse: "));
        CHECK(contains(r2.out, "land PV is not computed"));
        CHECK_FALSE(contains(r2.out, "maps/solar_land_usable_kwh.tif"));
    }
    SUBCASE("a bad input fails as run would") {
        TempDir dir("info");
        const std::string path = dir / "ghi_2band.tif";
        write_raster(path, TinyCase::spec(GDT_Float32, std::nullopt), TinyCase::ghi_bands(2));
        auto bad = run_repot(with_flag(tc.args("info", ""), "--ghi", path));
        INFO(describe(bad));
        CHECK(bad.code == 1);
        CHECK(bad.err.rfind("repot: error: ", 0) == 0);
        CHECK(contains(bad.err, path));
    }
}

TEST_CASE("cli --version names repot GDAL PROJ and Eigen") {
    auto r = run_repot({"--version"});
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CHECK(contains(r.out, std::string("repot ") + REPOT_VERSION));
    for (const char* lib : {"GDAL", "PROJ", "Eigen"}) {
        INFO(lib);
        CHECK(contains(r.out, lib));
    }
}
