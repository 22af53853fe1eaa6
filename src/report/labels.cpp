#include "labels.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

namespace repot {

namespace {

struct Term {
    std::string_view key, ja, en;
};

// Sources, longest prefix first so that waste_served_* is not taken for waste_*.
constexpr Term kSources[] = {
    {"waste_served", "廃棄物発電・熱利用（受益自治体）", "Waste to energy (by served municipality)"},
    {"waste", "廃棄物発電・熱利用（立地自治体）", "Waste to energy (by host municipality)"},
    {"solar_roof", "太陽光発電（建物系）", "Roof PV"},
    {"solar_land", "太陽光発電（土地系）", "Land PV"},
    {"solar_heat", "太陽熱", "Solar heat"},
    {"ground_heat", "地中熱", "Ground-source heat"},
};

// The input layers of the <layer>_coverage and <layer>_nodata_px columns.
constexpr Term kLayers[] = {
    {"roof", "建物（屋根）データ", "roof data"},     {"ghi", "日射量", "irradiation"},
    {"roof_slope", "屋根の傾斜", "roof slope"},     {"roof_aspect", "屋根の方位", "roof aspect"},
    {"roof_shade", "屋根の日影", "roof shade"},     {"landuse", "土地利用", "land use"},
    {"terrain_slope", "地形の傾斜", "terrain slope"}, {"inclusion", "対象区域", "inclusion layers"},
    {"temperature", "気温", "temperature"},         {"population", "人口", "population"},
    {"heat_demand", "熱需要", "heat demand"},
};

constexpr Term kTiers[] = {
    {"theoretical", "賦存量", "theoretical potential"},
    {"technical", "導入ポテンシャル", "technical potential"},
    {"usable", "利用可能量", "usable potential"},
    {"input", "入力データ", "input"},
    {"existing", "既設", "existing"},
};

// The words between a source and the unit suffix of a column name.
constexpr Term kWords[] = {
    {"power", "発電", "power"},
    {"heat", "熱利用", "heat"},
    {"biogenic", "バイオマス由来", "biogenic"},
    {"capacity", "導入ポテンシャル（設備容量）", "technical potential (capacity)"},
    {"co2", "（CO2削減量）", "(CO2 reduction)"},
    {"throughput", "処理量", "throughput"},
    {"existing", "既設", "existing"},
    {"area", "面積", "area"},
};

struct Unit {
    std::string_view suffix, code, ja, en;
};
constexpr Unit kUnits[] = {
    {"mwh", "MWh", "MWh/年", "MWh/yr"}, {"gj", "GJ", "GJ/年", "GJ/yr"}, {"kw", "kW", "kW", "kW"},
    {"m2", "m2", "m²", "m²"},           {"t", "t", "t/年", "t/yr"},     {"px", "px", "画素", "px"},
};
constexpr Unit kCo2{"t", "t-CO2", "t-CO2/年", "t-CO2/yr"};
constexpr Unit kShare{"", "share", "割合（0〜1）", "share (0–1)"};

// Columns that follow no pattern.
struct Fixed {
    std::string_view column, ja, en;
    Unit unit;
};
constexpr Fixed kFixed[] = {
    {"zone_id", "自治体コード", "Municipality code", {}},
    {"zone_name", "自治体名", "Municipality", {}},
    {"note_codes", "注記コード", "Note codes", {}},
    {"notes", "注記", "Notes", {}},
    {"pixel_count", "画素数", "Pixels", kUnits[5]},
    {"land_area_m2", "面積（格子上）", "Area on the grid", kUnits[3]},
    {"roof_area_m2", "屋根面積", "Roof area", kUnits[3]},
    {"eligible_roof_area_m2", "設置可能な屋根面積", "Eligible roof area", kUnits[3]},
    {"landuse_land_area_m2", "土地利用データの土地面積", "Land area (land-use data)", kUnits[3]},
    {"population", "人口", "Population", {"", "persons", "人", "persons"}},
    {"households", "世帯数", "Households", {"", "households", "世帯", "households"}},
    {"ghi_mean_kwh_m2", "年間日射量（平均）", "Annual irradiation (mean)", {"", "kWh/m2", "kWh/m²/年", "kWh/m²/yr"}},
    {"temperature_mean_c", "気温（平均）", "Temperature (mean)", {"", "degC", "℃", "°C"}},
};

const Term* find(const auto& terms, std::string_view key) {
    for (const Term& t : terms)
        if (t.key == key) return &t;
    return nullptr;
}

std::vector<std::string_view> split_words(std::string_view s) {
    std::vector<std::string_view> out;
    for (size_t start = 0;;) {
        size_t end = s.find('_', start);
        out.push_back(s.substr(start, end - start));
        if (end == std::string_view::npos) return out;
        start = end + 1;
    }
}

// Appends words: a space between them, none before a full-width bracket.
void append(std::string& to, std::string_view word) {
    if (!to.empty() && !word.starts_with("（")) to += ' ';
    to += word;
}

struct Parsed {
    Label label;
    std::string unit;
};

std::optional<Parsed> parse(const std::string& column) {
    const std::string_view c = column;
    for (const Fixed& f : kFixed)
        if (f.column == c) return Parsed{{std::string(f.ja), std::string(f.en), std::string(f.unit.ja), std::string(f.unit.en)}, std::string(f.unit.code)};
    // Input coverage: <layer>_coverage and <layer>_nodata_px.
    struct Coverage {
        std::string_view suffix, ja, en;
        Unit unit;
    };
    for (const Coverage& k : {Coverage{"_coverage", "カバー率", "coverage", kShare},
                              Coverage{"_nodata_px", "欠測画素数", "no-data pixels", kUnits[5]}}) {
        if (!c.ends_with(k.suffix) || c.size() == k.suffix.size()) continue;
        const std::string_view layer = c.substr(0, c.size() - k.suffix.size());
        const Term* l = find(kLayers, layer);
        return Parsed{{fmt::format("{} {}", l ? l->ja : layer, k.ja), fmt::format("{} {}", l ? l->en : layer, k.en),
                       std::string(k.unit.ja), std::string(k.unit.en)},
                      std::string(k.unit.code)};
    }
    // <source>_<words>_<unit>, e.g. waste_served_biogenic_heat_usable_gj.
    for (const Term& s : kSources) {
        if (!c.starts_with(s.key) || c.size() <= s.key.size() + 1 || c[s.key.size()] != '_') continue;
        auto words = split_words(c.substr(s.key.size() + 1));
        const bool co2 = words.size() >= 2 && words[words.size() - 2] == "co2";
        std::optional<Unit> unit;
        for (const Unit& u : kUnits)
            if (u.suffix == words.back()) unit = co2 ? kCo2 : u;
        if (!unit || words.size() < 2) return std::nullopt;
        words.pop_back();
        // Waste in MWh is electricity even where the name leaves it out (biogenic_usable_mwh).
        if (s.key.starts_with("waste") && unit->code == "MWh" && std::find(words.begin(), words.end(), "power") == words.end())
            words.insert(words.begin() + (words.front() == "biogenic"), "power");
        std::string ja, en;
        for (auto w : words) {
            const Term* t = find(kTiers, w);
            if (!t) t = find(kWords, w);
            if (!t) return std::nullopt;
            append(ja, t->ja);
            append(en, t->en);
        }
        return Parsed{{std::string(s.ja) + " " + ja, std::string(s.en) + ", " + en, std::string(unit->ja), std::string(unit->en)},
                      std::string(unit->code)};
    }
    return std::nullopt;
}

}  // namespace

Label column_label(const std::string& column) {
    if (auto p = parse(column)) return p->label;
    return {column, column, "", ""};
}

std::string column_unit(const std::string& column) {
    if (auto p = parse(column)) return p->unit;
    return "";
}

std::string tier_label_ja(const std::string& tier) {
    const Term* t = find(kTiers, tier);
    return t ? std::string(t->ja) : tier;
}

std::string tier_label_en(const std::string& tier) {
    const Term* t = find(kTiers, tier);
    return t ? std::string(t->en) : tier;
}

SourceLabel source_label(const std::string& source) {
    if (const Term* l = find(kLayers, source)) return {std::string(l->ja), std::string(l->en)};
    for (const Term& s : kSources) {
        if (source == s.key) return {std::string(s.ja), std::string(s.en)};
        if (!source.starts_with(std::string(s.key) + "_")) continue;
        std::string ja(s.ja), en(s.en);
        en += ",";
        for (auto w : split_words(std::string_view(source).substr(s.key.size() + 1))) {
            const Term* t = find(kWords, w);
            if (!t) return {source, source};
            append(ja, t->ja);
            append(en, t->en);
        }
        return {ja, en};
    }
    return {source, source};
}

}  // namespace repot
