// `repot prepare roofs|mesh|irradiation` through the real binary: exit codes (0 ok, 1 data, 2 usage), the
// "repot: error:" line, no output file after a failure, and the shipped Chiyoda raster rebuilt
// with the command written in its SOURCE file.
#include <doctest/doctest.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::string data_dir = std::string(REPOT_TEST_DATA) + "/prepare/";
const std::string source_dir = REPOT_SOURCE_DIR;

struct TempDir {
    fs::path path;
    explicit TempDir(const std::string& name) {
        path = fs::temp_directory_path() / ("repot_test_cli_prepare_" + name + "_" + std::to_string(::getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
    std::string operator/(const std::string& file) const { return (path / file).string(); }
    bool empty() const { return fs::directory_iterator(path) == fs::directory_iterator(); }
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Result {
    int code = -1;
    std::string out, err;
};

// Runs `repot <args>` in `cwd` (the arguments are passed to the shell as written).
Result repot(const std::string& args, const std::string& cwd = ".") {
    static int counter = 0;
    const fs::path base = fs::temp_directory_path() / ("repot_cli_prepare_" + std::to_string(::getpid()) + "_" +
                                                       std::to_string(counter++));
    const std::string command = "cd '" + cwd + "' && '" + std::string(REPOT_BINARY) + "' " + args + " >'" +
                                base.string() + ".out' 2>'" + base.string() + ".err' </dev/null";
    const int status = std::system(command.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(base.string() + ".out");
    r.err = slurp(base.string() + ".err");
    fs::remove(base.string() + ".out");
    fs::remove(base.string() + ".err");
    return r;
}

struct Grid {
    int cols = 0, rows = 0;
    double gt[6] = {};
    std::vector<float> values;
};

Grid read_float32(const std::string& path) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    REQUIRE(ds);
    Grid g;
    g.cols = ds->GetRasterXSize();
    g.rows = ds->GetRasterYSize();
    ds->GetGeoTransform(g.gt);
    g.values.resize(std::size_t(g.cols) * g.rows);
    REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, g.cols, g.rows, g.values.data(), g.cols, g.rows, GDT_Float32,
                                           0, 0) == CE_None);
    return g;
}

// The `repot prepare roofs ...` line of a SOURCE file, without the leading "repot ".
std::string documented_command(const fs::path& source_md) {
    std::istringstream in(slurp(source_md));
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("repot prepare roofs ", 0) == 0) return line.substr(6);
    return "";
}

}  // namespace

TEST_CASE("cli prepare roofs: PLATEAU subset -> raster, summary on stdout, exit 0") {
    TempDir dir("roofs");
    const Result r = repot("prepare roofs '" + data_dir + "plateau2020_bldg_13101_marunouchi_subset.geojson' --res 10 "
                           "--crs EPSG:6677 -o '" + dir / "roof.tif" + "' --height-field height_m --height-out '" +
                           dir / "height.tif" + "' --count-out '" + dir / "count.tif" + "'");
    CHECK(r.code == 0);
    CHECK(r.err == "");
    CHECK(r.out.find("footprints: 31 read") != std::string::npos);
    CHECK(r.out.find("buildings counted: 31") != std::string::npos);
    CHECK(fs::exists(dir / "roof.tif"));
    CHECK(fs::exists(dir / "height.tif"));
    const Grid count = read_float32(dir / "count.tif");
    double n = 0;
    for (float v : count.values) n += v;
    CHECK(n == 31);
}

