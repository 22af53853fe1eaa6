// prepare_irradiation on tiny grids with points placed by hand, and on the shipped MONSOLA table.
// Oracles: point coordinates converted with gdaltransform (EPSG:6677 -> EPSG:6668, printed below),
// nearest points and IDW means worked by hand, station values read off the CSV.
#include <doctest/doctest.h>
#include <gdal_priv.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../../src/prepare/irradiation_points.hpp"
#include "../test_support.hpp"
#include "repot/error.hpp"
#include "repot/prepare.hpp"

namespace fs = std::filesystem;
using namespace repot;

namespace {

const std::string monsola_csv =
    std::string(REPOT_TEST_DATA) + "/../../datasets/tokyo/irradiation/nedo_monsola11_tokyo_stations_ghi.csv";

using repot_test::TempDir;

// Points at EPSG:6677 (x, y) A (-3700, -1200), B (-300, -800), C (-2000, -1900); lon/lat from
// `gdaltransform -s_srs EPSG:6677 -t_srs EPSG:6668` (back-transformed they are within 1e-7 m).
// Month m (1..12) of A is 100 + m - 1, of B 200 + m - 1, of C 300 + m - 1.
std::string point_row(const char* id, const char* lat, const char* lon, int base) {
    std::string row = std::string(id) + "," + lat + "," + lon;
    for (int m = 0; m < 12; ++m) row += "," + std::to_string(base + m);
    return row + "\n";
}
const std::string plain_header = "id,lat,lon,m01,m02,m03,m04,m05,m06,m07,m08,m09,m10,m11,m12\n";
const std::string row_a = point_row("A", "35.9891770856025", "139.792298360695", 100);
const std::string row_b = point_row("B", "35.9927893581881", "139.830006021615", 200);
const std::string row_c = point_row("C", "35.9828727711307", "139.811154031061", 300);
// 4 x 2 cells of 1000 m, x -4000..0, y -2000..0: centres x -3500, -2500, -1500, -500; y -500, -1500.
const std::string tiny_grid = "EPSG:6677:1000:-4000,-2000,0,0";

struct Raster {
    int cols = 0, rows = 0, bands = 0;
    double gt[6] = {};
    std::vector<std::vector<float>> values;  // per band
    GDALDatasetUniquePtr ds;
    float at(int band, int col, int row) const { return values[size_t(band - 1)][size_t(row) * cols + col]; }
};

Raster read_raster(const std::string& path) {
    Raster r;
    r.ds.reset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    REQUIRE(r.ds);
    r.cols = r.ds->GetRasterXSize();
    r.rows = r.ds->GetRasterYSize();
    r.bands = r.ds->GetRasterCount();
    r.ds->GetGeoTransform(r.gt);
    for (int b = 1; b <= r.bands; ++b) {
        GDALRasterBand* band = r.ds->GetRasterBand(b);
        CHECK(band->GetRasterDataType() == GDT_Float32);
        std::vector<float> v(size_t(r.cols) * r.rows);
        REQUIRE(band->RasterIO(GF_Read, 0, 0, r.cols, r.rows, v.data(), r.cols, r.rows, GDT_Float32, 0, 0) == CE_None);
        r.values.push_back(std::move(v));
    }
    return r;
}

std::string data_error(const PrepareIrradiationOptions& o) {
    try {
        prepare_irradiation(o);
    } catch (const DataError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("prepare irradiation: nearest point, two points, every cell by hand") {
    GDALAllRegister();
    TempDir dir("nearest");
    PrepareIrradiationOptions o;
    o.points = dir.write("points.csv", plain_header + row_a + row_b);
    o.grid = tiny_grid;
    o.output = dir / "ghi.tif";
    const PrepareIrradiationSummary s = prepare_irradiation(o);
    CHECK(s.layout == "id,lat,lon,m01..m12");
    CHECK(s.point_ids == std::vector<std::string>{"A", "B"});
    CHECK(s.points_inside == 2);
    CHECK(s.crs == "EPSG:6677");
    Raster r = read_raster(o.output);
    REQUIRE(r.cols == 4);
    REQUIRE(r.rows == 2);
    REQUIRE(r.bands == 12);
    CHECK(r.gt[0] == -4000);
    CHECK(r.gt[3] == 0);
    CHECK(r.gt[1] == 1000);
    // Squared distances (10^6 m²) from the centres of column 1 and 2, row 0 (y -500) and row 1 (y -1500):
    // (-2500,-500): A 1.44+0.49 = 1.93, B 4.84+0.09 = 4.93 -> A;  (-1500,-500): A 5.33, B 1.53 -> B
    // (-2500,-1500): A 1.44+0.09 = 1.53, B 4.84+0.49 = 5.33 -> A;  (-1500,-1500): A 4.93, B 1.93 -> B
    // Columns 0 and 3 are nearer still to A and to B.
    for (int m = 1; m <= 12; ++m)
        for (int row = 0; row < 2; ++row)
            for (int col = 0; col < 4; ++col) {
                CAPTURE(m);
                CAPTURE(col);
                CAPTURE(row);
                CHECK(r.at(m, col, row) == float((col < 2 ? 100 : 200) + m - 1));
            }
    CHECK(std::string(r.ds->GetRasterBand(1)->GetDescription()) == "m01 January: GHI kWh/m2/month");
    CHECK(std::string(r.ds->GetRasterBand(12)->GetDescription()) == "m12 December: GHI kWh/m2/month");
    CHECK(std::string(r.ds->GetMetadataItem("METHOD")) == "nearest");
    CHECK(std::string(r.ds->GetMetadataItem("POINT_IDS")) == "A,B");
    CHECK(r.ds->GetMetadataItem("IDW_POWER") == nullptr);
    CHECK(s.min[0] == 100);
    CHECK(s.max[11] == 211);
}

TEST_CASE("prepare irradiation: IDW at one cell against a hand computation") {
    GDALAllRegister();
    TempDir dir("idw");
    PrepareIrradiationOptions o;
    o.points = dir.write("points.csv", plain_header + row_a + row_b + row_c);
    o.grid = tiny_grid;
    o.method = IrradiationMethod::idw;
    o.output = dir / "ghi.tif";
    SUBCASE("power 2 (the default)") {
        prepare_irradiation(o);
        Raster r = read_raster(o.output);
        // Cell (col 2, row 0), centre (-1500, -500): d² A 2200²+700² = 5.33e6, B 1200²+300² = 1.53e6,
        // C 500²+1400² = 2.21e6. January = (100/5.33 + 200/1.53 + 300/2.21) / (1/5.33 + 1/1.53 + 1/2.21)
        // = 285.2273 / 1.293701 = 220.4739; month m adds m - 1 (the weights sum to 1).
        for (int m = 1; m <= 12; ++m) {
            CAPTURE(m);
            CHECK(r.at(m, 2, 0) == doctest::Approx(220.4739 + m - 1).epsilon(1e-6));
        }
        CHECK(std::string(r.ds->GetMetadataItem("METHOD")) == "idw");
        CHECK(std::string(r.ds->GetMetadataItem("IDW_POWER")) == "2");
        CHECK(std::string(r.ds->GetMetadataItem("POINT_IDS")) == "A,B,C");
    }
    SUBCASE("power 1") {
        o.power = 1;
        prepare_irradiation(o);
        Raster r = read_raster(o.output);
        // Weights 1/d: 1/2308.68, 1/1236.93, 1/1486.61 -> 212.5126.
        CHECK(r.at(1, 2, 0) == doctest::Approx(212.5126).epsilon(1e-6));
        CHECK(std::string(r.ds->GetMetadataItem("IDW_POWER")) == "1");
    }
}

TEST_CASE("prepare irradiation: the MONSOLA layout reads the monthly totals of the 6 mainland points") {
    auto all = prepare::read_irradiation_points(monsola_csv, {});
    CHECK(all.layout == "MONSOLA");
    CHECK(all.points.size() == 12);  // 12 stations; the 12 kWh/m2/day rows are ignored
    auto mainland = prepare::read_irradiation_points(monsola_csv, {{"mainland", "1"}});
    REQUIRE(mainland.points.size() == 6);
    const char* ids[] = {"44046", "44056", "44076", "44112", "44116", "44132"};
    for (size_t i = 0; i < 6; ++i) CHECK(mainland.points[i].id == ids[i]);
    // 東京 44132, row 13 of the file: lat 35.69, lon 139.76, January 75.95, July 125.24, December 66.34.
    const auto& tokyo = mainland.points[5];
    CHECK(tokyo.row == 13);
    CHECK(tokyo.lat == 35.69);
    CHECK(tokyo.lon == 139.76);
    CHECK(tokyo.ghi[0] == 75.95);
    CHECK(tokyo.ghi[6] == 125.24);
    CHECK(tokyo.ghi[11] == 66.34);
    // 小河内 44046: January 78.43 (the daily row says 2.53).
    CHECK(mainland.points[0].ghi[0] == 78.43);
}

TEST_CASE("prepare irradiation: bad tables and grids are clear errors and leave no file") {
    GDALAllRegister();
    TempDir dir("bad");
    PrepareIrradiationOptions o;
    o.grid = tiny_grid;
    o.output = dir / "ghi.tif";
    auto expect = [&](const std::string& name, const std::string& text, const std::vector<std::string>& parts) {
        CAPTURE(name);
        o.points = dir.write(name, text);
        const std::string e = data_error(o);
        CAPTURE(e);
        CHECK(contains(e, o.points));
        for (const auto& p : parts) CHECK(contains(e, p));
        CHECK_FALSE(fs::exists(o.output));
        fs::remove(o.points);
        CHECK(dir.empty());  // no temporary file either
    };
    std::string no_m07 = plain_header;
    no_m07.replace(no_m07.find(",m07"), 4, "");
    expect("month_column.csv", no_m07 + "A,35.99,139.79,1,2,3,4,5,6,8,9,10,11,12\n", {"'m07'"});
    std::string empty_value = row_b;
    empty_value.replace(empty_value.find(",205"), 4, ",");
    expect("month_value.csv", plain_header + row_a + empty_value, {"row 3", "m06", "no value"});
    std::string high = row_a;
    high.replace(high.find(",103"), 4, ",401");
    expect("high.csv", plain_header + high, {"row 2", "m04 = 401", "0..400"});
    std::string negative = row_a;
    negative.replace(negative.find(",111"), 4, ",-1");
    expect("negative.csv", plain_header + negative, {"row 2", "m12 = -1"});
    expect("text_value.csv", plain_header + "A,35.99,139.79,1,2,3,x,5,6,7,8,9,10,11,12\n", {"row 2", "m04 = 'x'"});
    expect("duplicate.csv", plain_header + row_a + row_b + point_row("A", "35.99", "139.8", 100),
           {"row 4", "A", "repeats row 2"});
    expect("bad_lat.csv", plain_header + point_row("A", "95", "139.8", 100), {"row 2", "lat = 95"});
    expect("bad_lon.csv", plain_header + point_row("A", "35.9", "east", 100), {"row 2", "lon = 'east'"});
    expect("no_rows.csv", plain_header, {"no point"});
    // 大阪 (34.69, 135.50) is hundreds of km west of the tiny grid.
    expect("outside.csv", plain_header + point_row("osaka", "34.69", "135.50", 100), {"none of the 1 points", "inside"});
}

TEST_CASE("prepare irradiation: default grid and --like") {
    GDALAllRegister();
    TempDir dir("grids");
    PrepareIrradiationOptions o;
    o.points = dir.write("points.csv", plain_header + row_a + row_b);
    o.output = dir / "ghi.tif";
    SUBCASE("default: the points' extent plus 20 km in EPSG:6677, snapped to --res") {
        o.resolution = 1000;
        const auto s = prepare_irradiation(o);
        // x -3700..-300, y -1200..-800 -> -23700..19700, -21200..19200 -> snapped -24000..20000, -22000..20000.
        CHECK(s.x_min == -24000);
        CHECK(s.y_max == 20000);
        CHECK(s.cols == 44);
        CHECK(s.rows == 42);
        CHECK(s.crs == "EPSG:6677");
    }
    SUBCASE("--like: the raster's extent in its CRS at --res, snapped outward") {
        o.grid = "EPSG:6677:700:-4200,-2100,0,0";  // a 6 x 3 grid of 700 m as the "like" raster
        o.output = dir / "like.tif";
        prepare_irradiation(o);
        PrepareIrradiationOptions l;
        l.points = o.points;
        l.like = o.output;
        l.resolution = 1000;
        l.output = dir / "ghi.tif";
        const auto s = prepare_irradiation(l);
        CHECK(s.x_min == -5000);
        CHECK(s.y_max == 0);
        CHECK(s.cols == 5);
        CHECK(s.rows == 3);
    }
}
