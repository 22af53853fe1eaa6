#include "pages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "charts.hpp"
#include "labels.hpp"
#include "repot/sha256.hpp"
#include "sources.hpp"

namespace repot::report {

namespace {

using html::escape;
using html::number;

// The zone's value of a column, nullopt when empty.
std::optional<double> cell(const RunFolder& r, size_t row, const std::string& column) {
    return column.empty() ? std::nullopt : r.potential.number(row, column);
}

// Values of a column over every zone that has one (for ranks, medians and dot strips).
std::vector<double> column_values(const RunFolder& r, const std::string& column) {
    std::vector<double> out;
    for (size_t k = 0; k < r.potential.rows.size(); ++k)
        if (auto v = cell(r, k, column)) out.push_back(*v);
    return out;
}

// 1 = the largest value among the zones that have one.
int rank_of(const std::vector<double>& values, double v) {
    return 1 + int(std::count_if(values.begin(), values.end(), [&](double x) { return x > v; }));
}

std::string json_text(const JsonValue* v) {
    if (!v) return "";
    switch (v->kind) {
        case JsonValue::string: return v->str;
        case JsonValue::number: return fmt::format("{}", v->num);
        case JsonValue::boolean: return v->b ? "true" : "false";
        case JsonValue::array: {
            std::string s;
            for (const auto& i : v->items) s += (s.empty() ? "" : ", ") + json_text(&i);
            return "[" + s + "]";
        }
        default: return "";
    }
}

// repot's version and a checksum of the scenario's values: two runs with the same line used the same
// method and parameters.
std::string method_version(const RunFolder& r) {
    const JsonValue* tool = r.manifest.find("tool");
    std::string canonical;
    if (const JsonValue* sc = r.manifest.find("scenario"))
        for (const auto& p : sc->items) canonical += json_text(p.find("parameter")) + "=" + json_text(p.find("value")) + "\n";
    return fmt::format("repot {} · scenario \"{}\" sha256:{}", json_text(tool ? tool->find("version") : nullptr),
                       r.scenario_name(), sha256_hex(canonical).substr(0, 16));
}

// Per person (kWh or MJ from MWh or GJ) and per km² of the zone's area on the grid.
std::pair<std::optional<double>, std::optional<double>> per_capita_and_area(const RunFolder& r, size_t row,
                                                                            std::optional<double> usable) {
    std::optional<double> per_capita, per_km2;
    const auto pop = cell(r, row, "population"), area = cell(r, row, "land_area_m2");
    if (usable && pop && *pop > 0) per_capita = *usable * 1000 / *pop;
    if (usable && area && *area > 0) per_km2 = *usable / (*area / 1e6);
    return {per_capita, per_km2};
}

// A value as the page shows it, with the exact value of potential.csv in data-v (sorting, tests).
std::string value_cell(std::optional<double> v, const std::string& unit) {
    return fmt::format("<td class=\"num\" data-v=\"{}\">{}{}</td>", v ? fmt::format("{}", *v) : "", number(v),
                       v && !unit.empty() ? " <span class=\"unit\">" + unit + "</span>" : "");
}

std::string notes_section(const ReportContext& c, size_t row) {
    const RunFolder& r = *c.run;
    std::string items;
    for (const Note& n : r.table.rows[row].notes)
        items += fmt::format("<li>{} <span class=\"code\">{}</span></li>", escape(n.text), escape(n.code));
    // Every layer that covers less than the whole zone, with its share: the numbers rest on that part.
    for (size_t col = 0; col < r.potential.header.size(); ++col) {
        const std::string& name = r.potential.header[col];
        const std::string suffix = "_coverage";
        if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
        const auto v = r.potential.number(row, name);
        if (!v || *v >= 1.0) continue;
        const std::string layer = name.substr(0, name.size() - suffix.size());
        const SourceLabel l = source_label(layer);
        items += fmt::format("<li>{}: {} % <span class=\"code\">{}</span></li>", c.lang(l.ja + " の被覆率", l.en + " coverage"),
                             number(*v * 100, 1), escape(name));
    }
    if (items.empty()) items = "<li>" + c.lang("注記なし：すべての入力がこの自治体を覆っています", "No notes: every input covers this municipality") + "</li>";
    return fmt::format("<section class=\"notes\"><h2>{}</h2><ul>{}</ul></section>",
                       c.lang("データの注記と被覆率", "Data notes and coverage"), items);
}

std::string potential_section(const ReportContext& c, size_t row) {
    const RunFolder& r = *c.run;
    const auto& L = c.lang;
    std::string rows, charts;
    for (const auto& s : source_columns()) {
        const auto th = cell(r, row, s.theoretical), te = cell(r, row, s.technical), us = cell(r, row, s.usable);
        if (!th && !te && !us) continue;
        const auto co2 = cell(r, row, s.co2);
        const auto [per_capita, per_km2] = per_capita_and_area(r, row, us);
        const auto values = column_values(r, s.usable);
        const std::string rank = us ? fmt::format("{} / {}", rank_of(values, *us), values.size()) : "–";
        rows += fmt::format(
            "<tr data-source=\"{}\"><th>{}</th>{}{}{}{}<td class=\"num\">{}</td><td class=\"num\">{}</td>"
            "<td class=\"num\">{}</td></tr>\n",
            s.id, L(s.ja, s.en), value_cell(th, s.unit_theoretical), value_cell(te, s.unit), value_cell(us, s.unit),
            value_cell(co2, ""), number(per_capita), number(per_km2), rank);
        std::string strip = us && !values.empty() ? charts::dot_strip(values, *us, s.unit + "/yr")
                                                  : "<p class=\"muted\">" + L("利用可能量なし", "no usable tier") + "</p>";
        charts += fmt::format(
            "<div class=\"card\"><h3>{}</h3>{}<p class=\"muted\">{}</p>{}</div>\n", L(s.ja, s.en),
            charts::bars({{escape(L.english_only ? "theoretical" : "賦存量"), th},
                          {escape(L.english_only ? "technical" : "導入ポテンシャル"), te},
                          {escape(L.english_only ? "usable" : "利用可能量"), us}},
                         s.unit + "/yr"),
            us ? L(fmt::format("利用可能量の順位 {}（値のある自治体中）。破線は中央値", rank),
                   fmt::format("usable: rank {} among the municipalities with a value; dashed line: median", rank))
               : "",
            strip);
    }
    if (rows.empty())
        return "<h2>" + L("ポテンシャル", "Potential") + "</h2><p>" +
               L("この自治体では計算されたポテンシャルがありません（注記を参照）",
                 "No potential was computed for this municipality (see the notes)") + "</p>";
    return fmt::format(
        "<h2>{}</h2><table class=\"potential\"><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>"
        "<th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>"
        "<th class=\"num\">{}</th></tr></thead><tbody>\n{}</tbody></table>"
        "<p class=\"muted\">{}</p><div class=\"grid2\">{}</div>",
        L("ポテンシャル（年間）", "Potential per year"), L("エネルギー源", "Source"), L("賦存量", "Theoretical"),
        L("導入ポテンシャル", "Technical"), L("利用可能量", "Usable"), L("CO2削減量 t-CO2", "CO2 avoided t-CO2"),
        L("1人当たり", "Per capita") + " (kWh, MJ)", L("1 km² 当たり", "Per km²"), L("順位", "Rank"), rows,
        L("1人当たり・面積当たりは利用可能量。空欄（–）は未計算。",
          "Per capita and per km² figures are of the usable tier. – means not computed."),
        charts);
}

std::string monthly_section(const ReportContext& c, size_t row) {
    const RunFolder& r = *c.run;
    const std::string& id = r.potential.rows[row][0];
    std::vector<double> months(12, 0.0);
    int found = 0;
    for (size_t k = 0; k < r.monthly.rows.size(); ++k) {
        if (r.monthly.text(k, "zone_id") != id || r.monthly.text(k, "source") != "solar_roof") continue;
        const int m = std::stoi(r.monthly.text(k, "month"));
        if (m >= 1 && m <= 12) months[size_t(m - 1)] = r.monthly.number(k, "value").value_or(0), ++found;
    }
    if (found != 12) return "";
    return fmt::format("<h2>{}</h2><figure>{}</figure>",
                       c.lang("太陽光発電（建物系）の月別発電量（導入ポテンシャル）", "Roof PV per month (technical potential)"),
                       charts::monthly(months, "MWh", c.lang.english_only));
}

std::string map_section(const ReportContext& c, const std::string& map_png) {
    const auto& L = c.lang;
    std::string body;
    if (!map_png.empty())
        body = html::png_img(map_png, L.english_only ? "map" : "地図", "map");
    else if (!c.has_maps)
        body = "<p class=\"notes\">" +
               L("地図はありません。repot run に --maps を付けて実行すると、このページに地図が入ります。",
                 "No map: run `repot run ... --maps` and then `repot report` to add the map to this page.") + "</p>";
    else
        body = "<p class=\"muted\">" + L("この自治体の地図はありません（グリッド外）。", "No map for this municipality (outside the grid).") + "</p>";
    return fmt::format("<h2>{}</h2>{}", L("利用可能量の分布（太陽光発電）", "Where the usable PV potential is"), body);
}

std::string plants_section(const ReportContext& c, size_t row) {
    const RunFolder& r = *c.run;
    if (r.plants.header.empty()) return "";
    const std::string& id = r.potential.rows[row][0];
    std::string rows;
    for (size_t k = 0; k < r.plants.rows.size(); ++k) {
        const bool hosted = r.plants.text(k, "host_zone") == id;
        const std::string served_zones = ";" + r.plants.text(k, "served_zones") + ";";
        const bool served = served_zones.find(";" + id + ";") != std::string::npos;
        if (!hosted && !served) continue;
        rows += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                            escape(r.plants.text(k, "plant_name")),
                            c.lang(hosted ? (served ? "立地・受益" : "立地") : "受益",
                                   hosted ? (served ? "host, served" : "host") : "served"),
                            number(r.plants.number(k, "throughput_t")), number(r.plants.number(k, "power_gross_mwh")),
                            number(r.plants.number(k, "power_generated_actual_mwh")),
                            number(r.plants.number(k, "power_usable_mwh")), number(r.plants.number(k, "heat_usable_gj")));
    }
    if (rows.empty()) rows = "<tr><td colspan=\"7\">" + c.lang("該当する清掃工場はありません", "No plant hosted or serving this municipality") + "</td></tr>";
    const auto& L = c.lang;
    return fmt::format(
        "<h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{} t</th><th class=\"num\">{} MWh</th>"
        "<th class=\"num\">{} MWh</th><th class=\"num\">{} MWh</th><th class=\"num\">{} GJ</th></tr></thead><tbody>{}"
        "</tbody></table><p class=\"muted\">{}</p>",
        L("清掃工場", "Incineration plants"), L("施設", "Plant"), L("関係", "Role"), L("処理量", "Throughput"),
        L("発電量（計算）", "Generation, computed"), L("発電量（実績）", "Generation, reported"),
        L("利用可能発電量", "Usable power"), L("利用可能熱量", "Usable heat"), rows,
        L("計算値は工場全体。受益自治体への配分は上の表（受益）を参照。",
          "Plant totals; the share of this municipality is in the table above (served)."));
}

std::string smart_community_section(const ReportContext& c, const std::string& zone_id) {
    const auto& L = c.lang;
    auto it = c.scores.find(zone_id);
    if (it == c.scores.end()) return "";
    std::string rows;
    for (const auto& s : it->second) {
        std::string indicators;
        for (const auto& i : s.indicators)
            indicators += fmt::format("{}{} = {}", indicators.empty() ? "" : "<br>", escape(i.name),
                                      i.value ? number(*i.value) + (i.passed ? " ✓" : "") : "n/a");
        std::string missing;
        for (const auto& m : s.missing) missing += (missing.empty() ? "" : "; ") + m;
        rows += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n", L(s.model, s.model_en),
                            s.score ? number(*s.score * 100, 0) + " %" : L("未評価", "not assessed"), indicators,
                            escape(missing.empty() ? "" : (L.english_only ? "not assessed: " : "未評価: ") + missing));
    }
    return fmt::format(
        "<h2>{}</h2><table><thead><tr><th>{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th></tr></thead>"
        "<tbody>{}</tbody></table><p class=\"muted\">{}</p>",
        L("スマートコミュニティ事業モデルの指標", "Smart-community business models"), L("モデル", "Model"),
        L("スコア", "Score"), L("指標（✓ 閾値以上）", "Indicators (✓ at or above the threshold)"),
        L("不足する入力", "Missing inputs"), rows,
        L("スコア＝閾値以上の指標の重みの合計 ÷ 評価できた指標の重みの合計。規則表：",
          "Score = weights of the indicators at or above their threshold ÷ weights of the assessable ones. Rules: ") +
            escape(c.rules_origin) + (c.has_facilities ? "" : " · " + L("施設レイヤなし（--facilities）", "no facility layer (--facilities)")));
}

