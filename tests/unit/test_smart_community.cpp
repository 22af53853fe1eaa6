// Smart-community reports: the rule expression language, the rules table, the scores per zone and
// model, the CSV, and the shipped rules against potential.csv's real columns.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "../../src/report/expression.hpp"
#include "../../src/report/smart_community.hpp"
#include "../test_support.hpp"
#include "repot/error.hpp"
#include "repot/results.hpp"
#include "repot/text_table.hpp"

using namespace repot;
using namespace repot_test;

namespace {

// The message of the UsageError `f` throws, or "" when it throws none.
template <class F>
std::string usage_error(F&& f) {
    try {
        f();
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

using Values = std::map<std::string, std::optional<double>>;

std::optional<double> eval(const std::string& text, const Values& values = {}) {
    return Expression::parse(text).evaluate([&](const std::string& n) { return values.at(n); });
}

std::string parse_error(const std::string& text) {
    return usage_error([&] { Expression::parse(text); });
}

const std::vector<std::string> kKnown = {"population", "land_area_m2", "households", "solar_roof_usable_mwh",
                                         "solar_roof_theoretical_mwh", "waste_heat_usable_gj"};
const std::string kHeader = "model,model_en,indicator,expression,threshold,weight,rationale\n";

std::string rules_error(const std::string& rows, const std::string& header = kHeader) {
    return usage_error([&] { parse_rules(header + rows, "rules.csv", kKnown); });
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

// --- expressions ---------------------------------------------------------------------------------

TEST_CASE("expressions: arithmetic, precedence, unary minus and number forms") {
    CHECK(eval("1 + 2 * 3") == 7.0);
    CHECK(eval("(1 + 2) * 3") == 9.0);
    CHECK(eval("8 - 2 - 1") == 5.0);  // left-associative
    CHECK(eval("8 / 2 / 2") == 2.0);
    CHECK(eval("10 / 4") == 2.5);
    CHECK(eval("-2 * 3") == -6.0);
    CHECK(eval("2 * -3 + 1") == -5.0);
    CHECK(eval("- -2") == 2.0);
    CHECK(eval("2 - -1") == 3.0);
    CHECK(eval("-(1 + 2)") == -3.0);
    CHECK(eval("1e3 + .5 + 4.5E-1") == 1000.95);
    CHECK(eval("2*3+4") == 10.0);
    const auto zero = eval("0 * -1");
    REQUIRE(zero);
    CHECK_FALSE(std::signbit(*zero));  // never "-0" in a report
}

TEST_CASE("expressions: comparisons and and/or give 1 or 0, and binds tighter than or") {
    CHECK(eval("3 > 2") == 1.0);
    CHECK(eval("3 < 2") == 0.0);
    CHECK(eval("2 >= 2") == 1.0);
    CHECK(eval("2 <= 1") == 0.0);
    CHECK(eval("2 == 2") == 1.0);
    CHECK(eval("2 != 2") == 0.0);
    CHECK(eval("1 + 1 > 1") == 1.0);  // arithmetic before comparison
    CHECK(eval("1 < 2 and 3 < 2") == 0.0);
    CHECK(eval("1 < 2 or 3 < 2") == 1.0);
    CHECK(eval("1 or 0 and 0") == 1.0);  // 1 or (0 and 0); left to right would give 0
    CHECK(eval("0 or 0 and 1") == 0.0);
    CHECK(eval("5 and 2") == 1.0);  // any non-zero is true
}

TEST_CASE("expressions: names, missing values and division by zero") {
    const Values v = {{"a", 4.0}, {"facilities.station", 3.0}, {"empty", std::nullopt}, {"zero", 0.0}};
    CHECK(eval("a * facilities.station", v) == 12.0);
    CHECK(eval("a / (a - 4)", v) == std::nullopt);
    CHECK(eval("a / zero", v) == std::nullopt);
    CHECK(eval("empty + 1", v) == std::nullopt);
    CHECK(eval("empty * 0", v) == std::nullopt);  // missing is never 0
    CHECK(eval("1 or empty", v) == std::nullopt);  // not even when the other side decides
    CHECK(eval("-empty", v) == std::nullopt);
    CHECK(eval("zero / a", v) == 0.0);

    const Expression e = Expression::parse("a + empty * a + facilities.station");
    CHECK(e.names() == std::vector<std::string>{"a", "empty", "facilities.station"});
    CHECK(e.text() == "a + empty * a + facilities.station");
    std::vector<std::string> asked;
    CHECK(e.evaluate([&](const std::string& n) {
        asked.push_back(n);
        return v.at(n);
    }) == std::nullopt);
    CHECK(asked == std::vector<std::string>{"a", "empty", "a", "facilities.station"});  // every name, no short cut
}

TEST_CASE("expressions: parse errors give the column and what was expected") {
    CHECK(parse_error("1 + 2 *") == "column 8: expected a number, a name or '(' after '*'");
    CHECK(parse_error("a * * 2") == "column 5: expected a number, a name or '(' after '*', found '*'");
    CHECK(parse_error("") == "column 1: expected a number, a name or '(' at the start");
    CHECK(parse_error("(1 + 2") == "column 7: expected ')' to close the '(' at column 1");
    CHECK(parse_error("(1 + 2 3") == "column 8: expected ')' to close the '(' at column 1, found '3'");
    CHECK(parse_error("1 2") == "column 3: expected an operator or the end of the expression, found '2'");
    CHECK(parse_error("1 AND 2") == "column 3: expected an operator or the end of the expression, found 'AND'");
    CHECK(parse_error("a = 1") == "column 3: unexpected character '=' (equality is '==')");
    CHECK(parse_error("a && b") == "column 3: unexpected character '&' (use 'and' / 'or')");
    CHECK(parse_error("1 + 人口") == "column 5: unexpected character '人'");
    CHECK(parse_error("1 < a < 3") == "column 7: comparisons do not chain: join them with 'and'");
    CHECK(parse_error("1e + 2") == "column 1: malformed number '1e'");
    CHECK(parse_error("2x") == "column 1: malformed number '2x'");
    CHECK(parse_error("1e999") == "column 1: number '1e999' is out of range");
    CHECK(parse_error("facilities.") == "column 12: expected a name after '.'");
    CHECK(parse_error(std::string(100, '(') + "1" + std::string(100, ')')) == "column 65: nested more than 64 levels deep");
    CHECK(contains(parse_error(std::string(3000, '1')), "longer than 2000"));
}

// --- rules table ---------------------------------------------------------------------------------

TEST_CASE("rules: a valid table, with a BOM, blank lines and a quoted multi-line rationale") {
    const std::string text = "\xEF\xBB\xBF" + kHeader +
                             "検討会導入,study group,inhabited,population >= 1,1,1,assumption: any\n"
                             "\n"
                             "電気自動車導入型,EV,chargers,facilities.ev_charger,10,0.5,\"assumption: a, b\nc\"\n"
                             "電気自動車導入型,EV,pv,solar_roof_usable_mwh_per_capita,2, 2 ,assumption: x\n";
    const auto rules = parse_rules(text, "rules.csv", kKnown);
    REQUIRE(rules.indicators.size() == 3);
    const auto& c = rules.indicators[1];
    CHECK(c.model == "電気自動車導入型");
    CHECK(c.model_en == "EV");
    CHECK(c.name == "chargers");
    CHECK(c.expression.names() == std::vector<std::string>{"facilities.ev_charger"});
    CHECK(c.threshold == 10);
    CHECK(c.weight == 0.5);
    CHECK(c.rationale == "assumption: a, b\nc");
    CHECK(c.line == 4);
    CHECK(rules.indicators[2].line == 6);  // after the two-line record
    CHECK(rules.indicators[2].weight == 2);
}

TEST_CASE("rules: errors name the file and the line") {
    const std::string ok = "検討会導入,study group,inhabited,population,1,1,assumption: x\n";
    CHECK(rules_error(ok + "\n" + "検討会導入,study group,bad,population * * 2,1,1,assumption: x\n") ==
          "rules.csv: line 4: expression 'population * * 2': column 14: expected a number, a name or '(' after "
          "'*', found '*'");
    CHECK(contains(rules_error("検討会導入,study group,x,populaton,1,1,assumption: x\n"),
                   "rules.csv: line 2: unknown name 'populaton' (not a potential.csv column"));
    CHECK(contains(rules_error("検討会導入,study group,x,facilities.school,1,1,assumption: x\n"),
                   "rules.csv: line 2: unknown facility category in 'facilities.school' (categories: station, "));
    CHECK(rules_error("検討会導入,study group,x,population,,1,assumption: x\n") ==
          "rules.csv: line 2: empty field 'threshold'");
    CHECK(rules_error("検討会導入,study group,x,population,1,1, \n") == "rules.csv: line 2: empty field 'rationale'");
    CHECK(rules_error("検討会導入,study group,x,population,ten,1,assumption: x\n") ==
          "rules.csv: line 2: threshold 'ten' is not a number");
    CHECK(rules_error("検討会導入,study group,x,population,1,-1,assumption: x\n") ==
          "rules.csv: line 2: weight -1 is negative (weights are >= 0)");
    CHECK(contains(rules_error("駅前開発型,station,x,population,1,1,assumption: x\n"),
                   "rules.csv: line 2: unknown model '駅前開発型' (the models: 駅前及び駅周辺開発型, "));
    CHECK(rules_error("検討会導入,study group,x,population,1,1\n") ==
          "rules.csv: line 2: 6 fields, the header has 7");
    CHECK(rules_error(ok + ok) == "rules.csv: line 3: indicator 'inhabited' of this model is also on line 2");
    CHECK(rules_error(ok + "検討会導入,Study Group,y,population,1,1,assumption: x\n") ==
          "rules.csv: line 3: model_en 'Study Group' differs from 'study group' on line 2 for the same model");
    CHECK(rules_error("検討会導入,study group,a=b,population,1,1,assumption: x\n") ==
          "rules.csv: line 2: indicator 'a=b' contains ';' or '=' (they separate the report's indicators)");
    CHECK(rules_error(ok, "model,model_en,indicator,expression,threshold,rationale\n") ==
          "rules.csv: line 1: missing column 'weight' (the header must have "
          "model,model_en,indicator,expression,threshold,weight,rationale)");
    CHECK(rules_error("", "") == "rules.csv: empty rules table (a header row is required)");
    CHECK(rules_error("検討会導入,study group,x,population,1,1,\"assumption\n") ==
          "rules.csv: line 2: a quoted cell opens here and never closes");

    TempDir dir("smart_community_rules");
    CHECK(contains(data_error([&] { load_rules(dir / "absent.csv", kKnown); }), "absent.csv: cannot open"));
    const std::string path = dir.write("r.csv", kHeader + "検討会導入,study group,x,nope,1,1,assumption: x\n");
    CHECK(usage_error([&] { load_rules(path, kKnown); }).starts_with(path + ": line 2: unknown name 'nope'"));
}

// --- scores --------------------------------------------------------------------------------------

namespace {

// Zone 13101: 50,000 people on 10 km² (5,000/km²), roof PV 200,000 of 1,000,000 MWh (4 MWh per
// resident, share 0.2), no plant heat. Zone 13102: population and roof PV empty, 150,000 GJ of heat.
ResultsTable two_zones() {
    ResultsTable t;
    for (const char* c : {"population", "land_area_m2", "solar_roof_usable_mwh", "solar_roof_theoretical_mwh",
                          "waste_heat_usable_gj"})
        t.columns.push_back({c});
    t.rows.push_back({"13101", "千代田区", {50000.0, 10e6, 200000.0, 1e6, 0.0}, {}});
    t.rows.push_back({"13102", "Chuo, Tokyo", {std::nullopt, 5e6, std::nullopt, 5e5, 150000.0}, {}});
    return t;
}

const std::string kRules =
    kHeader +
    "駅前及び駅周辺開発型,station-front,stations,facilities.station,2,1,assumption: t\n"
    "駅前及び駅周辺開発型,station-front,density,population_density_per_km2,10000,3,assumption: t\n"
    "エネルギー供給施設開発に伴う周辺地域開発型,energy facility,heat,waste_heat_usable_gj,100000,1,assumption: t\n"
    "電気自動車導入型,EV,pv_per_capita,solar_roof_usable_mwh_per_capita,2,1,assumption: t\n"
    "電気自動車導入型,EV,roof_share,solar_roof_usable_share_of_theoretical,0.1,1,assumption: t\n"
    "検討会導入,study group,inhabited,population,1,1,assumption: t\n";

const ZoneModelScore& score_of(const std::vector<ZoneModelScore>& s, const std::string& zone, const std::string& model) {
    for (const auto& z : s)
        if (z.zone_id == zone && z.model == model) return z;
    FAIL("no score for " << zone << " " << model);
    throw 0;
}

}  // namespace

TEST_CASE("scores: weighted share of passing indicators, not assessed when inputs are missing") {
    const auto rules = parse_rules(kRules, "rules.csv", kKnown);
    const ResultsTable t = two_zones();
    const auto s = score(rules, t, nullptr);
    REQUIRE(s.size() == 24);  // 2 zones x 12 models, in order
    CHECK(s[0].model == "駅前及び駅周辺開発型");
    CHECK(s[11].model == "検討会導入");
    CHECK(s[12].zone_id == "13102");

    // Without --facilities the station count is not assessable; density 5,000 < 10,000 fails: 0 / 3.
    const auto& station = score_of(s, "13101", "駅前及び駅周辺開発型");
    CHECK(station.score == 0.0);
    CHECK(station.assessed == 1);
    CHECK(station.passed == 0);
    REQUIRE(station.indicators.size() == 2);
    CHECK(station.indicators[0].value == std::nullopt);
    CHECK(station.indicators[1].value == doctest::Approx(5000));
    CHECK(station.missing == std::vector<std::string>{"needs --facilities"});
    // 4 MWh per resident >= 2 and share 0.2 >= 0.1.
    const auto& ev = score_of(s, "13101", "電気自動車導入型");
    CHECK(ev.score == 1.0);
    CHECK(ev.indicators[0].value == doctest::Approx(4));
    CHECK(ev.indicators[1].value == doctest::Approx(0.2));
    CHECK(score_of(s, "13101", "エネルギー供給施設開発に伴う周辺地域開発型").score == 0.0);  // 0 GJ: assessed, fails
    const auto& none = score_of(s, "13101", "研究機関周辺開発型");
    CHECK(none.score == std::nullopt);
    CHECK(none.missing == std::vector<std::string>{"no rule"});

    // Zone 13102: empty population and roof cells make models "not assessed", never 0.
    const auto& station2 = score_of(s, "13102", "駅前及び駅周辺開発型");
    CHECK(station2.score == std::nullopt);
    CHECK(station2.assessed == 0);
    CHECK(station2.missing == std::vector<std::string>{"needs --facilities", "needs population"});
    const auto& ev2 = score_of(s, "13102", "電気自動車導入型");
    CHECK(ev2.score == std::nullopt);
    CHECK(ev2.missing == std::vector<std::string>{"needs solar_roof_usable_mwh", "needs population"});
    CHECK(score_of(s, "13102", "エネルギー供給施設開発に伴う周辺地域開発型").score == 1.0);
    CHECK(score_of(s, "13102", "検討会導入").score == std::nullopt);

    // With counts: 13101 has 3 stations (pass, weight 1) and fails density (weight 3): 1 / 4. 13102 is
    // absent from the map, so 0 stations: assessed and failing, density still missing: 0 / 1.
    const FacilityCounts facilities = {{"13101", {{"station", 3}}}};
    const auto f = score(rules, t, &facilities);
    CHECK(score_of(f, "13101", "駅前及び駅周辺開発型").score == 0.25);
    CHECK(score_of(f, "13101", "駅前及び駅周辺開発型").missing.empty());
    const auto& station2f = score_of(f, "13102", "駅前及び駅周辺開発型");
    CHECK(station2f.score == 0.0);
    CHECK(station2f.indicators[0].value == 0.0);
    CHECK(station2f.missing == std::vector<std::string>{"needs population"});
}

TEST_CASE("scores: a zero denominator and weight-0 indicators are reported, not scored") {
    const auto rules = parse_rules(kHeader +
                                       "検討会導入,study group,density,population_density_per_km2,1,1,assumption: t\n"
                                       "共同住宅開発型,apartments,per_area,population / land_area_m2,1,1,assumption: t\n"
                                       "商店街開発型,shops,info,population,1,0,assumption: t\n",
                                   "rules.csv", kKnown);
    ResultsTable t;
    t.columns = {{"population"}, {"land_area_m2"}};
    t.rows.push_back({"1", "z", {100.0, 0.0}, {}});
    const auto s = score(rules, t, nullptr);
    CHECK(score_of(s, "1", "検討会導入").missing == std::vector<std::string>{"land_area_m2 is 0"});
    CHECK(score_of(s, "1", "共同住宅開発型").missing ==
          std::vector<std::string>{"per_area: undefined (a division by zero or an overflow)"});
    const auto& info = score_of(s, "1", "商店街開発型");
    CHECK(info.score == std::nullopt);
    CHECK(info.assessed == 1);
    CHECK(info.passed == 1);
    CHECK(info.missing == std::vector<std::string>{"the assessable indicators weigh 0"});
}

TEST_CASE("smart_community_csv: the exact text, RFC 4180 quoting") {
    const auto s = score(parse_rules(kRules, "rules.csv", kKnown), two_zones(), nullptr);
    const auto no_rule = [](const std::string& zone, const char* model, const char* en) {
        return fmt::format("{},{},{},,0,0,,no rule\n", zone, model, en);
    };
    std::string want = "zone_id,zone_name,model,model_en,score,assessed_indicators,passed_indicators,indicators,"
                       "missing_inputs\n";
    for (const std::string zone : {"13101,千代田区", "13102,\"Chuo, Tokyo\""}) {
        const bool first = zone.starts_with("13101");
        want += zone + (first ? ",駅前及び駅周辺開発型,station-front,0.000,1,0,stations=n/a; density=5000,needs --facilities\n"
                              : ",駅前及び駅周辺開発型,station-front,,0,0,stations=n/a; density=n/a,"
                                "needs --facilities; needs population\n");
        want += no_rule(zone, "地区（街区）開発型", "district (block) development");
        want += no_rule(zone, "商店街開発型", "shopping-street development");
        want += no_rule(zone, "大規模エリア開発型", "large-area development");
        want += no_rule(zone, "研究機関周辺開発型", "development around research institutions");
        want += no_rule(zone, "公共施設開発型", "public-facility development");
        want += zone + (first ? ",エネルギー供給施設開発に伴う周辺地域開発型,energy facility,0.000,1,0,heat=0,\n"
                              : ",エネルギー供給施設開発に伴う周辺地域開発型,energy facility,1.000,1,1,heat=150000,\n");
        want += no_rule(zone, "共同住宅開発型", "apartment-complex development");
        want += zone + (first ? ",電気自動車導入型,EV,1.000,2,2,pv_per_capita=4; roof_share=0.2,\n"
                              : ",電気自動車導入型,EV,,0,0,pv_per_capita=n/a; roof_share=n/a,"
                                "needs solar_roof_usable_mwh; needs population\n");
        want += no_rule(zone, "電気駆動車導入型", "electric-drive vehicles");
        want += no_rule(zone, "省エネルギー行動（意識）促進事業", "energy-saving behaviour");
        want += zone + (first ? ",検討会導入,study group,1.000,1,1,inhabited=50000,\n"
                              : ",検討会導入,study group,,0,0,inhabited=n/a,needs population\n");
    }
    CHECK(smart_community_csv(s) == want);
    CHECK(split_csv(smart_community_csv(s)).size() == 25);  // quoting keeps 9 fields per record
    for (const auto& r : split_csv(smart_community_csv(s))) CHECK(r.size() == 9);
}

// --- the shipped rules ---------------------------------------------------------------------------

TEST_CASE("datasets/smart_community_rules.csv loads against potential.csv's columns, covers every model, is documented") {
    // The header of a real potential.csv (the Tokyo demo run); a rule naming a column the run does not
    // write fails here.
    const auto header = split_csv(read_text(REPOT_TEST_DATA "/potential_header.csv"));
    REQUIRE(header.size() == 1);
    REQUIRE(header[0].size() > 40);
    const auto rules = load_rules(REPOT_TEST_DATA "/../../datasets/smart_community_rules.csv", header[0]);
    for (const auto& m : smart_community_models()) {
        CAPTURE(m.ja);
        bool any = false;
        for (const auto& r : rules.indicators)
            if (r.model == m.ja) {
                any = true;
                CHECK(r.model_en == m.en);
            }
        CHECK(any);
    }
    // docs/smart_community.md lists every shipped rule as it is.
    const std::string docs = read_text(REPOT_TEST_DATA "/../../docs/smart_community.md");
    for (const auto& r : rules.indicators) {
        CAPTURE(r.line);
        CHECK(r.rationale.starts_with("assumption: "));
        CHECK(r.weight > 0);
        CHECK(contains(docs, fmt::format("| {} | `{}` | `{}` | {} | {} | {} |\n", r.model, r.name, r.expression.text(),
                                         r.threshold, r.weight, r.rationale)));
    }
}
