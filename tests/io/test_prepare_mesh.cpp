// prepare_mesh on the 2015 census 500 m mesh table and on small tables written here.
// Oracles: the table itself (parsed here with plain C++), the corner columns the census CSV carries,
// the census GeoTIFF that the dataset's author built with another tool, and values worked by hand.
#include <doctest/doctest.h>
#include <gdal_priv.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../test_support.hpp"
#include "repot/error.hpp"
#include "repot/prepare.hpp"

namespace fs = std::filesystem;

namespace {

const std::string data_dir = std::string(REPOT_TEST_DATA) + "/prepare/";
const std::string census_csv = data_dir + "census2015_pop_500m_mesh5339.csv";

using repot_test::TempDir;

struct Band {
    int cols = 0, rows = 0;
    double gt[6] = {};
    std::vector<double> values;
    double nodata = 0;
    std::string description;
    std::string crs_authority;
};

Band read_band(const std::string& path, int index = 1) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    REQUIRE(ds);
    Band b;
    b.cols = ds->GetRasterXSize();
    b.rows = ds->GetRasterYSize();
    ds->GetGeoTransform(b.gt);
    GDALRasterBand* band = ds->GetRasterBand(index);
    CHECK(band->GetRasterDataType() == GDT_Float64);
    b.values.resize(std::size_t(b.cols) * b.rows);
    REQUIRE(band->RasterIO(GF_Read, 0, 0, b.cols, b.rows, b.values.data(), b.cols, b.rows, GDT_Float64, 0, 0) == CE_None);
    b.nodata = band->GetNoDataValue();
    b.description = band->GetDescription();
    if (const OGRSpatialReference* srs = ds->GetSpatialRef()) {
        const char* code = srs->GetAuthorityCode(nullptr);
        b.crs_authority = code ? code : "";
    }
    return b;
}

struct CensusRow {
    std::string code;
    double lat_south, lon_west, lat_north, lon_east;
    std::int64_t population;
};

// The census CSV read without GDAL: mesh500m_code,lat_south,lon_west,lat_north,lon_east,population_2015.
std::vector<CensusRow> read_census_rows() {
    std::ifstream in(census_csv);
    REQUIRE(in);
    std::string line;
    std::getline(in, line);
    REQUIRE(line == "mesh500m_code,lat_south,lon_west,lat_north,lon_east,population_2015");
    std::vector<CensusRow> rows;
    while (std::getline(in, line)) {
        std::stringstream ss(line);
        std::string f[6];
        for (auto& field : f) std::getline(ss, field, ',');
        rows.push_back({f[0], std::stod(f[1]), std::stod(f[2]), std::stod(f[3]), std::stod(f[4]), std::stoll(f[5])});
    }
    return rows;
}

repot::PrepareMeshOptions census_options(const std::string& output) {
    repot::PrepareMeshOptions o;
    o.table = census_csv;
    o.code_field = "mesh500m_code";
    o.value_fields = {"population_2015"};
    o.output = output;
    return o;
}

}  // namespace

TEST_CASE("prepare mesh: the census 500 m table decodes to the corners it carries") {
    // The CSV's lat/lon columns come from the dataset author's own decoder, rounded to 7 decimals.
    const std::vector<CensusRow> rows = read_census_rows();
    REQUIRE(rows.size() == 16734);
    for (const CensusRow& row : rows) {
        const repot::prepare::MeshCell c = repot::prepare::decode_mesh_code(row.code);
        INFO("code " << row.code);
        REQUIRE(c.level == repot::MeshLevel::fourth);
        CHECK(std::abs(c.south_deg() - row.lat_south) < 1e-7);
        CHECK(std::abs(c.west_deg() - row.lon_west) < 1e-7);
        CHECK(std::abs(c.north_deg() - row.lat_north) < 1e-7);
        CHECK(std::abs(c.east_deg() - row.lon_east) < 1e-7);
    }
}

