// `repot report` on runs of the tiny case (cli_support.hpp): every page exists and every link resolves;
// the numbers of each page's potential table equal potential.csv; the workbook's sheets; the
// smart-community CSV; pages without maps say how to add them; --lang en; a bad rules table is refused
// naming its line and nothing is written; a rerun of `repot run` removes the report with the rest of
// the earlier result; PDFs and a screenshot by headless Chromium where it is installed.
#include <doctest/doctest.h>

#include <regex>

#include "cli_support.hpp"

using namespace repot_cli_test;

namespace {

const char* kPlants = "facility_code,facility_name,annual_throughput_t,host_city_code\nP1,Plant one,1000,101\n";

// A run of the tiny case into `out` with a plant table, plus `extra` arguments.
void tiny_run(const TinyCase& tc, const fs::path& out, const std::vector<std::string>& extra) {
    const std::string plants = (out.parent_path() / "plants_in.csv").string();
    write_text(plants, kPlants);
    auto args = tc.run_args(out.string());
    args.insert(args.end(), {"--waste-plants", plants, "-q"});
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_repot(args);
    INFO(describe(r));
    REQUIRE(r.code == 0);
}

std::vector<std::string> matches(const std::string& text, const std::string& pattern) {
    std::vector<std::string> out;
    const std::regex re(pattern);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
        out.push_back((*it)[1].str());
    return out;
}

std::string sh(const std::string& cmd) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p);
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    pclose(p);
    return out;
}

}  // namespace

TEST_CASE("cli report: pages, links, numbers equal potential.csv, workbook, smart-community scores") {
    TinyCase tc;
    TempDir work("report");
    const fs::path out = work.path() / "out";
    tiny_run(tc, out, {"--maps"});
    auto r = run_repot({"report", out.string()});
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CHECK(files_in(out / "report") == std::set<std::string>{"101.html", "102.html", "103.html", "index.html"});

    // Every link of the index resolves to a page; every page links back.
    const std::string index = read_text(out / "report/index.html");
    const auto links = matches(index, "href=\"([^\"#]+)\"");
    CHECK(links.size() == 3);
    for (const auto& l : links) {
        INFO(l);
        CHECK(fs::exists(out / "report" / l));
        CHECK(contains(read_text(out / "report" / l), "href=\"index.html\""));
    }
    CHECK(contains(index, "data:image/png;base64,"));  // the overview map, inline
    CHECK_FALSE(contains(index, "src=\"http"));         // nothing from elsewhere
    CHECK_FALSE(contains(index, "<script src"));

    // Each page's potential table: the exact value (data-v) of every tier equals the CSV cell.
    CsvTable csv(read_text(out / "potential.csv"));
    const std::vector<std::pair<std::string, std::vector<std::string>>> sources{
        {"solar_roof", {"solar_roof_theoretical_mwh", "solar_roof_technical_mwh", "solar_roof_usable_mwh", "solar_roof_usable_co2_t"}},
        {"solar_land", {"solar_land_theoretical_mwh", "solar_land_technical_mwh", "solar_land_usable_mwh", "solar_land_usable_co2_t"}},
        {"ground_heat", {"ground_heat_theoretical_gj", "ground_heat_technical_gj", "ground_heat_usable_gj", "ground_heat_usable_co2_t"}},
        {"waste_power", {"waste_theoretical_gj", "waste_power_technical_mwh", "waste_power_usable_mwh", "waste_power_usable_co2_t"}}};
    int rows_checked = 0;
    for (const std::string id : {"101", "102"}) {
        const std::string page = read_text(out / "report" / (id + ".html"));
        CHECK(contains(page, csv.cell("zone_id", id, "zone_name")));
        CHECK(contains(page, "data:image/png;base64,"));  // the zone's map
        CHECK(contains(page, "@page { size: A4"));
        for (const auto& [source, columns] : sources) {
            const auto row = matches(page, "<tr data-source=\"" + source + "\">(.*?)</tr>");
            const bool computed = !csv.cell("zone_id", id, columns[0]).empty() ||
                                  !csv.cell("zone_id", id, columns[2]).empty();
            INFO("zone ", id, " source ", source);
            REQUIRE(row.size() == (computed ? 1u : 0u));
            if (!computed) continue;
            const auto values = matches(row[0], "data-v=\"([^\"]*)\"");
            REQUIRE(values.size() == 4);
            for (size_t k = 0; k < 4; ++k) {
                const std::string cell = csv.cell("zone_id", id, columns[k]);
                INFO(columns[k], " csv '", cell, "' page '", values[k], "'");
                if (cell.empty()) CHECK(values[k].empty());
                else CHECK(std::stod(values[k]) == std::stod(cell));
            }
            ++rows_checked;
        }
    }
    CHECK(rows_checked >= 6);
    // The monthly profile of roof PV is on Alpha's page (12 columns), not on Beta's (no roofs).
    CHECK(matches(read_text(out / "report/101.html"), "(<rect [^>]*><title>)").size() == 12);
    CHECK(matches(read_text(out / "report/102.html"), "(<rect [^>]*><title>)").empty());

    // smart_community.csv: 12 models per zone; the workbook has its six sheets in order.
    CsvTable sc(read_text(out / "smart_community.csv"));
    CHECK(sc.body.size() == 3 * 12);
    CHECK(sc.header.front() == "zone_id");
    const std::string sheets = sh("/usr/bin/python3 -c \"import zipfile,re,sys; z=zipfile.ZipFile(sys.argv[1]); "
                                  "print(' '.join(re.findall(r'<sheet name=\\\"([^\\\"]+)\\\"', z.read('xl/workbook.xml').decode())))\" '" +
                                  (out / "potential.xlsx").string() + "'");
    CHECK(sheets == "municipalities long plants smart_community scenario notes\n");

    // run.json lists the report's files: a rerun without --maps or a report removes them.
    Json j = parse_json(read_text(out / "run.json"));
    std::set<std::string> listed;
    for (const auto& v : j.at("outputs").items) listed.insert(v.str);
    for (const char* f : {"report/index.html", "report/101.html", "potential.xlsx", "smart_community.csv"}) {
        INFO(f);
        CHECK(listed.count(f) == 1);
    }
    tiny_run(tc, out, {});
    CHECK_FALSE(fs::exists(out / "report"));
    CHECK_FALSE(fs::exists(out / "maps"));
    CHECK_FALSE(fs::exists(out / "potential.xlsx"));
    CHECK(fs::exists(out / "potential.csv"));
}

