// prepare_roofs on footprint files built here or copied from the PLATEAU Chiyoda data.
// Expected values are worked out by hand (hand-made layer) or computed with OGR/GEOS in the test
// (PLATEAU subsets): polygon areas after OGR's reprojection, and GEOS intersections with each pixel.
#include <doctest/doctest.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <numbers>
#include <string>
#include <vector>

#include "repot/error.hpp"
#include "repot/prepare.hpp"

namespace fs = std::filesystem;

namespace {

const std::string data_dir = std::string(REPOT_TEST_DATA) + "/prepare/";

// A fresh, empty folder per test case, removed at the end.
struct TempDir {
    fs::path path;
    explicit TempDir(const std::string& name) {
        path = fs::temp_directory_path() / ("repot_test_prepare_roofs_" + name + "_" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
    std::string operator/(const std::string& file) const { return (path / file).string(); }
    std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), {})); }
};

struct Feature {
    std::string wkt;
    std::optional<double> height;
    std::optional<double> area_attr;
};

// Writes features to a GPKG (or another driver) layer "buildings" in `epsg` (0: no CRS).
void write_layer(const std::string& path, int epsg, const std::vector<Feature>& features,
                 const std::string& driver_name = "GPKG") {
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name.c_str());
    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    REQUIRE(ds);
    OGRSpatialReference srs;
    if (epsg) {
        srs.importFromEPSG(epsg);
        srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }
    OGRLayer* layer = ds->CreateLayer("buildings", epsg ? &srs : nullptr, wkbUnknown, nullptr);
    REQUIRE(layer);
    OGRFieldDefn height("height", OFTReal), area("area_attr", OFTReal);
    layer->CreateField(&height);
    layer->CreateField(&area);
    for (const Feature& f : features) {
        OGRFeature feature(layer->GetLayerDefn());
        OGRGeometry* g = nullptr;
        REQUIRE(OGRGeometryFactory::createFromWkt(f.wkt.c_str(), nullptr, &g) == OGRERR_NONE);
        feature.SetGeometryDirectly(g);
        if (f.height) feature.SetField("height", *f.height);
        if (f.area_attr) feature.SetField("area_attr", *f.area_attr);
        REQUIRE(layer->CreateFeature(&feature) == OGRERR_NONE);
    }
}

struct Raster {
    int cols = 0, rows = 0;
    double gt[6] = {};
    std::vector<double> values;
    std::optional<double> nodata;
    std::string description;
    double at(int col, int row) const { return values[std::size_t(row) * cols + col]; }
    double sum() const {
        double s = 0;
        for (double v : values)
            if (!nodata || v != *nodata) s += v;
        return s;
    }
};

Raster read_raster(const std::string& path) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    REQUIRE(ds);
    Raster r;
    r.cols = ds->GetRasterXSize();
    r.rows = ds->GetRasterYSize();
    ds->GetGeoTransform(r.gt);
    GDALRasterBand* band = ds->GetRasterBand(1);
    r.values.resize(std::size_t(r.cols) * r.rows);
    REQUIRE(band->RasterIO(GF_Read, 0, 0, r.cols, r.rows, r.values.data(), r.cols, r.rows, GDT_Float64, 0, 0) == CE_None);
    int has = 0;
    const double nd = band->GetNoDataValue(&has);
    if (has) r.nodata = nd;
    r.description = band->GetDescription();
    return r;
}

// The layer's polygons reprojected to EPSG:6677 by OGR: the oracle for the PLATEAU subsets.
std::vector<std::unique_ptr<OGRGeometry>> polygons_in_6677(const std::string& path) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    OGRLayer* layer = ds->GetLayer(0);
    OGRSpatialReference target;
    target.importFromEPSG(6677);
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(layer->GetSpatialRef(), &target));
    REQUIRE(ct);
    std::vector<std::unique_ptr<OGRGeometry>> out;
    for (auto& feature : *layer) {
        out.emplace_back(feature->GetGeometryRef()->clone());
        REQUIRE(out.back()->transform(ct.get()) == OGRERR_NONE);
    }
    return out;
}