TEST_CASE("prepare mesh: the census raster's total equals the table's total exactly") {
    TempDir dir("census");
    const repot::PrepareMeshOptions o = census_options(dir / "pop.tif");
    const repot::PrepareMeshSummary s = repot::prepare_mesh(o);

    std::int64_t table_total = 0;
    for (const CensusRow& row : read_census_rows()) table_total += row.population;
    CHECK(table_total == 29333587);   // the total in the dataset's SOURCE.md

    const Band b = read_band(o.output);
    double raster_total = 0;
    std::size_t cells = 0;
    for (double v : b.values)
        if (v != b.nodata) {
            raster_total += v;
            ++cells;
        }
    CHECK(raster_total == double(table_total));   // exact: whole numbers in Float64
    CHECK(cells == 16734);
    CHECK(s.band_totals.at(0) == double(table_total));
    CHECK(s.level == repot::MeshLevel::fourth);
    CHECK(b.description == "population_2015");
    CHECK(b.crs_authority == "6668");
    // The codes span 1st-level mesh 5339 whole: 139-140 E, 35 deg 20' - 36 N, 22.5" x 15" cells.
    CHECK(b.cols == 160);
    CHECK(b.rows == 160);
    CHECK(b.gt[0] == doctest::Approx(139.0).epsilon(1e-14));
    CHECK(b.gt[3] == doctest::Approx(36.0).epsilon(1e-14));
    CHECK(b.gt[1] == doctest::Approx(22.5 / 3600).epsilon(1e-14));
    CHECK(b.gt[5] == doctest::Approx(-15.0 / 3600).epsilon(1e-14));
}

TEST_CASE("prepare mesh: the census raster equals the census GeoTIFF built by another tool, cell by cell") {
    TempDir dir("oracle");
    const repot::PrepareMeshOptions o = census_options(dir / "pop.tif");
    repot::prepare_mesh(o);
    const Band ours = read_band(o.output);

    GDALDatasetUniquePtr ds(GDALDataset::Open((data_dir + "census2015_pop_500m_mesh5339.tif").c_str(), GDAL_OF_RASTER));
    REQUIRE(ds);
    double gt[6];
    ds->GetGeoTransform(gt);
    REQUIRE(ds->GetRasterXSize() == ours.cols);
    REQUIRE(ds->GetRasterYSize() == ours.rows);
    for (int i = 0; i < 6; ++i) CHECK(gt[i] == doctest::Approx(ours.gt[i]).epsilon(1e-12));
    std::vector<std::int32_t> theirs(ours.values.size());
    REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, ours.cols, ours.rows, theirs.data(), ours.cols, ours.rows,
                                           GDT_Int32, 0, 0) == CE_None);
    std::size_t differences = 0;
    for (std::size_t i = 0; i < theirs.size(); ++i) {
        const double expected = theirs[i] == -1 ? ours.nodata : double(theirs[i]);   // -1 is their nodata
        differences += ours.values[i] != expected;
    }
    CHECK(differences == 0);
}

TEST_CASE("prepare mesh: L03-b style 100 m codes need --level and land on the hand-computed cells") {
    TempDir dir("l03b");
    repot::PrepareMeshOptions o;
    o.table = data_dir + "mesh_100m_sample.csv";
    o.code_field = "mesh_code";
    o.value_fields = {"landuse_code"};
    o.output = dir / "landuse.tif";
    CHECK_THROWS_WITH_AS(repot::prepare_mesh(o), doctest::Contains("--level"), repot::DataError);
    CHECK_FALSE(fs::exists(o.output));

    o.level = repot::MeshLevel::hundred_metre;
    const repot::PrepareMeshSummary s = repot::prepare_mesh(o);
    const Band b = read_band(o.output);
    // Codes 53394611rc (r, c = 0..9) and 5339461245: columns 0..9 of 53394611 and 10..19 of 53394612,
    // of which 15 is the easternmost used -> 16 columns; rows 0..9 -> 10 rows.
    REQUIRE(b.cols == 16);
    REQUIRE(b.rows == 10);
    // West edge 139 deg 45'45", north edge 35 deg 40'30" + 30" = 35 deg 41'; cells 4.5" x 3".
    CHECK(b.gt[0] == doctest::Approx(139 + 45.0 / 60 + 45.0 / 3600).epsilon(1e-14));
    CHECK(b.gt[3] == doctest::Approx(35 + 41.0 / 60).epsilon(1e-14));
    CHECK(b.gt[1] == doctest::Approx(4.5 / 3600).epsilon(1e-14));
    CHECK(b.gt[5] == doctest::Approx(-3.0 / 3600).epsilon(1e-14));
    auto at = [&](int col, int row) { return b.values[std::size_t(row) * b.cols + col]; };
    CHECK(at(0, 9) == 700);    // 5339461100: south row, west column
    CHECK(at(9, 9) == 901);    // 5339461109
    CHECK(at(0, 0) == 1100);   // 5339461190: north row
    CHECK(at(9, 0) == 500);    // 5339461199
    CHECK(at(15, 5) == 100);   // 5339461245: row 4 from the south = row 5 from the north, column 10 + 5
    CHECK(at(5, 5) == b.nodata);
    CHECK(s.rows_read == 5);
}

