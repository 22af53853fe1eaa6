// `repot run` on the tiny case (cli_support.hpp): every cell of potential.csv checked against the
// formulas of method.md §3-4 worked out here by hand, potential_long.csv against potential.csv,
// run.json's counts and scenario; and byte-identical outputs for any thread count.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "cli_support.hpp"

using namespace repot_cli_test;

namespace {

// Scenario of the tiny case: panels flat (tilt 0), so the in-plane irradiation is the GHI itself.
// The rest are the defaults of method.md §3-4, written out here rather than read from repot.
constexpr double kCoverage = 0.80, kRoofDensity = 0.167, kDesign = 0.88, kRoofUsable = 0.85;
constexpr double kLandDensity = 0.05, kCo2 = 0.525, kPixelArea = 10.0 * 10.0;

// pv_fraction and excluded of the default L03-b class table for the codes the tiny case uses.
struct ClassRow {
    double pv_fraction;
    bool excluded;
};
const std::map<int, ClassRow> kClasses{{100, {0.05, false}},  {200, {0.05, false}},  {600, {0.30, false}},
                                       {700, {0.00, false}},  {1000, {0.10, false}}, {1100, {0.00, true}},
                                       {1600, {0.10, false}}};

// Sums over one zone's pixels, each term the formula of method.md.
struct Expected {
    double px = 0, roof_valid = 0, roof_area = 0, ghi_sum = 0;
    double roof_th_kwh = 0, roof_cap_kw = 0, roof_tech_kwh = 0;
    double lu_valid = 0, land_area = 0, land_th_kwh = 0, land_cap_kw = 0, land_tech_kwh = 0;
    std::array<double, 12> roof_tech_month_kwh{}, land_tech_month_kwh{};  // P · H_m · K per month
};

Expected expected_for(int zone) {
    Expected e;
    for (int r = 0; r < TinyCase::H; ++r)
        for (int c = 0; c < TinyCase::W; ++c) {
            if (TinyCase::zone_of(c, r) != zone) continue;
            e.px += 1;
            double H = 0;  // annual GHI = in-plane irradiation at tilt 0, kWh/m²
            for (int m = 0; m < 12; ++m) H += TinyCase::ghi_at(c, r, m);
            e.ghi_sum += H;
            const double R = TinyCase::roof_at(c, r);  // m² of roof, NaN: no data
            if (!std::isnan(R)) {
                e.roof_valid += 1;
                e.roof_area += R;
                e.roof_th_kwh += H * R;                       // E_th = H · R
                const double P = R * kCoverage * kRoofDensity;  // no slope layer: every roof flat and eligible
                e.roof_cap_kw += P;
                e.roof_tech_kwh += P * H * kDesign;  // E_tech = P · H_A · K / (1 kW/m²)
                for (int m = 0; m < 12; ++m) e.roof_tech_month_kwh[size_t(m)] += P * TinyCase::ghi_at(c, r, m) * kDesign;
            }
            const int code = TinyCase::code_at(c, r);
            if (code == 0) continue;  // land-use nodata
            e.lu_valid += 1;
            const ClassRow cls = kClasses.at(code);
            if (cls.excluded) continue;
            e.land_area += kPixelArea;
            e.land_th_kwh += H * kPixelArea;  // theoretical: H · A_land
            const double open_m2 = kPixelArea - (std::isnan(R) ? 0.0 : R);
            const double P = open_m2 * cls.pv_fraction * kLandDensity;  // (A_px − R) · pv_fraction · ρ_land
            e.land_cap_kw += P;
            e.land_tech_kwh += P * H * kDesign;
            for (int m = 0; m < 12; ++m) e.land_tech_month_kwh[size_t(m)] += P * TinyCase::ghi_at(c, r, m) * kDesign;
        }
    return e;
}

// The potential columns and their tidy (source, tier, quantity, unit) in potential_long.csv.
struct Tidy {
    const char* column;
    const char* source;
    const char* tier;
    const char* quantity;
    const char* unit;
};
const Tidy kTidy[] = {
    {"roof_area_m2", "solar_roof", "theoretical", "area", "m2"},
    {"eligible_roof_area_m2", "solar_roof", "technical", "area", "m2"},
    {"solar_roof_theoretical_mwh", "solar_roof", "theoretical", "energy", "MWh"},
    {"solar_roof_capacity_kw", "solar_roof", "technical", "capacity", "kW"},
    {"solar_roof_technical_mwh", "solar_roof", "technical", "energy", "MWh"},
    {"solar_roof_usable_mwh", "solar_roof", "usable", "energy", "MWh"},
    {"solar_land_theoretical_mwh", "solar_land", "theoretical", "energy", "MWh"},
    {"solar_land_capacity_kw", "solar_land", "technical", "capacity", "kW"},
    {"solar_land_technical_mwh", "solar_land", "technical", "energy", "MWh"},
    {"solar_land_usable_mwh", "solar_land", "usable", "energy", "MWh"},
    {"solar_roof_usable_co2_t", "solar_roof", "usable", "co2_reduction", "t-CO2"},
    {"solar_land_usable_co2_t", "solar_land", "usable", "co2_reduction", "t-CO2"},
    {"landuse_land_area_m2", "solar_land", "theoretical", "area", "m2"},
    {"solar_land_existing_area_m2", "solar_land", "existing", "area", "m2"},
};

const char* const kLandColumns[] = {"solar_land_theoretical_mwh", "solar_land_capacity_kw", "solar_land_technical_mwh",
                                    "solar_land_usable_mwh",      "solar_land_usable_co2_t", "landuse_land_area_m2",
                                    "landuse_coverage"};
const char* const kRoofPvColumns[] = {"eligible_roof_area_m2", "solar_roof_theoretical_mwh", "solar_roof_capacity_kw",
                                      "solar_roof_technical_mwh", "solar_roof_usable_mwh", "solar_roof_usable_co2_t"};

void check_zone_with_roofs(const CsvTable& t, const std::string& id, bool landuse) {
    const Expected e = expected_for(std::stoi(id));
    auto cell = [&](const char* col) { return t.cell("zone_id", id, col); };
    auto check = [&](const char* col, double v, int decimals) { check_cell("zone " + id + " " + col, cell(col), v, decimals); };
    check("pixel_count", e.px, 0);
    check("land_area_m2", e.px * kPixelArea, 2);
    check("roof_area_m2", e.roof_area, 2);
    check("eligible_roof_area_m2", e.roof_area, 2);
    check("solar_roof_theoretical_mwh", e.roof_th_kwh / 1000, 3);
    check("solar_roof_capacity_kw", e.roof_cap_kw, 3);
    check("solar_roof_technical_mwh", e.roof_tech_kwh / 1000, 3);
    check("solar_roof_usable_mwh", e.roof_tech_kwh * kRoofUsable / 1000, 3);
    check("solar_roof_usable_co2_t", e.roof_tech_kwh * kRoofUsable / 1000 * kCo2, 3);
    check("ghi_mean_kwh_m2", e.ghi_sum / e.px, 2);
    check("roof_coverage", e.roof_valid / e.px, 6);
    check("ghi_coverage", 1.0, 6);
    check("roof_nodata_px", e.px - e.roof_valid, 0);
    check("ghi_nodata_px", 0, 0);
    CHECK(cell("temperature_mean_c").empty());
    CHECK(cell("population").empty());
    CHECK(e.roof_valid < e.px);  // the case is built so: partial roof coverage is flagged, not scaled up
    CHECK(contains(cell("notes"), "roof data covers 89.1 % of the zone"));
    if (landuse) {
        check("solar_land_theoretical_mwh", e.land_th_kwh / 1000, 3);
        check("solar_land_capacity_kw", e.land_cap_kw, 3);
        check("solar_land_technical_mwh", e.land_tech_kwh / 1000, 3);
        check("solar_land_usable_mwh", e.land_tech_kwh / 1000, 3);
        check("solar_land_usable_co2_t", e.land_tech_kwh / 1000 * kCo2, 3);
        check("landuse_land_area_m2", e.land_area, 2);
        check("landuse_coverage", e.lu_valid / e.px, 6);
    }
}

void check_zone_without_roofs(const CsvTable& t, bool landuse) {
    const std::string id = "102";
    const Expected e = expected_for(102);
    auto cell = [&](const char* col) { return t.cell("zone_id", id, col); };
    auto check = [&](const char* col, double v, int decimals) { check_cell("zone 102 " + std::string(col), cell(col), v, decimals); };
    REQUIRE(e.roof_valid == 0);
    check("pixel_count", 100, 0);  // cols 12..21 × rows 0..9, edges on pixel edges
    check("land_area_m2", 100 * kPixelArea, 2);
    check("roof_coverage", 0, 6);
    check("roof_nodata_px", 100, 0);
    check("ghi_mean_kwh_m2", e.ghi_sum / e.px, 2);
    CHECK(cell("roof_area_m2").empty());
    for (const char* c : kRoofPvColumns) {
        INFO("zone 102 column ", c);
        CHECK(cell(c).empty());
    }
    CHECK(contains(cell("notes"), "no roof data in the zone"));
    if (landuse) {
        // No roof data: the open ground is the whole pixel.
        check("solar_land_theoretical_mwh", e.land_th_kwh / 1000, 3);
        check("solar_land_capacity_kw", e.land_cap_kw, 3);
        check("solar_land_technical_mwh", e.land_tech_kwh / 1000, 3);
        check("solar_land_usable_mwh", e.land_tech_kwh / 1000, 3);
        check("solar_land_usable_co2_t", e.land_tech_kwh / 1000 * kCo2, 3);
        check("landuse_land_area_m2", e.land_area, 2);
        check("landuse_coverage", 0.99, 6);  // one land-use nodata pixel
        CHECK(contains(cell("notes"), "land-use data covers 99.0 % of the zone"));
    }
}

void check_zone_outside_grid(const CsvTable& t) {
    const auto& row = t.row_where("zone_id", "103");
    CHECK(row[t.col("zone_name")] == "Gamma");
    CHECK(row[t.col("pixel_count")] == "0");
    for (size_t i = 0; i < t.header.size(); ++i) {
        const std::string& h = t.header[i];
        if (h == "zone_id" || h == "zone_name" || h == "pixel_count" || h == "note_codes" || h == "notes") continue;
        INFO("zone 103 column ", h);
        CHECK(row[i].empty());
    }
    CHECK(contains(row[t.col("notes")], "outside the analysis grid"));
}

// potential_long.csv holds exactly the non-empty potential cells of potential.csv, as printed there.
void check_long_matches_wide(const CsvTable& wide, const std::string& long_text) {
    CsvTable tidy(long_text);
    CHECK(tidy.header == std::vector<std::string>{"zone_id", "zone_name", "source", "tier", "quantity", "unit", "value"});
    std::map<std::string, std::vector<std::string>> by_key;  // zone|source|tier|quantity -> row
    size_t solar_rows = 0;
    for (const auto& r : tidy.body) {
        if (r[2] != "solar_roof" && r[2] != "solar_land") continue;
        ++solar_rows;
        std::string key = r[0] + "|" + r[2] + "|" + r[3] + "|" + r[4];
        CHECK_MESSAGE(by_key.emplace(key, r).second, "duplicate tidy row ", key);
    }
    size_t cells = 0;
    for (const auto& row : wide.body) {
        const std::string& id = row[wide.col("zone_id")];
        for (const auto& m : kTidy) {
            const std::string& v = row[wide.col(m.column)];
            std::string key = id + "|" + m.source + "|" + m.tier + "|" + m.quantity;
            INFO("zone ", id, " column ", m.column);
            auto it = by_key.find(key);
            if (v.empty()) {
                CHECK(it == by_key.end());
                continue;
            }
            ++cells;
            REQUIRE(it != by_key.end());
            CHECK(it->second[1] == row[wide.col("zone_name")]);
            CHECK(it->second[5] == m.unit);
            CHECK(it->second[6] == v);
        }
    }
    CHECK(solar_rows == cells);
    CHECK(cells > 0);
}

const Json* scenario_entry(const Json& manifest, const std::string& parameter) {
    for (const auto& p : manifest.at("scenario").items)
        if (p.at("parameter").str == parameter) return &p;
    return nullptr;
}

void check_manifest(const std::string& text, bool landuse) {
    Json j = parse_json(text);
    const Json& px = j.at("pixels");
    CHECK(px.at("grid").num == 480);
    CHECK(px.at("in_zones").num == 164);  // 64 (Alpha) + 100 (Beta)
    CHECK(px.at("outside_zones").num == 316);
    const Json& zones = j.at("zones");
    CHECK(zones.at("count").num == 3);
    REQUIRE(zones.at("outside_grid").items.size() == 1);
    CHECK(zones.at("outside_grid").items[0].str == "103");
    const Json& grid = j.at("grid");
    CHECK(grid.at("width").num == 40);
    CHECK(grid.at("height").num == 12);
    CHECK(grid.at("pixel_area_m2").num == 100);
    CHECK(grid.at("crs").str == "EPSG:6677");
    CHECK(contains(j.at("tool").at("versions").str, "GDAL"));
    // The command line as given.
    std::vector<std::string> argv;
    for (const auto& a : j.at("command_line").items) argv.push_back(a.str);
    REQUIRE(argv.size() > 2);
    CHECK(argv[1] == "run");
    CHECK(std::find(argv.begin(), argv.end(), "--out") != argv.end());

    // Inputs with size and checksum.
    std::set<std::string> roles;
    for (const auto& in : j.at("inputs").items) {
        roles.insert(in.at("role").str);
        INFO("input ", in.at("role").str);
        CHECK(in.at("size_bytes").num > 0);
        CHECK(in.at("sha256").str.size() == 64);
    }
    for (const char* r : {"zones", "roof", "ghi", "scenario"}) CHECK_MESSAGE(roles.count(r), "input role ", r);
    CHECK(roles.count("landuse") == size_t(landuse));

    // The scenario: every parameter, the two set by the file marked "default": false.
    std::set<std::string> sections;
    for (const auto& p : j.at("scenario").items) {
        const std::string name = p.at("parameter").str;
        sections.insert(name.substr(0, name.find('.')));
        const bool set_by_file = name == "solar_roof.flat_panel_tilt_deg" || name == "solar_land.panel_tilt_deg";
        INFO("parameter ", name);
        CHECK(p.at("default").kind == Json::boolean);
        CHECK(p.at("default").b == !set_by_file);
        CHECK(p.find("unit") != nullptr);
        CHECK(p.find("source") != nullptr);
    }
    CHECK(sections == std::set<std::string>{"solar_roof", "solar_land", "irradiation", "solar_heat", "ground_heat",
                                            "waste", "co2"});
    const Json* tilt = scenario_entry(j, "solar_roof.flat_panel_tilt_deg");
    REQUIRE(tilt);
    CHECK(tilt->at("value").num == 0);
    const Json* land_tilt = scenario_entry(j, "solar_land.panel_tilt_deg");
    REQUIRE(land_tilt);
    CHECK(land_tilt->at("value").num == 0);
    const Json* cov = scenario_entry(j, "solar_roof.coverage");
    REQUIRE(cov);
    CHECK(cov->at("value").num == doctest::Approx(0.8));
    CHECK(cov->at("default").b);
    const Json* profile = scenario_entry(j, "irradiation.monthly_profile");
    REQUIRE(profile);
    CHECK(profile->at("value").items.size() == 12);

    bool note = false;
    for (const auto& n : j.at("notes").items) note |= contains(n.at("text").str, "no land-use layer");
    CHECK(note == !landuse);
}

// potential_monthly.csv: 12 rows per zone and source whose technical tier is computed (roof PV in
// Alpha only: Beta has no roof data), each month's P · H_m · K summed by hand.
void check_monthly(const fs::path& out, bool landuse) {
    CsvTable t(read_text(out / "potential_monthly.csv"));
    CHECK(t.header == std::vector<std::string>{"zone_id", "zone_name", "source", "tier", "month", "value", "unit"});
    std::map<std::string, std::array<double, 12>> expected{{"101 solar_roof", expected_for(101).roof_tech_month_kwh}};
    if (landuse) {
        expected["101 solar_land"] = expected_for(101).land_tech_month_kwh;
        expected["102 solar_land"] = expected_for(102).land_tech_month_kwh;
    }
    CHECK(t.body.size() == 12 * expected.size());
    for (const auto& row : t.body) {
        const std::string key = row[0] + " " + row[2];
        REQUIRE_MESSAGE(expected.count(key), key);
        CHECK(row[3] == "technical");
        CHECK(row[6] == "MWh");
        const int month = std::stoi(row[4]);
        check_cell(key + " month " + row[4], row[5], expected.at(key)[size_t(month - 1)] / 1000, 3);
    }
}

void check_tiny_outputs(const fs::path& out, bool landuse) {
    // Exactly the outputs (landcover.csv with land use): no staged temporaries or probes left behind.
    std::set<std::string> files;
    for (const auto& e : fs::directory_iterator(out)) files.insert(e.path().filename().string());
    std::set<std::string> expected{"potential.csv", "potential_long.csv", "potential_monthly.csv", "run.json"};
    if (landuse) expected.insert("landcover.csv");
    CHECK(files == expected);

    CsvTable t(read_text(out / "potential.csv"));
    REQUIRE(t.header.size() > 3);
    CHECK(t.header[0] == "zone_id");
    CHECK(t.header[1] == "zone_name");
    CHECK(t.header.back() == "notes");
    REQUIRE(t.body.size() == 3);
    CHECK(t.body[0][0] == "101");  // sorted by id
    CHECK(t.body[1][0] == "102");
    CHECK(t.body[2][0] == "103");
    CHECK(t.cell("zone_id", "101", "zone_name") == "Alpha ward");
    CHECK(t.cell("zone_id", "102", "zone_name") == "Beta, town");  // a comma survives CSV quoting

    check_zone_with_roofs(t, "101", landuse);
    check_zone_without_roofs(t, landuse);
    check_zone_outside_grid(t);
    check_monthly(out, landuse);
    if (!landuse)
        for (const char* id : {"101", "102"})
            for (const char* c : kLandColumns) {
                INFO("zone ", id, " without --landuse, column ", c);
                CHECK(t.cell("zone_id", id, c).empty());
                CHECK(contains(t.cell("zone_id", id, "notes"), "no land-use layer"));
            }
    check_long_matches_wide(t, read_text(out / "potential_long.csv"));
    check_manifest(read_text(out / "run.json"), landuse);
}

}  // namespace

