// potential.xlsx and the report labels. The workbook is read back without libxlsxwriter: Python's
// zipfile and ElementTree (Debian's python3) dump every sheet's cells, number formats, panes and
// filters, so the test checks the file Excel would open, not the writer's own idea of it.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../../src/report/csv_bom.hpp"
#include "../../src/report/labels.hpp"
#include "../../src/report/workbook.hpp"
#include "../test_support.hpp"
#include "repot/text_table.hpp"

using namespace repot;
using namespace repot_test;

namespace {

// Prints, per sheet in workbook order: "sheet", "pane", "autofilter" and "cell ref type numfmt value"
// lines (tab-separated, \t \n \\ escaped); then every zip entry's date and the stored creation time.
constexpr const char* kDump = R"PY(
import sys, zipfile, xml.etree.ElementTree as ET
M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'
z = zipfile.ZipFile(sys.argv[1])
def esc(s): return s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')
shared = [''.join(t.text or '' for t in si.iter(M + 't'))
          for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall(M + 'si')] if 'xl/sharedStrings.xml' in z.namelist() else []
styles = ET.fromstring(z.read('xl/styles.xml'))
codes = {n.get('numFmtId'): n.get('formatCode') for n in styles.iter(M + 'numFmt')}
xfs = [x.get('numFmtId') for x in styles.find(M + 'cellXfs').findall(M + 'xf')]
rels = {r.get('Id'): r.get('Target') for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))}
for s in ET.fromstring(z.read('xl/workbook.xml')).find(M + 'sheets'):
    print('sheet\t' + s.get('name'))
    ws = ET.fromstring(z.read('xl/' + rels[s.get(R + 'id')]))
    pane = ws.find(M + 'sheetViews/' + M + 'sheetView/' + M + 'pane')
    if pane is not None: print('pane\t%s\t%s' % (pane.get('state'), pane.get('topLeftCell')))
    af = ws.find(M + 'autoFilter')
    if af is not None: print('autofilter\t' + af.get('ref'))
    for c in ws.iter(M + 'c'):
        v = c.find(M + 'v')
        if v is None: continue
        t = c.get('t', 'n')
        fmt = xfs[int(c.get('s', '0'))]
        print('cell\t%s\t%s\t%s\t%s' % (c.get('r'), t, esc(codes.get(fmt, fmt)), esc(shared[int(v.text)] if t == 's' else v.text)))
for i in z.infolist(): print('zipdate\t%04d-%02d-%02d' % i.date_time[:3])
core = ET.fromstring(z.read('docProps/core.xml'))
print('created\t' + core.find('{http://purl.org/dc/terms/}created').text)
)PY";

struct Cell {
    std::string type, format, value;  // type: n number, s string, b boolean
};
struct Sheet {
    std::string name, pane_state, pane_top_left, autofilter;
    std::map<std::string, Cell> cells;  // by reference (A1); cells without a value are absent
};
struct Xlsx {
    std::vector<Sheet> sheets;
    std::vector<std::string> zip_dates;
    std::string created;
    const Sheet& sheet(const std::string& name) const {
        for (const auto& s : sheets)
            if (s.name == name) return s;
        FAIL("no sheet " << name);
        return sheets.front();  // not reached: FAIL throws
    }
};

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> out(1);
    for (size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\t') out.emplace_back();
        else if (line[i] == '\\' && i + 1 < line.size()) {
            const char e = line[++i];
            out.back() += e == 't' ? '\t' : e == 'n' ? '\n' : e;
        } else out.back() += line[i];
    }
    return out;
}

Xlsx read_xlsx(const TempDir& dir, const std::string& path) {
    const std::string script = dir.write("dump.py", kDump);
    const char* python = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    const std::string cmd = std::string("PYTHONIOENCODING=utf-8 ") + python + " '" + script + "' '" + path + "'";
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string out;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    REQUIRE(::pclose(p) == 0);
    Xlsx x;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        const auto f = split_tabs(line);
        if (f[0] == "sheet") x.sheets.push_back({f.at(1), "", "", "", {}});
        else if (f[0] == "pane") x.sheets.back().pane_state = f.at(1), x.sheets.back().pane_top_left = f.at(2);
        else if (f[0] == "autofilter") x.sheets.back().autofilter = f.at(1);
        else if (f[0] == "cell") x.sheets.back().cells[f.at(1)] = {f.at(2), f.at(3), f.size() > 4 ? f[4] : ""};
        else if (f[0] == "zipdate") x.zip_dates.push_back(f.at(1));
        else if (f[0] == "created") x.created = f.at(1);
    }
    return x;
}