TEST_CASE("prepare mesh: two value fields make two bands; empty values are nodata") {
    TempDir dir("bands");
    repot::PrepareMeshOptions o;
    o.table = dir.write("t.csv", "code,a,b\n53394611,1.5,10\n53394612,,20\n");
    o.code_field = "code";
    o.value_fields = {"a", "b"};
    o.output = dir / "out.tif";
    const repot::PrepareMeshSummary s = repot::prepare_mesh(o);
    const Band a = read_band(o.output, 1), b = read_band(o.output, 2);
    REQUIRE(a.cols == 2);
    REQUIRE(a.rows == 1);
    CHECK(a.values[0] == 1.5);
    CHECK(a.values[1] == a.nodata);
    CHECK(b.values[0] == 10);
    CHECK(b.values[1] == 20);
    CHECK(a.description == "a");
    CHECK(b.description == "b");
    CHECK(s.values_missing == 1);
}

TEST_CASE("prepare mesh: malformed codes, duplicates, mixed levels and text values are refused by row") {
    TempDir dir("errors");
    repot::PrepareMeshOptions o;
    o.code_field = "mesh_code";
    o.value_fields = {"value"};
    o.output = dir / "out.tif";
    auto message = [&]() -> std::string {
        try {
            repot::prepare_mesh(o);
        } catch (const repot::DataError& e) {
            return e.what();
        }
        return "no error";
    };
    SUBCASE("malformed code") {
        o.table = data_dir + "mesh_malformed.csv";
        const std::string m = message();
        CHECK(m.find("mesh_malformed.csv: row 3") != std::string::npos);
        CHECK(m.find("5339461X") != std::string::npos);
    }
    SUBCASE("duplicate code") {
        o.table = data_dir + "mesh_duplicate.csv";
        CHECK(message().find("row 3 repeats mesh code 53394611 of row 1") != std::string::npos);
    }
    SUBCASE("mixed levels") {
        o.table = dir.write("mixed.csv", "mesh_code,value\n53394611,1\n533946112,2\n");
        const std::string m = message();
        CHECK(m.find("row 2") != std::string::npos);
        CHECK(m.find("one table, one level") != std::string::npos);
    }
    SUBCASE("text where a number should be") {
        o.table = dir.write("text.csv", "mesh_code,value\n53394611,1\n53394612,*\n");
        const std::string m = message();
        CHECK(m.find("row 2") != std::string::npos);
        CHECK(m.find("'*'") != std::string::npos);
    }
    SUBCASE("value equal to nodata") {
        o.table = dir.write("nodata.csv", "mesh_code,value\n53394611,-9999\n");
        CHECK(message().find("--nodata") != std::string::npos);
    }
    SUBCASE("unknown field") {
        o.table = data_dir + "mesh_malformed.csv";
        o.value_fields = {"population"};
        CHECK(message().find("no field 'population'") != std::string::npos);
    }
    CHECK_FALSE(fs::exists(o.output));
}

namespace {

std::string metadata_item(const std::string& path, const char* key) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    REQUIRE(ds);
    const char* v = ds->GetMetadataItem(key);
    return v ? v : "";
}

}  // namespace

TEST_CASE("prepare mesh: --fill sets absent cells of the table's 1st-level meshes, others stay nodata") {
    // 2nd-level codes (8 x 8 per 1st-level mesh, 5' x 7'30") in meshes 5339 and 5440. The raster spans the
    // four meshes 5339, 5340, 5439, 5440 whole: 16 x 16 cells, west edge 139 deg, north edge 55 / 1.5 deg.
    // Raster rows count from the north, so 2nd-level row r of 5339 is raster row 15 - r, of 5440 row 7 - r;
    // columns of 5440 start at 8.
    TempDir dir("fill");
    repot::PrepareMeshOptions o;
    o.table = dir.write("t.csv", "code,value\n533900,5\n533977,7\n544034,2.5\n544035,\n");
    o.code_field = "code";
    o.value_fields = {"value"};
    o.output = dir / "out.tif";
    o.fill = 0.0;
    const repot::PrepareMeshSummary s = repot::prepare_mesh(o);
    const Band b = read_band(o.output);
    REQUIRE(b.cols == 16);   // the codes alone span 14 columns (to 544035) and 12 rows (to 544034)
    REQUIRE(b.rows == 16);
    CHECK(b.gt[0] == doctest::Approx(139.0).epsilon(1e-14));
    CHECK(b.gt[3] == doctest::Approx(55.0 / 1.5).epsilon(1e-14));
    auto at = [&](int col, int row) { return b.values[std::size_t(row) * b.cols + col]; };
    CHECK(at(0, 15) == 5);           // 533900: SW cell of 5339
    CHECK(at(7, 8) == 7);            // 533977: NE cell of 5339
    CHECK(at(12, 4) == 2.5);         // 544034: row 3, column 4 of 5440
    CHECK(at(13, 4) == b.nodata);    // 544035: listed with an empty value, so missing, not filled
    CHECK(at(3, 12) == 0);           // 533933: absent, inside 5339
    CHECK(at(15, 0) == 0);           // 544077: absent, inside 5440
    CHECK(at(0, 0) == b.nodata);     // 5439: no row there
    CHECK(at(15, 15) == b.nodata);   // 5340: no row there
    std::size_t zeros = 0, nodata = 0;
    double total = 0;
    for (double v : b.values) {
        zeros += v == 0;
        nodata += v == b.nodata;
        if (v != b.nodata) total += v;
    }
    CHECK(zeros == 62 + 62);        // 64 cells of 5339 less 2 rows, 64 of 5440 less 2 rows
    CHECK(nodata == 64 + 64 + 1);   // 5439, 5340 and 544035
    CHECK(total == 14.5);
    CHECK(s.cells_filled == 124);
    CHECK(s.fill_meshes == std::vector<std::string>{"5339", "5440"});
    CHECK(s.band_totals.at(0) == 14.5);
    CHECK(metadata_item(o.output, "FILL_VALUE") == "0");
    CHECK(metadata_item(o.output, "FILL_MESHES") == "5339 5440");
    CHECK(metadata_item(o.output, "PROCESSING").find("set to 0") != std::string::npos);
}

