// Flat-roof and land PV panels transposed at the nodes of a lattice over the GHI's cells (the default,
// docs/method.md §10) against --transposition-per-pixel, the per-pixel evaluation kept as the reference:
// every zone's technical and usable PV, and each month, within the 1e-4 — on a noisy 1-band GHI
// whose neighbouring cells differ by up to 15 % (with land use), and on the shipped Tokyo data (PLATEAU
// roofs of the 23 wards at 10 m, NEDO MONSOLA 12-band GHI at 1 km).
#include <doctest/doctest.h>

#include "cli_support.hpp"

using namespace repot_cli_test;

namespace {

// Runs `args` twice (default and reference) into dir/cells and dir/pixel and compares them.
void compare_with_reference(std::vector<std::string> args, const fs::path& dir, size_t expect_zones) {
    std::map<std::string, CsvTable> out;
    for (const char* mode : {"cells", "pixel"}) {
        auto a = args;
        a.insert(a.end(), {"--out", (dir / mode).string()});
        if (std::string(mode) == "pixel") a.push_back("--transposition-per-pixel");
        auto r = run_repot(a);
        INFO(describe(r));
        REQUIRE(r.code == 0);
        out.emplace(mode, CsvTable(read_text(dir / mode / "potential.csv")));
    }
    const CsvTable &cells = out.at("cells"), &pixel = out.at("pixel");
    size_t compared = 0;
    double worst = 0;
    for (const auto& row : pixel.body) {
        const std::string id = row[pixel.col("zone_id")];
        for (const char* col : {"solar_roof_technical_mwh", "solar_roof_usable_mwh", "solar_land_technical_mwh",
                                "solar_land_usable_mwh"}) {
            const std::string ref = row[pixel.col(col)], got = cells.cell("zone_id", id, col);
            REQUIRE(ref.empty() == got.empty());
            if (ref.empty() || std::stod(ref) == 0) continue;
            const double rel = std::abs(std::stod(got) - std::stod(ref)) / std::stod(ref);
            INFO("zone ", id, " ", col, ": ", got, " vs reference ", ref);
            CHECK(rel <= 1e-4);
            worst = std::max(worst, rel);
            ++compared;
        }
    }
    CHECK(compared >= 2 * expect_zones);  // Tokyo: the wards, and the cities the roof raster reaches into
    // Months: the same bound, against the zone's annual technical energy.
    CsvTable mc(read_text(dir / "cells" / "potential_monthly.csv")), mp(read_text(dir / "pixel" / "potential_monthly.csv"));
    REQUIRE(mc.body.size() == mp.body.size());
    for (size_t i = 0; i < mp.body.size(); ++i) {
        const std::string source = mp.body[i][mp.col("source")], id = mp.body[i][mp.col("zone_id")];
        const double annual = std::stod(pixel.cell("zone_id", id, source + "_technical_mwh"));
        INFO("zone ", id, " month ", mp.body[i][mp.col("month")]);
        CHECK(std::abs(std::stod(mc.body[i][mc.col("value")]) - std::stod(mp.body[i][mp.col("value")])) <= 1e-4 * annual + 1e-3);
    }
    MESSAGE("largest relative difference from the per-pixel reference: ", worst);
}

}  // namespace

TEST_CASE("cli transposition: the lattice of the GHI's cells against the per-pixel reference, noisy 1-band GHI") {
    NoisyCase nc;  // 1-band GHI of 50 m cells 1200..1400 kWh/m² at random, on a 10 m grid: 5 nodes per cell
    auto args = nc.args("", 2);
    args.erase(args.end() - 2, args.end());  // --out comes from compare_with_reference
    compare_with_reference(args, nc.dir.path() / "compare", 3);
}

TEST_CASE("cli transposition: the lattice against the per-pixel reference on the shipped Tokyo data") {
    const fs::path d = fs::path(REPOT_SOURCE_DIR) / "datasets/tokyo";
    TempDir dir("tokyo-transposition");
    compare_with_reference({"run", "--zones", (d / "tokyo_municipalities_n03_2021_s0010.gpkg").string(),
                            "--zone-id-field", "city_code", "--roof", (d / "tokyo23_roof_area_10m.tif").string(), "--ghi",
                            (d / "irradiation/ghi_monsola_mainland_1km.tif").string(), "--no-checksum", "-q"},
                           dir.path(), 23);
}
