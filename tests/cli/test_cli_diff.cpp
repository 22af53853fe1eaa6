// `repot diff A B` on runs of the tiny case (cli_support.hpp): identical runs exit 0; a scenario that
// changes the roof usable factor lists exactly the cells that differ between the two CSVs, with those
// cells as values, and the parameter; a wide tolerance hides them; a zone row removed by hand is
// reported; the JSON form says the same; a folder that is not a run exits 1, a bad flag 2.
#include <doctest/doctest.h>

#include "cli_support.hpp"

using namespace repot_cli_test;

namespace {

void tiny_run(const TinyCase& tc, const fs::path& out, const std::string& scenario) {
    auto r = run_repot(with_flag(tc.run_args(out.string()), "--scenario", scenario));
    INFO(describe(r));
    REQUIRE(r.code == 0);
}

CommandResult diff(const std::vector<std::string>& args) {
    std::vector<std::string> a{"diff"};
    a.insert(a.end(), args.begin(), args.end());
    return run_repot(a);
}

const Json* find_change(const Json& doc, const std::string& file, const std::string& key, const std::string& column) {
    for (const auto& c : doc.at("changes").items)
        if (c.at("file").str == file && c.at("key").str == key && c.at("column").str == column) return &c;
    return nullptr;
}

}  // namespace

