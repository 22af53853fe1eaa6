// Scenario parameters: defaults of method.md, TOML scenario files, round trip of `repot params`.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>

#include "repot/error.hpp"
#include "repot/scenario.hpp"

using namespace repot;
namespace fs = std::filesystem;

namespace {

// A scenario file in a fresh temporary folder, removed at the end of the test.
struct TempToml {
    fs::path dir, path;
    explicit TempToml(const std::string& text) {
        static std::atomic<int> counter{0};
        dir = fs::temp_directory_path() / ("repot_test_scenario_" + std::to_string(::getpid()) + "_" +
                                           std::to_string(counter++));
        fs::create_directories(dir);
        path = dir / "scenario.toml";
        std::ofstream(path) << text;
    }
    ~TempToml() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

// Runs load_scenario and returns the UsageError message ("" if it did not throw one).
std::string usage_error(const std::string& toml) {
    TempToml f(toml);
    Scenario s;
    try {
        load_scenario(f.path.string(), s);
    } catch (const UsageError& e) {
        std::string msg = e.what();
        // Every error names the file.
        CHECK(msg.find(f.path.string()) != std::string::npos);
        return msg;
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("scenario defaults are the values of method.md") {
    Scenario s;
    // §3 roofs
    CHECK(s.solar_roof.coverage == 0.80);
    CHECK(s.solar_roof.density_kw_m2 == 0.167);
    CHECK(s.solar_roof.design_factor == 0.88);
    CHECK(s.solar_roof.usable_factor == 0.85);
    CHECK(s.solar_roof.max_tilt_deg == 60);
    CHECK(s.solar_roof.north_min_tilt_deg == 15);
    CHECK(s.solar_roof.north_sector_deg == 90);
    CHECK(s.solar_roof.min_shade_factor == 0.70);
    CHECK(s.solar_roof.flat_below_deg == 3);
    CHECK(s.solar_roof.flat_panel_tilt_deg == 15);
    CHECK(s.solar_roof.flat_panel_aspect_deg == 180);
    CHECK(s.irradiation.albedo == 0.2);
    // §4 land
    CHECK(s.solar_land.density_kw_m2 == 0.05);
    CHECK(s.solar_land.panel_tilt_deg == 30);
    CHECK(s.solar_land.panel_aspect_deg == 180);
    CHECK(s.solar_land.max_terrain_slope_deg == 20);
    // §5 solar heat
    CHECK(s.solar_heat.persons_per_household == 2.0);
    CHECK(s.solar_heat.collector_m2_per_household == 6.0);
    CHECK(s.solar_heat.collector_efficiency == 0.40);
    CHECK(s.solar_heat.hot_water_gj_per_household == 12.0);
    // §6 ground heat
    CHECK(s.ground_heat.default_open_ground_fraction == 0.1);
    CHECK(s.ground_heat.borehole_spacing_m == 6);
    CHECK(s.ground_heat.borehole_length_m == 100);
    CHECK(s.ground_heat.extraction_w_per_m == 30);
    CHECK(s.ground_heat.full_load_hours == 1800);
    CHECK(s.ground_heat.cop == 4);
    CHECK(s.ground_heat.heating_gj_per_household == 10.2);
    CHECK(s.ground_heat.cooling_gj_per_household == 0.7);
    // §7 waste
    CHECK(s.waste.lhv_default_kj_per_kg == 9000);
    CHECK(s.waste.eta_el_max == 0.25);
    CHECK(s.waste.eta_heat == 0.20);
    CHECK(s.waste.eta_el_plant_default == 0.15);
    CHECK(s.waste.self_use == 0.3);
    CHECK(s.waste.heat_use_share == 0.5);
    CHECK(s.waste.biogenic_fraction == 0.56);
    // §8 CO2: 0.525 t/MWh; heat 0.0499 / 0.8 = 0.062375 ≈ 0.0624 t/GJ
    CHECK(s.co2.electricity_t_per_mwh == 0.525);
    CHECK(s.co2.heat_t_per_gj == doctest::Approx(0.0499 / 0.8).epsilon(0.001));
    // Defaults pass their own validation.
    CHECK_NOTHROW(validate(s));
}

TEST_CASE("describe() covers the parameters and marks the assumptions of method.md") {
    Scenario s;
    auto params = describe(s);
    auto find = [&](const std::string& section, const std::string& key) -> const ParamInfo* {
        for (const auto& p : params)
            if (p.section == section && p.key == key) return &p;
        return nullptr;
    };
    const ParamInfo* usable = find("solar_roof", "usable_factor");
    REQUIRE(usable);
    CHECK(usable->assumption);  // method.md §3: "(assumption: Tokyo's planning share...)"
    CHECK(usable->value == &s.solar_roof.usable_factor);
    const ParamInfo* profile = find("irradiation", "monthly_profile");
    REQUIRE(profile);
    CHECK(profile->count == 12);
    CHECK(profile->value == s.irradiation.monthly_profile.data());
    const ParamInfo* coverage = find("solar_roof", "coverage");
    REQUIRE(coverage);
    CHECK_FALSE(coverage->assumption);  // a PLATEAU default
    for (const char* k : {"self_use", "heat_use_share", "eta_el_max"}) {
        const ParamInfo* p = find("waste", k);
        REQUIRE(p);
        CHECK(p->assumption);  // method.md §7 marks these as assumptions
    }
}

TEST_CASE("load_scenario: values and a 12-value monthly profile") {
    TempToml f(
        "# a comment\n"
        "[solar_roof]\n"
        "coverage = 0.6\n"
        "max_tilt_deg = 45\n"
        "\n"
        "[irradiation]\n"
        "monthly_profile = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]\n"
        "[co2]\n"
        "electricity_t_per_mwh = 0.441\n");
    Scenario s;
    auto set = load_scenario(f.path.string(), s);
    CHECK(s.solar_roof.coverage == 0.6);
    CHECK(s.solar_roof.max_tilt_deg == 45);
    CHECK(s.co2.electricity_t_per_mwh == 0.441);
    for (int m = 0; m < 12; ++m) CHECK(s.irradiation.monthly_profile[m] == m + 1);
    // Untouched values keep their defaults.
    CHECK(s.solar_roof.density_kw_m2 == 0.167);
    CHECK(s.solar_land.panel_tilt_deg == 30);
    REQUIRE(set.size() == 4);
    CHECK(std::find(set.begin(), set.end(), "solar_roof.coverage") != set.end());
    CHECK(std::find(set.begin(), set.end(), "irradiation.monthly_profile") != set.end());
    CHECK(std::find(set.begin(), set.end(), "co2.electricity_t_per_mwh") != set.end());
    // shares of 1..12: m / 78
    auto shares = monthly_shares(s.irradiation);
    CHECK(shares[0] == doctest::Approx(1.0 / 78).epsilon(1e-14));
    CHECK(shares[11] == doctest::Approx(12.0 / 78).epsilon(1e-14));
}

TEST_CASE("load_scenario: errors name the file") {
    SUBCASE("unknown key") {
        std::string msg = usage_error("[solar_roof]\ncoverge = 0.5\n");
        CHECK(contains(msg, "coverge"));
    }
    SUBCASE("unknown section") {
        std::string msg = usage_error("[solar_roofs]\ncoverage = 0.5\n");
        CHECK(contains(msg, "solar_roofs"));
    }
    SUBCASE("out of range") {
        std::string msg = usage_error("[solar_roof]\ncoverage = 1.5\n");
        CHECK(contains(msg, "coverage"));
        CHECK(contains(msg, "1.5"));
    }
    SUBCASE("negative where a share is expected") {
        std::string msg = usage_error("[waste]\nself_use = -0.1\n");
        CHECK(contains(msg, "self_use"));
    }
    SUBCASE("not a number") {
        std::string msg = usage_error("[solar_roof]\ncoverage = \"eighty\"\n");
        CHECK(contains(msg, "coverage"));
    }
    SUBCASE("number with trailing junk") {
        std::string msg = usage_error("[solar_roof]\ncoverage = 0.8x\n");
        CHECK(contains(msg, "coverage"));
    }
    SUBCASE("monthly profile of 11 values") {
        std::string msg = usage_error("[irradiation]\nmonthly_profile = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n");
        CHECK(contains(msg, "monthly_profile"));
    }
    SUBCASE("monthly profile summing to zero") {
        std::string msg = usage_error("[irradiation]\nmonthly_profile = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n");
        CHECK(contains(msg, "monthly_profile"));
    }
    SUBCASE("missing file") {
        Scenario s;
        CHECK_THROWS_AS(load_scenario("/nonexistent/repot/scenario.toml", s), UsageError);
    }
}

TEST_CASE("scenario_to_toml round-trips through load_scenario") {
    Scenario a;
    a.solar_roof.coverage = 0.73;
    a.solar_roof.density_kw_m2 = 0.2;
    a.solar_land.max_terrain_slope_deg = 12.5;
    a.ground_heat.cop = 3.3;
    a.co2.heat_t_per_gj = 0.0567;
    a.irradiation.albedo = 0.15;
    for (int m = 0; m < 12; ++m) a.irradiation.monthly_profile[m] = 10.1 + m * 1.7;
    TempToml f(scenario_to_toml(a));
    Scenario b;
    auto set = load_scenario(f.path.string(), b);
    auto pa = describe(a), pb = describe(b);
    REQUIRE(pa.size() == pb.size());
    CHECK(set.size() == pa.size());  // the file sets every parameter
    for (size_t i = 0; i < pa.size(); ++i) {
        CAPTURE(pa[i].section);
        CAPTURE(pa[i].key);
        REQUIRE(pa[i].count == pb[i].count);
        for (int k = 0; k < pa[i].count; ++k) CHECK(pa[i].value[k] == pb[i].value[k]);  // exact
    }
    CHECK(b.solar_roof.coverage == 0.73);
    CHECK(b.irradiation.monthly_profile[11] == 10.1 + 11 * 1.7);
}

TEST_CASE("monthly_shares of the default JMA Tokyo profile") {
    Scenario s;
    auto shares = monthly_shares(s.irradiation);
    double sum = std::accumulate(shares.begin(), shares.end(), 0.0);
    CHECK(sum == doctest::Approx(1.0).epsilon(1e-14));
    // Profile total: 80.94 + 90.04 + 114.53 + 132.56 + 147.89 + 122.46 + 137.06 + 134.02 + 99.1
    //                + 84.85 + 70.69 + 69.57 = 1283.71 kWh/m²
    CHECK(shares[0] == doctest::Approx(80.94 / 1283.71).epsilon(1e-12));
    CHECK(shares[4] == doctest::Approx(147.89 / 1283.71).epsilon(1e-12));
}

TEST_CASE("load_scenario: errors give the line, and for syntax errors the column") {
    SUBCASE("an unclosed section header: toml++'s description, the line and the column") {
        std::string msg = usage_error("# roofs\n[solar_roof\ncoverage = 0.5\n");
        CHECK(contains(msg, "line 2, column"));
        CHECK(contains(msg, "not valid TOML"));
        CHECK(contains(msg, "'[solar_roof'"));  // the line as written
        CHECK_FALSE(contains(msg, "\n"));
    }
    SUBCASE("an unknown key names its line") {
        std::string msg = usage_error("[solar_roof]\ncoverage = 0.5\n\ncoverge = 0.7\n");
        CHECK(contains(msg, "line 4"));
        CHECK(contains(msg, "unknown scenario parameter [solar_roof] 'coverge'"));
    }
    SUBCASE("an unknown section names its line and the sections there are") {
        std::string msg = usage_error("[solar_roof]\ncoverage = 0.5\n[solar_roofs]\ncoverage = 0.5\n");
        CHECK(contains(msg, "line 3"));
        CHECK(contains(msg, "unknown scenario section [solar_roofs]"));
        CHECK(contains(msg, "solar_roof, solar_land, irradiation"));
    }
    SUBCASE("a key outside any section") {
        std::string msg = usage_error("coverage = 0.5\n");
        CHECK(contains(msg, "line 1"));
        CHECK(contains(msg, "outside any [section]"));
    }
    SUBCASE("a string where a number is expected: key, line and expected type") {
        std::string msg = usage_error("[solar_roof]\n\ncoverage = \"eighty\"\n");
        CHECK(contains(msg, "line 3"));
        CHECK(contains(msg, "[solar_roof] coverage is a string; expected a number (share)"));
    }
    SUBCASE("a boolean inside the monthly profile") {
        std::string msg =
            usage_error("[irradiation]\nmonthly_profile = [1, 2, 3, 4, 5, true, 7, 8, 9, 10, 11, 12]\n");
        CHECK(contains(msg, "line 2"));
        CHECK(contains(msg, "monthly_profile value 6 is a boolean; expected a number"));
    }
    SUBCASE("a number where the monthly array is expected") {
        std::string msg = usage_error("[irradiation]\nmonthly_profile = 5\n");
        CHECK(contains(msg, "is an integer; expected an array of 12 numbers"));
    }
    SUBCASE("out of range: the line and the range") {
        std::string msg = usage_error("[solar_roof]\ncoverage = 0.5\nmax_tilt_deg = 95\n");
        CHECK(contains(msg, "line 3"));
        CHECK(contains(msg, "max_tilt_deg = 95 is outside its valid range 0..90"));
    }
    SUBCASE("a key given twice is a TOML error on the second") {
        std::string msg = usage_error("[solar_roof]\ncoverage = 0.5\ncoverage = 0.6\n");
        CHECK(contains(msg, "line 3"));
        CHECK(contains(msg, "not valid TOML"));
    }
}

TEST_CASE("load_scenario: TOML forms beyond key = value") {
    // Integers, exponents, dotted keys and inline tables are TOML too, and set the same parameters.
    TempToml f("solar_roof.coverage = 0.5\nwaste = { self_use = 2e-1 }\n[ground_heat]\nborehole_length_m = 120\n");
    Scenario s;
    auto set = load_scenario(f.path.string(), s);
    CHECK(s.solar_roof.coverage == 0.5);
    CHECK(s.waste.self_use == 0.2);
    CHECK(s.ground_heat.borehole_length_m == 120);
    CHECK(set.size() == 3);
}
