// Tables and text outputs: the CSV reader, land-use class tables, SHA-256, number formatting,
// the wide and long result CSVs and the tier invariant check.
#include <doctest/doctest.h>

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../../src/pipeline/build_results.hpp"
#include "repot/kernels.hpp"
#include <gdal_priv.h>

#include <set>

#include "../test_support.hpp"
#include "repot/error.hpp"
#include "repot/landuse.hpp"
#include "repot/results.hpp"
#include "repot/sha256.hpp"
#include "repot/text_table.hpp"

using namespace repot;
using namespace repot_test;
namespace fs = std::filesystem;

namespace {

using Records = std::vector<std::vector<std::string>>;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

// --- CSV reading --------------------------------------------------------------------------------

TEST_CASE("split_csv: plain, quoted, doubled quotes, CRLF, BOM, empty fields") {
    CHECK(split_csv("a,b\n1,2\n") == Records{{"a", "b"}, {"1", "2"}});
    CHECK(split_csv("a,b\n1,2") == Records{{"a", "b"}, {"1", "2"}});  // no final line break
    CHECK(split_csv("a,\"x,y\"\n") == Records{{"a", "x,y"}});
    CHECK(split_csv("\"he said \"\"hi\"\"\",b\n") == Records{{"he said \"hi\"", "b"}});
    CHECK(split_csv("\"\"\"\"\n") == Records{{"\""}});
    CHECK(split_csv("a,b\r\n1,2\r\n") == Records{{"a", "b"}, {"1", "2"}});
    CHECK(split_csv("\"line1\nline2\",x\n") == Records{{"line1\nline2", "x"}});
    CHECK(split_csv("\"line1\r\nline2\",x\r\n") == Records{{"line1\r\nline2", "x"}});
    CHECK(split_csv("\xEF\xBB\xBF" "code,name\n1,x\n") == Records{{"code", "name"}, {"1", "x"}});
    CHECK(split_csv("a,,c\n") == Records{{"a", "", "c"}});
    CHECK(split_csv(",,\n") == Records{{"", "", ""}});
    CHECK(split_csv("a\n\n\nb\n") == Records{{"a"}, {"b"}});  // blank lines carry no record
    CHECK(split_csv("\"\",x\n") == Records{{"", "x"}});
    CHECK(split_csv("").empty());
    CHECK(split_csv("田,\"東京, 日本\"\n") == Records{{"田", "東京, 日本"}});
}

TEST_CASE("csv_field quotes only when needed and round-trips through split_csv") {
    CHECK(csv_field("plain") == "plain");
    CHECK(csv_field("") == "");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(csv_field("cr\rhere") == "\"cr\rhere\"");
    for (std::string s : {"plain", "a,b", "say \"hi\"", "two\nlines", "\"", ",", "千代田区, 東京"}) {
        CAPTURE(s);
        CHECK(split_csv(csv_field(s) + "\n") == Records{{s}});
    }
}

TEST_CASE("TextTable: columns, numbers and errors naming file, row and column") {
    TextTable t = TextTable::parse("code, value ,name\r\n1,2.5,a\r\n3,abc,b\r\n5,,c\r\n7,inf,d\r\n", "classes.csv");
    CHECK(t.rows() == 4);
    CHECK(t.header() == std::vector<std::string>{"code", "value", "name"});  // header spaces trimmed
    CHECK(t.has_column("value"));
    CHECK_FALSE(t.has_column("pv_fraction"));
    CHECK(t.number(0, "code") == 1);
    CHECK(t.number(0, "value") == 2.5);
    CHECK(t.text(1, "name") == "b");

    std::string missing = data_error([&] { t.require_column("pv_fraction"); });
    CHECK(contains(missing, "classes.csv"));
    CHECK(contains(missing, "pv_fraction"));
    CHECK(data_error([&] { (void)t.text(0, "pv_fraction"); }) != "");

    // Row numbers are file lines: the header is line 1, data row 1 (index 1) is line 3.
    std::string nan = data_error([&] { (void)t.number(1, "value"); });
    CHECK(contains(nan, "classes.csv"));
    CHECK(contains(nan, "row 3"));
    CHECK(contains(nan, "value"));
    CHECK(contains(nan, "abc"));
    std::string empty = data_error([&] { (void)t.number(2, "value"); });
    CHECK(contains(empty, "row 4"));
    std::string inf = data_error([&] { (void)t.number(3, "value"); });
    CHECK(contains(inf, "row 5"));  // not finite

    // A row with a field too many.
    std::string ragged = data_error([] { TextTable::parse("a,b\n1,2,3\n", "ragged.csv"); });
    CHECK(contains(ragged, "ragged.csv"));
    CHECK(contains(ragged, "row 2"));
    CHECK(data_error([] { TextTable::parse("", "empty.csv"); }) != "");
    CHECK(contains(data_error([] { TextTable::load("/nonexistent/repot/t.csv"); }), "/nonexistent/repot/t.csv"));
}

// --- land-use classes ---------------------------------------------------------------------------

TEST_CASE("LandUseTable: the default is the L03-b class list of method.md §4") {
    LandUseTable t = LandUseTable::l03b_default();
    // 0100 田, 0200 その他の農用地, 0500 森林, 0600 荒地, 0700 建物用地, 0901 道路, 0902 鉄道,
    // 1000 その他の用地, 1100 河川地及び湖沼, 1400 海浜, 1500 海水域, 1600 ゴルフ場
    const int codes[] = {100, 200, 500, 600, 700, 901, 902, 1000, 1100, 1400, 1500, 1600};
    REQUIRE(t.classes().size() == 12);
    for (int code : codes) {
        CAPTURE(code);
        int i = t.index_of(code);
        REQUIRE(i >= 0);
        const auto& c = t.classes()[size_t(i)];
        CHECK(c.code == code);
        // Water classes have no land potential at all; every other class does count as land.
        CHECK(c.excluded == (code == 1100 || code == 1500));
        CHECK(c.pv_fraction >= 0);
        CHECK(c.pv_fraction <= 1);
        CHECK(c.gsh_fraction >= 0);
        CHECK(c.gsh_fraction <= 1);
    }
    CHECK(t.classes()[size_t(t.index_of(100))].name.find("田") == 0);
    CHECK(t.classes()[size_t(t.index_of(1500))].name.find("海水域") == 0);
    CHECK(t.index_of(300) == -1);
    CHECK(t.index_of(0) == -1);
    CHECK(t.index_of(-1) == -1);
    CHECK(t.index_of(int64_t(1) << 40) == -1);
}

TEST_CASE("LandUseTable: the built-in CSV equals the shipped datasets/landuse/l03b_classes.csv") {
    const std::string path = REPOT_TEST_DATA "/../../datasets/landuse/l03b_classes.csv";
    REQUIRE(fs::exists(path));
    CHECK(read_file(path) == std::string(LandUseTable::l03b_default_csv()));
    LandUseTable shipped = LandUseTable::load(path);
    CHECK(shipped.classes().size() == 12);
    CHECK(shipped.origin() == path);
    CHECK(shipped.id() == path);
    CHECK_FALSE(shipped.is_builtin());
    CHECK(LandUseTable::l03b_default().id() == "builtin:l03b");
    CHECK(LandUseTable::l03b_default().is_builtin());
}

TEST_CASE("LandUseTable: built_share of the L03-b table (docs/method.md, Land-use class tables)") {
    LandUseTable t = LandUseTable::l03b_default();
    for (const auto& c : t.classes()) {
        CAPTURE(c.code);
        CHECK(c.built_share == (c.code == 700 ? 0.35 : 0.0));  // 建物用地 only
        CHECK_FALSE(c.existing_pv);
    }
}

TEST_CASE("LandUseTable: the built-in JAXA land-cover table (ver. 21.11 legend codes 1..12)") {
    const std::string path = REPOT_TEST_DATA "/../../datasets/landuse/jaxa_hrlulc_classes.csv";
    REQUIRE(fs::exists(path));
    CHECK(read_file(path) == std::string(LandUseTable::jaxa_csv()));
    LandUseTable t = LandUseTable::select("builtin:jaxa");
    CHECK(t.id() == "builtin:jaxa");
    CHECK(t.is_builtin());
    REQUIRE(t.classes().size() == 12);
    CHECK(t.index_of(0) == -1);  // 0 "No data" is the raster's nodata, not a class
    CHECK(t.index_of(13) == -1);
    // code: pv_fraction, gsh_fraction, excluded, existing_pv, built_share, as written in docs/method.md.
    struct Row { int code; double pv, gsh; bool ex, pv_built; double built; };
    const Row expected[] = {{1, 0, 0, true, false, 0},       {2, 0, 0.10, false, false, 0.35},
                            {3, 0.05, 0.10, false, false, 0}, {4, 0.05, 0.10, false, false, 0},
                            {5, 0.20, 0.20, false, false, 0}, {6, 0, 0, false, false, 0},
                            {7, 0, 0, false, false, 0},       {8, 0, 0, false, false, 0},
                            {9, 0, 0, false, false, 0},       {10, 0.30, 0.20, false, false, 0},
                            {11, 0, 0, false, false, 0},      {12, 0, 0, false, true, 0}};
    for (const Row& e : expected) {
        CAPTURE(e.code);
        REQUIRE(t.index_of(e.code) >= 0);
        const LandUseClass& c = t.classes()[size_t(t.index_of(e.code))];
        CHECK(c.pv_fraction == e.pv);
        CHECK(c.gsh_fraction == e.gsh);
        CHECK(c.excluded == e.ex);
        CHECK(c.existing_pv == e.pv_built);
        CHECK(c.built_share == e.built);
    }
    CHECK(t.classes()[size_t(t.index_of(12))].name.find("Solar panel") == 0);
    CHECK(t.classes()[size_t(t.index_of(2))].name == "Urban");
}

TEST_CASE("LandUseTable: every code of the shipped JAXA raster is in the JAXA table") {
    const std::string path = REPOT_TEST_DATA "/../../datasets/tokyo/landcover/jaxa_hrlulc_v2111_tokyo_mainland_6677_10m.tif";
    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE(ds);
    GDALRasterBand* band = ds->GetRasterBand(1);
    int has_nodata = 0;
    CHECK(band->GetNoDataValue(&has_nodata) == 0);
    CHECK(has_nodata);
    const int w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
    std::vector<unsigned char> row(size_t(w), 0);
    std::set<int> codes;
    for (int y = 0; y < h; ++y) {
        REQUIRE(band->RasterIO(GF_Read, 0, y, w, 1, row.data(), w, 1, GDT_Byte, 0, 0) == CE_None);
        for (unsigned char v : row) codes.insert(v);
    }
    codes.erase(0);  // nodata
    // gdalinfo -hist of the file: every one of the codes 1..12 occurs.
    CHECK(codes == std::set<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    LandUseTable t = LandUseTable::select("builtin:jaxa");
    for (int code : codes) {
        CAPTURE(code);
        CHECK(t.index_of(code) >= 0);
    }
}

TEST_CASE("LandUseTable::select") {
    CHECK(LandUseTable::select("builtin:l03b").index_of(700) >= 0);
    CHECK(LandUseTable::select("builtin:jaxa").index_of(12) >= 0);
    CHECK(LandUseTable::builtin_csv("builtin:nope") == nullptr);
    CHECK(LandUseTable::builtin_csv("some/file.csv") == nullptr);
    try {
        LandUseTable::select("builtin:nope");
        FAIL("no error");
    } catch (const UsageError& e) {
        CHECK(contains(e.what(), "builtin:nope"));
        CHECK(contains(e.what(), "builtin:jaxa"));
    }
    CHECK(contains(data_error([] { LandUseTable::select("/nonexistent/repot/classes.csv"); }),
                   "/nonexistent/repot/classes.csv"));
}

TEST_CASE("LandUseTable::parse errors") {
    const std::string header = "code,name,pv_fraction,gsh_fraction,excluded\n";
    std::string dup = data_error([&] { LandUseTable::parse(header + "100,a,0.1,0.1,0\n100,b,0.2,0.2,0\n", "dup.csv"); });
    CHECK(contains(dup, "dup.csv"));
    CHECK(contains(dup, "100"));
    CHECK(contains(dup, "row 3"));
    std::string frac = data_error([&] { LandUseTable::parse(header + "100,a,1.5,0.1,0\n", "frac.csv"); });
    CHECK(contains(frac, "frac.csv"));
    CHECK(contains(frac, "pv_fraction"));
    std::string gsh = data_error([&] { LandUseTable::parse(header + "100,a,0.5,-0.1,0\n", "gsh.csv"); });
    CHECK(contains(gsh, "gsh_fraction"));
    std::string ex = data_error([&] { LandUseTable::parse(header + "100,a,0.5,0.1,2\n", "ex.csv"); });
    CHECK(contains(ex, "excluded"));
    std::string code = data_error([&] { LandUseTable::parse(header + "10.5,a,0.5,0.1,0\n", "code.csv"); });
    CHECK(contains(code, "code"));
    std::string col = data_error([] { LandUseTable::parse("code,name,pv_fraction,excluded\n1,a,0,0\n", "col.csv"); });
    CHECK(contains(col, "gsh_fraction"));
    CHECK(data_error([&] { LandUseTable::parse(header, "norows.csv"); }) != "");

    LandUseTable ok = LandUseTable::parse(header + "7,x,0.25,0.5,1\n", "ok.csv");
    REQUIRE(ok.classes().size() == 1);
    CHECK(ok.index_of(7) == 0);
    CHECK(ok.classes()[0].pv_fraction == 0.25);
    CHECK(ok.classes()[0].gsh_fraction == 0.5);
    CHECK(ok.classes()[0].excluded);
    CHECK(ok.origin() == "ok.csv");
    // Without the optional columns: not existing PV, no buildings.
    CHECK_FALSE(ok.classes()[0].existing_pv);
    CHECK(ok.classes()[0].built_share == 0);
}

TEST_CASE("LandUseTable::parse: existing_pv, built_share and comment lines") {
    const std::string header = "code,name,pv_fraction,gsh_fraction,excluded,existing_pv,built_share\n";
    LandUseTable ok = LandUseTable::parse("# a note, with a comma\n# another\n" + header + "2,u,0,0.1,0,0,0.35\n12,pv,0,0,0,1,0\n",
                                          "ok.csv");
    REQUIRE(ok.classes().size() == 2);
    CHECK(ok.classes()[0].built_share == 0.35);
    CHECK_FALSE(ok.classes()[0].existing_pv);
    CHECK(ok.classes()[1].existing_pv);

    std::string ex = data_error([&] { LandUseTable::parse(header + "2,u,0,0.1,0,2,0\n", "expv.csv"); });
    CHECK(contains(ex, "expv.csv"));
    CHECK(contains(ex, "row 2"));
    CHECK(contains(ex, "existing_pv"));
    CHECK(contains(ex, "2"));
    std::string built = data_error([&] { LandUseTable::parse(header + "2,u,0,0.1,0,0,1.5\n", "built.csv"); });
    CHECK(contains(built, "built.csv"));
    CHECK(contains(built, "row 2"));
    CHECK(contains(built, "built_share = 1.5"));
    std::string negative = data_error([&] { LandUseTable::parse(header + "2,u,0,0.1,0,0,-0.1\n", "neg.csv"); });
    CHECK(contains(negative, "built_share = -0.1"));
    std::string text = data_error([&] { LandUseTable::parse(header + "2,u,0,0.1,0,0,lots\n", "text.csv"); });
    CHECK(contains(text, "text.csv"));
    CHECK(contains(text, "'built_share' = 'lots'"));
    std::string empty = data_error([&] { LandUseTable::parse(header + "2,u,0,0.1,0,,0\n", "empty.csv"); });
    CHECK(contains(empty, "'existing_pv' = ''"));
    // Existing PV is not new potential: a positive pv_fraction would count it twice.
    std::string twice = data_error([&] { LandUseTable::parse(header + "12,pv,0.2,0,0,1,0\n", "twice.csv"); });
    CHECK(contains(twice, "twice.csv"));
    CHECK(contains(twice, "code 12"));
    CHECK(contains(twice, "pv_fraction"));
    // Row numbers are file lines: two comment lines, the header, then the bad row on line 4.
    std::string after = data_error([&] { LandUseTable::parse("# x\n# y\n" + header + "2,u,0,0.1,0,0,7\n", "after.csv"); });
    CHECK(contains(after, "row 4"));
}

// --- SHA-256 ------------------------------------------------------------------------------------

TEST_CASE("sha256_hex: FIPS 180-2 test vectors") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256_hex around the padding boundaries (oracle: Python hashlib)") {
    // hashlib.sha256(b'a' * n).hexdigest()
    CHECK(sha256_hex(std::string(55, 'a')) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    CHECK(sha256_hex(std::string(56, 'a')) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    CHECK(sha256_hex(std::string(63, 'a')) == "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
    CHECK(sha256_hex(std::string(64, 'a')) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
    CHECK(sha256_hex(std::string(65, 'a')) == "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
    CHECK(sha256_hex(std::string(119, 'a')) == "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb");
    CHECK(sha256_hex(std::string(120, 'a')) == "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c");
}

TEST_CASE("sha256_file equals sha256_hex of the file's bytes") {
    static std::atomic<int> counter{0};
    fs::path dir = fs::temp_directory_path() /
                   ("repot_test_sha_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(dir);
    std::string bytes(200000, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = char((i * 7919) % 251);
    {
        std::ofstream(dir / "f.bin", std::ios::binary) << std::string("abc");
    }
    CHECK(sha256_file((dir / "f.bin").string()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    {
        std::ofstream out(dir / "g.bin", std::ios::binary);
        out.write(bytes.data(), std::streamsize(bytes.size()));
    }
    CHECK(sha256_file((dir / "g.bin").string()) == sha256_hex(bytes));
    std::error_code ec;
    fs::remove_all(dir, ec);
}

// --- numbers and result CSVs --------------------------------------------------------------------

TEST_CASE("format_number: fixed decimals, never -0") {
    CHECK(format_number(1234.5678, 2) == "1234.57");
    CHECK(format_number(2, 0) == "2");
    CHECK(format_number(0.5, 6) == "0.500000");
    CHECK(format_number(-1.5, 1) == "-1.5");
    CHECK(format_number(-0.0001, 3) == "0.000");
    CHECK(format_number(-0.0004, 3) == "0.000");
    CHECK(format_number(-0.0, 3) == "0.000");
    CHECK(format_number(-0.0, 0) == "0");
    CHECK(format_number(-0.2, 0) == "0");
    CHECK(format_number(-0.0006, 3) == "-0.001");
    CHECK(format_number(-10.0, 0) == "-10");
    CHECK(format_number(1e6, 1) == "1000000.0");
}

namespace {

ResultsTable two_rows() {
    ResultsTable t;
    t.columns = {
        {"pixel_count", 0},
        {"solar_roof_technical_mwh", 3, "solar_roof", "technical", "energy", "MWh"},
        {"solar_roof_usable_mwh", 3, "solar_roof", "usable", "energy", "MWh"},
        {"roof_coverage", 6},
    };
    t.rows.push_back(ResultRow{"13101", "千代田区", {10.0, 1.23456, std::nullopt, 0.5}, {{"a_x", "a"}, {"b_y", "b, c"}}});
    t.rows.push_back(ResultRow{"13102", "Chuo, \"x\"", {0.0, 2.0, -0.0001, std::nullopt}, {}});
    return t;
}

}  // namespace

TEST_CASE("format_grouped: thousands separated, decimals and sign kept") {
    CHECK(format_grouped(12345.6, 0) == "12,346");
    CHECK(format_grouped(1234567.891, 2) == "1,234,567.89");
    CHECK(format_grouped(-999.5, 0) == "-1,000");
    CHECK(format_grouped(999, 0) == "999");
    CHECK(format_grouped(-12.25, 1) == "-12.2");  // format_number's rounding (half to even in printf)
    CHECK(format_grouped(0, 3) == "0.000");
}

TEST_CASE("ResultsTable lookups") {
    ResultsTable t = two_rows();
    CHECK(t.column("solar_roof_usable_mwh") == 2);
    CHECK(t.column("nope") == -1);
    CHECK(t.value(0, "pixel_count") == 10.0);
    CHECK_FALSE(t.value(0, "solar_roof_usable_mwh").has_value());
    CHECK_FALSE(t.value(0, "nope").has_value());
}

TEST_CASE("to_wide_csv: every column, empty cells stay empty, note codes and notes joined and quoted") {
    const std::string expected =
        "zone_id,zone_name,pixel_count,solar_roof_technical_mwh,solar_roof_usable_mwh,roof_coverage,note_codes,notes\n"
        "13101,千代田区,10,1.235,,0.500000,a_x;b_y,\"a; b, c\"\n"
        "13102,\"Chuo, \"\"x\"\"\",0,2.000,0.000,,,\n";
    CHECK(to_wide_csv(two_rows()) == expected);
    // The output parses back with the project's own reader into the same cells.
    auto rec = split_csv(to_wide_csv(two_rows()));
    REQUIRE(rec.size() == 3);
    CHECK(rec[2][1] == "Chuo, \"x\"");
    CHECK(rec[1][4] == "");
    CHECK(rec[1][6] == "a_x;b_y");
    CHECK(rec[1][7] == "a; b, c");
}

TEST_CASE("to_long_csv: one row per non-empty potential, ids and coverage skipped") {
    const std::string expected =
        "zone_id,zone_name,source,tier,quantity,unit,value\n"
        "13101,千代田区,solar_roof,technical,energy,MWh,1.235\n"
        "13102,\"Chuo, \"\"x\"\"\",solar_roof,technical,energy,MWh,2.000\n"
        "13102,\"Chuo, \"\"x\"\"\",solar_roof,usable,energy,MWh,0.000\n";
    CHECK(to_long_csv(two_rows()) == expected);
}

TEST_CASE("check_tiers: usable <= technical <= theoretical") {
    ResultsTable t;
    t.columns = {
        {"solar_roof_theoretical_mwh", 3, "solar_roof", "theoretical", "energy", "MWh"},
        {"solar_roof_technical_mwh", 3, "solar_roof", "technical", "energy", "MWh"},
        {"solar_roof_usable_mwh", 3, "solar_roof", "usable", "energy", "MWh"},
        {"solar_land_theoretical_mwh", 3, "solar_land", "theoretical", "energy", "MWh"},
        {"solar_land_technical_mwh", 3, "solar_land", "technical", "energy", "MWh"},
        {"solar_land_usable_mwh", 3, "solar_land", "usable", "energy", "MWh"},
    };
    auto row = [](std::optional<double> th, std::optional<double> te, std::optional<double> us) {
        return ResultRow{"1", "z", {th, te, us, 10.0, 5.0, 4.0}, {}};
    };
    t.rows = {
        row(10, 5, 4),                  // 0 fine
        row(10, 5, 6),                  // 1 usable > technical
        row(10, 11, 4),                 // 2 technical > theoretical
        row(10, 5, -1),                 // 3 negative usable
        row(10, 5, 5),                  // 4 equal is fine
        row(std::nullopt, std::nullopt, std::nullopt),  // 5 empty cells: nothing to check
        row(10, 5, 5 * (1 + 1e-13)),    // 6 rounding of summation order is tolerated
        row(10, 5, 5.001),              // 7 a real violation, however small in MWh
    };
    CHECK(check_tiers(t, 0) == "");
    CHECK(contains(check_tiers(t, 1), "usable"));
    CHECK(contains(check_tiers(t, 1), "solar_roof"));
    CHECK(contains(check_tiers(t, 2), "technical"));
    CHECK(check_tiers(t, 3) != "");
    CHECK(check_tiers(t, 4) == "");
    CHECK(check_tiers(t, 5) == "");
    CHECK(check_tiers(t, 6) == "");
    CHECK(check_tiers(t, 7) != "");
    // The land source is checked too.
    t.rows.push_back(ResultRow{"2", "y", {10.0, 5.0, 4.0, 10.0, 5.0, 6.0}, {}});
    CHECK(contains(check_tiers(t, 8), "solar_land"));
}

TEST_CASE("check_tiers: solar heat, ground heat and both waste branches are checked too") {
    for (const char* src : {"solar_heat", "ground_heat"}) {
        CAPTURE(src);
        ResultsTable t;
        for (const char* tier : {"theoretical", "technical", "usable"})
            t.columns.push_back({fmt::format("{}_{}_gj", src, tier), 3, src, tier, "energy", "GJ"});
        auto row = [](double th, double te, double us) { return ResultRow{"1", "z", {th, te, us}, {}}; };
        t.rows = {row(10, 5, 4), row(10, 5, 6), row(4, 5, 4), row(10, 5, -0.5)};
        CHECK(check_tiers(t, 0) == "");
        CHECK(contains(check_tiers(t, 1), std::string(src) + " usable"));
        CHECK(contains(check_tiers(t, 2), std::string(src) + " technical"));
        CHECK(check_tiers(t, 3) != "");
    }
    for (const char* prefix : {"waste", "waste_served"}) {
        CAPTURE(prefix);
        ResultsTable t;
        for (const char* c : {"theoretical_gj", "power_technical_mwh", "power_usable_mwh", "heat_technical_gj",
                              "heat_usable_gj"})
            t.columns.push_back({fmt::format("{}_{}", prefix, c), 3, prefix, "", "energy", ""});
        auto row = [](double th, double pe, double pu, double he, double hu) {
            return ResultRow{"1", "z", {th, pe, pu, he, hu}, {}};
        };
        // 100 GJ in: power technical ≤ 100 / 3.6 MWh, heat technical ≤ 100 GJ.
        t.rows = {row(100, 25, 10, 20, 10), row(100, 25, 26, 20, 10), row(100, 25, 10, 20, 21),
                  row(100, 28, 10, 20, 10), row(100, 25, 10, 101, 10)};
        CHECK(check_tiers(t, 0) == "");
        CHECK(contains(check_tiers(t, 1), "power usable"));
        CHECK(contains(check_tiers(t, 2), "heat usable"));
        CHECK(contains(check_tiers(t, 3), "power technical"));
        CHECK(contains(check_tiers(t, 4), "heat technical"));
    }
}

TEST_CASE("land-use table: the kernels' class attributes, index -1 for a pixel without class") {
    const LandUseTable t = LandUseTable::parse("code,name,pv_fraction,gsh_fraction,excluded,existing_pv,built_share\n"
                                               "1,Water,0.00,0.00,1,0,0.00\n"
                                               "2,Urban,0.00,0.10,0,0,0.35\n"
                                               "7,Solar farm,0.00,0.20,0,1,0.00\n"
                                               "9,Grass,0.25,0.30,0,0,0.05\n",
                                               "lut.csv");
    auto row = [&](int k) {
        const ClassAttributes& a = t.attributes(k);
        return std::vector<double>{double(a.known), double(a.excluded), double(a.existing_pv), a.pv_fraction,
                                   a.gsh_fraction, a.built_share};
    };
    CHECK(row(-1) == std::vector<double>{0, 1, 0, 0, 0, 0});
    CHECK(row(0) == std::vector<double>{1, 1, 0, 0, 0, 0});
    CHECK(row(1) == std::vector<double>{1, 0, 0, 0, 0.10, 0.35});
    CHECK(row(2) == std::vector<double>{1, 0, 1, 0, 0.20, 0});
    CHECK(row(3) == std::vector<double>{1, 0, 0, 0.25, 0.30, 0.05});
}

TEST_CASE("open ground of a pixel, by hand") {
    CHECK(open_ground(100, 35, 20, true) == 80);   // roofs known: the pixel less them
    CHECK(open_ground(100, 35, NAN, true) == 65);  // roof data missing: less the class's built share
    CHECK(open_ground(100, 35, 130, true) == 0);   // roofs over the pixel's area leave none, not less
    CHECK(open_ground(100, 35, NAN, false) == 65); // no roof layer: the built share
}
