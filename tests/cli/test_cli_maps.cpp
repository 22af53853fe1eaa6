// `repot run --maps` on the tiny case (cli_support.hpp): each map is a COG with CRS, nodata and units;
// zonal sums of each map, computed here with GDAL from the map and zones.tif, equal potential.csv;
// zones.tif holds the zone of every pixel as worked out by hand; --map-res keeps the totals; the
// GeoPackage holds every CSV column; a failed or interrupted run leaves no map.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "maps_support.hpp"

using namespace repot_cli_test;

TEST_CASE("cli maps: COGs with units, zonal sums equal potential.csv, zones.tif by hand") {
    TinyCase tc;
    TempDir work("maps");
    const fs::path out = work / "out";
    auto args = tc.run_args(out.string());
    args.insert(args.end(), {"--maps", "--block-size", "16"});  // several blocks write into each map
    auto r = run_repot(args);
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CHECK(files_in(out / "maps") == std::set<std::string>{"ground_heat_technical_gj.tif", "overview.png",
                                                          "solar_heat_technical_gj.tif", "solar_land_usable_kwh.tif",
                                                          "solar_roof_usable_kwh.tif", "zones.csv", "zones.tif"});
    CHECK(fs::exists(out / "municipalities.gpkg"));
    CHECK(read_text(out / "maps/zones.csv") == "index,zone_id,zone_name\n1,101,Alpha ward\n2,102,\"Beta, town\"\n3,103,Gamma\n");

    const Band zones = read_band((out / "maps/zones.tif").string());
    REQUIRE(zones.width == TinyCase::W);
    REQUIRE(zones.height == TinyCase::H);
    CHECK(zones.nodata == 0.0);
    for (int row = 0; row < TinyCase::H; ++row)
        for (int c = 0; c < TinyCase::W; ++c) {
            const int z = TinyCase::zone_of(c, row);
            INFO("pixel ", c, ",", row);
            CHECK(zones.v[size_t(row) * TinyCase::W + c] == (z == 101 ? 1 : z == 102 ? 2 : 0));
        }

    CsvTable csv(read_text(out / "potential.csv"));
    for (const auto& name : kMaps) {
        const std::string path = (out / "maps" / name).string();
        std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        REQUIRE(ds);
        CHECK(std::string(ds->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE") ?: "") == "COG");
        CHECK(std::string(ds->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE") ?: "") == "DEFLATE");
        CHECK(std::string(ds->GetMetadataItem("SCENARIO") ?: "") == "scenario");  // the scenario file's stem
        OGRSpatialReference srs(ds->GetProjectionRef());
        CHECK(std::string(srs.GetAuthorityCode(nullptr) ?: "") == "6677");
        GDALRasterBand* band = ds->GetRasterBand(1);
        CHECK(band->GetRasterDataType() == GDT_Float32);
        const std::string unit = name.find("_kwh") != std::string::npos ? "kWh/yr" : "GJ/yr";
        CHECK(std::string(band->GetUnitType()) == unit);
        CHECK(std::string(band->GetMetadataItem("UNIT") ?: "") == unit);
        CHECK(std::string(band->GetMetadataItem("TIER") ?: "") == (name.find("usable") != std::string::npos ? "usable" : "technical"));
        CHECK_FALSE(std::string(band->GetDescription()).empty());
        CHECK(band->GetMetadataItem("STATISTICS_MAXIMUM") != nullptr);

        const Band map = read_band(path);
        REQUIRE(map.nodata.has_value());
        CHECK(std::isnan(*map.nodata));
        // Outside every zone: nodata.
        for (size_t i = 0; i < map.v.size(); ++i)
            if (zones.v[i] == 0) CHECK(std::isnan(map.v[i]));
        const auto sums = zonal_sums(map, zones);
        const auto& [column, per_unit] = kCsvColumn.at(name);
        check_sum(sums.count(1) ? sums.at(1) : 0.0, csv_value(csv, "101", column) * per_unit, per_unit, name + " zone 101");
        if (name.rfind("solar_roof", 0) == 0 || name.rfind("solar_heat", 0) == 0) {
            // Beta has no roof data: its roof pixels are not computed (nodata), not 0.
            CHECK(sums.count(2) == 0);
            CHECK(csv.cell("zone_id", "102", column).empty());
        } else {
            check_sum(sums.at(2), csv_value(csv, "102", column) * per_unit, per_unit, name + " zone 102");
        }
    }

    // run.json lists every map with its checksum.
    Json j = parse_json(read_text(out / "run.json"));
    std::set<std::string> listed;
    for (const auto& m : j.at("maps").items) {
        listed.insert(m.at("file").str);
        CHECK(m.at("sha256").str.size() == 64);
    }
    CHECK(listed.count("maps/solar_roof_usable_kwh.tif") == 1);
    CHECK(listed.count("maps/zones.tif") == 1);
    CHECK(j.at("scenario_name").str == "scenario");
}

TEST_CASE("cli maps: the maps are the same for any thread count") {
    TinyCase tc;
    TempDir work("maps-threads");
    std::map<int, std::string> roof;
    for (int threads : {1, 2}) {
        const fs::path out = work / ("t" + std::to_string(threads));
        auto args = tc.run_args(out.string());
        args.insert(args.end(), {"--maps", "--block-size", "16", "--threads", std::to_string(threads)});
        auto r = run_repot(args);
        INFO(describe(r));
        REQUIRE(r.code == 0);
        roof[threads] = read_text(out / "maps/solar_roof_usable_kwh.tif");
    }
    CHECK(roof[1] == roof[2]);
}

TEST_CASE("cli maps: --map-res sums pixels, so the totals equal the CSV; a bad factor is a usage error") {
    TinyCase tc;
    TempDir work("maps-res");
    const fs::path out = work / "out";
    auto args = tc.run_args(out.string());
    args.insert(args.end(), {"--maps", "--map-res", "20"});
    auto r = run_repot(args);
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CsvTable csv(read_text(out / "potential.csv"));
    const Band zones = read_band((out / "maps/zones.tif").string());
    CHECK(zones.width == TinyCase::W / 2);
    CHECK(zones.height == TinyCase::H / 2);
    for (const auto& name : kMaps) {
        const Band map = read_band((out / "maps" / name).string());
        CHECK(map.width == TinyCase::W / 2);
        double total = 0, expected = 0;
        for (double v : map.v)
            if (!std::isnan(v)) total += v;
        const auto& [column, per_unit] = kCsvColumn.at(name);
        for (const std::string z : {"101", "102"})
            if (!csv.cell("zone_id", z, column).empty()) expected += csv_value(csv, z, column) * per_unit;
        check_sum(total, expected, 2 * per_unit, name);  // two zones' roundings
    }

    auto bad = tc.run_args(work / "bad");
    bad.insert(bad.end(), {"--maps", "--map-res", "15"});
    expect_failure(bad, fs::path(work / "bad"), 2, {"--map-res 15", "whole multiple", "10 m"});
    auto no_maps = tc.run_args(work / "bad");
    no_maps.insert(no_maps.end(), {"--map-res", "20"});
    expect_failure(no_maps, fs::path(work / "bad"), 2, {"--map-res", "--maps"});
}

TEST_CASE("cli maps: municipalities.gpkg holds every column of potential.csv and a default style") {
    TinyCase tc;
    TempDir work("maps-gpkg");
    const fs::path out = work / "out";
    auto args = tc.run_args(out.string());
    args.push_back("--maps");
    auto r = run_repot(args);
    INFO(describe(r));
    REQUIRE(r.code == 0);
    check_gpkg_matches_csv(out, 3);
}

TEST_CASE("cli maps: an interrupted run leaves no map and no GeoPackage") {
    // A grid large enough that the run is still working when the signal arrives; the signal is sent
    // once the run has staged something, and a run that finished first is retried on a larger grid.
    TinyCase tc;
    TempDir work("maps-int");
    const fs::path out = work / "out";
    int code = 0;
    for (const char* res : {"1", "0.5", "0.25"}) {
        const std::string grid = std::string("EPSG:6677:") + res + ":-8000,-34120,-7600,-34000";
        auto args = tc.run_args(out.string());
        args.insert(args.end(), {"--maps", "--grid", grid, "-q"});
        const auto staged = [&](const std::string&) {
            for (const auto& f : files_in(out))
                if (f.rfind(".repot-staging-", 0) == 0) return true;
            return false;
        };
        code = run_and_signal(args, staged, SIGINT).code;
        if (code != 0) break;
        fs::remove_all(out);  // finished before the signal
    }
    CHECK(code == 130);
    CHECK_FALSE(fs::exists(out / "maps"));
    CHECK_FALSE(fs::exists(out / "municipalities.gpkg"));
    for (const auto& f : files_in(out)) CHECK(f == ".repot.lock");
}

TEST_CASE("cli maps: maps larger than a tile have overviews and pass GDAL's COG validation") {
    const char* validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py";
    if (!fs::exists(validator) || !fs::exists("/usr/bin/python3")) {
        MESSAGE("skipped: GDAL's COG validator (Debian python3-gdal) is not installed");
        return;
    }
    TinyCase tc;
    TempDir work("maps-cog");
    const fs::path out = work / "out";
    auto args = tc.run_args(out.string());
    // 1 m pixels: 1,200 × 120, so the COGs need an overview level.
    args.insert(args.end(), {"--maps", "--grid", "EPSG:6677:1:-8000,-34120,-6800,-34000", "-q"});
    auto r = run_repot(args);
    INFO(describe(r));
    REQUIRE(r.code == 0);
    for (const auto& name : files_in(out / "maps")) {
        if (fs::path(name).extension() != ".tif") continue;
        const std::string path = (out / "maps" / name).string();
        std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        REQUIRE(ds);
        CHECK(ds->GetRasterBand(1)->GetOverviewCount() >= 1);
        int x = 0, y = 0;
        ds->GetRasterBand(1)->GetBlockSize(&x, &y);
        CHECK(x == 512);
        CHECK(y == 512);
        ds.reset();
        const std::string cmd = std::string("/usr/bin/python3 ") + validator + " -q '" + path + "'";
        INFO(cmd);
        CHECK(std::system(cmd.c_str()) == 0);
    }
}
