// Output folders as transactions (docs/reliability.md, "Output folders"): an output never
// overwrites an input, a second run into a locked folder fails at once, an interrupted commit is
// completed by the next run, a commit that cannot complete leaves the earlier result, earlier
// outputs a rerun does not write are removed while the user's own files stay, pseudo-filesystems
// are refused, and `repot prepare` stops on SIGTERM leaving nothing.
#include <signal.h>
#include <sys/file.h>

#include <chrono>
#include <thread>

#include "cli_support.hpp"

using namespace repot_cli_test;

namespace {

const std::string kPlants = "facility_code,facility_name,annual_throughput_t,host_city_code\nP1,one,1000,101\n";
const std::set<std::string> kOutputs{"landcover.csv", "potential.csv", "potential_long.csv", "potential_monthly.csv", "run.json"};

std::map<std::string, std::string> contents(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& f : files_in(dir))
        if (fs::is_regular_file(dir / f)) out[f] = read_text(dir / f);
    return out;
}

// The run's arguments with a plant table, so that plants.csv is one of the outputs.
std::vector<std::string> with_plants(const TinyCase& tc, const fs::path& out, const std::string& plants) {
    auto a = tc.run_args(out.string());
    a.insert(a.end(), {"--waste-plants", plants});
    return a;
}

void run_ok(const std::vector<std::string>& args) {
    auto r = run_repot(args);
    INFO(describe(r));
    REQUIRE(r.code == 0);
}

std::vector<std::string> outputs_listed(const fs::path& run_json) {
    const Json doc = parse_json(read_text(run_json));  // kept: a range-for would not keep the temporary
    std::vector<std::string> out;
    for (const auto& v : doc.at("outputs").items) out.push_back(v.str);
    return out;
}

}  // namespace

TEST_CASE("cli output dir: an input inside --out that an output would overwrite is refused, nothing changes") {
    TinyCase tc;
    TempDir work("odir");
    const fs::path out = work.path() / "out";
    const std::string plants = work / "plants_in.csv";
    write_text(plants, kPlants);
    run_ok(with_plants(tc, out, plants));
    // The user now keeps the plant table in the result folder, under the name of an output.
    write_text(out / "plants.csv", kPlants);
    const auto before = contents(out);

    for (const std::string input : {(out / "plants.csv").string(), (out / ".." / "out" / "plants.csv").string()}) {
        auto r = run_repot(with_plants(tc, out, input));
        INFO(describe(r));
        CHECK(r.code == 2);
        CHECK(contains(r.err, "repot: error: --waste-plants " + input));
        CHECK(contains(r.err, (out / "plants.csv").string()));
        CHECK(contents(out) == before);  // the input byte for byte, and every earlier output
    }
    // The same through a symbolic link to the folder.
    fs::create_directory_symlink(out, work.path() / "link");
    auto r = run_repot(with_plants(tc, work.path() / "link", (out / "plants.csv").string()));
    INFO(describe(r));
    CHECK(r.code == 2);
    CHECK(contents(out) == before);
}

TEST_CASE("cli output dir: a second run into a locked folder fails at once and writes nothing") {
    TinyCase tc;
    TempDir work("odir");
    const fs::path out = work.path() / "out";
    fs::create_directories(out);
    const fs::path lock = out / ".repot.lock";
    // This test process plays the first run: it holds the lock with its pid in the file.
    const int fd = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(flock(fd, LOCK_EX | LOCK_NB) == 0);
    const std::string pid = std::to_string(getpid());
    REQUIRE(write(fd, pid.data(), pid.size()) == ssize_t(pid.size()));

    auto r = run_repot(tc.run_args(out.string()));
    INFO(describe(r));
    CHECK(r.code == 1);
    CHECK(contains(r.err, "another repot run is writing " + out.string()));
    CHECK(contains(r.err, "(lock " + lock.string() + " held by pid " + pid + ")"));
    CHECK(files_in(out) == std::set<std::string>{".repot.lock"});

    close(fd);  // the first run ends: the next one proceeds and leaves no lock file behind
    run_ok(tc.run_args(out.string()));
    CHECK(files_in(out) == kOutputs);
}

