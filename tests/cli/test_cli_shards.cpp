// Shards and merge (docs/scale-out.md) on the noisy case (30 blocks, irregular zones) with land use,
// a population raster on another grid and a plant table: the merge of 1, 2, 3 and 7 shards, given in
// any order, equals the single run byte for byte (CSVs) and run.json but for its volatile keys; a
// missing, duplicated or foreign shard is refused naming it; --skip-existing skips finished shards.
#include <doctest/doctest.h>

#include <algorithm>

#include "cli_support.hpp"

using namespace repot_cli_test;

namespace {

struct ShardCase {
    NoisyCase nc;
    std::string population = nc.dir / "population.tif", plants = nc.dir / "plants.csv";
    ShardCase() {
        RasterSpec s;  // 40 m cells offset from the 10 m grid: shared by pixel centres, totals conserved
        s.x0 = NoisyCase::X0 - 13, s.y_top = NoisyCase::Y_TOP + 7, s.res = 40, s.width = 26, s.height = 22;
        std::vector<double> v;
        for (int i = 0; i < s.width * s.height; ++i) v.push_back(double((i * 37) % 101));
        write_raster(population, s, {v});
        write_text(plants, "facility_code,facility_name,annual_throughput_t,host_city_code\nP1,one,52721,13101\n"
                           "P2,two,1000.5,13102\n");
    }
    std::vector<std::string> args(const std::string& out) const {
        auto a = nc.args(out, 2);
        a.insert(a.end(), {"--population", population, "--waste-plants", plants});
        return a;
    }
};

// A JSON value as canonical text (numbers as written with %.17g: exact).
std::string canonical(const Json& v) {
    switch (v.kind) {
        case Json::null: return "null";
        case Json::boolean: return v.b ? "true" : "false";
        case Json::number: {
            char buf[40];
            std::snprintf(buf, sizeof buf, "%.17g", v.num);
            return buf;
        }
        case Json::string: return "\"" + v.str + "\"";
        case Json::array: {
            std::string out = "[";
            for (const auto& i : v.items) out += canonical(i) + ",";
            return out + "]";
        }
        case Json::object: {
            std::string out = "{";
            for (const auto& [k, m] : v.members) out += k + ":" + canonical(m) + ",";
            return out + "}";
        }
    }
    return "";
}

// run.json without the keys that may differ between a single run and a merge (docs/scale-out.md).
std::string stable_json(const fs::path& run_json) {
    Json j = parse_json(read_text(run_json));
    std::string out;
    for (const auto& [k, v] : j.members)
        if (k != "timings_s" && k != "threads" && k != "command_line" && k != "shards") out += k + "=" + canonical(v) + "\n";
    return out;
}

std::string fmt_part(int n, int i) { return "p" + std::to_string(n) + "-" + std::to_string(i); }

const char* const kCsvs[] = {"potential.csv", "potential_long.csv", "potential_monthly.csv", "plants.csv", "landcover.csv"};

}  // namespace

TEST_CASE("cli shards: merging 1, 2, 3 and 7 shards equals the single run") {
    ShardCase sc;
    TempDir work("shards");
    const std::string single = work / "single";
    auto r = run_repot(sc.args(single));
    INFO(describe(r));
    REQUIRE(r.code == 0);
    for (int n : {1, 2, 3, 7}) {
        CAPTURE(n);
        std::vector<std::string> parts;
        for (int i = n; i >= 1; --i) {  // merge takes them in any order
            const std::string part = work / fmt_part(n, i);
            auto a = sc.args(part);
            a.insert(a.end(), {"--shard", std::to_string(i) + "/" + std::to_string(n)});
            auto rs = run_repot(a);
            INFO(describe(rs));
            REQUIRE(rs.code == 0);
            CHECK(files_in(part) == std::set<std::string>{"run.json", "sums.txt"});
            parts.push_back(part);
        }
        const std::string merged = work / ("merged" + std::to_string(n));
        std::vector<std::string> m{"merge"};
        m.insert(m.end(), parts.begin(), parts.end());
        m.insert(m.end(), {"--out", merged, "--no-checksum", "-q"});
        auto rm = run_repot(m);
        INFO(describe(rm));
        REQUIRE(rm.code == 0);
        for (const char* f : kCsvs) {
            INFO(f);
            CHECK(read_text(fs::path(merged) / f) == read_text(fs::path(single) / f));
        }
        CHECK(stable_json(fs::path(merged) / "run.json") == stable_json(fs::path(single) / "run.json"));
        CHECK(parse_json(read_text(fs::path(merged) / "run.json")).at("shards").items.size() == size_t(n));
    }
}

