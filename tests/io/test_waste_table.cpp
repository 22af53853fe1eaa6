// Waste-plant and membership tables through GDAL: the FY2022 column names, point layers placed by
// a locator, the bad tables of tests/data/waste, plants.csv, and the check of the computed
// generation against the generation the Tokyo plants reported (figures in docs/waste.md).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <cpl_vsi.h>

#include "repot/error.hpp"
#include "repot/text_table.hpp"
#include "repot/waste.hpp"

using namespace repot;

namespace {

const std::string kData = std::string(REPOT_TEST_DATA) + "/waste/";
const std::string kTokyo = std::string(REPOT_TEST_DATA) + "/../../datasets/tokyo/waste/";

const std::set<std::string> kSmallZones{"13101", "13102", "13103", "13201", "13204", "13208"};

// The 62 municipalities of Tokyo (N03 codes): 23 wards, 26 cities, 5 towns, 8 villages.
std::set<std::string> tokyo_zones() {
    std::set<std::string> z;
    for (int c = 13101; c <= 13123; ++c) z.insert(std::to_string(c));
    for (int c = 13201; c <= 13229; ++c)
        if (c != 13216 && c != 13217 && c != 13226) z.insert(std::to_string(c));
    for (int c : {13303, 13305, 13307, 13308, 13361, 13362, 13363, 13364, 13381, 13382, 13401,
                  13402, 13421})
        z.insert(std::to_string(c));
    return z;
}

// The one-line message of the DataError that `f` throws.
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const DataError& e) {
        return e.what();
    }
    return "(no DataError)";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