std::string ref(size_t row0, size_t col0) {  // 0-based row and column to A1 (fewer than 27 columns here)
    return std::string(1, char('A' + col0)) + std::to_string(row0 + 1);
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

const std::string kPotential =
    "zone_id,zone_name,pixel_count,solar_roof_usable_mwh,roof_coverage,waste_served_biogenic_heat_usable_gj,"
    "note_codes,notes\n"
    "13101,千代田区,100,1234.567,0.953125,,roof_coverage_partial,\"roof data covers 95.3 %, partial\"\n"
    "13102,中央区,50,0.001,1,3.25,,\n";

WorkbookInput sample() {
    WorkbookInput in;
    in.potential_csv = kPotential;
    in.potential_long_csv = "zone_id,zone_name,source,tier,quantity,unit,value\n"
                            "13101,千代田区,solar_roof,usable,energy,MWh,1234.567\n";
    in.scenario = {{"solar_roof.performance_ratio", "0.8", "1", "NEDO 2019", true, false},
                   {"irradiation.monthly_profile", "[1, 2]", "1", "ours", false, true}};
    in.run_notes = {{"no_heat_demand_layer", "no heat-demand layer: usable heat not capped"}};
    in.zone_notes = {{"13101", "roof_coverage_partial", "roof data covers 95.3 %, partial"}};
    return in;
}

}  // namespace

TEST_CASE("labels: composed from the column's source, tier and quantity, the unit from its suffix") {
    Label l = column_label("solar_roof_usable_mwh");
    CHECK(l.ja == "太陽光発電（建物系） 利用可能量");
    CHECK(l.en == "Roof PV, usable potential");
    CHECK(l.unit_ja == "MWh/年");
    CHECK(l.unit_en == "MWh/yr");
    CHECK(column_unit("solar_roof_usable_mwh") == "MWh");

    l = column_label("solar_land_capacity_kw");
    CHECK(l.ja == "太陽光発電（土地系） 導入ポテンシャル（設備容量）");
    CHECK(l.unit_en == "kW");
    CHECK(column_label("ground_heat_theoretical_gj").ja == "地中熱 賦存量");
    CHECK(column_label("solar_heat_usable_co2_t").ja == "太陽熱 利用可能量（CO2削減量）");
    CHECK(column_label("solar_heat_usable_co2_t").en == "Solar heat, usable potential (CO2 reduction)");
    CHECK(column_unit("solar_heat_usable_co2_t") == "t-CO2");
    CHECK(column_label("waste_throughput_t").unit_ja == "t/年");
    CHECK(column_unit("waste_throughput_t") == "t");
    CHECK(column_label("waste_served_biogenic_heat_usable_gj").ja ==
          "廃棄物発電・熱利用（受益自治体） バイオマス由来 熱利用 利用可能量");
    CHECK(column_label("waste_power_technical_mwh").ja == "廃棄物発電・熱利用（立地自治体） 発電 導入ポテンシャル");
    CHECK(column_label("waste_biogenic_usable_mwh").en == "Waste to energy (by host municipality), biogenic power usable potential");

    // Coverage pattern: a known layer by name, an unknown one by its raw name.
    l = column_label("roof_slope_coverage");
    CHECK(l.ja == "屋根の傾斜 カバー率");
    CHECK(l.en == "roof slope coverage");
    CHECK(column_unit("roof_slope_coverage") == "share");
    CHECK(column_label("heat_demand_nodata_px").en == "heat demand no-data pixels");
    CHECK(column_unit("heat_demand_nodata_px") == "px");
    CHECK(column_label("wind_coverage").ja == "wind カバー率");
    CHECK(column_label("population").ja == "人口");  // the column, not the population layer's coverage
    CHECK(column_label("population_coverage").ja == "人口 カバー率");

    CHECK(column_label("zone_name").ja == "自治体名");
    CHECK(column_label("notes").en == "Notes");
    CHECK(column_unit("zone_id").empty());
    // Unknown columns, and known sources with unknown words, keep their name.
    for (const char* c : {"foo_bar", "solar_roof_magic_mwh", "solar_roof_usable", "waste_"}) {
        l = column_label(c);
        CHECK(l.ja == c);
        CHECK(l.en == c);
        CHECK(l.unit_ja.empty());
        CHECK(column_unit(c).empty());
    }

    // Every column of repot's potential.csv has a label of its own and a unit where it is a quantity.
    const auto schema = split_csv(read_bytes(std::string(REPOT_TEST_DATA) + "/potential_header.csv")).at(0);
    CHECK(schema.size() > 70);
    for (const auto& c : schema) {
        CAPTURE(c);
        CHECK(column_label(c).ja != c);
        CHECK(column_label(c).en != c);
        const bool text = c == "zone_id" || c == "zone_name" || c == "note_codes" || c == "notes";
        CHECK(column_unit(c).empty() == text);
    }

    CHECK(tier_label_ja("theoretical") == "賦存量");
    CHECK(tier_label_ja("technical") == "導入ポテンシャル");
    CHECK(tier_label_ja("usable") == "利用可能量");
    CHECK(tier_label_en("usable") == "usable potential");
    CHECK(tier_label_ja("other") == "other");
    CHECK(source_label("solar_land").ja == "太陽光発電（土地系）");
    CHECK(source_label("waste").ja == "廃棄物発電・熱利用（立地自治体）");
    CHECK(source_label("waste_served_power_biogenic").ja == "廃棄物発電・熱利用（受益自治体） 発電 バイオマス由来");
    CHECK(source_label("ghi").en == "irradiation");
    CHECK(source_label("nonsense").ja == "nonsense");
}