TEST_CASE("cli prepare roofs: the shipped Chiyoda raster is what its documented command produces") {
    const fs::path source_md = fs::path(source_dir) / "datasets/tokyo/SOURCE-chiyoda.md";
    const std::string shipped = (fs::path(source_dir) / "datasets/tokyo/chiyoda_roof_area_10m.tif").string();
    std::string args = documented_command(source_md);
    REQUIRE_MESSAGE(!args.empty(), "no 'repot prepare roofs' line in " << source_md);
    const std::string out_token = "datasets/tokyo/chiyoda_roof_area_10m.tif";
    const auto at = args.find(out_token);
    REQUIRE(at != std::string::npos);
    TempDir dir("chiyoda");
    args.replace(at, out_token.size(), "'" + dir / "chiyoda.tif" + "'");

    const Result r = repot(args + " -q", source_dir);
    REQUIRE(r.code == 0);
    const Grid rebuilt = read_float32(dir / "chiyoda.tif"), reference = read_float32(shipped);
    REQUIRE(rebuilt.cols == reference.cols);
    REQUIRE(rebuilt.rows == reference.rows);
    for (int i = 0; i < 6; ++i) CHECK(rebuilt.gt[i] == reference.gt[i]);
    // Same values; a tolerance far below a m² leaves room for another GEOS/PROJ build's last bits.
    float worst = 0;
    for (std::size_t i = 0; i < reference.values.size(); ++i)
        worst = std::max(worst, std::abs(rebuilt.values[i] - reference.values[i]));
    CHECK(worst < 1e-3f);
    // On the 10 m grid of the 23-ward roof raster (origin x = -24470, y = -20240).
    CHECK(std::fmod(reference.gt[0] - (-24470.0), 10.0) == 0);
    CHECK(std::fmod(reference.gt[3] - (-20240.0), 10.0) == 0);
    CHECK(reference.gt[1] == 10);
}

TEST_CASE("cli prepare roofs: bad input -> one error line, exit 1 or 2, no output") {
    TempDir dir("roofs_bad");
    const std::string out = "-o '" + dir / "roof.tif" + "'";
    const std::string subset = "'" + data_dir + "plateau2020_bldg_13101_marunouchi_subset.geojson'";

    SUBCASE("invalid geometry") {
        const Result r = repot("prepare roofs '" + data_dir + "invalid_bowtie.geojson' --res 1 " + out);
        CHECK(r.code == 1);
        CHECK(r.err.rfind("repot: error: ", 0) == 0);
        CHECK(r.err.find("invalid_bowtie.geojson: feature 2 is not a valid polygon") != std::string::npos);
        CHECK(r.out == "");
    }
    SUBCASE("geographic CRS") {
        const Result r = repot("prepare roofs " + subset + " --res 10 --crs EPSG:4326 " + out);
        CHECK(r.code == 2);
        CHECK(r.err.find("not a projected CRS") != std::string::npos);
    }
    SUBCASE("unknown CRS") {
        const Result r = repot("prepare roofs " + subset + " --res 10 --crs NOT:A:CRS " + out);
        CHECK(r.code == 2);
        CHECK(r.err.find("--crs 'NOT:A:CRS' is not a CRS") != std::string::npos);
    }
    SUBCASE("footprints without CRS") {
        GDALDriver* shp = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
        {
            GDALDatasetUniquePtr ds(shp->Create((dir / "nocrs.shp").c_str(), 0, 0, 0, GDT_Unknown, nullptr));
            OGRLayer* layer = ds->CreateLayer("nocrs", nullptr, wkbPolygon, nullptr);
            OGRFeature f(layer->GetLayerDefn());
            OGRGeometry* g = nullptr;
            OGRGeometryFactory::createFromWkt("POLYGON ((0 0,10 0,10 10,0 10,0 0))", nullptr, &g);
            f.SetGeometryDirectly(g);
            REQUIRE(layer->CreateFeature(&f) == OGRERR_NONE);
        }
        const Result r = repot("prepare roofs '" + dir / "nocrs.shp" + "' --res 10 " + out);
        CHECK(r.code == 1);
        CHECK(r.err.find("has no CRS") != std::string::npos);
        for (const char* ext : {".shp", ".shx", ".dbf"}) fs::remove(dir / (std::string("nocrs") + ext));
    }
    SUBCASE("missing file") {
        const Result r = repot("prepare roofs '" + dir / "nothing.gpkg" + "' --res 10 " + out);
        CHECK(r.code == 1);
        CHECK(r.err.find("cannot open") != std::string::npos);
    }
    SUBCASE("missing --res") {
        const Result r = repot("prepare roofs " + subset + " " + out);
        CHECK(r.code == 2);
        CHECK(r.err.find("--res") != std::string::npos);
    }
    SUBCASE("--area-field cannot merge overlaps") {
        const Result r = repot("prepare roofs " + subset + " --res 10 --area-field roof_area_m2 " + out);
        CHECK(r.code == 2);
        CHECK(r.err.find("--overlaps add") != std::string::npos);
    }
    SUBCASE("--height-out without --height-field") {
        const Result r = repot("prepare roofs " + subset + " --res 10 --height-out '" + dir / "h.tif" + "' " + out);
        CHECK(r.code == 2);
        CHECK(r.err.find("--height-field") != std::string::npos);
    }
    CHECK(dir.empty());
}

