// --block-size changes memory and speed, never a result: every CSV is byte-identical for any block size,
// including sizes that cut the tiles of the engine's fixed lattice (the latitude of the extraterrestrial
// irradiation and each layer's interpolation path are taken per tile) and sizes that split runs of a
// zone's pixels differently (the zone sums are fixed point: accumulate.hpp).
#include <doctest/doctest.h>

#include "cli_support.hpp"

using namespace repot_cli_test;

namespace {

// Runs `args` with each block size into dir/<size> and checks that every CSV equals the first's.
void check_same_for_block_sizes(const std::vector<std::string>& args, const fs::path& dir, std::vector<int> sizes) {
    std::map<std::string, std::string> first;
    for (int size : sizes) {
        const fs::path out = dir / std::to_string(size);
        auto a = with_flag(args, "--block-size", std::to_string(size));
        a.insert(a.end(), {"--out", out.string()});
        auto r = run_repot(a);
        INFO(describe(r));
        REQUIRE(r.code == 0);
        for (const char* csv : {"potential.csv", "potential_long.csv", "potential_monthly.csv", "landcover.csv"}) {
            if (!fs::exists(out / csv)) continue;
            const std::string text = read_text(out / csv);
            INFO("--block-size ", size, ": ", csv);
            if (!first.count(csv)) first[csv] = text;
            else CHECK(text == first[csv]);
        }
    }
    CHECK(first.size() >= 3);
}

}  // namespace

TEST_CASE("cli block size: the noisy case gives the same CSVs in blocks of 16, 24 and 100 px") {
    NoisyCase nc;  // 96 × 80 px of 10 m: one tile of the lattice; blocks of 16 and 24 px cut the zones' runs
    auto args = nc.args("", 2);
    args.erase(args.end() - 2, args.end());  // --out per size
    check_same_for_block_sizes(args, nc.dir.path() / "sizes", {16, 24, 100});
}

TEST_CASE("cli block size: Tokyo at 100 m, every layer, in blocks that cut the 64-px tiles of the lattice") {
    // At 100 m the lattice's tiles are 64 px (6.4 km): blocks of 48 and 100 px straddle them, 512 holds 64.
    const fs::path d = fs::path(REPOT_SOURCE_DIR) / "datasets/tokyo";
    TempDir dir("block-size");
    check_same_for_block_sizes(
        {"run", "--zones", (d / "tokyo_municipalities_n03_2021_s0010.gpkg").string(), "--zone-id-field", "city_code",
         "--roof", (d / "tokyo23_roof_area_10m.tif").string(), "--ghi", (d / "irradiation/ghi_monsola_mainland_1km.tif").string(),
         "--landuse", (d / "landcover/jaxa_hrlulc_v2111_tokyo_mainland_6677_10m.tif").string(), "--landuse-classes",
         "builtin:jaxa", "--temperature", (d / "climate/tokyo_temperature_monthly_c.tif").string(), "--population",
         (d / "population/census2015_pop_500m_mesh5339.tif").string(), "--grid",
         "EPSG:6677:100:-80790,-55330,7750,-10900", "--threads", "2", "--no-checksum", "-q"},
        dir.path(), {512, 48, 100});
}