TEST_CASE("cli output dir: an interrupted commit is completed by the next run, staging leftovers go") {
    TinyCase tc;
    TempDir work("odir");
    const fs::path out = work.path() / "out";
    const std::string plants = work / "plants_in.csv";
    write_text(plants, kPlants);
    run_ok(with_plants(tc, out, plants));
    const auto before = contents(out);
    REQUIRE(before.count("plants.csv"));

    // A run that crashed after writing its journal and moving potential.csv in, before run.json and
    // before removing the earlier plants.csv.
    const fs::path staging = out / ".repot-staging-999999";
    fs::create_directories(staging);
    const std::string new_run_json = "{\"outputs\": [\"potential.csv\", \"run.json\"]}\n";
    write_text(staging / "run.json", new_run_json);
    write_text(out / "potential.csv", "zone_id\nnew\n");
    write_text(out / ".repot-commit.json", "{\"staging\": \".repot-staging-999999\", \"put\": [\"potential.csv\", "
                                           "\"run.json\"], \"remove\": [\"plants.csv\"]}\n");
    // And one that failed before committing: its staging folder is all it left.
    fs::create_directories(out / ".repot-staging-999998");
    write_text(out / ".repot-staging-999998" / "potential.csv", "half written");

    // The next run takes the lock, completes the commit, then fails on its own data (an unknown
    // land-use code found while computing): the folder holds the completed result.
    const std::string bad_landuse = work / "landuse_4242.tif";
    auto v = TinyCase::landuse_band();
    v[size_t(5 * TinyCase::W + 4)] = 4242;
    write_raster(bad_landuse, TinyCase::spec(GDT_UInt16, 0), {v});
    auto r = run_repot(with_flag(tc.run_args(out.string()), "--landuse", bad_landuse));
    INFO(describe(r));
    CHECK(r.code == 1);
    CHECK(files_in(out) == std::set<std::string>{"landcover.csv", "potential.csv", "potential_long.csv", "potential_monthly.csv", "run.json"});
    CHECK(read_text(out / "potential.csv") == "zone_id\nnew\n");
    CHECK(read_text(out / "run.json") == new_run_json);
    CHECK(read_text(out / "potential_long.csv") == before.at("potential_long.csv"));
}

TEST_CASE("cli output dir: a commit that cannot complete leaves exactly the earlier result") {
    TinyCase tc;
    TempDir work("odir");
    const fs::path out = work.path() / "out";
    const std::string plants = work / "plants_in.csv";
    write_text(plants, kPlants);
    run_ok(with_plants(tc, out, plants));
    // run.json is now a folder: the commit cannot put a file there.
    fs::remove(out / "run.json");
    fs::create_directories(out / "run.json");
    write_text(out / "run.json" / "inside.txt", "x");
    const auto before = contents(out);
    const auto names = files_in(out);

    auto r = run_repot(tc.run_args(out.string()));  // without plants: would also remove plants.csv
    INFO(describe(r));
    CHECK(r.code == 1);
    CHECK(contains(r.err, (out / "run.json").string()));
    CHECK(contains(r.err, "not a regular file"));
    CHECK(files_in(out) == names);
    CHECK(contents(out) == before);
    CHECK(files_in(out / "run.json") == std::set<std::string>{"inside.txt"});
}

TEST_CASE("cli output dir: a rerun removes the earlier outputs it does not write, never the user's files") {
    TinyCase tc;
    TempDir work("odir");
    const fs::path out = work.path() / "out";
    const std::string plants = work / "plants_in.csv";
    write_text(plants, kPlants);
    run_ok(with_plants(tc, out, plants));
    CHECK(outputs_listed(out / "run.json") ==
          std::vector<std::string>{"potential.csv", "plants.csv", "potential_long.csv", "landcover.csv",
                                   "potential_monthly.csv", "run.json"});
    write_text(out / "notes.txt", "my notes\n");

    run_ok(tc.run_args(out.string()));  // no --waste-plants this time
    std::set<std::string> expected = kOutputs;
    expected.insert("notes.txt");
    CHECK(files_in(out) == expected);
    CHECK(read_text(out / "notes.txt") == "my notes\n");
    CHECK(outputs_listed(out / "run.json") ==
          std::vector<std::string>{"potential.csv", "potential_long.csv", "landcover.csv", "potential_monthly.csv",
                                   "run.json"});

    // A plants.csv the last run.json does not list is the user's: the next run leaves it.
    write_text(out / "plants.csv", kPlants);
    run_ok(tc.run_args(out.string(), false));  // and without --landuse: landcover.csv was listed, it goes
    CHECK(files_in(out) == std::set<std::string>{"notes.txt", "plants.csv", "potential.csv", "potential_long.csv",
                                                 "potential_monthly.csv", "run.json"});
    CHECK(read_text(out / "plants.csv") == kPlants);
}

