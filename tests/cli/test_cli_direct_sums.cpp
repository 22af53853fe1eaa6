// A run with roof and GHI only, windows filled by one zone and the GHI coarser than the grid: its spans are
// summed straight from the layers (sums_direct), while the same run with --maps writes and sums the
// kernels' columns. Both must give the same CSVs byte for byte, for any block size and thread count.
#include <doctest/doctest.h>

#include "cli_support.hpp"

using namespace repot_cli_test;

namespace {
// 128 × 128 pixels of 10 m in EPSG:6677; one zone covering all of them; every pixel with roof data.
constexpr double X0 = -8000, Y_TOP = -34000;
constexpr int W = 128, H = 128;
double roof_at(int c, int r) { return ((c * 7 + r * 3) % 11) * 4.5; }  // 0..45 m², exact in Float32
}  // namespace

TEST_CASE("cli direct sums: a roof + GHI (+ land use) run equals its --maps run byte for byte, roof area by hand") {
    for (const bool with_landuse : {false, true}) {
        CAPTURE(with_landuse);
        TempDir dir("direct");
        const std::string zones = dir / "zones.geojson", roof = dir / "roof.tif", ghi = dir / "ghi.tif",
                          landuse = dir / "landuse.tif";
        write_zones_geojson(zones, {rect_zone("13101", "All", X0 - 5, Y_TOP - H * 10 - 5, X0 + W * 10 + 5, Y_TOP + 5)});
        RasterSpec grid;
        grid.x0 = X0, grid.y_top = Y_TOP, grid.res = 10, grid.width = W, grid.height = H;
        std::vector<double> roof_v;
        double roof_total = 0;
        for (int r = 0; r < H; ++r)
            for (int c = 0; c < W; ++c) roof_v.push_back(roof_at(c, r)), roof_total += roof_at(c, r);
        write_raster(roof, grid, {roof_v});
        // 12-band GHI on 320 m cells reaching 2 cells beyond the grid: read through its cells (the lattice).
        RasterSpec coarse;
        coarse.x0 = X0 - 640, coarse.y_top = Y_TOP + 640, coarse.res = 320, coarse.width = 8, coarse.height = 8;
        std::vector<std::vector<double>> months(12);
        for (int m = 0; m < 12; ++m)
            for (int i = 0; i < 64; ++i) months[size_t(m)].push_back(60.0 + 8 * m + (i % 8) + 0.5 * (i / 8));
        write_raster(ghi, coarse, months);
        // Land use on the grid: L03-b codes (paddy, wasteland, river: excluded, building land) in blocks.
        const int codes[] = {100, 600, 1100, 700};
        std::vector<double> landuse_v;
        for (int r = 0; r < H; ++r)
            for (int c = 0; c < W; ++c) landuse_v.push_back(codes[(c / 8 + r / 16) % 4]);
        RasterSpec classes = grid;
        classes.type = GDT_UInt16;
        write_raster(landuse, classes, {landuse_v});

        auto run = [&](const std::string& name, std::vector<std::string> extra) {
            const fs::path out = dir / name;
            std::vector<std::string> args{"run", "--zones", zones, "--zone-id-field", "code", "--zone-name-field", "name",
                                          "--roof", roof, "--ghi", ghi, "--out", out.string(), "-q"};
            if (with_landuse) args.insert(args.end(), {"--landuse", landuse});
            args.insert(args.end(), extra.begin(), extra.end());
            auto r = run_repot(args);
            INFO(describe(r));
            REQUIRE(r.code == 0);
            return out;
        };
        const fs::path direct = run("direct", {"--threads", "1"});
        const fs::path direct_blocks = run("direct_blocks", {"--threads", "2", "--block-size", "32"});
        const fs::path columns = run("columns", {"--threads", "1", "--maps"});
        for (const char* f : {"potential.csv", "potential_long.csv", "potential_monthly.csv", "landcover.csv"}) {
            if (!with_landuse && std::string(f) == "landcover.csv") continue;
            INFO(f);
            CHECK(read_text(direct / f) == read_text(columns / f));
            CHECK(read_text(direct_blocks / f) == read_text(columns / f));
        }
        CsvTable csv(read_text(direct / "potential.csv"));
        CHECK(std::stod(csv.cell("zone_id", "13101", "roof_area_m2")) == doctest::Approx(roof_total).epsilon(1e-12));
        CHECK(std::stod(csv.cell("zone_id", "13101", "pixel_count")) == W * H);
        CHECK(csv.cell("zone_id", "13101", "roof_coverage") == "1.000000");
    }
}
