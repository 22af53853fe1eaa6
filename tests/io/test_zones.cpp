// Municipal zones: loading from an OGR layer written in the test, ordering, errors, and the
// pixel-centre rasterization (method.md §2) checked against counts worked out by hand.
#include <doctest/doctest.h>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../../src/io/zones.hpp"
#include "../test_support.hpp"
#include "repot/error.hpp"
#include "repot/grid.hpp"

using namespace repot;
using namespace repot_test;
namespace fs = std::filesystem;

namespace {

struct Feature {
    std::string id, name, wkt;
};

// A GeoPackage with one polygon layer (fields "code" and "name" unless told otherwise) in a fresh
// temporary folder, removed at the end.
struct ZoneFile {
    fs::path dir;
    std::string path;
    ZoneFile(const std::vector<Feature>& features, int epsg = 6677, const char* id_field = "code",
             const char* driver = "GPKG", const char* file = "zones.gpkg") {
        static std::atomic<int> counter{0};
        dir = fs::temp_directory_path() /
              ("repot_test_zones_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::create_directories(dir);
        path = (dir / file).string();
        auto* drv = GetGDALDriverManager()->GetDriverByName(driver);
        REQUIRE(drv);
        GDALDataset* ds = drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        REQUIRE(ds);
        OGRSpatialReference srs;
        if (epsg) srs.importFromEPSG(epsg);
        OGRLayer* layer = ds->CreateLayer("zones", epsg ? &srs : nullptr, wkbPolygon, nullptr);
        REQUIRE(layer);
        OGRFieldDefn code(id_field, OFTString), name("name", OFTString);
        REQUIRE(layer->CreateField(&code) == OGRERR_NONE);
        REQUIRE(layer->CreateField(&name) == OGRERR_NONE);
        for (const auto& f : features) {
            OGRFeature feat(layer->GetLayerDefn());
            feat.SetField(id_field, f.id.c_str());
            feat.SetField("name", f.name.c_str());
            OGRGeometry* g = nullptr;
            REQUIRE(OGRGeometryFactory::createFromWkt(f.wkt.c_str(), nullptr, &g) == OGRERR_NONE);
            feat.SetGeometryDirectly(g);
            REQUIRE(layer->CreateFeature(&feat) == OGRERR_NONE);
        }
        GDALClose(ds);
    }
    ~ZoneFile() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

// Grid: EPSG:6677, 10 m, top-left (1000, 2000), 10 × 8 pixels: x 1000..1100, y 1920..2000.
GridSpec test_grid() { return GridSpec{{1000, 10, 0, 2000, 0, -10}, 10, 8, wkt_of(6677)}; }

// Zone "10": triangle (1000, 2000), (1063, 2000), (1000, 1937). Pixel (c, r) has its centre at
//   x = 1005 + 10 c, y = 1995 − 10 r; it is inside when (x − 1000) + (2000 − y) < 63, i.e.
//   10 (c + r) + 10 < 63, c + r ≤ 5: 1 + 2 + 3 + 4 + 5 + 6 = 21 pixels (no centre lies on an edge).
// Zone "9": square x 1080..1130, y 1930..1960, partly outside the grid (which ends at x = 1100):
//   columns 8, 9 (centres 1085, 1095) × rows 4, 5, 6 (centres 1955, 1945, 1935) = 6 pixels.
// Zone "100": square x 2000..2050, y 3000..3050, wholly outside the grid: 0 pixels.
std::vector<Feature> three_zones() {
    return {
        {"100", "far away", "POLYGON ((2000 3000, 2050 3000, 2050 3050, 2000 3050, 2000 3000))"},
        {"10", "triangle", "POLYGON ((1000 2000, 1063 2000, 1000 1937, 1000 2000))"},
        {"9", "edge, \"quoted\"", "POLYGON ((1080 1930, 1130 1930, 1130 1960, 1080 1960, 1080 1930))"},
    };
}

ZoneSource source(const ZoneFile& f, const char* id = "code", const char* name = "name") {
    return ZoneSource{f.path, "", id, name};
}

int hand_zone(int c, int r) {  // zone slot by the pixel-centre rule, after sorting 9, 10, 100
    if (c + r <= 5) return 2;                        // "10" is the second zone
    if (c >= 8 && r >= 4 && r <= 6) return 1;        // "9" is the first
    return 0;
}

}  // namespace

TEST_CASE("zones: load sorts numeric ids numerically and keeps zones outside the grid") {
    ZoneFile f(three_zones());
    GridSpec grid = test_grid();
    ZoneSet set = ZoneSet::load(source(f), grid);
    REQUIRE(set.zones().size() == 3);
    CHECK(set.feature_count() == 3);
    CHECK(set.zones()[0].id == "9");
    CHECK(set.zones()[1].id == "10");
    CHECK(set.zones()[2].id == "100");
    CHECK(set.zones()[0].name == "edge, \"quoted\"");
    CHECK(set.zones()[1].name == "triangle");
    CHECK(set.zones()[0].touches_grid);
    CHECK(set.zones()[1].touches_grid);
    CHECK_FALSE(set.zones()[2].touches_grid);
    CHECK(set.zones()[1].envelope.MaxX == doctest::Approx(1063));
    CHECK(set.zones()[1].envelope.MinY == doctest::Approx(1937));
    // locate: a point inside the triangle, one in the square, one in no zone.
    CHECK(set.locate(1010, 1990, grid.crs_wkt) == std::optional<std::string>("10"));
    CHECK(set.locate(1090, 1940, grid.crs_wkt) == std::optional<std::string>("9"));
    CHECK_FALSE(set.locate(1070, 1990, grid.crs_wkt).has_value());
}

TEST_CASE("zones: --zone-population-field reads a number per zone; text that is not a number is an error") {
    // The text field "code" holds "100", "10", "9": as populations they parse to those numbers.
    ZoneFile f({{"100", "far away", "POLYGON ((2000 3000, 2050 3000, 2050 3050, 2000 3050, 2000 3000))"},
                {"10", "", "POLYGON ((1000 2000, 1063 2000, 1000 1937, 1000 2000))"}});
    GridSpec grid = test_grid();
    ZoneSource src = source(f);
    src.population_field = "code";
    ZoneSet set = ZoneSet::load(src, grid);
    REQUIRE(set.zones().size() == 2);
    CHECK(set.zones()[0].population == std::optional<double>(10));
    CHECK(set.zones()[1].population == std::optional<double>(100));
    // "name": empty for zone 10 (not given), "far away" for zone 100 (an error naming the zone).
    src.population_field = "name";
    try {
        ZoneSet::load(src, grid);
        FAIL("no error");
    } catch (const DataError& e) {
        CHECK(std::string(e.what()).find("zone '100': name 'far away' is not a number") != std::string::npos);
    }
    src.population_field = "nope";
    try {
        ZoneSet::load(src, grid);
        FAIL("no error");
    } catch (const DataError& e) {
        CHECK(std::string(e.what()).find("--zone-population-field") != std::string::npos);
    }
    CHECK_FALSE(ZoneSet::load(source(f), grid).zones()[0].population.has_value());
}

TEST_CASE("zones: text ids sort as text") {
    ZoneFile f({{"b", "", "POLYGON ((1000 2000, 1010 2000, 1010 1990, 1000 1990, 1000 2000))"},
                {"a10", "", "POLYGON ((1010 2000, 1020 2000, 1020 1990, 1010 1990, 1010 2000))"},
                {"a9", "", "POLYGON ((1020 2000, 1030 2000, 1030 1990, 1020 1990, 1020 2000))"}});
    ZoneSet set = ZoneSet::load(source(f, "code", ""), test_grid());
    REQUIRE(set.zones().size() == 3);
    CHECK(set.zones()[0].id == "a10");
    CHECK(set.zones()[1].id == "a9");
    CHECK(set.zones()[2].id == "b");
    CHECK(set.zones()[0].name == "");  // no name field given
}

TEST_CASE("zones: a layer in another CRS is reprojected to the grid") {
    // The triangle's corners given in JGD2011 degrees, computed by exact transform in the test.
    OGRSpatialReference geo, plane;
    geo.importFromEPSG(6668);
    plane.importFromEPSG(6677);
    geo.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    plane.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&plane, &geo));
    REQUIRE(ct);
    double xs[] = {1000, 1063, 1000}, ys[] = {2000, 2000, 1937};
    REQUIRE(ct->Transform(3, xs, ys));
    char wkt[512];
    std::snprintf(wkt, sizeof wkt, "POLYGON ((%.12f %.12f, %.12f %.12f, %.12f %.12f, %.12f %.12f))", xs[0], ys[0],
                  xs[1], ys[1], xs[2], ys[2], xs[0], ys[0]);
    // GPKG stores EPSG:6668 with lat/lon axes; OGR layers write geometries in x = longitude order.
    ZoneFile f({{"13101", "千代田区", wkt}}, 6668);
    GridSpec grid = test_grid();
    ZoneSet set = ZoneSet::load(source(f), grid);
    REQUIRE(set.zones().size() == 1);
    CHECK(set.zones()[0].envelope.MinX == doctest::Approx(1000).epsilon(1e-6));
    CHECK(set.zones()[0].envelope.MaxX == doctest::Approx(1063).epsilon(1e-6));
    CHECK(set.zones()[0].envelope.MinY == doctest::Approx(1937).epsilon(1e-6));
    ZoneRasterizer rz(set);
    Eigen::ArrayXi out;
    REQUIRE(rz.rasterize(grid, Window{0, 0, 10, 8}, out));
    CHECK((out == 1).count() == 21);  // the same 21 pixel centres as in EPSG:6677
}