TEST_CASE("cli run: tiny case with every cell computed by hand") {
    TinyCase tc;
    TempDir work("run");

    SUBCASE("with land use in one block") {
        auto r = run_repot(tc.run_args(work / "out"));
        INFO(describe(r));
        REQUIRE(r.code == 0);
        CHECK(r.err.empty());  // no progress bar off a terminal, no warnings
        CHECK(contains(r.out, "3 zones (2 on the grid), 480 pixels (316 outside every zone)"));
        CHECK(contains(r.out, "potential.csv"));
        check_tiny_outputs(work.path() / "out", true);
    }
    SUBCASE("with land use in 3 blocks of 16 px on 2 threads") {
        auto args = tc.run_args(work / "out");
        args.insert(args.end(), {"--block-size", "16", "--threads", "2", "-q"});
        auto r = run_repot(args);
        INFO(describe(r));
        REQUIRE(r.code == 0);
        CHECK(r.out.empty());  // -q
        CHECK(r.err.empty());
        check_tiny_outputs(work.path() / "out", true);
        CHECK(parse_json(read_text(work.path() / "out" / "run.json")).at("pixels").at("blocks").num == 3);
    }
    SUBCASE("without land use the land cells are empty") {
        auto r = run_repot(tc.run_args(work / "out", false));
        INFO(describe(r));
        REQUIRE(r.code == 0);
        check_tiny_outputs(work.path() / "out", false);
    }
}

