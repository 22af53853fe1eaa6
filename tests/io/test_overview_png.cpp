// maps/overview.png: a small GeoTIFF written in the test is rendered, and the PNG read back with GDAL:
// picture size, the ramp colour of a density worked out by hand, outlines, no-data background, file size.
#include <doctest/doctest.h>

#include <gdal_priv.h>
#include <ogr_geometry.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "../../src/io/overview_png.hpp"
#include "../test_support.hpp"
#include "repot/error.hpp"

using namespace repot;
using namespace repot_test;

namespace {

using Rgb = std::array<int, 3>;

// Colours of src/io/overview_png.cpp: the ramp's last stop, the midpoint of its 4th and 5th stops
// (#e55064, #b5367a: the ramp has 8 stops, so t = 0.5 lies halfway between them), outline, page, and the
// fill of a zone where the map has no data.
constexpr Rgb kTop{0x1c, 0x10, 0x44};
constexpr Rgb kMiddle{205, 67, 111};
constexpr Rgb kOutline{64, 64, 64};
constexpr Rgb kWhite{255, 255, 255};
constexpr Rgb kNoDataInside{221, 221, 221};

// 200 × 100 pixels of 10 m in EPSG:6677, x 10000..12000, y 49000..50000, values in kWh per pixel:
// columns 0-19 200, columns 20-99 100, columns 100-199 nodata, and one hot pixel (90, 90) of 100 000.
std::string write_test_map(const std::string& path, double rotation = 0) {
    auto* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    REQUIRE(drv);
    std::unique_ptr<GDALDataset> ds(drv->Create(path.c_str(), 200, 100, 1, GDT_Float32, nullptr));
    REQUIRE(ds);
    double gt[6] = {10000, 10, rotation, 50000, 0, -10};
    ds->SetGeoTransform(gt);
    ds->SetProjection(wkt_of(6677).c_str());
    GDALRasterBand* band = ds->GetRasterBand(1);
    band->SetNoDataValue(-9999);
    std::vector<float> v(200 * 100);
    for (int r = 0; r < 100; ++r)
        for (int c = 0; c < 200; ++c) v[size_t(r * 200 + c)] = c < 20 ? 200.f : c < 100 ? 100.f : -9999.f;
    v[90 * 200 + 90] = 100000.f;
    REQUIRE(band->RasterIO(GF_Write, 0, 0, 200, 100, v.data(), 200, 100, GDT_Float32, 0, 0) == CE_None);
    return path;
}

std::unique_ptr<OGRGeometry> square(double x0, double y0, double x1, double y1) {
    OGRGeometry* g = nullptr;
    const std::string wkt = "POLYGON ((" + std::to_string(x0) + " " + std::to_string(y0) + ", " + std::to_string(x1) +
                            " " + std::to_string(y0) + ", " + std::to_string(x1) + " " + std::to_string(y1) + ", " +
                            std::to_string(x0) + " " + std::to_string(y1) + ", " + std::to_string(x0) + " " +
                            std::to_string(y0) + "))";
    REQUIRE(OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g) == OGRERR_NONE);
    return std::unique_ptr<OGRGeometry>(g);
}

struct Picture {
    int width = 0, height = 0;
    std::vector<uint8_t> rgb[3];
    // Outside the picture: a colour no pixel has, so that a misplaced probe fails its check.
    Rgb at(int x, int y) const {
        if (x < 0 || y < 0 || x >= width || y >= height) return {-1, -1, -1};
        const size_t i = size_t(y) * size_t(width) + size_t(x);
        return {rgb[0][i], rgb[1][i], rgb[2][i]};
    }
};

Picture read_png(const std::string& path) {
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    CHECK(std::string(ds->GetDriver()->GetDescription()) == "PNG");
    REQUIRE(ds->GetRasterCount() >= 3);
    Picture p;
    p.width = ds->GetRasterXSize();
    p.height = ds->GetRasterYSize();
    for (int b = 0; b < 3; ++b) {
        p.rgb[b].resize(size_t(p.width) * size_t(p.height));
        REQUIRE(ds->GetRasterBand(b + 1)->RasterIO(GF_Read, 0, 0, p.width, p.height, p.rgb[b].data(), p.width,
                                                   p.height, GDT_Byte, 0, 0) == CE_None);
    }
    return p;
}

bool near(const Rgb& a, const Rgb& b, int tolerance = 1) {
    for (int i = 0; i < 3; ++i)
        if (std::abs(a[size_t(i)] - b[size_t(i)]) > tolerance) return false;
    return true;
}

}  // namespace