double area_of(const OGRGeometry& g) { return OGR_G_Area(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&g))); }

// GEOS union of all polygons (what "overlaps counted once" must add up to).
std::unique_ptr<OGRGeometry> union_in_6677(const std::vector<std::unique_ptr<OGRGeometry>>& polygons) {
    OGRMultiPolygon all;
    for (const auto& g : polygons) {
        if (wkbFlatten(g->getGeometryType()) == wkbPolygon) {
            all.addGeometry(g.get());
        } else {
            for (const OGRGeometry* part : *g->toMultiPolygon()) all.addGeometry(part);
        }
    }
    return std::unique_ptr<OGRGeometry>(all.UnionCascaded());
}

// The hand-made layer, EPSG:6677 metres, on the grid x 0..60, y 0..40 of 10 m pixels
// (6 columns x 4 rows; row 0 is y 30..40). Each footprint's pixels are worked out in the comments.
std::vector<Feature> hand_made_footprints() {
    return {
        // A: square x 14..24, y 16..26 (100 m²), crosses the tile borders x = 20 and y = 20.
        //    x: col 1 6 m, col 2 4 m; y: row 1 (20..30) 6 m, row 2 (10..20) 4 m -> 36, 24, 24, 16.
        //    Centroid (19, 21): col 1, row 1.
        {"POLYGON ((14 16,24 16,24 26,14 26,14 16))", 10.0, 200.0},
        // B: right triangle (40,0) (60,0) (40,20), 200 m², region (x-40) + y <= 20.
        //    (4,3) whole: 100; (5,3) and (4,2) half: 50; (5,2) touches at one point: 0.
        //    Centroid (46.7, 6.7): col 4, row 3.
        {"POLYGON ((40 0,60 0,40 20,40 0))", 20.0, std::nullopt},
        // C: x 20..40, y 0..20 with a hole x 22..32, y 3..13: 400 - 100 = 300 m², no height.
        //    The hole takes 8 x 3 = 24 of (2,2), 2 x 3 = 6 of (3,2), 8 x 7 = 56 of (2,3), 2 x 7 = 14 of (3,3).
        //    Centroid ((400*30 - 100*27)/300, (400*10 - 100*8)/300) = (31, 10.67): col 3, row 2.
        {"POLYGON ((20 0,40 0,40 20,20 20,20 0),(22 3,32 3,32 13,22 13,22 3))", std::nullopt, 0.0},
        // D: long strip x 5..56, y 32..38 (306 m²) across all three tile columns, row 0:
        //    col 0 5 x 6 = 30, cols 1-4 60 each, col 5 6 x 6 = 36. Centroid (30.5, 35): col 3, row 0.
        {"POLYGON ((5 32,56 32,56 38,5 38,5 32))", 5.0, std::nullopt},
        // E: square x 15..20, y 20..25 (25 m²) inside pixel (1,1), on top of A: overlaps add.
        //    Centroid (17.5, 22.5): col 1, row 1.
        {"POLYGON ((15 20,20 20,20 25,15 25,15 20))", 30.0, std::nullopt},
    };
}

// Pixel areas of the hand-made layer when overlapping footprints add: A + E in (1,1) = 36 + 25,
// A + C in (2,2) = 16 + 76.
const std::vector<double> areas_added = {
    30, 60, 60, 60, 60, 36,   // row 0: D
    0,  61, 24, 0,  0,  0,    // row 1: A (+E)
    0,  24, 92, 94, 50, 0,    // row 2: A, A+C, C, B
    0,  0,  44, 86, 100, 50,  // row 3: C, B
};
constexpr double total_added = 100 + 200 + 300 + 306 + 25;
// Counted once (the default): E lies inside A, so (1,1) keeps A's 36; A and C share x 20..24,
// y 16..20 (16 m², in pixel (2,2)), so (2,2) holds 16 + 76 - 16 = 76.
std::vector<double> areas_merged() {
    std::vector<double> a = areas_added;
    a[1 * 6 + 1] = 36;
    a[2 * 6 + 2] = 76;
    return a;
}
constexpr double total_merged = total_added - 25 - 16;