TEST_CASE("cli prepare roofs: --extent takes negative coordinates") {
    TempDir dir("extent");
    const Result r = repot("prepare roofs '" + data_dir + "plateau2020_bldg_13101_marunouchi_subset.geojson' --res 10 "
                           "--extent -6600,-35700,-6000,-35100 -o '" + dir / "roof.tif" + "'");
    CHECK(r.code == 0);
    CHECK(r.out.find("grid: 60 x 60 pixels of 10 m, EPSG:6677, upper-left x=-6600 y=-35100") != std::string::npos);
}

TEST_CASE("cli prepare mesh: census table -> raster whose total is the table's") {
    TempDir dir("mesh");
    const Result r = repot("prepare mesh '" + data_dir + "census2015_pop_500m_mesh5339.csv' --code-field mesh500m_code "
                           "--value-field population_2015 -o '" + dir / "pop.tif" + "'");
    CHECK(r.code == 0);
    CHECK(r.out.find("level: 4th level (500 m)") != std::string::npos);
    CHECK(r.out.find("band 1 population_2015: total 29333587\n") != std::string::npos);
    CHECK(fs::exists(dir / "pop.tif"));
}

TEST_CASE("cli prepare mesh: malformed and ambiguous codes, bad --level -> clear errors, no output") {
    TempDir dir("mesh_bad");
    const std::string out = "-o '" + dir / "out.tif" + "'";
    SUBCASE("malformed code names the row") {
        const Result r = repot("prepare mesh '" + data_dir + "mesh_malformed.csv' --code-field mesh_code --value-field value " + out);
        CHECK(r.code == 1);
        CHECK(r.err.find("repot: error: ") == 0);
        CHECK(r.err.find("mesh_malformed.csv: row 3: mesh code '5339461X'") != std::string::npos);
    }
    SUBCASE("10-digit codes without --level") {
        const Result r = repot("prepare mesh '" + data_dir + "mesh_100m_sample.csv' --code-field mesh_code "
                               "--value-field landuse_code " + out);
        CHECK(r.code == 1);
        CHECK(r.err.find("--level 5 or --level 100m") != std::string::npos);
    }
    SUBCASE("unknown --level") {
        const Result r = repot("prepare mesh '" + data_dir + "mesh_100m_sample.csv' --code-field mesh_code "
                               "--value-field landuse_code --level 7 " + out);
        CHECK(r.code == 2);
        CHECK(r.err.find("--level '7'") != std::string::npos);
    }
    SUBCASE("duplicate codes") {
        const Result r = repot("prepare mesh '" + data_dir + "mesh_duplicate.csv' --code-field mesh_code --value-field value " + out);
        CHECK(r.code == 1);
        CHECK(r.err.find("row 3 repeats mesh code 53394611 of row 1") != std::string::npos);
    }
    CHECK(dir.empty());
}

TEST_CASE("cli prepare mesh: --level 100m reads L03-b style codes") {
    TempDir dir("mesh_100m");
    const Result r = repot("prepare mesh '" + data_dir + "mesh_100m_sample.csv' --code-field mesh_code "
                           "--value-field landuse_code --level 100m -o '" + dir / "landuse.tif" + "'");
    CHECK(r.code == 0);
    CHECK(r.out.find("level: 100 m subdivision (L03-b)") != std::string::npos);
    CHECK(r.out.find("grid: 16 x 10 cells") != std::string::npos);
}

