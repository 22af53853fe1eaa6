// window_outline: a zone's polygons cut to the vertices near a window burn that window pixel for pixel as
// the whole polygons do (GDAL's rasterizer on both), on drawn shapes and on the shipped Tokyo municipalities.
#include <doctest/doctest.h>

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../../src/io/window_outline.hpp"
#include "repot/grid.hpp"

using namespace repot;

namespace {

// GDAL's burn of g (value 1) into a width × height raster at gt: the reference, with the whole polygons.
std::vector<int> burn(const OGRGeometry* g, const std::array<double, 6>& gt, int width, int height) {
    std::unique_ptr<GDALDataset> ds(
        GetGDALDriverManager()->GetDriverByName("MEM")->Create("", width, height, 1, GDT_Int32, nullptr));
    ds->SetGeoTransform(const_cast<double*>(gt.data()));
    std::vector<int> out(size_t(width) * height, 0);
    if (g) {
        int band = 1;
        double value = 1;
        OGRGeometryH h = OGRGeometry::ToHandle(const_cast<OGRGeometry*>(g));
        REQUIRE(GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, &band, 1, &h, nullptr, nullptr, &value,
                                        nullptr, nullptr, nullptr) == CE_None);
    }
    REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, width, height, out.data(), width, height, GDT_Int32, 0, 0) ==
            CE_None);
    return out;
}

int points(const OGRGeometry* g) {
    int n = 0;
    if (!g) return 0;
    auto polygon = [&](const OGRPolygon& p) {
        for (const OGRLinearRing* r : p) n += r->getNumPoints();
    };
    if (wkbFlatten(g->getGeometryType()) == wkbPolygon) polygon(*g->toPolygon());
    else
        for (const OGRPolygon* p : *g->toMultiPolygon()) polygon(*p);
    return n;
}

// Checks every window of `windows` (x0, y0 in pixels of a grid at origin (ox, oy) with square pixels
// of `px` map units): the outline burns as the whole geometry, and where window_cover finds it covers the
// window wholly or not at all, the whole geometry burns every pixel or none. Returns the outlines'
// vertices / the whole's; counts the windows found covered wholly and in part.
double check_windows(const OGRGeometry& g, double ox, double oy, double px, const std::vector<Window>& windows,
                     int* whole = nullptr, int* part = nullptr) {
    long long kept = 0, all = 0;
    for (const Window& w : windows) {
        const std::array<double, 6> gt{ox + w.x0 * px, px, 0, oy - w.y0 * px, 0, -px};
        const auto outline = window_outline(g, gt, w.width, w.height);
        CAPTURE(w.x0);
        CAPTURE(w.y0);
        const std::vector<int> reference = burn(&g, gt, w.width, w.height);
        CHECK(burn(outline.get(), gt, w.width, w.height) == reference);
        if (outline) {
            const WindowCover cover = window_cover(*outline, gt, w.width, w.height);
            if (cover != WindowCover::part)
                CHECK(reference == std::vector<int>(size_t(w.size()), cover == WindowCover::whole ? 1 : 0));
            if (whole) *whole += cover == WindowCover::whole;
            if (part) *part += cover == WindowCover::part;
        }
        kept += points(outline.get()), all += points(&g);
    }
    return double(kept) / double(all);
}

}  // namespace

TEST_CASE("window outline: a comb with a hole burns every window as the whole polygon does") {
    // 200 teeth of uneven heights along the top of a 1000 × 100 bar, a hole in the bar; the grid's pixels
    // are 1.3 units, so no vertex sits on a pixel centre by construction.
    std::string wkt = "POLYGON ((0 0,1000 0";
    char point[64];
    for (int k = 200; k-- > 0;) {
        std::snprintf(point, sizeof point, ",%.3f %.3f,%.3f %.3f", 5.0 * k + 5, 100.3 + 7.1 * (k % 5), 5.0 * k + 2.2,
                      140.9 - 3.3 * (k % 4));
        wkt += point;
    }
    wkt += ",0 100.3,0 0),(400.5 20.5,400.5 60.5,420.5 60.5,420.5 20.5,400.5 20.5))";
    OGRGeometry* parsed = nullptr;
    REQUIRE(OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &parsed) == OGRERR_NONE);
    const std::unique_ptr<OGRGeometry> comb(parsed);
    std::vector<Window> windows;
    for (int x0 : {-60, -10, 150, 300, 700, 760, 790})
        for (int y0 : {-20, 0, 30, 50, 80, 120, 170})
            for (const auto& [w, h] : {std::pair{64, 48}, std::pair{200, 9}, std::pair{7, 150}}) windows.push_back({x0, y0, w, h});
    int whole = 0, part = 0;
    const double kept = check_windows(*comb, -20.0, 190.0, 1.3, windows, &whole, &part);
    CHECK(kept < 0.6);  // most windows see a few teeth
    CHECK(whole > 0);   // inside the bar, clear of the teeth and the hole
    CHECK(part > whole);
    // A window far to the right of the comb needs nothing of it; one far above it, a few vertices.
    const std::array<double, 6> right{5000, 1.3, 0, 190, 0, -1.3}, above{100, 1.3, 0, 5000, 0, -1.3};
    CHECK(window_outline(*comb, right, 50, 50) == nullptr);
    const auto over = window_outline(*comb, above, 50, 50);
    CHECK(points(over.get()) < 20);
    CHECK(burn(over.get(), above, 50, 50) == std::vector<int>(2500, 0));
}

TEST_CASE("window outline: the Tokyo municipalities burn every window as the whole polygons do") {
    const std::string path = std::string(REPOT_TEST_DATA) + "/../../datasets/tokyo/tokyo_municipalities_n03_2021_s0010.gpkg";
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(ds);
    OGRSpatialReference grid_crs;
    grid_crs.importFromEPSG(6677);
    grid_crs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::vector<std::unique_ptr<OGRGeometry>> zones;
    for (auto& f : ds->GetLayer(0)) {
        std::unique_ptr<OGRGeometry> g(f->GetGeometryRef()->clone());
        REQUIRE(g->transformTo(&grid_crs) == OGRERR_NONE);
        zones.push_back(std::move(g));
    }
    REQUIRE(zones.size() == 62);
    // A 10 m grid over the mainland (x −80,790 … −3,040 m, y −55,330 … −10,900 m in EPSG:6677): windows
    // of 256 × 200 px every 1,100 by 900 px, each zone burnt alone.
    std::vector<Window> windows;
    for (int y0 = 0; y0 < 4400; y0 += 900)
        for (int x0 = 0; x0 < 7700; x0 += 1100) windows.push_back({x0, y0, 256, 200});
    double kept = 0;
    int whole = 0, part = 0;
    for (const auto& z : zones) kept += check_windows(*z, -80790.0, -10900.0, 10.0, windows, &whole, &part);
    CHECK(kept / double(zones.size()) < 0.5);
    CHECK(whole >= 6);  // windows inside the larger municipalities
    CHECK(part > whole);
    MESSAGE("windows wholly covered: " << whole << ", in part: " << part);
}