repot::PrepareRoofsOptions hand_made_options(const TempDir& dir, int tile_size) {
    repot::PrepareRoofsOptions o;
    o.footprints = dir / "hand.gpkg";
    o.resolution = 10;
    o.extent = repot::Extent{0, 0, 60, 40};
    o.output = dir / "area.tif";
    o.tile_size = tile_size;
    return o;
}

}  // namespace

TEST_CASE("prepare roofs: hand-made footprints give the hand-computed pixel areas, for any tile size") {
    TempDir dir("hand");
    write_layer(dir / "hand.gpkg", 6677, hand_made_footprints());
    for (const bool merge : {true, false})
        for (int tile_size : {2, 1, 3, 1024}) {
            INFO("tile size " << tile_size << (merge ? ", overlaps merged" : ", overlaps add"));
            repot::PrepareRoofsOptions o = hand_made_options(dir, tile_size);
            o.merge_overlaps = merge;
            const repot::PrepareRoofsSummary s = repot::prepare_roofs(o);
            const Raster r = read_raster(o.output);
            REQUIRE(r.cols == 6);
            REQUIRE(r.rows == 4);
            CHECK(r.gt[0] == 0);
            CHECK(r.gt[3] == 40);
            CHECK(r.gt[1] == 10);
            CHECK(r.gt[5] == -10);
            CHECK(r.description == "roof_area_m2");
            const std::vector<double> expected = merge ? areas_merged() : areas_added;
            const double total = merge ? total_merged : total_added;
            for (int row = 0; row < 4; ++row)
                for (int col = 0; col < 6; ++col) {
                    INFO("pixel col " << col << " row " << row);
                    CHECK(r.at(col, row) == doctest::Approx(expected[std::size_t(row) * 6 + col]).epsilon(1e-6));
                }
            CHECK(r.sum() == doctest::Approx(total).epsilon(1e-6));
            CHECK(s.raster_area_m2 == doctest::Approx(total).epsilon(1e-9));
            CHECK(s.geometry_area_m2 == doctest::Approx(total_added).epsilon(1e-9));
            CHECK(s.features == 5);
            CHECK(s.overlap_pixels == 0);
            // One group {A, C, E} in the tile that holds all three, else one per tile meeting A with C or E.
            if (merge) CHECK(s.overlap_groups >= 1);
        }
}

TEST_CASE("prepare roofs: mean height weighted by area, and building counts by centroid") {
    TempDir dir("height");
    write_layer(dir / "hand.gpkg", 6677, hand_made_footprints());
    repot::PrepareRoofsOptions o = hand_made_options(dir, 2);
    o.height_field = "height";
    o.height_output = dir / "height.tif";
    o.count_output = dir / "count.tif";
    const repot::PrepareRoofsSummary s = repot::prepare_roofs(o);

    const Raster h = read_raster(o.height_output);
    REQUIRE(h.nodata);
    const double nd = *h.nodata;
    // (1,1): A 36 m² at 10 m, E 25 m² at 30 m -> (360 + 750) / 61. C has no height: left out.
    const std::vector<double> expected = {
        5,  5,           5,  5,  5,  5,    //
        nd, 1110.0 / 61, 10, nd, nd, nd,   //
        nd, 10,          10, nd, 20, nd,   //
        nd, nd,          nd, nd, 20, 20,   //
    };
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("pixel " << i);
        CHECK(h.values[i] == doctest::Approx(expected[i]).epsilon(1e-6));
    }
    CHECK(s.height_missing == 1);

    const Raster n = read_raster(o.count_output);
    std::vector<double> counts(24, 0.0);
    counts[1 * 6 + 1] = 2;   // A and E
    counts[3 * 6 + 4] = 1;   // B
    counts[2 * 6 + 3] = 1;   // C
    counts[0 * 6 + 3] = 1;   // D
    for (std::size_t i = 0; i < counts.size(); ++i) {
        INFO("pixel " << i);
        CHECK(n.values[i] == counts[i]);
    }
    CHECK(s.buildings_counted == 5);
}