std::string scenario_section(const ReportContext& c) {
    const RunFolder& r = *c.run;
    const auto& L = c.lang;
    std::string changed, inputs;
    if (const JsonValue* sc = r.manifest.find("scenario"))
        for (const auto& p : sc->items) {
            const JsonValue* d = p.find("default");
            if (d && d->kind == JsonValue::boolean && d->b) continue;
            changed += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>", escape(json_text(p.find("parameter"))),
                                   escape(json_text(p.find("value"))), escape(json_text(p.find("unit"))));
        }
    if (changed.empty()) changed = "<tr><td colspan=\"3\">" + L("すべて既定値", "All parameters at their defaults") + "</td></tr>";
    if (const JsonValue* in = r.manifest.find("inputs"))
        for (const auto& i : in->items)
            inputs += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"code\">{}</td></tr>", escape(json_text(i.find("role"))),
                                  escape(json_text(i.find("path"))), escape(json_text(i.find("sha256"))));
    return fmt::format(
        "<h2>{}</h2><p>{}: {}</p><table><thead><tr><th>{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>{}"
        "</tbody></table><h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th>SHA-256</th></tr></thead><tbody>{}</tbody></table>",
        L("シナリオと手法", "Scenario and method"), L("手法のバージョン", "Method version"), escape(method_version(r)),
        L("既定値から変更したパラメータ", "Parameters changed from the defaults"), L("値", "Value"), L("単位", "Unit"),
        changed, L("入力データ", "Inputs"), L("役割", "Role"), L("ファイル", "File"), inputs);
}

}  // namespace

