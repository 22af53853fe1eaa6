// Error messages stay one readable line whatever the input holds: a quoted cell with a line break,
// an unbalanced quote, control bytes, bytes that are not UTF-8, a very long cell. Each case runs the
// real binary on one bad input and checks the exit code, exactly one `repot: error:` line naming the
// file (or flag) and the problem, no raw control or non-UTF-8 bytes in it, and nothing written.
#include <doctest/doctest.h>

#include <functional>

#include "cli_support.hpp"

using namespace repot_cli_test;

namespace {

// True when `s` is valid UTF-8 (RFC 3629), written independently of the code under test.
bool valid_utf8(const std::string& s) {
    for (size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        if (n == 2 && b < 0xC2) return false;  // overlong
        i += n;
    }
    return true;
}

bool has_control_byte(const std::string& s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
    return false;
}

const std::string kLanduseHeader = "code,name,pv_fraction,gsh_fraction,excluded\n";
const std::string kPlantsHeader = "facility_code,facility_name,annual_throughput_t,host_city_code\n";

struct Case {
    const char* name;
    const char* file;  // written into the work folder with `content`; "" for none
    std::string content;
    // Arguments, given the written file's path, the output folder and the base `run` arguments.
    std::function<std::vector<std::string>(const std::string& file, const std::string& out,
                                           const std::vector<std::string>& run)>
        args;
    int code;
    std::vector<std::string> needles;  // "{file}" stands for the written file's path
};

auto run_with(const char* flag) {
    return [flag](const std::string& file, const std::string&, const std::vector<std::string>& run) {
        return with_flag(run, flag, file);
    };
}

auto run_plants() {
    return [](const std::string& file, const std::string&, const std::vector<std::string>& run) {
        auto a = run;
        a.insert(a.end(), {"--waste-plants", file});
        return a;
    };
}

// The first 200 bytes of a georeferenced GeoTIFF: the directory is there, the GeoTIFF tags it points to
// (CRS and geotransform) are not. GDAL still opens such a file, with warnings only.
std::string truncated_geotiff() {
    TempDir dir("cut");
    const std::string path = dir / "full.tif";
    write_raster(path, TinyCase::spec(GDT_Float32, std::nullopt), {TinyCase::roof_band()});
    return read_text(path).substr(0, 200);
}

std::vector<Case> cases() {
    return {
        {"class table: a quoted name with a line break, a control byte in a number", "classes.csv",
         kLanduseHeader + "100,\"paddy\nfields\",0.05,0.1,0\n600,waste,0\x01" "5,0.2,0\n", run_with("--landuse-classes"),
         1, {"{file}", "row 3", "pv_fraction", "'0\\x015'", "is not a number"}},
        {"class table: an unbalanced quote in the header", "classes.csv",
         "code,\"name,pv_fraction,gsh_fraction,excluded\n100,a,0,0,0\n600,b,0,0,0\n", run_with("--landuse-classes"), 1,
         {"{file}", "line 1", "unbalanced quote"}},
        {"class table: an unbalanced quote after comment lines gives the file line", "classes.csv",
         "# a comment\n# another\n" + kLanduseHeader + "100,a,0,0,0\n600,\"b,0,0,0\n1100,c,0,0,1\n",
         run_with("--landuse-classes"), 1, {"{file}", "line 5", "unbalanced quote"}},
        {"class table: bytes that are not UTF-8", "classes.csv", kLanduseHeader + "100,a,\xFF\xFE,0.1,0\n",
         run_with("--landuse-classes"), 1, {"{file}", "pv_fraction", "'\\xFF\\xFE'", "is not a number"}},
        {"class table: a 500-character cell is shortened", "classes.csv",
         kLanduseHeader + "100,a," + std::string(500, '7') + "x,0.1,0\n", run_with("--landuse-classes"), 1,
         {"{file}", "pv_fraction", "…'", "is not a number"}},
        {"plant table: an unbalanced quote", "plants.csv",
         kPlantsHeader + "P1,A,1000,101\nP2,\"B plant,2000,101\nP3,C,3000,102\n", run_plants(), 1,
         {"{file}", "line 3", "malformed row", "unbalanced quote"}},
        {"plant table: an efficiency of 120 % as written", "plants.csv",
         "facility_code,facility_name,annual_throughput_t,power_efficiency_nominal_pct,host_city_code\n"
         "P1,A,1000,120,101\n",
         run_plants(), 1, {"{file}", "plant P1", "power_efficiency_nominal_pct 120 % is above 100 %"}},
        {"plant table: a quoted number with a line break", "plants.csv", kPlantsHeader + "P1,A,\"10\n00\",101\n",
         run_plants(), 1, {"{file}", "annual_throughput_t", "'10\\n00'", "is not a number"}},
        {"plant table: a host code that is not UTF-8, with a tab", "plants.csv", kPlantsHeader + "P1,A,1000,\xC3\t1\n",
         run_plants(), 1, {"{file}", "unknown host municipality code", "'\\xC3\\t1'"}},
        {"scenario: an unclosed section header", "s.toml", "[solar_roof\ncoverage = 0.5\n", run_with("--scenario"), 2,
         {"{file}", "line 1, column", "not valid TOML", "'[solar_roof'"}},
        {"scenario: an unknown key names its line", "s.toml", "# high roofs\n[solar_roof]\ncoverge = 0.7\n",
         run_with("--scenario"), 2, {"{file}", "line 3", "unknown scenario parameter", "coverge"}},
        {"scenario: a string where a number is expected", "s.toml", "[solar_roof]\ncoverage = \"eighty\"\n",
         run_with("--scenario"), 2, {"{file}", "line 2", "[solar_roof] coverage", "is a string; expected a number"}},
        {"scenario: a value out of range names its line", "s.toml", "[waste]\n\nself_use = 1.5\n",
         run_with("--scenario"), 2, {"{file}", "line 3", "self_use", "outside its valid range 0..1"}},
        {"scenario: a monthly profile of 11 values", "s.toml",
         "[irradiation]\nmonthly_profile = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n", run_with("--scenario"), 2,
         {"{file}", "line 2", "monthly_profile", "takes 12 values, found 11"}},
        {"scenario: bytes that are not UTF-8", "s.toml", "[solar_roof]\n# caf\xE9\ncoverage = 0.5\n",
         run_with("--scenario"), 2, {"{file}", "line 2", "not valid TOML"}},
        {"--threads below 0", "", "",
         [](const std::string&, const std::string&, const std::vector<std::string>& run) {
             return with_flag(run, "--threads", "-1");
         },
         2, {"--threads", "must be 0 (all cores) or more", "'-1'"}},
        {"--block-size below 16", "", "",
         [](const std::string&, const std::string&, const std::vector<std::string>& run) {
             return with_flag(run, "--block-size", "8");
         },
         2, {"--block-size", "must be 16..4096", "'8'"}},
        {"prepare roofs --res 0", "", "",
         [](const std::string&, const std::string& out, const std::vector<std::string>&) {
             return std::vector<std::string>{"prepare", "roofs", "footprints.gpkg", "--res", "0", "-o", out + "/r.tif"};
         },
         2, {"--res", "must be a number above 0", "'0'"}},
        {"prepare roofs --tile-size 0", "", "",
         [](const std::string&, const std::string& out, const std::vector<std::string>&) {
             return std::vector<std::string>{"prepare", "roofs", "footprints.gpkg", "--res", "1", "--tile-size", "0",
                                             "-o", out + "/r.tif"};
         },
         2, {"--tile-size", "must be 1..65536"}},
        {"prepare irradiation: a number cell with a tab and a bell", "points.csv",
         "id,lat,lon,m01,m02,m03,m04,m05,m06,m07,m08,m09,m10,m11,m12\n"
         "A,35.6,139.7,\"8\t0\a\",90,114,132,148,122,137,134,99,85,70,69\n",
         [](const std::string& file, const std::string& out, const std::vector<std::string>&) {
             return std::vector<std::string>{"prepare", "irradiation", file, "-o", out + "/ghi.tif"};
         },
         1, {"{file}", "row 2", "m01", "'8\\t0\\x07'", "is not a number"}},
        {"prepare mesh: a mesh code with a line break", "mesh.csv", "code,pop\n\"5339\n4511\",10\n",
         [](const std::string& file, const std::string& out, const std::vector<std::string>&) {
             return std::vector<std::string>{"prepare", "mesh", file, "--code-field", "code", "--value-field", "pop",
                                             "-o", out + "/pop.tif"};
         },
         1, {"{file}", "row 1", "mesh code '5339\\n4511'", "not a digit"}},
        {"prepare mesh: an unbalanced quote", "mesh.csv", "code,pop\n53394511,10\n\"53394512,20\n53394513,30\n",
         [](const std::string& file, const std::string& out, const std::vector<std::string>&) {
             return std::vector<std::string>{"prepare", "mesh", file, "--code-field", "code", "--value-field", "pop",
                                             "-o", out + "/pop.tif"};
         },
         1, {"{file}", "line 3", "malformed row: unbalanced quote"}},
        {"waste membership table: an unbalanced quote", "members.csv",
         "operator_lg_code,member_city_code\n13999,101\n13999,\"102\n",
         [](const std::string& file, const std::string&, const std::vector<std::string>& run) {
             const std::string plants = (fs::path(file).parent_path() / "plants.csv").string();
             write_text(plants, kPlantsHeader + "P1,A,1000,101\n");
             auto a = run;
             a.insert(a.end(), {"--waste-plants", plants, "--waste-members", file});
             return a;
         },
         1, {"{file}", "line 3", "unbalanced quote"}},
        {"a GeoTIFF cut short inside its header", "roof.tif", truncated_geotiff(), run_with("--roof"), 1,
         {"{file}", "not a valid raster", "header cannot be read", "IO error"}},
    };
}

}  // namespace

TEST_CASE("cli messages: every error is one escaped line naming the input and the problem") {
    TinyCase tc;
    const auto all = cases();
    CHECK(all.size() >= 15);
    for (const Case& c : all) {
        CAPTURE(c.name);
        TempDir work("msg");
        const std::string out = work / "out";
        const std::string file = *c.file ? work / c.file : std::string();
        if (*c.file) write_text(file, c.content);
        const auto r = run_repot(c.args(file, out, tc.run_args(out)));
        INFO(describe(r));
        CHECK(r.code == c.code);
        CHECK(r.out.empty());
        const auto lines = lines_of(r.err);
        REQUIRE(lines.size() == 1);
        const std::string& line = lines.front();
        CHECK(line.rfind("repot: error: ", 0) == 0);
        CHECK_FALSE(has_control_byte(line));
        CHECK(valid_utf8(line));
        CHECK(line.size() < 400);  // a whole swallowed file never becomes the message
        for (std::string n : c.needles) {
            if (n == "{file}") n = file;
            INFO("error line should mention: ", n);
            CHECK(contains(line, n));
        }
        CHECK(files_in(out).empty());
    }
}