TEST_CASE("cli report: without maps the pages say how to add them; --lang en; run --report") {
    TinyCase tc;
    TempDir work("report-nomaps");
    const fs::path out = work.path() / "out";
    tiny_run(tc, out, {"--report", "--lang", "en"});
    const std::string page = read_text(out / "report/101.html");
    CHECK(contains(page, "--maps"));
    CHECK_FALSE(contains(page, "data:image/png;base64,"));
    CHECK_FALSE(contains(page, "利用可能量"));  // English only
    CHECK(contains(page, "Usable"));
    CHECK(contains(page, "lang=\"en\""));

    auto r = run_repot({"report", out.string(), "-q"});  // Japanese first, English beside
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CHECK(r.out.empty());
    CHECK(contains(read_text(out / "report/101.html"), "利用可能量 <span class=\"en\">Usable</span>"));
}

TEST_CASE("cli report: a bad rules table or folder is refused, naming it, and nothing is written") {
    TinyCase tc;
    TempDir work("report-bad");
    const fs::path out = work.path() / "out";
    tiny_run(tc, out, {});
    const std::string run_json = read_text(out / "run.json");
    const std::string rules = work / "rules.csv";
    write_text(rules, "model,model_en,indicator,expression,threshold,weight,rationale\n"
                      "検討会導入,Study group,people,population >=,1,1,assumption: x\n");
    auto r = run_repot({"report", out.string(), "--smart-community-rules", rules});
    INFO(describe(r));
    CHECK(r.code == 2);
    CHECK(contains(r.err, rules));
    CHECK(contains(r.err, "line 2"));
    CHECK_FALSE(fs::exists(out / "report"));
    CHECK(read_text(out / "run.json") == run_json);

    auto r2 = run_repot({"report", work / "nothing-here"});
    INFO(describe(r2));
    CHECK(r2.code == 1);
    CHECK(contains(r2.err, "run.json"));
}