void write_vsimem(const std::string& path, const std::string& text) {
    VSILFILE* f = VSIFOpenL(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    VSIFWriteL(text.data(), 1, text.size(), f);
    VSIFCloseL(f);
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("waste table: the FY2022 column names, units and unreported values") {
    const auto plants = read_waste_plants(kData + "plants_small.csv", kSmallZones, nullptr);
    REQUIRE(plants.size() == 5);
    const WastePlant& p1 = plants[0];
    CHECK(p1.id == "P1");
    CHECK(p1.name == "A清掃工場, 第一 \"新\"");
    CHECK(p1.operator_code == "13856");
    CHECK(p1.operator_name == "東京二十三区清掃一部事務組合");
    CHECK(p1.host_zone == "13101");
    CHECK(p1.throughput_t == 100000);
    CHECK(p1.lhv_measured_kj_per_kg == 10000);
    CHECK(p1.lhv_calculated_kj_per_kg == 9500);
    CHECK(p1.efficiency_nominal.value() == doctest::Approx(0.20));  // percent -> fraction
    CHECK(p1.power_capacity_kw == 20000);
    CHECK(p1.power_generated_mwh == 50000);
    CHECK(p1.power_external_mwh == 30000);
    CHECK(p1.power_sold_mwh == 25000);
    CHECK(p1.heat_used_actual_gj.value() == doctest::Approx(150000));  // MJ -> GJ
    CHECK(p1.heat_external_actual_gj.value() == doctest::Approx(40000));
    CHECK_FALSE(p1.x.has_value());
    CHECK(contains(p1.source, "plants_small.csv, row 1"));

    const WastePlant& p2 = plants[1];  // empty cells and a 0 LHV: not reported
    CHECK_FALSE(p2.lhv_measured_kj_per_kg);
    CHECK_FALSE(p2.lhv_calculated_kj_per_kg);
    CHECK_FALSE(p2.efficiency_nominal);
    CHECK_FALSE(p2.power_generated_mwh);
    const WastePlant& p3 = plants[2];  // measured 0 -> calculated is used; efficiency 0 -> default
    CHECK_FALSE(p3.lhv_measured_kj_per_kg);
    CHECK(p3.lhv_calculated_kj_per_kg == 8000);
    CHECK_FALSE(p3.efficiency_nominal);
    CHECK(plants[3].throughput_t == 0);
    CHECK(plants[4].power_external_mwh == 0);  // a reported 0 stays a 0 for actuals
    CHECK(plants[4].heat_external_actual_gj == 0);
}

// Regression (docs/reliability.md): memcheck reported a jump on an uninitialised value in
// read_waste_plants when a table had no LHV or efficiency column (GCC read the payload of the empty
// optional). tests/valgrind/run runs this table through `repot run` under memcheck; here, the values.
TEST_CASE("waste table: absent, empty and zero LHV and efficiency cells are not reported") {
    const std::string none = "/vsimem/test_waste_no_lhv.csv", blank = "/vsimem/test_waste_blank_lhv.csv";
    write_vsimem(none, "facility_code,annual_throughput_t,host_city_code\nP1,1000,13101\n");
    write_vsimem(blank, "facility_code,annual_throughput_t,host_city_code,lhv_measured_kJ_per_kg,"
                        "lhv_calc_kJ_per_kg,power_efficiency_nominal_pct\nP1,1000,13101,,0,0\nP2,1000,13101,0,,\n");
    for (const auto& path : {none, blank}) {
        CAPTURE(path);
        for (const WastePlant& p : read_waste_plants(path, kSmallZones, nullptr)) {
            CHECK_FALSE(p.lhv_measured_kj_per_kg.has_value());
            CHECK_FALSE(p.lhv_calculated_kj_per_kg.has_value());
            CHECK_FALSE(p.efficiency_nominal.has_value());
            const WastePlantResult r = compute_plant(p, WasteParams{});
            CHECK(r.lhv_source == LhvSource::default_value);
            CHECK(r.eta_el_plant_is_default);
        }
        VSIUnlink(path.c_str());
    }
}

TEST_CASE("waste table: the membership CSV") {
    const auto m = read_waste_members(kData + "members_small.csv");
    REQUIRE(m.size() == 2);
    CHECK(m.at("13856") == std::vector<std::string>{"13101", "13102", "13103"});
    CHECK(m.at("13815") == std::vector<std::string>{"13204", "13208"});

    // Any file name: the CSV driver is asked for explicitly.
    const std::string txt = "/vsimem/members.txt";
    write_vsimem(txt, "member_city_code,operator_lg_code\n13101,13856\n");
    CHECK(read_waste_members(txt).at("13856") == std::vector<std::string>{"13101"});
    VSIUnlink(txt.c_str());
}

TEST_CASE("waste table: the membership CSV's population column") {
    const std::string csv = "/vsimem/members_pop.csv";
    write_vsimem(csv, "operator_lg_code,member_city_code,population\n13856,13101,66680\n13856,13102,\n"
                      "13900,13101,66680\n13900,13204, 1234.5 \n");
    const WasteMembership m = read_waste_membership(csv);
    CHECK(m.has_population_column);
    CHECK(m.members.at("13856") == std::vector<std::string>{"13101", "13102"});
    REQUIRE(m.population.size() == 2);
    CHECK(m.population.at("13101") == 66680);   // listed twice with the same value
    CHECK(m.population.at("13204") == 1234.5);
    CHECK(m.population.count("13102") == 0);    // empty: the next source applies

    write_vsimem(csv, "operator_lg_code,member_city_code,population\n13856,13101,100\n13900,13101,200\n");
    CHECK(error_of([&] { read_waste_membership(csv); }).find("row 2, column population: member 13101 has population "
                                                             "200 here and 100 in an earlier row") != std::string::npos);
    write_vsimem(csv, "operator_lg_code,member_city_code,population\n13856,13101,-5\n");
    CHECK(error_of([&] { read_waste_membership(csv); }).find("negative value -5") != std::string::npos);
    VSIUnlink(csv.c_str());

    CHECK_FALSE(read_waste_membership(kData + "members_small.csv").has_population_column);
}

TEST_CASE("waste table: bad tables give a one-line error naming the file and the problem") {
    struct Case {
        std::string file, expect;
    };
    for (const auto& c : std::vector<Case>{
             {"bad_missing_throughput.csv", "missing required column annual_throughput_t"},
             {"bad_missing_host.csv", "missing required column host_city_code"},
             {"bad_negative_throughput.csv", "row 2 (plant P2), column annual_throughput_t: negative value -5"},
             {"bad_unknown_host.csv", "row 2 (plant P2): unknown host municipality code '99999'"},
             {"bad_not_number.csv", "column lhv_measured_kJ_per_kg: '9000abc' is not a number"},
             {"bad_efficiency_over_100.csv", "row 1 (plant P1): power_efficiency_nominal_pct 120 % is above 100 %"},
             {"bad_unbalanced_quote.csv", "line 3: malformed row: unbalanced quote"},
             {"bad_duplicate_id.csv", "row 2 (plant P1): duplicate plant id"},
             {"bad_empty_throughput.csv", "column annual_throughput_t: empty"},
             {"does_not_exist.csv", "no such file"}}) {
        CAPTURE(c.file);
        const std::string msg =
            error_of([&] { read_waste_plants(kData + c.file, kSmallZones, nullptr); });
        CHECK(contains(msg, c.file));
        CHECK(contains(msg, c.expect));
        CHECK_FALSE(contains(msg, "\n"));
    }
    for (const auto& [file, expect] : std::vector<std::pair<std::string, std::string>>{
             {"bad_members_missing_column.csv", "missing required column member_city_code"},
             {"bad_members_duplicate.csv", "row 2: member 13101 of operator 13856 listed twice"}}) {
        CAPTURE(file);
        const std::string msg = error_of([&] { read_waste_members(kData + file); });
        CHECK(contains(msg, file));
        CHECK(contains(msg, expect));
        CHECK_FALSE(contains(msg, "\n"));
    }
}

TEST_CASE("waste table: an OGR point layer is placed by point in polygon, not by host code") {
    // Lon/lat points; the host code column (wrong on purpose) is ignored when a locator is given.
    const std::string path = "/vsimem/waste_points.geojson";
    write_vsimem(path, R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"facility_code":"W1","annual_throughput_t":1000.5,"lhv_measured_kJ_per_kg":9000,"host_city_code":"13201"},
  "geometry":{"type":"Point","coordinates":[139.80,35.68]}},
 {"type":"Feature","properties":{"facility_code":"W2","annual_throughput_t":2000,"host_city_code":13101},
  "geometry":{"type":"Point","coordinates":[139.30,35.66]}}]})");
    std::vector<std::string> seen_wkt;
    const ZoneLocator west_east = [&](double x, double, const std::string& wkt) -> std::optional<std::string> {
        seen_wkt.push_back(wkt);
        if (x < 139.0) return std::nullopt;
        return x > 139.6 ? "13101" : "13201";
    };
    const auto plants = read_waste_plants(path, kSmallZones, west_east);
    REQUIRE(plants.size() == 2);
    CHECK(plants[0].host_zone == "13101");
    CHECK(plants[0].x.value() == doctest::Approx(139.80));
    CHECK(plants[0].y.value() == doctest::Approx(35.68));
    CHECK(plants[0].throughput_t == 1000.5);  // a typed Real field
    CHECK(plants[1].host_zone == "13201");
    REQUIRE(seen_wkt.size() == 2);
    CHECK(contains(seen_wkt[0], "WGS 84"));

    // Without a locator the host code column places the plants.
    const auto by_code = read_waste_plants(path, kSmallZones, nullptr);
    CHECK(by_code[0].host_zone == "13201");
    CHECK(by_code[1].host_zone == "13101");  // an integer field reads as the same code
    CHECK_FALSE(by_code[0].x.has_value());

    // A point in no municipality, and a point whose municipality is not in the run.
    write_vsimem(path, R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"facility_code":"W9","annual_throughput_t":10},
  "geometry":{"type":"Point","coordinates":[138.5,35.0]}}]})");
    CHECK(contains(error_of([&] { read_waste_plants(path, kSmallZones, west_east); }),
                   "row 1 (plant W9): point (138.5, 35) lies in no municipality"));
    CHECK(contains(error_of([&] { read_waste_plants(path, kSmallZones, nullptr); }),
                   "missing required column host_city_code"));

    // A polygon is not a plant location.
    write_vsimem(path, R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"facility_code":"W3","annual_throughput_t":10},
  "geometry":{"type":"Polygon","coordinates":[[[139.7,35.6],[139.8,35.6],[139.8,35.7],[139.7,35.6]]]}}]})");
    CHECK(contains(error_of([&] { read_waste_plants(path, kSmallZones, west_east); }),
                   "geometry is a POLYGON; expected a point"));
    VSIUnlink(path.c_str());
}