TEST_CASE("zones: rasterize by the pixel-centre rule, hand counts per zone") {
    ZoneFile f(three_zones());
    GridSpec grid = test_grid();
    ZoneSet set = ZoneSet::load(source(f), grid);
    ZoneRasterizer rz(set);

    Eigen::ArrayXi full;
    REQUIRE(rz.rasterize(grid, Window{0, 0, 10, 8}, full));
    REQUIRE(full.size() == 80);
    CHECK((full == 0).count() == 80 - 21 - 6);  // 53 pixels outside every zone
    CHECK((full == 1).count() == 6);            // "9"
    CHECK((full == 2).count() == 21);           // "10"
    CHECK((full == 3).count() == 0);            // "100"
    for (int r = 0; r < 8; ++r)
        for (int c = 0; c < 10; ++c) {
            CAPTURE(c);
            CAPTURE(r);
            CHECK(full(r * 10 + c) == hand_zone(c, r));
        }

    // Window by window gives the same pixels; windows touching no zone envelope are skipped.
    int skipped = 0;
    for (const Window& w : plan_blocks(grid, 3, 2)) {
        Eigen::ArrayXi part;
        if (!rz.rasterize(grid, w, part)) {
            ++skipped;
            for (int r = 0; r < w.height; ++r)
                for (int c = 0; c < w.width; ++c) CHECK(hand_zone(w.x0 + c, w.y0 + r) == 0);
            continue;
        }
        REQUIRE(part.size() == w.size());
        for (int r = 0; r < w.height; ++r)
            for (int c = 0; c < w.width; ++c) {
                CAPTURE(w.x0 + c);
                CAPTURE(w.y0 + r);
                CHECK(part(r * w.width + c) == hand_zone(w.x0 + c, w.y0 + r));
            }
    }
    CHECK(skipped > 0);
    // Column 7, rows 0..1 (x 1070..1080, y 1980..2000): east of the triangle's envelope (x ≤ 1063),
    // north of the square's (y ≤ 1960).
    Eigen::ArrayXi none;
    CHECK_FALSE(rz.rasterize(grid, Window{7, 0, 1, 2}, none));
}

