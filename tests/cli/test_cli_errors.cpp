// Bad inputs to `repot run`: each fails with exit code 1 (data) or 2 (usage), one line
// `repot: error: ...` on stderr naming the file (or flag) and the problem, and no potential.csv;
// and a failing run leaves the outputs of an earlier run untouched.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>

#include <set>

#include "cli_support.hpp"

using namespace repot_cli_test;

TEST_CASE("cli errors: bad inputs fail with one clear line and no outputs") {
    TinyCase tc;
    TempDir work("err");
    const fs::path out = work.path() / "out";  // fresh in each subcase (the TempDir is per subcase run)
    const auto base = tc.run_args(out.string());

    SUBCASE("missing roof file") {
        const std::string missing = work / "no_such_roof.tif";
        expect_failure(with_flag(base, "--roof", missing), out, 1, {missing, "cannot open"});
    }
    SUBCASE("roof raster without CRS") {
        const std::string path = work / "roof_no_crs.tif";
        RasterSpec s = TinyCase::spec(GDT_Float32, TinyCase::ROOF_NODATA);
        s.epsg = 0;
        write_raster(path, s, {TinyCase::roof_band()});
        expect_failure(with_flag(base, "--roof", path), out, 1, {path, "no CRS"});
    }
    SUBCASE("GHI raster that does not overlap the grid") {
        const std::string path = work / "ghi_far.tif";
        RasterSpec s = TinyCase::spec(GDT_Float32, std::nullopt);
        s.x0 += 100000;  // 100 km east
        write_raster(path, s, TinyCase::ghi_bands());
        expect_failure(with_flag(base, "--ghi", path), out, 1, {path, "ghi", "does not overlap"});
    }
    SUBCASE("values outside their plausible range: GHI +inf, GHI 1e30, a 500 kWh/m² month, temperature -100 °C") {
        auto bands = TinyCase::ghi_bands();
        struct Bad {
            const char* flag;
            int band;
            double value;
            const char* needle;
        };
        for (const Bad& bad : {Bad{"--ghi", 0, INFINITY, "above its maximum 400"}, Bad{"--ghi", 3, 1e30, "1e+30"},
                               Bad{"--ghi", 6, 500, "above its maximum 400"},
                               Bad{"--temperature", 2, -100, "below its minimum -60"}}) {
            CAPTURE(bad.flag);
            const std::string path = work / (std::string("bad_") + std::to_string(bad.band) + ".tif");
            auto v = std::string(bad.flag) == "--temperature"
                         ? std::vector<std::vector<double>>(12, std::vector<double>(bands[0].size(), 15.0))
                         : bands;
            v[size_t(bad.band)][size_t(5 * TinyCase::W + 4)] = bad.value;  // pixel (4, 5), inside Alpha
            write_raster(path, TinyCase::spec(GDT_Float64, std::nullopt), v);
            expect_failure(with_flag(base, bad.flag, path), out, 1,
                           {path, fmt::format("band {}", bad.band + 1), "pixel (4, 5)", bad.needle, "plausible range"});
        }
    }
    SUBCASE("roof over 16 times its pixel's area (m² expected: 1,600 on a 10 m pixel)") {
        const std::string path = work / "roof_huge.tif";
        auto v = TinyCase::roof_band();
        v[size_t(5 * TinyCase::W + 4)] = 1601;  // pixel (4, 5), inside Alpha
        write_raster(path, TinyCase::spec(GDT_Float32, TinyCase::ROOF_NODATA), {v});
        expect_failure(with_flag(base, "--roof", path), out, 1, {path, "pixel (4, 5)", "above its maximum 1600"});
    }
    SUBCASE("GHI raster with 2 bands") {
        const std::string path = work / "ghi_2band.tif";
        write_raster(path, TinyCase::spec(GDT_Float32, std::nullopt), TinyCase::ghi_bands(2));
        expect_failure(with_flag(base, "--ghi", path), out, 1, {path, "2 band(s)", "expected 1 or 12"});
    }
    SUBCASE("zones file with duplicate ids") {
        const std::string path = work / "zones_dup.geojson";
        auto zs = TinyCase::zone_polygons();
        zs[1].id = "101";
        write_zones_geojson(path, zs);
        expect_failure(with_flag(base, "--zones", path), out, 1, {path, "duplicate zone id '101'"});
    }
    SUBCASE("land-use code missing from the class table") {
        const std::string path = work / "landuse_4242.tif";
        auto v = TinyCase::landuse_band();
        v[size_t(5 * TinyCase::W + 4)] = 4242;  // pixel (4, 5), inside Alpha
        write_raster(path, TinyCase::spec(GDT_UInt16, 0), {v});
        expect_failure(with_flag(base, "--landuse", path), out, 1, {path, "4242", "not in the class table"});
    }
    SUBCASE("land-use code missing from the class table, in a layer coarser than the grid (read by cell runs)") {
        // 20 m cells on the 10 m grid: cell (2, 2) holds grid pixels (4..5, 4..5), inside Alpha.
        const std::string path = work / "landuse_4242_20m.tif";
        RasterSpec coarse = TinyCase::spec(GDT_UInt16, 0);
        coarse.res = 20, coarse.width = TinyCase::W / 2, coarse.height = TinyCase::H / 2;
        std::vector<double> v(size_t(coarse.width * coarse.height), 100);  // L03-b paddy
        v[size_t(2 * coarse.width + 2)] = 4242;
        write_raster(path, coarse, {v});
        expect_failure(with_flag(base, "--landuse", path), out, 1,
                       {path, "4242", "grid pixel (4, 4)", "not in the class table"});
    }
    SUBCASE("unwritable --out (below a regular file)") {
        const std::string file = work / "a_file";
        write_text(file, "not a folder\n");
        const std::string bad_out = file + "/sub";
        expect_failure(with_flag(base, "--out", bad_out), bad_out, 1, {bad_out, "output folder"});
        CHECK(read_text(file) == "not a folder\n");
    }
    SUBCASE("roof raster with a negative value") {
        const std::string path = work / "roof_negative.tif";
        auto v = TinyCase::roof_band();
        v[size_t(4 * TinyCase::W + 3)] = -5;  // pixel (3, 4), inside Alpha
        write_raster(path, TinyCase::spec(GDT_Float32, TinyCase::ROOF_NODATA), {v});
        expect_failure(with_flag(base, "--roof", path), out, 1, {path, "negative", "(3, 4)"});
    }
    SUBCASE("roof raster with NaN not declared nodata") {
        const std::string path = work / "roof_nan.tif";
        auto v = TinyCase::roof_band();
        v[size_t(4 * TinyCase::W + 3)] = NAN;
        write_raster(path, TinyCase::spec(GDT_Float32, TinyCase::ROOF_NODATA), {v});
        expect_failure(with_flag(base, "--roof", path), out, 1, {path, "NaN", "nodata"});
    }
    SUBCASE("scenario with an unknown key") {
        const std::string path = work / "typo.toml";
        write_text(path, "[solar_roof]\ncoverge = 0.7\n");
        expect_failure(with_flag(base, "--scenario", path), out, 2, {path, "coverge", "unknown"});
    }
    SUBCASE("scenario value out of range") {
        const std::string path = work / "range.toml";
        write_text(path, "[solar_roof]\ncoverage = 1.5\n");
        expect_failure(with_flag(base, "--scenario", path), out, 2, {path, "coverage", "range"});
    }
    SUBCASE("--roof-slope without --roof-aspect") {
        expect_failure(with_flag(base, "--roof-slope", tc.roof), out, 2, {"--roof-slope", "--roof-aspect"});
    }
    SUBCASE("missing required flag") {
        expect_failure(without_flag(base, "--zones"), out, 2, {"--zones"});
    }
}