TEST_CASE("cli shards: with --maps, the merged maps equal the single run's byte for byte") {
    ShardCase sc;
    TempDir work("shard-maps");
    auto with_maps = [&](const std::string& out) {
        auto a = sc.args(out);
        a.push_back("--maps");
        return a;
    };
    const std::string single = work / "single";
    auto r = run_repot(with_maps(single));
    INFO(describe(r));
    REQUIRE(r.code == 0);
    const std::vector<std::string> maps{"maps/solar_roof_usable_kwh.tif", "maps/solar_land_usable_kwh.tif",
                                        "maps/ground_heat_technical_gj.tif", "maps/zones.tif", "maps/zones.csv"};
    for (int n : {2, 3}) {
        CAPTURE(n);
        std::vector<std::string> m{"merge"};
        for (int i = 1; i <= n; ++i) {
            const std::string part = work / fmt_part(n, i);
            auto a = with_maps(part);
            a.insert(a.end(), {"--shard", std::to_string(i) + "/" + std::to_string(n)});
            auto rs = run_repot(a);
            INFO(describe(rs));
            REQUIRE(rs.code == 0);
            CHECK(fs::exists(fs::path(part) / "map_parts" / "zones.tif"));
            m.push_back(part);
        }
        const std::string merged = work / ("merged" + std::to_string(n));
        m.insert(m.end(), {"--out", merged, "-q"});
        auto rm = run_repot(m);
        INFO(describe(rm));
        REQUIRE(rm.code == 0);
        for (const auto& f : maps) {
            INFO(f);
            REQUIRE(fs::exists(fs::path(single) / f));
            CHECK(read_text(fs::path(merged) / f) == read_text(fs::path(single) / f));
        }
        CHECK(fs::exists(fs::path(merged) / "municipalities.gpkg"));
        CHECK(read_text(fs::path(merged) / "potential.csv") == read_text(fs::path(single) / "potential.csv"));
    }
    // A shard folder without its map parts is refused, naming the file.
    fs::remove(fs::path(work / fmt_part(2, 2)) / "map_parts" / "zones.tif");
    expect_failure({"merge", work / fmt_part(2, 1), work / fmt_part(2, 2), "--out", work / "broken"}, work / "broken", 1,
                   {"map_parts/zones.tif"});
    // --report stays with the merged run.
    auto rep = with_maps(work / "rep");
    rep.insert(rep.end(), {"--shard", "1/2", "--report"});
    expect_failure(rep, work / "rep", 2, {"--report"});
}

TEST_CASE("cli shards: missing, duplicated and foreign shards are refused naming them; --skip-existing") {
    ShardCase sc;
    TempDir work("shards-bad");
    auto shard = [&](int i, int n, const std::string& out, std::vector<std::string> extra = {}) {
        auto a = sc.args(out);
        a.insert(a.end(), {"--shard", std::to_string(i) + "/" + std::to_string(n)});
        a.insert(a.end(), extra.begin(), extra.end());
        return run_repot(a);
    };
    REQUIRE(shard(1, 3, work / "p1").code == 0);
    REQUIRE(shard(2, 3, work / "p2").code == 0);
    REQUIRE(shard(3, 3, work / "p3").code == 0);
    const std::string out = work / "out";

    expect_failure({"merge", work / "p1", work / "p3", "--out", out}, out, 1, {"shards missing: 2 of 3"});
    expect_failure({"merge", work / "p1", work / "p2", work / "p2", work / "p3", "--out", out}, out, 1,
                   {work / "p2", "given twice"});
    // A shard of a run with another scenario.
    const std::string scenario = work / "other.toml";
    write_text(scenario, "[solar_roof]\nusable_factor = 0.5\n");
    REQUIRE(shard(2, 3, work / "q2", {"--scenario", scenario}).code == 0);
    expect_failure({"merge", work / "p1", work / "q2", work / "p3", "--out", out}, out, 1,
                   {work / "q2", "different run", "options or scenario"});
    // A shard of another split, and a folder that is no shard.
    REQUIRE(shard(2, 4, work / "r2").code == 0);
    expect_failure({"merge", work / "p1", work / "r2", work / "p3", "--out", out}, out, 1, {work / "r2", "same split"});
    expect_failure({"merge", work / "p1", work.path().string(), "--out", out}, out, 1, {"not the folder of a finished shard"});
    // An input changed since the shards ran.
    const std::string plants_text = read_text(sc.plants);
    write_text(sc.plants, plants_text + "P3,three,10,13103\n");
    expect_failure({"merge", work / "p1", work / "p2", work / "p3", "--out", out}, out, 1, {"input files changed"});
    write_text(sc.plants, plants_text);  // a new mtime: the shards no longer match either

    // --skip-existing: a finished shard of the same run is not computed again; a changed input reruns it.
    auto again = shard(1, 3, work / "p1", {"--skip-existing"});
    CHECK(again.code == 0);
    CHECK(again.out.empty());  // -q
    const std::string before = read_text(fs::path(work / "p2") / "run.json");
    std::vector<std::string> a = sc.args(work / "p2");
    a.erase(std::find(a.begin(), a.end(), "-q"));
    a.insert(a.end(), {"--shard", "2/3", "--skip-existing"});
    auto rerun = run_repot(a);
    INFO(describe(rerun));
    CHECK(rerun.code == 0);
    CHECK(contains(rerun.out, "shard 2/3: "));
    CHECK(contains(rerun.out, "blocks computed"));  // the plants file changed: not skipped
    auto skipped = run_repot(a);
    CHECK(contains(skipped.out, "already finished"));

    expect_failure(with_flag(sc.args(work / "x"), "--shard", "4/3"), work / "x", 2, {"--shard", "1 <= I <= N"});
    expect_failure(with_flag(sc.args(work / "x"), "--shard", "0/3"), work / "x", 2, {"--shard"});
}