TEST_CASE("overview PNG: ramp colour of a hand-computed density, outlines, no-data background, size") {
    TempDir dir("overview_png");
    auto zone_a = square(10300, 49200, 10700, 49800);  // raster columns 30-70, rows 20-80 (on data)
    auto zone_b = square(11300, 49200, 11700, 49800);  // raster columns 130-170 (on nodata)
    OverviewSpec spec;
    spec.map_path = write_test_map(dir / "map.tif");
    spec.value_scale = 0.001;  // kWh -> MWh
    spec.title = "Usable roof PV";
    spec.unit = "MWh/ha/yr";
    spec.outlines = {zone_a.get(), nullptr, zone_b.get()};
    spec.out_path = dir / "overview.png";
    spec.max_side_px = 400;  // 200 raster columns -> 400 picture pixels: 2 picture pixels per raster pixel
    write_overview_png(spec);

    const Picture p = read_png(spec.out_path);
    CHECK(p.width >= 400);
    CHECK(p.width <= 400 + 300);
    CHECK(p.height >= 200);
    CHECK(p.height <= 200 + 200);
    CHECK(std::filesystem::file_size(spec.out_path) < 500 * 1024);

    // Densities: 100 kWh × 0.001 / 100 m² × 10 000 = 10 MWh/ha; 200 kWh -> 20 MWh/ha; the hot pixel
    // 10 000 MWh/ha. 98th percentile of the non-zero densities: 20 (2000 of the 10 000 pixels are 20), a
    // round legend top already (0 5 10 15 20), so 10 MWh/ha sits at the middle of the ramp, 20 at its top.
    // The map's top-left pixel is the first pixel of the top colour (row by row; the title is grey ink).
    int map_x = -1, map_y = -1;
    for (int y = 0; y < p.height && map_x < 0; ++y)
        for (int x = 0; x < p.width; ++x)
            if (p.at(x, y) == kTop) {
                map_x = x;
                map_y = y;
                break;
            }
    REQUIRE(map_x >= 0);
    // Raster pixel (c, r) covers picture pixels map_x + 2c .. +1, map_y + 2r .. +1.
    auto raster_px = [&](int c, int r) { return p.at(map_x + 2 * c + 1, map_y + 2 * r + 1); };
    CHECK(p.at(map_x + 39, map_y) == kTop);  // column 19
    CHECK(near(p.at(map_x + 40, map_y), kMiddle));  // column 20
    CHECK(near(raster_px(50, 50), kMiddle));   // inside zone A
    CHECK(near(raster_px(25, 10), kMiddle));   // outside any zone
    CHECK(raster_px(10, 50) == kTop);
    CHECK(raster_px(90, 90) == kTop);  // the hot pixel, clipped to the top colour
    CHECK(raster_px(110, 50) == kWhite);        // no data outside the zones: the page
    CHECK(raster_px(150, 50) == kNoDataInside);  // no data inside zone B
    CHECK(raster_px(199, 99) == kWhite);

    // Outlines: zone A's west edge at raster column 30 = picture x map_x + 60, zone B's at map_x + 260,
    // one dark grey pixel wide.
    const int mid_row = map_y + 2 * 50 + 1;
    for (int edge : {60, 140, 260, 340}) {
        CAPTURE(edge);
        int dark = 0;
        for (int dx = -2; dx <= 2; ++dx)
            if (near(p.at(map_x + edge + dx, mid_row), kOutline, 2)) ++dark;
        CHECK(dark == 1);
    }
    // North edge of zone A at raster row 20 = picture y map_y + 40.
    int dark = 0;
    for (int dy = -2; dy <= 2; ++dy)
        if (near(p.at(map_x + 100, map_y + 40 + dy), kOutline, 2)) ++dark;
    CHECK(dark == 1);
}

TEST_CASE("overview PNG: errors name the file") {
    TempDir dir("overview_png_errors");
    OverviewSpec spec;
    spec.out_path = dir / "overview.png";

    spec.map_path = dir / "no_such_map.tif";
    std::string msg = data_error([&] { write_overview_png(spec); });
    CHECK(contains(msg, spec.map_path));
    CHECK(!std::filesystem::exists(spec.out_path));

    spec.map_path = write_test_map(dir / "rotated.tif", 1.5);
    msg = data_error([&] { write_overview_png(spec); });
    CHECK(contains(msg, spec.map_path));
    CHECK(contains(msg, "rotated"));

    spec.map_path = write_test_map(dir / "map.tif");
    spec.out_path = dir / "no_such_folder/overview.png";
    msg = data_error([&] { write_overview_png(spec); });
    CHECK(contains(msg, spec.out_path));
}