TEST_CASE("prepare roofs: --area-field scales each footprint to its attribute; 0 or null keeps the polygon area") {
    TempDir dir("areafield");
    write_layer(dir / "hand.gpkg", 6677, hand_made_footprints());
    repot::PrepareRoofsOptions o = hand_made_options(dir, 2);
    o.area_field = "area_attr";
    CHECK_THROWS_WITH_AS(repot::prepare_roofs(o), doctest::Contains("--overlaps add"), repot::UsageError);
    o.merge_overlaps = false;
    const repot::PrepareRoofsSummary s = repot::prepare_roofs(o);
    const Raster r = read_raster(o.output);
    // A's attribute is 200 = 2 x its 100 m²: its pixels double. C's attribute is 0 and B, D, E have
    // none: polygon area.
    std::vector<double> expected = areas_added;
    expected[1 * 6 + 1] += 36;
    expected[1 * 6 + 2] += 24;
    expected[2 * 6 + 1] += 24;
    expected[2 * 6 + 2] += 16;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("pixel " << i);
        CHECK(r.values[i] == doctest::Approx(expected[i]).epsilon(1e-6));
    }
    CHECK(r.sum() == doctest::Approx(total_added + 100).epsilon(1e-6));
    CHECK(s.area_field_missing == 4);
    CHECK(s.overlap_pixels == 1);   // (2,2): 32 + 76 > 100 m², and (1,1): 72 + 25 < 100
}

TEST_CASE("prepare roofs: the extent defaults to the footprints' extent snapped outward to --res") {
    TempDir dir("extent");
    write_layer(dir / "fp.gpkg", 6677, {{"POLYGON ((-9325 -32725,-9300 -32725,-9300 -32712,-9325 -32712,-9325 -32725))"}});
    repot::PrepareRoofsOptions o;
    o.footprints = dir / "fp.gpkg";
    o.resolution = 10;
    o.output = dir / "a.tif";
    const repot::PrepareRoofsSummary s = repot::prepare_roofs(o);
    // x -9325..-9300 -> -9330..-9300 (3 columns); y -32725..-32712 -> -32730..-32710 (2 rows).
    CHECK(s.x_min == -9330);
    CHECK(s.y_max == -32710);
    CHECK(s.cols == 3);
    CHECK(s.rows == 2);
    const Raster r = read_raster(o.output);
    // y: row 0 (-32720..-32710) 8 m, row 1 (-32730..-32720) 5 m; x: 5, 10, 10 m.
    const std::vector<double> expected = {40, 80, 80, 25, 50, 50};
    for (std::size_t i = 0; i < expected.size(); ++i) CHECK(r.values[i] == doctest::Approx(expected[i]));
}

TEST_CASE("prepare roofs: PLATEAU Marunouchi and Kanda subsets keep their polygon area (EPSG:6677)") {
    TempDir dir("plateau");
    for (const char* name : {"plateau2020_bldg_13101_marunouchi_subset.geojson", "plateau2020_bldg_13101_kanda_subset.geojson"}) {
        INFO(name);
        const std::vector<std::unique_ptr<OGRGeometry>> polygons = polygons_in_6677(data_dir + name);
        double polygon_sum = 0;
        for (const auto& g : polygons) polygon_sum += area_of(*g);
        const double union_area = area_of(*union_in_6677(polygons));

        for (const bool merge : {false, true}) {
            INFO("overlaps merged: " << merge);
            repot::PrepareRoofsOptions o;
            o.footprints = data_dir + name;
            o.resolution = 10;
            o.crs = "EPSG:6677";
            o.output = dir / "roof.tif";
            o.tile_size = 16;   // several tiles, so buildings cross tile borders
            o.merge_overlaps = merge;
            const repot::PrepareRoofsSummary s = repot::prepare_roofs(o);
            const Raster r = read_raster(o.output);
            // The issue asks for 0.1 % of the polygon sum; exact areas stored as Float32 do far better.
            CHECK(r.sum() == doctest::Approx(polygon_sum).epsilon(1e-3));
            CHECK(r.sum() == doctest::Approx(merge ? union_area : polygon_sum).epsilon(1e-6));
            CHECK(s.geometry_area_m2 == doctest::Approx(polygon_sum).epsilon(1e-9));
            CHECK(s.features == static_cast<std::int64_t>(polygons.size()));
            CHECK(s.tiles > 1);
            // Grid origin on multiples of 10 m, so it aligns with the shipped 23-ward roof raster.
            CHECK(std::fmod(r.gt[0], 10.0) == 0);
            CHECK(std::fmod(r.gt[3], 10.0) == 0);
        }
    }
}