TEST_CASE("waste: plants.csv lists every plant with inputs, tiers, members and actuals") {
    const auto plants = read_waste_plants(kData + "plants_small.csv", kSmallZones, nullptr);
    const auto members = read_waste_members(kData + "members_small.csv");
    std::vector<WastePlantResult> results;
    for (const auto& p : plants) results.push_back(compute_plant(p, WasteParams{}));
    const auto path = (std::filesystem::temp_directory_path() / "repot_test_plants.csv").string();
    write_plants_csv(path, plants, results, members);
    const std::string text = slurp(path);
    std::filesystem::remove(path);

    const TextTable t = TextTable::parse(text, "plants.csv");
    REQUIRE(t.rows() == 5);  // the idle plant P4 included
    for (const char* col :
         {"plant_id", "plant_name", "host_zone", "served_zones", "throughput_t", "lhv_used_kj_per_kg",
          "lhv_source", "eta_el_plant", "theoretical_gj", "power_technical_mwh", "power_usable_mwh",
          "heat_technical_gj", "heat_usable_gj", "biogenic_usable_mwh", "power_usable_co2_t",
          "heat_usable_co2_t", "power_gross_mwh", "power_generated_actual_mwh",
          "power_gross_to_actual_ratio", "heat_external_actual_gj"})
        CHECK(t.has_column(col));
    CHECK(t.text(0, "plant_name") == "A清掃工場, 第一 \"新\"");  // quoted and read back intact
    CHECK(contains(text, "\"A清掃工場, 第一 \"\"新\"\"\""));
    CHECK(t.text(0, "served_by") == "members");
    CHECK(t.text(0, "served_zones") == "13101;13102;13103");
    CHECK(t.text(1, "served_by") == "host");
    CHECK(t.text(1, "served_zones") == "13201");
    CHECK(t.text(0, "theoretical_gj") == "1000000.000");
    CHECK(t.text(0, "power_usable_mwh") == "38888.889");
    CHECK(t.text(0, "power_gross_mwh") == "55555.556");
    CHECK(t.text(0, "power_generated_actual_mwh") == "50000.000");
    CHECK(t.text(0, "power_gross_to_actual_ratio") == "1.1111");
    CHECK(t.text(0, "heat_external_actual_gj") == "40000.000");
    CHECK(t.text(0, "lhv_source") == "measured");
    CHECK(t.text(0, "efficiency_nominal") == "0.2000");
    CHECK(t.text(1, "lhv_source") == "default");
    CHECK(t.text(1, "eta_el_plant_source") == "default");
    CHECK(t.text(1, "power_generated_actual_mwh").empty());
    CHECK(t.text(1, "power_gross_to_actual_ratio").empty());
    CHECK(t.text(2, "lhv_source") == "calculated");
    CHECK(t.text(3, "throughput_t") == "0.000");
    CHECK(t.text(3, "power_usable_mwh") == "0.000");

    CHECK_THROWS_AS(write_plants_csv("/nonexistent-dir/plants.csv", plants, results, members), DataError);
}