std::string page_name(const std::string& zone_id) {
    std::string out;
    for (char ch : zone_id) out += std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' ? ch : '_';
    return (out.empty() ? "_" : out) + ".html";
}

std::string zone_page(const ReportContext& c, size_t row, const std::string& map_png) {
    const RunFolder& r = *c.run;
    const std::string& id = r.potential.rows[row][0];
    const std::string& name = r.potential.rows[row][1];
    const auto& L = c.lang;
    const std::string body = fmt::format(
        "<nav class=\"screen-only\"><a href=\"index.html\">← {}</a></nav>\n<h1>{} <span class=\"en\">{}</span></h1>\n"
        "<p class=\"sub\">{}: {} · {}: {} · {}: {} · {}: {}</p>\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n",
        L("一覧へ", "All municipalities"), escape(name), escape(id), L("人口", "Population"),
        number(cell(r, row, "population"), 0), L("面積", "Area"),
        number(cell(r, row, "land_area_m2").has_value() ? std::optional<double>(*cell(r, row, "land_area_m2") / 1e6)
                                                          : std::nullopt, 2) + " km²",
        L("シナリオ", "Scenario"), escape(r.scenario_name()), L("手法", "Method"), escape(method_version(r)),
        notes_section(c, row), potential_section(c, row), monthly_section(c, row), map_section(c, map_png),
        plants_section(c, row), smart_community_section(c, id), scenario_section(c));
    return html::page(L, name + " – repot", body);
}