TEST_CASE("prepare roofs: every Marunouchi pixel equals the GEOS area of the footprints' union inside it") {
    TempDir dir("geos");
    repot::PrepareRoofsOptions o;
    o.footprints = data_dir + "plateau2020_bldg_13101_marunouchi_subset.geojson";
    o.resolution = 10;
    o.output = dir / "roof.tif";
    o.tile_size = 7;
    repot::prepare_roofs(o);
    const Raster r = read_raster(o.output);

    const std::unique_ptr<OGRGeometry> roofs = union_in_6677(polygons_in_6677(o.footprints));
    double worst = 0;
    for (int row = 0; row < r.rows; ++row)
        for (int col = 0; col < r.cols; ++col) {
            const double x0 = r.gt[0] + col * r.gt[1], y1 = r.gt[3] + row * r.gt[5];
            OGRPolygon cell;
            OGRLinearRing ring;
            ring.addPoint(x0, y1 - 10);
            ring.addPoint(x0 + 10, y1 - 10);
            ring.addPoint(x0 + 10, y1);
            ring.addPoint(x0, y1);
            ring.closeRings();
            cell.addRing(&ring);
            const std::unique_ptr<OGRGeometry> part(roofs->Intersection(&cell));
            const double expected = part ? area_of(*part) : 0.0;
            worst = std::max(worst, std::abs(expected - r.at(col, row)));
        }
    // Float32 keeps about 7 digits of a value up to 100 m².
    CHECK(worst < 1e-4);
}

TEST_CASE("prepare roofs: invalid geometry stops with the file and feature, and leaves no output") {
    TempDir dir("invalid");
    repot::PrepareRoofsOptions o;
    o.footprints = data_dir + "invalid_bowtie.geojson";
    o.resolution = 1;
    o.output = dir / "roof.tif";
    try {
        repot::prepare_roofs(o);
        FAIL("no error");
    } catch (const repot::DataError& e) {
        const std::string msg = e.what();
        CHECK(msg.find("invalid_bowtie.geojson") != std::string::npos);
        CHECK(msg.find("feature 2") != std::string::npos);
        CHECK(msg.find("--make-valid") != std::string::npos);
    }
    CHECK(dir.entries() == 0);
}

TEST_CASE("prepare roofs: --make-valid repairs a bow-tie into its two triangles") {
    TempDir dir("makevalid");
    // A bow-tie in EPSG:6677: (0,0) (20,20) (20,0) (0,20) crosses itself at (10,10); repaired it is
    // two triangles of 100 m² each, (0,0) (10,10) (0,20) and (20,0) (20,20) (10,10).
    write_layer(dir / "bowtie.gpkg", 6677, {{"POLYGON ((0 0,20 20,20 0,0 20,0 0))"}});
    repot::PrepareRoofsOptions o;
    o.footprints = dir / "bowtie.gpkg";
    o.resolution = 10;
    o.output = dir / "roof.tif";
    o.make_valid = true;
    const repot::PrepareRoofsSummary s = repot::prepare_roofs(o);
    CHECK(s.features_repaired == 1);
    const Raster r = read_raster(o.output);
    // Left triangle: in the column x 0..10 it is the region y in [x, 20 - x]: 50 m² in each row.
    const std::vector<double> expected = {50, 50, 50, 50};
    REQUIRE(r.values.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) CHECK(r.values[i] == doctest::Approx(expected[i]));
}