TEST_CASE("cli prepare mesh: --fill writes the value into absent cells of the table's 1st-level meshes") {
    // Rows 533900 and 533911 of 2nd-level mesh (8 x 8 cells per 1st-level mesh): with --fill the raster is
    // mesh 5339 whole, 64 cells, 62 of them absent from the table.
    TempDir dir("mesh_fill");
    { std::ofstream(dir / "t.csv") << "code,value\n533900,5\n533911,7\n"; }
    const Result r = repot("prepare mesh '" + dir / "t.csv" + "' --code-field code --value-field value --fill -1 -o '" +
                           dir / "out.tif" + "'");
    CHECK(r.code == 0);
    CHECK(r.out.find("grid: 8 x 8 cells") != std::string::npos);
    CHECK(r.out.find("fill: 62 cells absent from the table in 1st-level mesh(es) 5339 set to -1\n") != std::string::npos);
    GDALDatasetUniquePtr ds(GDALDataset::Open((dir / "out.tif").c_str(), GDAL_OF_RASTER));
    REQUIRE(ds);
    std::vector<double> v(64);
    REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, 8, 8, v.data(), 8, 8, GDT_Float64, 0, 0) == CE_None);
    CHECK(v[7 * 8 + 0] == 5);    // 533900: south-west cell, raster row 7
    CHECK(v[6 * 8 + 1] == 7);    // 533911
    CHECK(v[0] == -1);           // 533970: absent
    CHECK(std::count(v.begin(), v.end(), -1.0) == 62);
    CHECK(std::string(ds->GetMetadataItem("FILL_VALUE")) == "-1");

    const Result bad = repot("prepare mesh '" + dir / "t.csv" + "' --code-field code --value-field value --fill -9999 -o '" +
                             dir / "bad.tif" + "'");
    CHECK(bad.code == 2);
    CHECK(bad.err.find("--fill -9999 equals --nodata") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "bad.tif"));
}

// --- prepare irradiation ------------------------------------------------------------------------

namespace {

// The `repot prepare irradiation ...` line of a SOURCE file, without the leading "repot ".
std::string documented_irradiation_command(const fs::path& source_md) {
    std::istringstream in(slurp(source_md));
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("repot prepare irradiation ", 0) == 0) return line.substr(6);
    return "";
}

std::vector<float> read_band(GDALDataset& ds, int band) {
    std::vector<float> v(std::size_t(ds.GetRasterXSize()) * ds.GetRasterYSize());
    REQUIRE(ds.GetRasterBand(band)->RasterIO(GF_Read, 0, 0, ds.GetRasterXSize(), ds.GetRasterYSize(), v.data(),
                                             ds.GetRasterXSize(), ds.GetRasterYSize(), GDT_Float32, 0, 0) == CE_None);
    return v;
}

}  // namespace