TEST_CASE("csv bom: prefixed once") {
    CHECK(with_bom("a,b\n") == "\xEF\xBB\xBF" "a,b\n");
    CHECK(with_bom(with_bom("a,b\n")) == with_bom("a,b\n"));
    CHECK(split_csv(with_bom("a,b\n")).front().front() == "a");  // repot's own reader skips it
}

TEST_CASE("workbook: sheets, bilingual header rows, numbers as numbers, empty stays empty") {
    TempDir dir("workbook");
    const std::string path = dir / "potential.xlsx";
    write_workbook(sample(), path);
    const Xlsx x = read_xlsx(dir, path);

    std::vector<std::string> names;
    for (const auto& s : x.sheets) names.push_back(s.name);
    CHECK(names == std::vector<std::string>{"municipalities", "long", "plants", "smart_community", "scenario", "notes"});

    const Sheet& m = x.sheet("municipalities");
    const auto csv = split_csv(kPotential);
    const auto& header = csv.front();
    for (size_t c = 0; c < header.size(); ++c) {
        const Label l = column_label(header[c]);
        CHECK(m.cells.at(ref(0, c)).value == l.ja);
        CHECK(m.cells.at(ref(1, c)).value == l.en);
    }
    CHECK(m.cells.at("A1").value == "自治体コード");
    CHECK(m.cells.at("D2").value == "Roof PV, usable potential");
    CHECK(m.cells.at("D3").value == "MWh/年\nMWh/yr");
    CHECK(m.cells.at("C3").value == "画素\npx");
    CHECK(m.cells.count("A3") == 0);  // ids have no unit

    // Data from row 4: every number equals the CSV's, ids and names are text, Japanese round-trips.
    for (size_t r = 1; r < csv.size(); ++r)
        for (size_t c = 0; c < header.size(); ++c) {
            const std::string at = ref(r + 2, c), text = csv[r][c];
            CAPTURE(at);
            if (text.empty()) {
                CHECK(m.cells.count(at) == 0);  // never 0
                continue;
            }
            const Cell& cell = m.cells.at(at);
            if (auto v = parse_finite(text); v && c >= 2 && header[c] != "note_codes") {
                CHECK(cell.type == "n");
                CHECK(std::stod(cell.value) == *v);
            } else {
                CHECK(cell.type == "s");
                CHECK(cell.value == text);
            }
        }
    CHECK(m.cells.at("A4").value == "13101");
    CHECK(m.cells.at("B4").value == "千代田区");
    CHECK(m.cells.at("B5").value == "中央区");
    CHECK(m.cells.count("F4") == 0);
    CHECK(m.cells.count("G5") == 0);
    CHECK(m.cells.at("H4").value == "roof data covers 95.3 %, partial");
    // Number formats by unit.
    CHECK(m.cells.at("C4").format == "#,##0");
    CHECK(m.cells.at("D4").format == "#,##0");
    CHECK(m.cells.at("E4").format == "0.0%");
    CHECK(m.cells.at("F5").format == "#,##0");
    // Frozen below the three header rows and right of zone_name; the filter over the data.
    CHECK(m.pane_state == "frozen");
    CHECK(m.pane_top_left == "C4");
    CHECK(m.autofilter == "A3:H5");

    const Sheet& l = x.sheet("long");
    CHECK(l.cells.at("A1").value == "zone_id");
    CHECK(l.cells.at("A2").type == "s");
    CHECK(l.cells.at("B2").value == "千代田区");
    CHECK(l.cells.at("G2").type == "n");
    CHECK(std::stod(l.cells.at("G2").value) == 1234.567);
    CHECK(l.pane_state == "frozen");
    CHECK(l.autofilter == "A1:G2");

    CHECK(contains(x.sheet("plants").cells.at("A1").value, "no waste plant table was given"));
    CHECK(x.sheet("plants").cells.size() == 1);
    CHECK(x.sheet("smart_community").cells.size() == 1);

    const Sheet& s = x.sheet("scenario");
    CHECK(s.cells.at("A1").value == "parameter");
    CHECK(s.cells.at("A2").value == "solar_roof.performance_ratio");
    CHECK(s.cells.at("B2").type == "n");
    CHECK(std::stod(s.cells.at("B2").value) == 0.8);
    CHECK(s.cells.at("B3").value == "[1, 2]");
    CHECK(s.cells.at("E2").type == "b");
    CHECK(s.cells.at("E2").value == "1");
    CHECK(s.cells.at("F2").value == "0");
    CHECK(s.cells.at("F3").value == "1");

    const Sheet& n = x.sheet("notes");
    CHECK(n.cells.at("A2").value == "run");
    CHECK(n.cells.count("B2") == 0);
    CHECK(n.cells.at("C2").value == "no_heat_demand_layer");
    CHECK(n.cells.at("A3").value == "zone");
    CHECK(n.cells.at("B3").value == "13101");
    CHECK(n.cells.at("D3").value == "roof data covers 95.3 %, partial");
}