TEST_CASE("prepare roofs: no CRS, geographic or unknown --crs, lines, missing fields: clear errors, no output") {
    TempDir dir("errors");
    const std::string out = dir / "roof.tif";
    repot::PrepareRoofsOptions o;
    o.resolution = 10;
    o.output = out;

    SUBCASE("layer without CRS") {
        write_layer(dir / "nocrs.shp", 0, {{"POLYGON ((0 0,10 0,10 10,0 10,0 0))"}}, "ESRI Shapefile");
        o.footprints = dir / "nocrs.shp";
        CHECK_THROWS_WITH_AS(repot::prepare_roofs(o), doctest::Contains("has no CRS"), repot::DataError);
    }
    SUBCASE("geographic --crs") {
        o.footprints = data_dir + "plateau2020_bldg_13101_marunouchi_subset.geojson";
        o.crs = "EPSG:4326";
        CHECK_THROWS_WITH_AS(repot::prepare_roofs(o), doctest::Contains("not a projected CRS"), repot::UsageError);
    }
    SUBCASE("unknown --crs") {
        o.footprints = data_dir + "plateau2020_bldg_13101_marunouchi_subset.geojson";
        o.crs = "EPSG:99999999";
        CHECK_THROWS_WITH_AS(repot::prepare_roofs(o), doctest::Contains("not a CRS GDAL knows"), repot::UsageError);
    }
    SUBCASE("lines are not footprints") {
        write_layer(dir / "lines.gpkg", 6677, {{"LINESTRING (0 0,10 10)"}});
        o.footprints = dir / "lines.gpkg";
        CHECK_THROWS_WITH_AS(repot::prepare_roofs(o), doctest::Contains("must be polygons"), repot::DataError);
    }
    SUBCASE("missing height field") {
        o.footprints = data_dir + "plateau2020_bldg_13101_marunouchi_subset.geojson";
        o.height_field = "measuredHeight";
        o.height_output = dir / "h.tif";
        CHECK_THROWS_WITH_AS(repot::prepare_roofs(o), doctest::Contains("fields: bldg_id"), repot::DataError);
    }
    SUBCASE("extent not a whole number of pixels") {
        o.footprints = data_dir + "plateau2020_bldg_13101_marunouchi_subset.geojson";
        o.extent = repot::Extent{0, 0, 15, 10};
        CHECK_THROWS_WITH_AS(repot::prepare_roofs(o), doctest::Contains("whole number"), repot::UsageError);
    }
    CHECK_FALSE(fs::exists(out));
    for (const auto& entry : fs::directory_iterator(dir.path))
        CHECK_MESSAGE(entry.path().filename().string().find("repot-tmp") == std::string::npos, entry.path());
}

namespace {

// DSM of 1 m cells over x 0..60, y 0..40 (EPSG:6677): ground at 0 m except three roof planes.
//   P x 10..30, y 10..30: rises 30 deg to the east  -> slope 30, faces west (270)
//   S x 40..60, y 0..10:  rises 20 deg to the north -> slope 20, faces south (180)
//   N x 40..60, y 10..20: rises 20 deg to the south -> slope 20, faces north (0)
// Heights are evaluated at cell centres.
void write_dsm(const std::string& path, double x_origin = 0) {
    const int cols = 60, rows = 40;
    std::vector<float> z(std::size_t(cols) * rows, 0.0f);
    const double t30 = std::tan(30 * std::numbers::pi / 180), t20 = std::tan(20 * std::numbers::pi / 180);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const double x = x_origin + c + 0.5, y = 40 - r - 0.5;
            double v = 0;
            if (x > 10 && x < 30 && y > 10 && y < 30) v = 10 + (x - 10) * t30;
            if (x > 40 && y < 10) v = 10 + y * t20;
            if (x > 40 && y > 10 && y < 20) v = 10 + (20 - y) * t20;
            z[std::size_t(r) * cols + c] = static_cast<float>(v);
        }
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), cols, rows, 1, GDT_Float32, nullptr));
    double gt[6] = {x_origin, 1, 0, 40, 0, -1};
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(6677);
    ds->SetSpatialRef(&srs);
    REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, cols, rows, z.data(), cols, rows, GDT_Float32, 0, 0) == CE_None);
}