TEST_CASE("cli run: a nested output folder is created and a rerun replaces the outputs") {
    TinyCase tc;
    TempDir work("run");
    const std::string out = work / "a/b/out";
    auto r1 = run_repot(tc.run_args(out, false));
    INFO(describe(r1));
    REQUIRE(r1.code == 0);
    const std::string first = read_text(fs::path(out) / "potential.csv");
    auto r2 = run_repot(tc.run_args(out, true));
    REQUIRE(r2.code == 0);
    const std::string second = read_text(fs::path(out) / "potential.csv");
    CHECK(first != second);  // land cells filled now
    check_tiny_outputs(out, true);
}

namespace {


}  // namespace

TEST_CASE("cli run: --threads 1 and --threads 2 give byte-identical CSVs") {
    NoisyCase nc;
    TempDir work("threads");
    std::map<int, std::pair<std::string, std::string>> outputs;
    for (int threads : {1, 2, 3}) {
        const std::string out = work / ("t" + std::to_string(threads));
        auto r = run_repot(nc.args(out, threads));
        INFO(describe(r));
        REQUIRE(r.code == 0);
        outputs[threads] = {read_text(fs::path(out) / "potential.csv"), read_text(fs::path(out) / "potential_long.csv")};
        Json j = parse_json(read_text(fs::path(out) / "run.json"));
        CHECK(j.at("pixels").at("blocks").num == 30);  // 6 × 5 blocks of 16 px
        CHECK(j.at("threads").num == threads);
    }
    CsvTable t(outputs[1].first);
    REQUIRE(t.body.size() == 3);
    for (const auto& row : t.body) {
        INFO("zone ", row[0]);
        CHECK_FALSE(row[t.col("solar_roof_theoretical_mwh")].empty());
        CHECK_FALSE(row[t.col("solar_land_theoretical_mwh")].empty());
    }
    CHECK(outputs[1].first == outputs[2].first);
    CHECK(outputs[1].second == outputs[2].second);
    CHECK(outputs[1].first == outputs[3].first);
    CHECK(outputs[1].second == outputs[3].second);
}