TEST_CASE("cli errors: a failing run leaves the earlier outputs untouched") {
    TinyCase tc;
    TempDir work("err");
    const fs::path out = work.path() / "out";
    auto ok = run_repot(tc.run_args(out.string()));
    INFO(describe(ok));
    REQUIRE(ok.code == 0);
    const std::set<std::string> files{"landcover.csv", "potential.csv", "potential_long.csv", "potential_monthly.csv", "run.json"};
    REQUIRE(files_in(out) == files);
    std::map<std::string, std::string> before;
    for (const auto& f : files) before[f] = read_text(out / f);

    SUBCASE("failing in the computation, after the output folder was checked") {
        // An unknown land-use code is only found when its block is read.
        const std::string path = work / "landuse_4242.tif";
        auto v = TinyCase::landuse_band();
        v[size_t(5 * TinyCase::W + 4)] = 4242;
        write_raster(path, TinyCase::spec(GDT_UInt16, 0), {v});
        auto r = run_repot(with_flag(tc.run_args(out.string()), "--landuse", path));
        INFO(describe(r));
        CHECK(r.code == 1);
    }
    SUBCASE("failing while opening the inputs") {
        auto r = run_repot(with_flag(tc.run_args(out.string()), "--roof", work / "missing.tif"));
        INFO(describe(r));
        CHECK(r.code == 1);
    }
    SUBCASE("failing on a bad scenario") {
        const std::string path = work / "typo.toml";
        write_text(path, "[solar_land]\npanel_tilt = 0\n");
        auto r = run_repot(with_flag(tc.run_args(out.string()), "--scenario", path));
        INFO(describe(r));
        CHECK(r.code == 2);
    }
    CHECK(files_in(out) == files);  // no temporaries left beside them
    for (const auto& f : files) {
        INFO(f, " changed by the failing run");
        CHECK(read_text(out / f) == before[f]);
    }
}