TEST_CASE("cli prepare irradiation: the shipped MONSOLA raster is what its documented command produces") {
    GDALAllRegister();
    const fs::path source_md = fs::path(source_dir) / "datasets/tokyo/irradiation/SOURCE.md";
    const std::string shipped = (fs::path(source_dir) / "datasets/tokyo/irradiation/ghi_monsola_mainland_1km.tif").string();
    std::string args = documented_irradiation_command(source_md);
    REQUIRE_MESSAGE(!args.empty(), "no 'repot prepare irradiation' line in " << source_md);
    const std::string out_token = "datasets/tokyo/irradiation/ghi_monsola_mainland_1km.tif";
    const auto at = args.find(out_token);
    REQUIRE(at != std::string::npos);
    TempDir dir("monsola");
    args.replace(at, out_token.size(), "'" + dir / "ghi.tif" + "'");
    const Result r = repot(args, source_dir);
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("44046,44056,44076,44112,44116,44132") != std::string::npos);

    GDALDatasetUniquePtr rebuilt(GDALDataset::Open((dir / "ghi.tif").c_str(), GDAL_OF_RASTER));
    GDALDatasetUniquePtr reference(GDALDataset::Open(shipped.c_str(), GDAL_OF_RASTER));
    REQUIRE(rebuilt);
    REQUIRE(reference);
    // 90 x 46 km: the JAXA raster's extent (x -81000..8300, y -55800..-10400) snapped outward to 1 km.
    REQUIRE(reference->GetRasterXSize() == 90);
    REQUIRE(reference->GetRasterYSize() == 46);
    REQUIRE(reference->GetRasterCount() == 12);
    double gt[6], gt_ref[6];
    rebuilt->GetGeoTransform(gt);
    reference->GetGeoTransform(gt_ref);
    for (int i = 0; i < 6; ++i) CHECK(gt[i] == gt_ref[i]);
    CHECK(gt_ref[0] == -81000);
    CHECK(gt_ref[3] == -10000);
    CHECK(gt_ref[1] == 1000);
    for (int b = 1; b <= 12; ++b) CHECK(read_band(*rebuilt, b) == read_band(*reference, b));
    CHECK(std::string(reference->GetMetadataItem("POINT_IDS")) == "44046,44056,44076,44112,44116,44132");
    // Cells next to each station hold its January total (station x, y from gdaltransform EPSG:6668 -> 6677):
    // 小河内 (-70807, -22830) 78.43, 青梅 (-47156, -23358) 79.36, 八王子 (-46775, -36858) 79.67, 東京 (-6637, -34390) 75.95.
    const std::vector<float> jan = read_band(*reference, 1);
    auto at_xy = [&](double x, double y) {
        return jan[std::size_t((-10000 - y) / 1000) * 90 + std::size_t((x + 81000) / 1000)];
    };
    CHECK(at_xy(-70807, -22830) == 78.43f);
    CHECK(at_xy(-47156, -23358) == 79.36f);
    CHECK(at_xy(-46775, -36858) == 79.67f);
    CHECK(at_xy(-6637, -34390) == 75.95f);
}

TEST_CASE("cli prepare irradiation: bad input and bad flags -> one error line, exit 1 or 2, no output") {
    TempDir dir("irradiation_bad");
    const std::string csv = dir / "points.csv";
    {
        std::ofstream(csv) << "id,lat,lon,m01,m02,m03,m04,m05,m06,m07,m08,m09,m10,m11,m12\n"
                              "A,35.69,139.76,76,85,108,128,139,116,125,130,92,83,67,66\n"
                              "A,35.79,139.05,78,86,98,126,138,117,124,129,87,80,71,71\n";
    }
    const std::string out = dir / "ghi.tif";
    auto check = [&](const std::string& args, int code, const std::string& part) {
        CAPTURE(args);
        const Result r = repot("prepare irradiation " + args);
        CAPTURE(r.err);
        CHECK(r.code == code);
        CHECK(r.err.rfind("repot: error: ", 0) == 0);
        CHECK(r.err.find(part) != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK_FALSE(fs::exists(out));
    };
    check("'" + csv + "' -o '" + out + "'", 1, "repeats row 2");
    check("'" + csv + "' -o '" + out + "' --method kriging", 2, "kriging");
    check("'" + csv + "' -o '" + out + "' --power 3", 2, "--power");
    check("'" + csv + "' -o '" + out + "' --grid EPSG:6677:1000:0,0,1000,1000 --like x.tif", 2, "--like");
    check("'" + csv + "' -o '" + out + "' --grid EPSG:6677:1000:0,0,1000,1000 --res 500", 2, "--res");
    check("'" + csv + "' -o '" + out + "' --filter mainland", 2, "COLUMN=VALUE");
    check("'" + csv + "' -o '" + out + "' --filter mainland=1", 2, "no column 'mainland'");
    check("'" + dir / "missing.csv" + "' -o '" + out + "'", 1, "missing.csv");
    CHECK(fs::directory_iterator(dir.path) != fs::directory_iterator());  // only points.csv is left
    CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);
}