TEST_CASE("prepare mesh: without --fill absent cells are nodata and no fill metadata is written") {
    TempDir dir("nofill");
    repot::PrepareMeshOptions o;
    o.table = dir.write("t.csv", "code,value\n533900,5\n533911,7\n");
    o.code_field = "code";
    o.value_fields = {"value"};
    o.output = dir / "out.tif";
    const repot::PrepareMeshSummary s = repot::prepare_mesh(o);
    const Band b = read_band(o.output);
    REQUIRE(b.cols == 2);   // the codes' box: 2 x 2 cells
    REQUIRE(b.rows == 2);
    CHECK(b.values[0] == b.nodata);   // 533910 (north-west) is absent
    CHECK(b.values[1] == 7);          // 533911
    CHECK(b.values[2] == 5);          // 533900
    CHECK(b.values[3] == b.nodata);   // 533901
    CHECK(s.cells_filled == 0);
    CHECK(s.fill_meshes.empty());
    CHECK(metadata_item(o.output, "FILL_VALUE").empty());
}

TEST_CASE("prepare mesh: a --fill equal to --nodata or not finite is a usage error") {
    TempDir dir("fill_bad");
    repot::PrepareMeshOptions o;
    o.table = dir.write("t.csv", "code,value\n533900,5\n");
    o.code_field = "code";
    o.value_fields = {"value"};
    o.output = dir / "out.tif";
    o.fill = -9999.0;
    CHECK_THROWS_WITH_AS(repot::prepare_mesh(o), doctest::Contains("equals --nodata"), repot::UsageError);
    o.fill = std::nan("");
    CHECK_THROWS_AS(repot::prepare_mesh(o), repot::UsageError);
    CHECK_FALSE(fs::exists(o.output));
}

TEST_CASE("prepare mesh: the shipped population raster holds the census table's values and 0 elsewhere in 5339") {
    // datasets/tokyo/population/census2015_pop_500m_mesh5339.tif was built with --fill 0 (its SOURCE.md).
    // Oracle: the CSV corners parsed here, without repot's decoder.
    const std::string shipped = std::string(REPOT_TEST_DATA) + "/../../datasets/tokyo/population/census2015_pop_500m_mesh5339.tif";
    const Band b = read_band(shipped);
    REQUIRE(b.cols == 160);
    REQUIRE(b.rows == 160);
    std::vector<double> expected(160 * 160, 0.0);
    double table_total = 0;
    for (const CensusRow& row : read_census_rows()) {
        const int col = static_cast<int>(std::lround((row.lon_west - 139.0) / (22.5 / 3600)));
        const int r = static_cast<int>(std::lround((36.0 - row.lat_north) / (15.0 / 3600)));
        expected.at(std::size_t(r) * 160 + col) = double(row.population);
        table_total += double(row.population);
    }
    std::size_t differences = 0;
    double total = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        differences += b.values[i] != expected[i];
        total += b.values[i];
    }
    CHECK(differences == 0);   // no nodata left: every cell of 5339 is either a row or 0
    CHECK(total == table_total);
    CHECK(total == 29333587);
    CHECK(metadata_item(shipped, "FILL_VALUE") == "0");
}