std::string index_page(const ReportContext& c, const std::string& overview_png) {
    const RunFolder& r = *c.run;
    const auto& L = c.lang;
    // The usable tier of each source the run computed for some zone, then CO2 and per-capita PV.
    std::vector<const SourceColumns*> shown;
    for (const auto& s : source_columns())
        if (!column_values(r, s.usable).empty()) shown.push_back(&s);
    std::string head = fmt::format("<th class=\"sortable\">{}</th><th class=\"sortable\">{}</th>", L("コード", "Code"), L("自治体", "Municipality"));
    for (const auto* s : shown) head += fmt::format("<th class=\"num sortable\">{} ({})</th>", L(s->ja, s->en), s->unit);
    head += fmt::format("<th class=\"num sortable\">{}</th><th class=\"num sortable\">{}</th><th class=\"num sortable\">{}</th><th>{}</th>",
                        L("CO2削減量 t-CO2", "CO2 avoided t-CO2"), L("太陽光 1人当たり kWh", "PV per capita kWh"),
                        L("太陽光 MWh/km²", "PV MWh/km²"), L("注記", "Notes"));
    std::string rows;
    for (size_t k = 0; k < r.potential.rows.size(); ++k) {
        const std::string& id = r.potential.rows[k][0];
        std::string cells = fmt::format("<td>{}</td><td><a href=\"{}\">{}</a></td>", escape(id), page_name(id),
                                        escape(r.potential.rows[k][1]));
        std::optional<double> co2, pv;
        for (const auto* s : shown) {
            const auto v = cell(r, k, s->usable);
            cells += fmt::format("<td class=\"num\" data-v=\"{}\">{}</td>", v ? fmt::format("{}", *v) : "", number(v));
            // CO2 of a plant counts once: by the municipalities it serves where the run has them, else by host.
            const bool host_waste = s->id == "waste_power" || s->id == "waste_heat";
            const bool served_known = cell(r, k, "waste_served_power_usable_co2_t").has_value();
            if (auto t = cell(r, k, s->co2); t && !(host_waste && served_known)) co2 = co2.value_or(0) + *t;
            if ((s->id == "solar_roof" || s->id == "solar_land") && v) pv = pv.value_or(0) + *v;
        }
        const auto [pv_capita, pv_km2] = per_capita_and_area(r, k, pv);
        for (auto v : {co2, pv_capita, pv_km2})
            cells += fmt::format("<td class=\"num\" data-v=\"{}\">{}</td>", v ? fmt::format("{}", *v) : "", number(v));
        cells += fmt::format("<td class=\"num\">{}</td>", r.table.rows[k].notes.size());
        rows += "<tr>" + cells + "</tr>\n";
    }
    std::string notes;
    if (const JsonValue* n = r.manifest.find("notes"))
        for (const auto& i : n->items)
            notes += fmt::format("<li>{} <span class=\"code\">{}</span></li>", escape(json_text(i.find("text"))),
                                 escape(json_text(i.find("code"))));
    if (const JsonValue* w = r.manifest.find("warnings"))
        for (const auto& i : w->items) notes += fmt::format("<li>{}</li>", escape(json_text(&i)));
    const std::string overview =
        overview_png.empty()
            ? "<p class=\"notes\">" + L("地図はありません。repot run に --maps を付けて実行してください。",
                                        "No maps: run `repot run ... --maps` to add them.") + "</p>"
            : html::png_img(overview_png, L.english_only ? "overview map" : "全体図", "map");
    const std::string body = fmt::format(
        "<h1>{}</h1>\n<p class=\"sub\">{} · {}: {} · {}</p>\n<section class=\"notes\"><h2>{}</h2><ul>{}</ul></section>\n"
        "<h2>{}</h2><p class=\"muted screen-only\">{}</p><table id=\"zones\"><thead><tr>{}</tr></thead><tbody>\n{}</tbody></table>\n"
        "<h2>{}</h2>{}\n{}\n",
        L("再生可能エネルギー利用可能量 一覧", "Usable renewable-energy potential"),
        fmt::format("{} {}", r.potential.rows.size(), L("自治体", "municipalities")), L("シナリオ", "Scenario"),
        escape(r.scenario_name()), escape(method_version(r)), L("データの注記", "Data notes"),
        notes.empty() ? "<li>" + L("なし", "none") + "</li>" : notes, L("利用可能量（年間）", "Usable potential per year"),
        L("列見出しをクリックすると並べ替えます。", "Click a column heading to sort."), head, rows,
        L("全体図", "Overview map"), overview, scenario_section(c));
    // Sorting without any library: numbers by data-v (empty last), text by the cell's text.
    const std::string script = R"(document.querySelectorAll('#zones th').forEach((th, col) => {
  th.addEventListener('click', () => {
    const body = document.querySelector('#zones tbody');
    const down = th.dataset.dir !== 'down'; th.dataset.dir = down ? 'down' : 'up';
    const key = tr => { const td = tr.children[col]; return td.dataset.v !== undefined ? (td.dataset.v === '' ? null : +td.dataset.v) : td.textContent; };
    [...body.rows].sort((a, b) => { const x = key(a), y = key(b);
      if (x === null) return 1; if (y === null) return -1;
      const c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y), 'ja');
      return down ? -c : c; }).forEach(tr => body.appendChild(tr));
  });
});)";
    return html::page(L, L.english_only ? "repot report" : "repot 報告", body, script);
}

}  // namespace repot::report
