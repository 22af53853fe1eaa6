// OutputDir and its pieces on their own: the JSON reader that reads run.json and the journal back,
// adding files to a finished result (open_existing), a rename that fails in the middle of a commit
// (rolled back), and the refusal of pseudo-filesystems.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "../../src/io/json_read.hpp"
#include "../../src/io/special_fs.hpp"
#include "../test_support.hpp"
#include "repot/output_dir.hpp"

using namespace repot;
using namespace repot_test;
namespace fs = std::filesystem;

namespace {

struct Folder {
    fs::path path;
    Folder() {
        std::string templ = (fs::temp_directory_path() / "repot-outdir-XXXXXX").string();
        REQUIRE(mkdtemp(templ.data()) != nullptr);
        path = templ;
    }
    ~Folder() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::set<std::string> names(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
    return out;
}

// The ext2/ext4 "immutable" flag: nothing can replace, rename or link the file. Root only.
bool set_immutable(const fs::path& p, bool on) {
    const int fd = open(p.c_str(), O_RDONLY);
    if (fd < 0) return false;
    int flags = 0;
    bool ok = ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
    flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
    ok = ok && ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    close(fd);
    return ok;
}

}  // namespace

TEST_CASE("json reader: strings, escapes, nesting, and strict refusal of what is not JSON") {
    const JsonValue v = parse_json(R"({"a": [1, -2.5e3, true, false, null], "s": "q\"\\\/\n\u00e9\ud83d\ude00",
                                        "o": {"k": []}})");
    REQUIRE(v.kind == JsonValue::object);
    REQUIRE(v.find("a")->items.size() == 5);
    CHECK(v.find("a")->items[1].num == -2500);
    CHECK(v.find("a")->items[2].b);
    CHECK(v.find("s")->str == "q\"\\/\n\xc3\xa9\xf0\x9f\x98\x80");
    CHECK(v.find("o")->find("k")->kind == JsonValue::array);
    CHECK(v.find("missing") == nullptr);
    for (const char* bad : {"", "{", "{\"a\": 1,}", "[1 2]", "\"tab\there\"", "{\"a\": 1} x", "\"\\ud800\"", "nul"}) {
        INFO(bad);
        CHECK_THROWS(parse_json(bad));
    }
    CHECK(json_string_array(R"({"outputs": ["a.csv", "run.json"]})", "outputs") ==
          std::vector<std::string>{"a.csv", "run.json"});
    CHECK_FALSE(json_string_array(R"({"outputs": ["a.csv", 3]})", "outputs"));
    CHECK_FALSE(json_string_array(R"({"outputs": "a.csv"})", "outputs"));
    CHECK_FALSE(json_string_array(R"({"outputs": ["a.csv"])", "outputs"));  // truncated file
}

TEST_CASE("output dir: open_existing adds files to a finished result and removes nothing") {
    Folder f;
    CHECK(contains(data_error([&] { OutputDir::open_existing(f.path.string()); }), "no run.json"));
    write(f.path / "run.json", R"({"outputs": ["potential.csv", "plants.csv", "run.json"]})");
    write(f.path / "potential.csv", "old\n");
    write(f.path / "plants.csv", "plants\n");
    {
        auto out = OutputDir::open_existing(f.path.string());
        CHECK(out->earlier_outputs() == std::vector<std::string>{"potential.csv", "plants.csv", "run.json"});
        out->stage("report.html", "<p>report</p>");
        out->stage("potential.csv", "new\n");
        CHECK(out->commit().size() == 2);
    }
    CHECK(names(f.path) == std::set<std::string>{"plants.csv", "potential.csv", "report.html", "run.json"});
    CHECK(read(f.path / "potential.csv") == "new\n");
    CHECK(read(f.path / "plants.csv") == "plants\n");
}