TEST_CASE("zones: windows inside zones are filled as GDAL would burn them, the first zone keeping shared pixels") {
    // 1 m pixels, 200 × 200 from (0, 200). Zone "1": x 0..120, zone "2": x 80..180, full height; they
    // share x 80..120, which goes to "1". A pixel's zone by hand: its centre x < 120 → 1, < 180 → 2, else 0.
    auto square = [](int x0, int x1) {
        return "POLYGON ((" + std::to_string(x0) + " 0," + std::to_string(x1) + " 0," + std::to_string(x1) + " 200," +
               std::to_string(x0) + " 200," + std::to_string(x0) + " 0))";
    };
    ZoneFile f({{"1", "A", square(0, 120)}, {"2", "B", square(80, 180)}});
    const GridSpec grid{{0, 1, 0, 200, 0, -1}, 200, 200, wkt_of(6677)};
    ZoneSet set = ZoneSet::load(source(f), grid);
    ZoneRasterizer rz(set);
    auto hand = [](int c) { return c + 0.5 < 120 ? 1 : c + 0.5 < 180 ? 2 : 0; };
    // Inside both; inside "2" across the edge of "1" (burnt); inside "1" up to or across the edge of "2";
    // inside "2" alone; beyond both.
    for (int x0 : {90, 110, 60, 70, 150, 185}) {
        CAPTURE(x0);
        const Window w{x0, 50, 15, 20};
        Eigen::ArrayXi out;
        if (!rz.rasterize(grid, w, out)) {
            CHECK(hand(x0) == 0);
            continue;
        }
        REQUIRE(out.size() == w.size());
        for (int r = 0; r < w.height; ++r)
            for (int c = 0; c < w.width; ++c) CHECK(out(r * w.width + c) == hand(x0 + c));
    }
}