TEST_CASE("cli output dir: --out on a pseudo-filesystem is refused") {
    if (geteuid() != 0 || !contains(read_text("/proc/self/mounts"), " /dev devtmpfs ")) {
        MESSAGE("skipped: needs root and /dev mounted as devtmpfs");
        return;
    }
    TinyCase tc;
    const auto before = files_in("/dev");
    for (const std::string dir : {"/dev", "/dev/repot-test-out"}) {
        auto r = run_repot(tc.run_args(dir));
        INFO(describe(r));
        CHECK(r.code == 1);
        CHECK(contains(r.err, "repot: error: " + dir + ": "));
        CHECK(contains(r.err, "devtmpfs"));
    }
    CHECK_FALSE(fs::exists("/dev/repot-test-out"));
    CHECK_FALSE(fs::exists("/dev/potential.csv"));
    CHECK_FALSE(fs::exists("/dev/.repot.lock"));
}

TEST_CASE("cli output dir: prepare refuses an output that is its input") {
    TempDir work("odir");
    const std::string data = std::string(REPOT_TEST_DATA) + "/prepare/";
    const std::string table = work / "census.csv", footprints = work / "kanda.geojson";
    fs::copy_file(data + "census2015_pop_500m_mesh5339.csv", table);
    fs::copy_file(data + "plateau2020_bldg_13101_kanda_subset.geojson", footprints);
    const std::string table_text = read_text(table), footprints_text = read_text(footprints);

    auto mesh = run_repot({"prepare", "mesh", table, "--code-field", "mesh500m_code", "--value-field",
                           "population_2015", "-o", table});
    INFO(describe(mesh));
    CHECK(mesh.code == 2);
    CHECK(contains(mesh.err, "repot: error: table " + table + " is also the output " + table));
    CHECK(read_text(table) == table_text);

    for (const std::string flag : {"-o", "--count-out"}) {
        std::vector<std::string> args{"prepare", "roofs", footprints, "--res", "10", "-o", work / "roof.tif"};
        args = with_flag(args, flag, (work.path() / "." / "kanda.geojson").string());
        auto r = run_repot(args);
        INFO(describe(r));
        CHECK(r.code == 2);
        CHECK(contains(r.err, "footprints " + footprints + " is also the output"));
        CHECK(contains(r.err, "(" + flag + ")"));
        CHECK(read_text(footprints) == footprints_text);
    }
    CHECK(files_in(work.path()) == std::set<std::string>{"census.csv", "kanda.geojson"});
}

TEST_CASE("cli output dir: prepare roofs writes all its outputs or none") {
    TempDir work("odir");
    const std::string footprints = std::string(REPOT_TEST_DATA) + "/prepare/plateau2020_bldg_13101_kanda_subset.geojson";
    fs::create_directories(work.path() / "count.tif");  // one output cannot be put in place
    auto r = run_repot({"prepare", "roofs", footprints, "--res", "10", "-o", work / "roof.tif", "--count-out",
                        work / "count.tif"});
    INFO(describe(r));
    CHECK(r.code == 1);
    CHECK(contains(r.err, work / "count.tif"));
    CHECK(files_in(work.path()) == std::set<std::string>{"count.tif"});  // no roof.tif, no temporaries
    CHECK(files_in(work.path() / "count.tif").empty());
}

TEST_CASE("cli output dir: prepare stops on SIGTERM with exit 130 and leaves nothing") {
    const std::string footprints = std::string(REPOT_SOURCE_DIR) + "/datasets/tokyo/chiyoda_footprints_plateau2020.gpkg";
    TempDir work("odir");
    const std::string out = work / "roof.tif";
    // The signal must arrive while the command works: it is sent once the staged output exists (the
    // handlers are installed before; a fixed delay was too short for a sanitizer build's start-up), and
    // a run that finished first is tried again on a finer grid (more tiles), so that the test does not
    // depend on the speed of the machine.
    int code = 0;
    std::string err;
    for (const char* res : {"0.5", "0.25", "0.1"}) {
        const auto r = run_and_signal({"prepare", "roofs", footprints, "--res", res, "-o", out, "-q"},
                                      [&](const std::string&) { return !files_in(work.path()).empty(); }, SIGTERM);
        code = r.code, err = r.err;
        if (code != 0) break;
        fs::remove(out);  // finished before the signal
    }
    INFO(err);
    CHECK(code == 130);
    CHECK(contains(err, "interrupted"));
    CHECK(files_in(work.path()).empty());
}