// The Tokyo FY2022 table: the like-for-like comparison is the gross generation E_in * eta_nominal
// (before self-use) against power_generated_MWh, for every plant with throughput > 0, a nominal
// efficiency, a measured LHV and a reported generation. Band and figures: docs/waste.md.
TEST_CASE("waste: the Tokyo FY2022 plants against their reported generation") {
    const auto zones = tokyo_zones();
    REQUIRE(zones.size() == 62);
    const auto plants = read_waste_plants(kTokyo + "tokyo_incineration_facilities_FY2022.csv", zones, nullptr);
    const auto members = read_waste_members(kTokyo + "tokyo_waste_union_members.csv");
    REQUIRE(plants.size() == 51);
    CHECK(members.size() == 9);
    CHECK(members.at("13856").size() == 23);

    std::vector<WastePlantResult> results;
    for (const auto& p : plants) results.push_back(compute_plant(p, WasteParams{}));  // no invariant breaks

    double m = 0, gen = 0, e_in = 0, tech = 0, usable = 0, gross = 0, heat_usable = 0;
    int compared = 0, ward_compared = 0, idle = 0;
    double lo = 1e9, hi = 0;
    for (size_t i = 0; i < plants.size(); ++i) {
        const auto& p = plants[i];
        const auto& r = results[i];
        m += p.throughput_t;
        gen += p.power_generated_mwh.value_or(0);
        e_in += r.theoretical_gj;
        tech += r.power_technical_mwh;
        usable += r.power_usable_mwh;
        gross += r.power_gross_mwh;
        heat_usable += r.heat_usable_gj;
        if (p.throughput_t == 0) ++idle;
        if (p.throughput_t > 0 && p.efficiency_nominal && p.lhv_measured_kj_per_kg &&
            p.power_generated_mwh && *p.power_generated_mwh > 0) {
            const double ratio = r.power_gross_mwh / *p.power_generated_mwh;
            CAPTURE(p.id);
            CAPTURE(p.name);
            CHECK(ratio >= 0.60);
            CHECK(ratio <= 2.00);
            lo = std::min(lo, ratio);
            hi = std::max(hi, ratio);
            ++compared;
            // The 23-ward union's nominal efficiencies match its own generation closely.
            if (p.operator_code == "13856") {
                CHECK(ratio >= 0.99);
                CHECK(ratio <= 1.01);
                ++ward_compared;
            }
        }
    }
    CHECK(compared == 32);
    CHECK(ward_compared == 20);
    CHECK(idle == 5);
    CHECK(lo == doctest::Approx(0.6372).epsilon(1e-3));
    CHECK(hi == doctest::Approx(1.9720).epsilon(1e-3));

    // Table totals (SOURCE.md) and the tiers, computed independently once (docs/waste.md).
    CHECK(m == doctest::Approx(3293319.1).epsilon(1e-9));
    CHECK(gen == doctest::Approx(1467774.466).epsilon(1e-9));
    CHECK(e_in == doctest::Approx(35050590.048).epsilon(1e-9));
    CHECK(tech == doctest::Approx(2434068.753).epsilon(1e-9));
    CHECK(gross == doctest::Approx(1577917.272).epsilon(1e-9));
    CHECK(usable == doctest::Approx(1104542.090).epsilon(1e-9));
    CHECK(heat_usable == doctest::Approx(3505059.005).epsilon(1e-9));
    // Method check: 1.47 TWh from 3.29 Mt is about 446 kWh/t.
    CHECK(gen * 1000 / m == doctest::Approx(445.7).epsilon(1e-3));

    // Host and member sums keep the totals; every plant's host is one of the 62.
    const auto hosted = sum_by_host(plants, results);
    std::map<std::string, MemberPopulation> population;
    for (const auto& z : zones)
        population[z] = {1000 + static_cast<double>(std::stoi(z) % 97), PopulationSource::table, 1};
    std::vector<std::string> warnings;
    const MemberAllocation allocation = allocate_to_members(plants, results, members, population, warnings);
    const auto& served = allocation.served;
    CHECK(allocation.not_computed.empty());
    CHECK(warnings.empty());
    double hosted_usable = 0, served_usable = 0;
    for (const auto& [z, v] : hosted) hosted_usable += v.power_usable_mwh;
    for (const auto& [z, v] : served) served_usable += v.power_usable_mwh;
    CHECK(hosted_usable == doctest::Approx(usable).epsilon(1e-12));
    CHECK(served_usable == doctest::Approx(usable).epsilon(1e-12));
    CHECK(served.size() > hosted.size());  // the union plants reach their members
    CHECK(served.count("13123") == 1);     // 江戸川区 hosts no plant but is served
}