TEST_CASE("output dir: names that are not plain file names are refused, and never removed") {
    Folder f;
    write(f.path / "run.json", R"({"outputs": ["../victim.txt", ".hidden", "run.json"]})");
    write(f.path / ".hidden", "x");
    write(f.path.parent_path() / (f.path.filename().string() + "-victim.txt"), "v");
    {
        OutputDir out(f.path.string());
        CHECK(out.earlier_outputs() == std::vector<std::string>{"run.json"});
        CHECK(contains(data_error([&] { out.stage("../x.csv", "x"); }), "not a plain file name"));
        out.stage("run.json", R"({"outputs": ["run.json"]})");
        out.commit();
    }
    CHECK(names(f.path) == std::set<std::string>{".hidden", "run.json"});
    fs::remove(f.path.parent_path() / (f.path.filename().string() + "-victim.txt"));
}

TEST_CASE("output dir: a rename failing in the middle of a commit restores the earlier result") {
    Folder f;
    write(f.path / "a.csv", "old a\n");
    write(f.path / "b.csv", "old b\n");
    if (!set_immutable(f.path / "b.csv", true)) {
        MESSAGE("skipped: the immutable flag needs root on ext2/ext4");
        return;
    }
    std::string error;
    {
        OutputDir out(f.path.string());
        out.stage("a.csv", "new a\n");  // replaced first, then put back
        out.stage("c.csv", "new c\n");  // absent before: removed again
        out.stage("b.csv", "new b\n");  // cannot be replaced
        error = data_error([&] { out.commit(); });
    }
    set_immutable(f.path / "b.csv", false);
    CHECK(contains(error, "moving b.csv into place failed"));
    CHECK(contains(error, "the earlier result was restored"));
    CHECK(names(f.path) == std::set<std::string>{"a.csv", "b.csv"});  // no journal, staging or lock left
    CHECK(read(f.path / "a.csv") == "old a\n");
    CHECK(read(f.path / "b.csv") == "old b\n");
}

TEST_CASE("output dir: pseudo-filesystems are told from real folders") {
    CHECK(special_filesystem("/proc") == "proc");
    CHECK(special_filesystem("/sys") == "sysfs");
    CHECK(special_filesystem(fs::temp_directory_path().string()).empty());
    CHECK(contains(data_error([] { OutputDir out("/proc/repot-out"); }), "pseudo-filesystem"));
}

TEST_CASE("output dir: files in a sub-folder (maps/) are committed, and removed by a rerun that does not write them") {
    Folder f;
    {
        OutputDir out(f.path.string());
        out.stage("maps/a.tif", "map a");
        std::ofstream(out.stage_path("maps/b.csv")) << "b";
        CHECK(contains(data_error([&] { out.stage("maps/../x", "x"); }), "not a plain file name"));
        CHECK(contains(data_error([&] { out.stage("maps/.hidden", "x"); }), "not a plain file name"));
        CHECK(contains(data_error([&] { out.stage("maps//a", "x"); }), "not a plain file name"));
        out.stage("run.json", R"({"outputs": ["maps/a.tif", "maps/b.csv", "run.json"]})");
        out.commit();
    }
    CHECK(read(f.path / "maps/a.tif") == "map a");
    CHECK(read(f.path / "maps/b.csv") == "b");
    CHECK(names(f.path) == std::set<std::string>{"maps", "run.json"});
    {  // the rerun writes no maps: both go, and the folder with them, empty
        OutputDir out(f.path.string());
        out.stage("run.json", R"({"outputs": ["run.json"]})");
        out.commit();
    }
    CHECK(names(f.path) == std::set<std::string>{"run.json"});

    {  // a file of the user's own in maps/ keeps the folder
        OutputDir out(f.path.string());
        out.stage("maps/a.tif", "map a");
        out.stage("run.json", R"({"outputs": ["maps/a.tif", "run.json"]})");
        out.commit();
    }
    write(f.path / "maps/mine.txt", "mine");
    {
        OutputDir out(f.path.string());
        out.stage("run.json", R"({"outputs": ["run.json"]})");
        out.commit();
    }
    CHECK(names(f.path / "maps") == std::set<std::string>{"mine.txt"});
}