TEST_CASE("cli diff: unchanged, changed scenario, tolerance, removed zone, json, errors") {
    TinyCase tc;
    TempDir work("diff");
    const fs::path a = work.path() / "a", same = work.path() / "same", half = work.path() / "half";
    tiny_run(tc, a, tc.scenario);
    tiny_run(tc, same, tc.scenario);
    const std::string half_toml = work / "half.toml";
    write_text(half_toml, "[solar_roof]\nflat_panel_tilt_deg = 0\nusable_factor = 0.5\n\n[solar_land]\npanel_tilt_deg = 0\n");
    tiny_run(tc, half, half_toml);

    SUBCASE("two runs of the same inputs: exit 0") {
        auto r = diff({a.string(), same.string()});
        INFO(describe(r));
        CHECK(r.code == 0);
        CHECK(contains(r.out, "no changes beyond tolerance"));
        CHECK(r.err.empty());
    }

    SUBCASE("a changed usable factor: exactly the cells that differ, with the CSVs' values, and the parameter") {
        auto r = diff({a.string(), half.string()});
        INFO(describe(r));
        CHECK(r.code == 3);
        CsvTable ca(read_text(a / "potential.csv")), cb(read_text(half / "potential.csv"));
        int changed = 0;
        for (const auto& row : ca.body) {
            const std::string id = row[ca.col("zone_id")];
            for (const std::string col : {"solar_roof_usable_mwh", "solar_roof_usable_co2_t"}) {
                const std::string va = ca.cell("zone_id", id, col), vb = cb.cell("zone_id", id, col);
                const std::string line = "potential.csv " + id + " " + col + ": " + va + " -> " + vb + " (";
                INFO(line);
                CHECK(contains(r.out, line) == (va != vb));
                changed += va != vb;
            }
        }
        CHECK(changed >= 2);  // zone 101's energy and CO2 at least
        // The technical tier and land PV do not depend on the factor.
        CHECK_FALSE(contains(r.out, "solar_roof_technical_mwh"));
        CHECK_FALSE(contains(r.out, "solar_roof_theoretical_mwh"));
        CHECK_FALSE(contains(r.out, "solar_land_"));
        CHECK_FALSE(contains(r.out, "potential_monthly.csv"));  // months hold the technical tier
        int parameter_lines = 0;
        for (const auto& l : lines_of(r.out))
            if (l.rfind("run.json ", 0) == 0) {
                ++parameter_lines;
                CHECK(l.rfind("run.json solar_roof.usable_factor value: ", 0) == 0);
                CHECK(contains(l, " -> 0.5 ("));
            }
        CHECK(parameter_lines == 1);
        CHECK(contains(lines_of(r.out).back(), " changes in 2 files"));

        SUBCASE("json: the same changes, nothing but the document on stdout") {
            auto j = diff({a.string(), half.string(), "--format", "json"});
            INFO(describe(j));
            CHECK(j.code == 3);
            const Json doc = parse_json(j.out);
            CHECK(doc.at("a").str == a.string());
            CHECK(doc.at("tolerance").at("rel").num == doctest::Approx(1e-9));
            CHECK(doc.at("changes").items.size() == size_t(changed) + 1);
            const Json* c = find_change(doc, "potential.csv", "101", "solar_roof_usable_mwh");
            REQUIRE(c);
            CHECK(c->at("kind").str == "value");
            CHECK(c->at("a").str == ca.cell("zone_id", "101", "solar_roof_usable_mwh"));
            CHECK(c->at("b").str == cb.cell("zone_id", "101", "solar_roof_usable_mwh"));
            const double va = std::stod(c->at("a").str), vb = std::stod(c->at("b").str);
            CHECK(c->at("abs").num == doctest::Approx(vb - va));
            CHECK(c->at("rel").num == doctest::Approx((vb - va) / std::max(std::abs(va), std::abs(vb))));
            const Json* p = find_change(doc, "run.json", "solar_roof.usable_factor", "value");
            REQUIRE(p);
            CHECK(p->at("b").str == "0.5");
            std::set<std::string> files;
            for (const auto& f : doc.at("files_compared").items) files.insert(f.str);
            CHECK(files == std::set<std::string>{"run.json", "potential.csv", "potential_monthly.csv", "landcover.csv"});
        }
    }

    SUBCASE("a tolerance wider than the change: exit 0") {
        auto r = diff({a.string(), half.string(), "--tolerance", "1"});
        INFO(describe(r));
        CHECK(r.code == 0);
        CHECK(contains(r.out, "no changes beyond tolerance"));
    }

    SUBCASE("a zone row removed: removed one way, added the other") {
        const fs::path cut = work.path() / "cut";
        fs::copy(a, cut, fs::copy_options::recursive);
        std::string text;
        for (const auto& l : lines_of(read_text(a / "potential.csv")))
            if (l.rfind("102,", 0) != 0) text += l + "\n";
        write_text(cut / "potential.csv", text);
        auto r = diff({a.string(), cut.string()});
        INFO(describe(r));
        CHECK(r.code == 3);
        CHECK(lines_of(r.out) == std::vector<std::string>{"potential.csv 102: removed (only in A)", "1 change in 1 file"});
        auto back = diff({cut.string(), a.string(), "--format", "json", "--files", "potential.csv"});
        INFO(describe(back));
        CHECK(back.code == 3);
        const Json doc = parse_json(back.out);
        REQUIRE(doc.at("changes").items.size() == 1);
        CHECK(doc.at("changes").items[0].at("kind").str == "added");
        CHECK(doc.at("changes").items[0].at("key").str == "102");
        CHECK(doc.at("changes").items[0].at("a").kind == Json::null);
    }

    SUBCASE("not a run, unreadable CSV, bad flags") {
        const fs::path none = work.path() / "none";  // expect_failure: nothing may appear here
        const fs::path empty = work.path() / "empty";
        fs::create_directories(empty);
        expect_failure({"diff", empty.string(), a.string()}, none, 1, {"run.json", "not the folder of a finished repot run"});
        const fs::path no_csv = work.path() / "no_csv";
        fs::copy(a, no_csv, fs::copy_options::recursive);
        fs::remove(no_csv / "potential.csv");
        expect_failure({"diff", a.string(), no_csv.string()}, none, 1, {(no_csv / "potential.csv").string()});
        const fs::path bad = work.path() / "bad";
        fs::copy(a, bad, fs::copy_options::recursive);
        write_text(bad / "landcover.csv", read_text(a / "landcover.csv") + "101,x\n");
        expect_failure({"diff", a.string(), bad.string()}, none, 1, {(bad / "landcover.csv").string(), "fields"});
        expect_failure({"diff", a.string(), same.string(), "--format", "xml"}, none, 2, {"--format"});
        expect_failure({"diff", a.string(), same.string(), "--tolerance", "-1"}, none, 2, {"--tolerance"});
        expect_failure({"diff", a.string(), same.string(), "--files", "potential.csv,maps.csv"}, none, 2, {"--files"});
        expect_failure({"diff", a.string()}, none, 2, {"B"});
    }
}