TEST_CASE("cli report --pdf: one page printed by headless Chromium holds the ward's name and figures") {
    if (sh("command -v chromium chromium-browser google-chrome 2>/dev/null").empty() ||
        sh("command -v pdftotext 2>/dev/null").empty()) {
        MESSAGE("skipped: needs Chromium (Debian chromium) and pdftotext (poppler-utils)");
        return;
    }
    TinyCase tc;
    TempDir work("report-pdf");
    const fs::path out = work.path() / "out";
    tiny_run(tc, out, {"--maps"});
    auto r = run_repot({"report", out.string(), "--pdf", "-q"});
    INFO(describe(r));
    REQUIRE(r.code == 0);
    for (const char* id : {"101", "102", "103"}) CHECK(fs::exists(out / "report" / (std::string(id) + ".pdf")));
    const std::string text = sh("pdftotext -layout '" + (out / "report/101.pdf").string() + "' -");
    CHECK(contains(text, "Alpha ward"));
    CsvTable csv(read_text(out / "potential.csv"));
    // The usable roof PV as the page prints it (no decimals above 100, thousands separated).
    const double usable = std::stod(csv.cell("zone_id", "101", "solar_roof_usable_mwh"));
    const std::string shown = std::to_string(long(std::llround(usable)));
    INFO(text);
    CHECK(contains(text, shown.size() > 3 ? shown.substr(0, shown.size() - 3) + "," + shown.substr(shown.size() - 3) : shown));

    // A screenshot of the same page, as a person would see it.
    const std::string png = work / "page.png";
    sh("chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
       "--disable-component-update --disable-sync --user-data-dir='" + work / "chr" + "' --window-size=1000,1400 "
       "--screenshot='" + png + "' 'file://" + (out / "report/101.html").string() + "' 2>/dev/null");
    CHECK(fs::exists(png));
    CHECK(fs::file_size(png) > 10000);

    // A Chromium that is not there is named.
    setenv("REPOT_CHROMIUM", "/nonexistent/chromium", 1);
    auto bad = run_repot({"report", out.string(), "--pdf"});
    unsetenv("REPOT_CHROMIUM");
    CHECK(bad.code == 1);
    CHECK(contains(bad.err, "/nonexistent/chromium"));
}

TEST_CASE("cli run --facilities: counted per zone and category; the station model is then assessed") {
    TinyCase tc;
    TempDir work("facilities");
    const fs::path out = work.path() / "out";
    // EPSG:6677 coordinates: 6 stations and an EV charger in Alpha (pixels 1..8 × 2..9), a public facility as a
    // polygon inside Beta, and a station outside every zone (not counted).
    const double x = TinyCase::X0, y = TinyCase::Y_TOP;
    std::string features;
    auto point = [&](const char* category, double px, double py) {
        features += std::string(features.empty() ? "" : ",") + "{\"type\":\"Feature\",\"properties\":{\"category\":\"" +
                    category + "\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + std::to_string(x + px * 10) +
                    "," + std::to_string(y - py * 10) + "]}}";
    };
    for (int k = 0; k < 6; ++k) point("station", 2.5 + k, 4.5);
    point("ev_charger", 3.5, 6.5);
    point("station", 30.5, 5.5);
    features += ",{\"type\":\"Feature\",\"properties\":{\"category\":\"public_facility\"},\"geometry\":{\"type\":\"Polygon\","
                "\"coordinates\":[[[" + std::to_string(x + 140) + "," + std::to_string(y - 20) + "],[" + std::to_string(x + 160) +
                "," + std::to_string(y - 20) + "],[" + std::to_string(x + 160) + "," + std::to_string(y - 40) + "],[" +
                std::to_string(x + 140) + "," + std::to_string(y - 40) + "],[" + std::to_string(x + 140) + "," +
                std::to_string(y - 20) + "]]]}}";
    const std::string layer = work / "facilities.geojson";
    write_text(layer, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
                      "\"urn:ogc:def:crs:EPSG::6677\"}},\"features\":[" + features + "]}");
    tiny_run(tc, out, {"--facilities", layer, "--report"});
    CHECK(read_text(out / "facilities.csv") ==
          "zone_id,category,count\n101,ev_charger,1\n101,station,6\n102,public_facility,1\n");
    CsvTable sc(read_text(out / "smart_community.csv"));
    bool station_row = false;
    for (const auto& row : sc.body)
        if (row[0] == "101" && row[sc.col("model")] == "駅前及び駅周辺開発型") {
            station_row = true;
            CHECK(contains(row[sc.col("indicators")], "stations=6"));
            CHECK_FALSE(contains(row[sc.col("missing_inputs")], "--facilities"));
        }
    CHECK(station_row);

    // A category outside the list is named with the file.
    write_text(layer, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
                      "\"urn:ogc:def:crs:EPSG::6677\"}},\"features\":[{\"type\":\"Feature\",\"properties\":{\"category\":"
                      "\"spaceport\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + std::to_string(x + 25) + "," +
                      std::to_string(y - 45) + "]}}]}");
    auto args = tc.run_args(work / "bad");
    args.insert(args.end(), {"--facilities", layer});
    expect_failure(args, work.path() / "bad", 1, {layer, "spaceport", "station"});
}