TEST_CASE("zones: load errors") {
    GridSpec grid = test_grid();
    SUBCASE("duplicate id") {
        auto fs3 = three_zones();
        fs3[0].id = "9";
        ZoneFile f(fs3);
        std::string msg = data_error([&] { ZoneSet::load(source(f), grid); });
        CHECK(contains(msg, f.path));
        CHECK(contains(msg, "duplicate"));
        CHECK(contains(msg, "'9'"));
    }
    SUBCASE("missing id field lists the fields") {
        ZoneFile f(three_zones(), 6677, "N03_007");
        std::string msg = data_error([&] { ZoneSet::load(source(f, "code"), grid); });
        CHECK(contains(msg, f.path));
        CHECK(contains(msg, "code"));
        CHECK(contains(msg, "N03_007"));
        CHECK(contains(msg, "name"));
    }
    SUBCASE("missing name field") {
        ZoneFile f(three_zones());
        std::string msg = data_error([&] { ZoneSet::load(source(f, "code", "N03_004"), grid); });
        CHECK(contains(msg, "N03_004"));
    }
    SUBCASE("no CRS (shapefile without .prj)") {
        ZoneFile f(three_zones(), 0, "code", "ESRI Shapefile", "zones.shp");
        REQUIRE_FALSE(fs::exists(f.dir / "zones.prj"));
        std::string msg = data_error([&] { ZoneSet::load(source(f), grid); });
        CHECK(contains(msg, f.path));
        CHECK(contains(msg, "no CRS"));
    }
    SUBCASE("GeoPackage with the undefined SRS is an error too") {
        // GDAL reports srs_id 0 of a GeoPackage as "Undefined geographic SRS" rather than no SRS.
        // Coordinates in metres cannot be read as degrees, so loading fails either way.
        CPLPushErrorHandler(CPLQuietErrorHandler);
        ZoneFile f(three_zones(), 0);
        std::string msg = data_error([&] { ZoneSet::load(source(f), grid); });
        CPLPopErrorHandler();
        CHECK(contains(msg, f.path));
    }
    SUBCASE("no zone overlaps the grid") {
        ZoneFile f({three_zones()[0]});
        std::string msg = data_error([&] { ZoneSet::load(source(f), grid); });
        CHECK(contains(msg, f.path));
        CHECK(contains(msg, "overlap"));
    }
    SUBCASE("empty id") {
        auto fs3 = three_zones();
        fs3[1].id = "";
        ZoneFile f(fs3);
        std::string msg = data_error([&] { ZoneSet::load(source(f), grid); });
        CHECK(contains(msg, "empty"));
    }
    SUBCASE("missing file") {
        std::string msg = data_error([&] { ZoneSet::load(ZoneSource{"/nonexistent/repot/z.gpkg", "", "code", ""}, grid); });
        CHECK(contains(msg, "/nonexistent/repot/z.gpkg"));
    }
    SUBCASE("unknown layer") {
        ZoneFile f(three_zones());
        std::string msg = data_error([&] { ZoneSet::load(ZoneSource{f.path, "communes", "code", ""}, grid); });
        CHECK(contains(msg, "communes"));
    }
}

TEST_CASE("zones: overlaps measured on several threads give the same warnings, in id order, by hand") {
    // Squares of 100 m, y 1900..2000 unless told: "1" at x 1000..1100; "2" at x 1080..1180, 20 m × 100 m of
    // it in "1" (2,000 m²); "3" at x 1000..1100, y 1990..2090, 100 m × 10 m in "1" (1,000 m²) and 20 m × 10 m
    // in "2" (200 m²); "4" at x 1180..1280, beside "2" (a shared edge, no area).
    ZoneFile f({{"1", "", "POLYGON ((1000 1900, 1100 1900, 1100 2000, 1000 2000, 1000 1900))"},
                {"2", "", "POLYGON ((1080 1900, 1180 1900, 1180 2000, 1080 2000, 1080 1900))"},
                {"3", "", "POLYGON ((1000 1990, 1100 1990, 1100 2090, 1000 2090, 1000 1990))"},
                {"4", "", "POLYGON ((1180 1900, 1280 1900, 1280 2000, 1180 2000, 1180 1900))"}});
    const ZoneSet one = ZoneSet::load(source(f), test_grid(), 1), three = ZoneSet::load(source(f), test_grid(), 3);
    REQUIRE(one.overlaps().size() == 3);
    CHECK(one.overlaps()[0].a == "1");
    CHECK(one.overlaps()[0].b == "2");
    CHECK(one.overlaps()[0].area_m2 == doctest::Approx(2000));
    CHECK(one.overlaps()[1].b == "3");
    CHECK(one.overlaps()[1].area_m2 == doctest::Approx(1000));
    CHECK(one.overlaps()[2].a == "2");
    CHECK(one.overlaps()[2].b == "3");
    CHECK(one.overlaps()[2].area_m2 == doctest::Approx(200));
    CHECK(three.warnings() == one.warnings());
    CHECK(one.warnings().size() == 3);
}