TEST_CASE("workbook: reruns give the same bytes; the stored time is the one given, never the clock") {
    TempDir dir("workbook_bytes");
    WorkbookInput in = sample();
    write_workbook(in, dir / "a.xlsx");
    write_workbook(in, dir / "b.xlsx");
    CHECK(read_bytes(dir / "a.xlsx") == read_bytes(dir / "b.xlsx"));
    Xlsx x = read_xlsx(dir, dir / "a.xlsx");
    CHECK(x.created == "2000-01-01T00:00:00Z");
    REQUIRE(!x.zip_dates.empty());
    for (const auto& d : x.zip_dates) CHECK(d == "1980-01-01");  // the zip entries carry no clock either

    in.created = 1700000000;
    write_workbook(in, dir / "c.xlsx");
    CHECK(read_xlsx(dir, dir / "c.xlsx").created == "2023-11-14T22:13:20Z");
}

TEST_CASE("workbook: plants and smart-community tables keep codes as text") {
    TempDir dir("workbook_plants");
    WorkbookInput in = sample();
    in.plants_csv = "plant_id,plant_name,host_zone,served_zones,throughput_t\n"
                    "0012,\"清掃工場, 東\",13101,13101;13102,1000.5\n";
    in.smart_community_csv = "zone_id,share\n13101,0.25\n";
    write_workbook(in, dir / "p.xlsx");
    const Xlsx x = read_xlsx(dir, dir / "p.xlsx");
    const Sheet& p = x.sheet("plants");
    CHECK(p.cells.at("A2").value == "0012");
    CHECK(p.cells.at("A2").type == "s");
    CHECK(p.cells.at("B2").value == "清掃工場, 東");
    CHECK(p.cells.at("C2").type == "s");
    CHECK(p.cells.at("E2").type == "n");
    CHECK(std::stod(p.cells.at("E2").value) == 1000.5);
    const Sheet& sc = x.sheet("smart_community");
    CHECK(sc.cells.at("A2").type == "s");
    CHECK(std::stod(sc.cells.at("B2").value) == 0.25);
}

TEST_CASE("workbook: a path that cannot be written is a DataError naming it") {
    TempDir dir("workbook_error");
    const std::string path = dir / "missing/sub/potential.xlsx";
    CHECK(contains(data_error([&] { write_workbook(sample(), path); }), path));
    CHECK(!std::filesystem::exists(path));
}