double angle_gap(double a, double b) {
    const double d = std::fmod(std::abs(a - b), 360.0);
    return std::min(d, 360 - d);
}

}  // namespace

TEST_CASE("prepare roofs --dsm: slope and aspect of roof planes, walls at the roof edge left out") {
    TempDir dir("dsm");
    write_dsm(dir / "dsm.tif");
    write_layer(dir / "fp.gpkg", 6677,
                {{"POLYGON ((10 10,30 10,30 30,10 30,10 10))"},
                 {"POLYGON ((40 0,60 0,60 10,40 10,40 0))"},
                 {"POLYGON ((40 10,60 10,60 20,40 20,40 10))"},
                 // 2 m x 2 m shed: no DSM cell has its whole 3 x 3 window on it -> no slope.
                 {"POLYGON ((1 35,3 35,3 37,1 37,1 35))"}});
    repot::PrepareRoofsOptions o;
    o.footprints = dir / "fp.gpkg";
    o.resolution = 10;
    o.extent = repot::Extent{0, 0, 60, 40};
    o.output = dir / "roof.tif";
    o.dsm = dir / "dsm.tif";
    o.slope_output = dir / "slope.tif";
    o.aspect_output = dir / "aspect.tif";
    o.tile_size = 2;
    const repot::PrepareRoofsSummary s = repot::prepare_roofs(o);
    const Raster slope = read_raster(o.slope_output), aspect = read_raster(o.aspect_output);
    REQUIRE(slope.nodata);
    REQUIRE(aspect.nodata);
    struct Expect {
        int col, row;
        double slope, aspect;
    };
    const std::vector<Expect> roofs = {{1, 1, 30, 270}, {2, 1, 30, 270}, {1, 2, 30, 270}, {2, 2, 30, 270},
                                       {4, 3, 20, 180}, {5, 3, 20, 180}, {4, 2, 20, 0},    {5, 2, 20, 0}};
    for (const Expect& e : roofs) {
        INFO("pixel col " << e.col << " row " << e.row);
        CHECK(slope.at(e.col, e.row) == doctest::Approx(e.slope).epsilon(1e-4));
        CHECK(angle_gap(aspect.at(e.col, e.row), e.aspect) < 1e-3);
    }
    CHECK(s.slope_pixels == 8);
    CHECK(slope.at(0, 0) == *slope.nodata);    // the shed
    CHECK(aspect.at(0, 0) == *aspect.nodata);
    CHECK(slope.at(3, 0) == *slope.nodata);    // no roof at all
}

TEST_CASE("prepare roofs --dsm: a DSM grid that does not nest in the output grid is refused") {
    TempDir dir("dsmgrid");
    write_dsm(dir / "dsm.tif", 0.5);   // origin half a cell off the output grid
    write_layer(dir / "fp.gpkg", 6677, {{"POLYGON ((10 10,30 10,30 30,10 30,10 10))"}});
    repot::PrepareRoofsOptions o;
    o.footprints = dir / "fp.gpkg";
    o.resolution = 10;
    o.extent = repot::Extent{0, 0, 60, 40};
    o.output = dir / "roof.tif";
    o.dsm = dir / "dsm.tif";
    o.slope_output = dir / "slope.tif";
    CHECK_THROWS_WITH_AS(repot::prepare_roofs(o), doctest::Contains("does not nest"), repot::DataError);
    CHECK_FALSE(fs::exists(o.output));
    CHECK_FALSE(fs::exists(o.slope_output));
}