TEST_CASE("cli scenarios: several scenarios in one pass equal one run each; names must differ") {
    ShardCase sc;
    TempDir work("scenarios");
    const std::string dir = work / "scenarios";
    fs::create_directories(dir);
    // A linear parameter (coverage) and a zone-level one (CO2) share the kernel pass, applied to its zone
    // sums; the albedo changes the in-plane irradiation per pixel: its own pass.
    write_text(fs::path(dir) / "a.toml", "name = \"half\"\n[solar_roof]\ncoverage = 0.5\n");
    write_text(fs::path(dir) / "b.toml", "[co2]\nelectricity_t_per_mwh = 0.4\n");
    write_text(fs::path(dir) / "c.toml", "[irradiation]\nalbedo = 0.3\n");
    const std::string multi = work / "multi";
    auto a = with_flag(sc.args(multi), "--scenarios", dir);
    a.erase(std::find(a.begin(), a.end(), "-q"));  // the summary says how many kernel passes ran
    auto r = run_repot(a);
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CHECK(contains(r.out, "3 scenarios in 2 kernel passes"));
    for (const char* name : {"half", "b", "c"}) CHECK(fs::exists(fs::path(multi) / name / "potential.csv"));
    for (auto [name, file] : {std::pair{"half", "a"}, {"b", "b"}, {"c", "c"}}) {
        CAPTURE(name);
        const std::string single = work / (std::string("single-") + file);
        auto rs = run_repot(with_flag(sc.args(single), "--scenario", (fs::path(dir) / (std::string(file) + ".toml")).string()));
        REQUIRE(rs.code == 0);
        for (const char* f : kCsvs) {
            INFO(f);
            CHECK(read_text(fs::path(multi) / name / f) == read_text(fs::path(single) / f));
        }
        CHECK(stable_json(fs::path(multi) / name / "run.json") == stable_json(fs::path(single) / "run.json"));
        CHECK(parse_json(read_text(fs::path(multi) / name / "run.json")).at("scenario_name").str == name);
    }
    // A heat-demand raster caps heat per pixel with the collector coverage: coverage is then a kernel
    // parameter, and "half" gets its own pass (still equal to its single run).
    auto capped = with_flag(a, "--out", work / "capped");
    capped.insert(capped.end(), {"--heat-demand", sc.population});
    auto rc = run_repot(capped);
    INFO(describe(rc));
    REQUIRE(rc.code == 0);
    CHECK(contains(rc.out, "3 scenarios in 3 kernel passes"));
    auto single_capped = sc.args(work / "capped-half");
    single_capped.insert(single_capped.end(), {"--heat-demand", sc.population, "--scenario", (fs::path(dir) / "a.toml").string()});
    REQUIRE(run_repot(single_capped).code == 0);
    CHECK(read_text(fs::path(work / "capped") / "half" / "potential.csv") ==
          read_text(fs::path(work / "capped-half") / "potential.csv"));

    write_text(fs::path(dir) / "d.toml", "name = \"half\"\n");
    expect_failure(with_flag(sc.args(work / "clash"), "--scenarios", dir), work / "clash", 2, {"both named", "half"});
    expect_failure(with_flag(with_flag(sc.args(work / "shard"), "--scenarios", dir), "--shard", "1/2"), work / "shard", 2,
                   {"--shard"});
}
