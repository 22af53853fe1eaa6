#include "report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "csv_bom.hpp"
#include "pages.hpp"
#include "pdf_printer.hpp"
#include "repot/error.hpp"
#include "repot/output_dir.hpp"
#include "repot/text_table.hpp"
#include "run_folder.hpp"
#include "workbook.hpp"
#include "zone_map.hpp"

namespace fs = std::filesystem;

namespace repot {

namespace {

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string json_text(const JsonValue* v) {
    if (!v) return "";
    if (v->kind == JsonValue::string) return v->str;
    if (v->kind == JsonValue::number) return fmt::format("{}", v->num);
    if (v->kind == JsonValue::boolean) return v->b ? "true" : "false";
    if (v->kind == JsonValue::array) {
        std::string s;
        for (const auto& i : v->items) s += (s.empty() ? "" : ", ") + json_text(&i);
        return "[" + s + "]";
    }
    return "";
}

// facilities.csv of a run with --facilities: zone_id,category,count; null when the run had none.
std::optional<FacilityCounts> read_facilities(const RunFolder& run) {
    const std::string path = (fs::path(run.dir) / "facilities.csv").string();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::nullopt;
    FacilityCounts out;
    const auto rows = split_csv(read_bytes(path));
    for (size_t r = 1; r < rows.size(); ++r) {
        const auto count = rows[r].size() == 3 ? parse_finite(rows[r][2]) : std::nullopt;
        if (!count) throw DataError(fmt::format("{}: line {} is not zone_id,category,count", path, r + 1));
        out[rows[r][0]][rows[r][1]] = *count;
    }
    return out;
}

WorkbookInput workbook_input(const RunFolder& run, const std::string& smart_csv) {
    WorkbookInput in;
    in.potential_csv = run.potential_csv;
    in.potential_long_csv = run.long_csv;
    in.plants_csv = run.plants_csv;
    in.smart_community_csv = smart_csv;
    if (const JsonValue* sc = run.manifest.find("scenario"))
        for (const auto& p : sc->items) {
            const JsonValue* d = p.find("default");
            const JsonValue* a = p.find("assumption");
            in.scenario.push_back({json_text(p.find("parameter")), json_text(p.find("value")), json_text(p.find("unit")),
                                   json_text(p.find("source")), !d || d->b, a && a->b});
        }
    if (const JsonValue* n = run.manifest.find("notes"))
        for (const auto& i : n->items) in.run_notes.push_back({json_text(i.find("code")), json_text(i.find("text"))});
    for (const auto& row : run.table.rows)
        for (const auto& n : row.notes) in.zone_notes.push_back({row.zone_id, n.code, n.text});
    return in;
}

// run.json with the report's files added to "outputs", so that the next run into the folder removes
// them with the rest of this result instead of leaving pages of an older survey beside a new one.
std::string with_outputs(const std::string& manifest, const std::vector<std::string>& names) {
    const std::string key = "\"outputs\": [";
    const size_t at = manifest.find(key);
    const size_t end = at == std::string::npos ? at : manifest.find(']', at);
    if (end == std::string::npos) return manifest;
    const JsonValue doc = parse_json(manifest);
    std::vector<std::string> listed;
    if (const JsonValue* o = doc.find("outputs"))
        for (const auto& v : o->items) listed.push_back(v.str);
    std::string add;
    for (const auto& n : names)
        if (std::find(listed.begin(), listed.end(), n) == listed.end()) add += fmt::format(", \"{}\"", n);
    const bool empty = manifest.find_first_not_of(" \n", at + key.size()) == end;
    return manifest.substr(0, end) + (empty && !add.empty() ? add.substr(2) : add) + manifest.substr(end);
}

}  // namespace

std::vector<std::string> write_report(const ReportOptions& o, const std::function<bool()>& stop) {
    std::optional<std::string> chromium;
    if (o.pdf) chromium = require_chromium();  // before any work: a missing program is known at once
    const RunFolder run = read_run_folder(o.dir);
    const SmartCommunityRules rules =
        o.rules.empty() ? parse_rules(default_smart_community_rules(), "builtin (datasets/smart_community_rules.csv)",
                                      run.potential.header)
                        : load_rules(o.rules, run.potential.header);
    const std::optional<FacilityCounts> facilities = read_facilities(run);
    const auto scores = score(rules, run.table, facilities ? &*facilities : nullptr);
    const std::string smart_csv = smart_community_csv(scores);

    auto out = OutputDir::open_existing(o.dir);
    report::ReportContext c;
    c.run = &run;
    c.lang.english_only = o.lang == "en";
    c.rules_origin = rules.origin;
    c.has_facilities = facilities.has_value();
    for (const auto& s : scores) c.scores[s.zone_id].push_back(s);
    const std::string roof_map = run.map_path("solar_roof_usable_kwh.tif");
    const std::string pv_map = roof_map.empty() ? run.map_path("solar_land_usable_kwh.tif") : roof_map;
    c.has_maps = !pv_map.empty() && !run.gpkg_path().empty();
    std::map<std::string, std::unique_ptr<OGRGeometry>> outlines;
    if (c.has_maps) outlines = read_zone_outlines(run.gpkg_path());

    std::vector<std::string> pages;
    for (size_t k = 0; k < run.potential.rows.size(); ++k) {
        if (stop && stop()) throw Interrupted();
        const std::string& id = run.potential.rows[k][0];
        std::string map;
        auto g = outlines.find(id);
        if (c.has_maps && g != outlines.end() && g->second && run.potential.number(k, "pixel_count").value_or(0) > 0)
            map = zone_map_png(pv_map, *g->second, (roof_map.empty() ? "Usable land PV, zone " : "Usable roof PV, zone ") + id,
                               out->scratch_path("zone-map.png"));  // ASCII title: the picture font has no CJK
        const std::string name = "report/" + report::page_name(id);
        out->stage(name, report::zone_page(c, k, map));
        pages.push_back(name);
    }
    const std::string overview = run.map_path("overview.png");
    out->stage("report/index.html", report::index_page(c, overview.empty() ? "" : read_bytes(overview)));
    out->stage("smart_community.csv", o.csv_bom ? with_bom(smart_csv) : smart_csv);
    write_workbook(workbook_input(run, smart_csv), out->stage_path("potential.xlsx"));
    if (chromium) {
        std::vector<PrintJob> jobs;
        for (const auto& p : pages)
            jobs.push_back({out->stage_path(p), out->stage_path(p.substr(0, p.size() - 5) + ".pdf")});
        print_pdfs(*chromium, jobs, stop);
    }
    std::vector<std::string> names = out->staged_names();
    out->stage("run.json", with_outputs(read_bytes((fs::path(o.dir) / "run.json").string()), names));
    return out->commit();
}

}  // namespace repot
