#include "smart_community.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "repot/error.hpp"
#include "repot/message_text.hpp"
#include "repot/text_table.hpp"

namespace repot {

namespace {

// A named ratio of two columns, so that common indicators read plainly in rules and reports.
struct Ratio {
    const char* name;
    const char* numerator;
    const char* denominator;
    double factor;
};
constexpr Ratio kDerived[] = {
    {"population_density_per_km2", "population", "land_area_m2", 1e6},
    {"solar_roof_usable_mwh_per_capita", "solar_roof_usable_mwh", "population", 1},
    {"solar_roof_usable_share_of_theoretical", "solar_roof_usable_mwh", "solar_roof_theoretical_mwh", 1},
};

constexpr const char* kColumns[] = {"model", "model_en", "indicator", "expression", "threshold", "weight", "rationale"};
const std::string kFacilityPrefix = "facilities.";

template <class Range>
bool has(const Range& r, const std::string& s) {
    return std::find(std::begin(r), std::end(r), s) != std::end(r);
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
    if (!has(v, s)) v.push_back(s);
}

std::string trim(const std::string& s) {
    const size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Records with the file line each starts on: split_csv drops blank lines and a quoted cell may span
// lines, so the record index is not the line. Lines are gathered until their quotes balance.
std::vector<std::pair<int, std::vector<std::string>>> records_by_line(const std::string& text) {
    std::vector<std::pair<int, std::vector<std::string>>> out;
    std::string chunk;
    int line = 1, start = 1;
    for (size_t pos = 0; pos < text.size();) {
        const size_t nl = text.find('\n', pos);
        const size_t end = nl == std::string::npos ? text.size() : nl + 1;
        if (chunk.empty()) start = line;
        chunk.append(text, pos, end - pos);
        ++line;
        pos = end;
        if (unclosed_quote_line(chunk)) continue;
        for (auto& r : split_csv(chunk)) out.emplace_back(start, std::move(r));
        chunk.clear();
    }
    return out;
}

// "" when a rule may read `name`, else why not.
std::string check_name(const std::string& name, const std::vector<std::string>& known) {
    if (name.starts_with(kFacilityPrefix)) {
        if (has(facility_categories(), name.substr(kFacilityPrefix.size()))) return "";
        return fmt::format("unknown facility category in {} (categories: {})", quote_for_message(name),
                           fmt::join(facility_categories(), ", "));
    }
    if (has(known, name) || has(derived_columns(), name)) return "";
    return fmt::format("unknown name {} (not a potential.csv column, a derived column ({}) or facilities.<category>)",
                       quote_for_message(name), fmt::join(derived_columns(), ", "));
}

// The value of a name for one zone; appends to `why` what is missing when there is none.
class ZoneValues {
public:
    ZoneValues(const ResultsTable& t, const ResultRow& row, const FacilityCounts* f) : t_(t), row_(row), facilities_(f) {}

    std::optional<double> operator()(const std::string& name, std::vector<std::string>& why) const {
        if (name.starts_with(kFacilityPrefix)) {
            if (!facilities_) {
                why.push_back("needs --facilities");
                return std::nullopt;
            }
            const auto zone = facilities_->find(row_.zone_id);  // counting lists zones and categories it found
            if (zone == facilities_->end()) return 0.0;
            const auto count = zone->second.find(name.substr(kFacilityPrefix.size()));
            return count == zone->second.end() ? 0.0 : count->second;
        }
        for (const Ratio& d : kDerived) {
            if (name != d.name) continue;
            const auto num = (*this)(d.numerator, why), den = (*this)(d.denominator, why);
            if (!num || !den) return std::nullopt;
            if (*den == 0) {
                why.push_back(fmt::format("{} is 0", d.denominator));
                return std::nullopt;
            }
            return *num / *den * d.factor;
        }
        const int c = t_.column(name);
        std::optional<double> v;
        if (c >= 0 && size_t(c) < row_.values.size()) v = row_.values[size_t(c)];
        if (!v) why.push_back("needs " + name);
        return v;
    }

private:
    const ResultsTable& t_;
    const ResultRow& row_;
    const FacilityCounts* facilities_;
};

}  // namespace

const std::vector<SmartCommunityModel>& smart_community_models() {
    static const std::vector<SmartCommunityModel> models = {
        {"駅前及び駅周辺開発型", "station-front development"},
        {"地区（街区）開発型", "district (block) development"},
        {"商店街開発型", "shopping-street development"},
        {"大規模エリア開発型", "large-area development"},
        {"研究機関周辺開発型", "development around research institutions"},
        {"公共施設開発型", "public-facility development"},
        {"エネルギー供給施設開発に伴う周辺地域開発型", "neighbourhood of an energy-supply facility"},
        {"共同住宅開発型", "apartment-complex development"},
        {"電気自動車導入型", "electric vehicles"},
        {"電気駆動車導入型", "electric-drive vehicles"},
        {"省エネルギー行動（意識）促進事業", "energy-saving behaviour"},
        {"検討会導入", "study group"},
    };
    return models;
}

const std::vector<std::string>& facility_categories() {
    static const std::vector<std::string> categories = {
        "station",         "public_facility",   "research_institution", "shopping_street",
        "apartment_complex", "ev_charger", "large_site",           "energy_facility"};
    return categories;
}

const std::vector<std::string>& derived_columns() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const Ratio& d : kDerived) v.emplace_back(d.name);
        return v;
    }();
    return names;
}

SmartCommunityRules parse_rules(const std::string& text, const std::string& origin,
                                const std::vector<std::string>& known_columns) {
    const auto error = [&](int line, const std::string& what) {
        return UsageError(fmt::format("{}: line {}: {}", origin, line, what));
    };
    if (const auto line = unclosed_quote_line(text))
        throw error(int(*line), "a quoted cell opens here and never closes");
    auto records = records_by_line(text);
    if (records.empty()) throw UsageError(fmt::format("{}: empty rules table (a header row is required)", origin));

    auto& [header_line, header] = records.front();
    for (auto& h : header) h = trim(h);
    std::map<std::string, size_t> at;
    for (const char* c : kColumns) {
        const auto it = std::find(header.begin(), header.end(), c);
        if (it == header.end())
            throw error(header_line, fmt::format("missing column '{}' (the header must have {})", c, fmt::join(kColumns, ",")));
        at[c] = size_t(it - header.begin());
    }

    SmartCommunityRules rules{origin, {}};
    std::map<std::string, std::pair<std::string, int>> english;  // model -> model_en, line: one per model
    std::map<std::pair<std::string, std::string>, int> seen;     // (model, indicator) -> line
    for (size_t r = 1; r < records.size(); ++r) {
        const auto& [line, record] = records[r];
        if (record.size() != header.size())
            throw error(line, fmt::format("{} fields, the header has {}", record.size(), header.size()));
        const auto field = [&](const char* c) {
            std::string v = trim(record[at[c]]);
            if (v.empty()) throw error(line, fmt::format("empty field '{}'", c));
            return v;
        };
        const auto number = [&](const char* c) {
            const std::string v = field(c);
            const auto n = parse_finite(v);
            if (!n) throw error(line, fmt::format("{} {} is not a number", c, quote_for_message(v)));
            return *n;
        };

        const std::string model = field("model"), model_en = field("model_en"), name = field("indicator");
        const auto& models = smart_community_models();
        if (std::none_of(models.begin(), models.end(), [&](const auto& m) { return m.ja == model; })) {
            std::vector<std::string> names;
            for (const auto& m : models) names.push_back(m.ja);
            throw error(line, fmt::format("unknown model {} (the models: {})", quote_for_message(model),
                                          fmt::join(names, ", ")));
        }
        const auto [en, inserted] = english.try_emplace(model, model_en, line);
        if (!inserted && en->second.first != model_en)
            throw error(line, fmt::format("model_en {} differs from {} on line {} for the same model",
                                          quote_for_message(model_en), quote_for_message(en->second.first),
                                          en->second.second));
        if (name.find_first_of(";=") != std::string::npos)
            throw error(line, fmt::format("indicator {} contains ';' or '=' (they separate the report's indicators)",
                                          quote_for_message(name)));
        if (const auto [it, fresh] = seen.try_emplace({model, name}, line); !fresh)
            throw error(line, fmt::format("indicator {} of this model is also on line {}", quote_for_message(name),
                                          it->second));

        const std::string text_expr = field("expression");
        std::optional<Expression> expr;
        try {
            expr = Expression::parse(text_expr);
        } catch (const UsageError& e) {
            throw error(line, fmt::format("expression {}: {}", quote_for_message(text_expr, 120), e.what()));
        }
        for (const auto& n : expr->names())
            if (const std::string why = check_name(n, known_columns); !why.empty()) throw error(line, why);

        const double threshold = number("threshold"), weight = number("weight");
        if (weight < 0) throw error(line, fmt::format("weight {} is negative (weights are >= 0)", weight));
        rules.indicators.push_back({model, model_en, name, std::move(*expr), threshold, weight, field("rationale"), line});
    }
    return rules;
}

SmartCommunityRules load_rules(const std::string& path, const std::vector<std::string>& known_columns) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(fmt::format("{}: cannot open the rules table", path));
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_rules(ss.str(), path, known_columns);
}

std::vector<ZoneModelScore> score(const SmartCommunityRules& rules, const ResultsTable& t,
                                  const FacilityCounts* facilities) {
    std::vector<ZoneModelScore> out;
    for (const ResultRow& row : t.rows) {
        const ZoneValues values(t, row, facilities);
        for (const auto& m : smart_community_models()) {
            ZoneModelScore s{row.zone_id, row.zone_name, m.ja, m.en, std::nullopt, 0, 0, {}, {}};
            double assessable_weight = 0, passed_weight = 0;
            for (const auto& ind : rules.indicators) {
                if (ind.model != m.ja) continue;
                s.model_en = ind.model_en;
                std::vector<std::string> why;
                const auto v = ind.expression.evaluate([&](const std::string& n) { return values(n, why); });
                const bool passed = v && *v >= ind.threshold;
                s.indicators.push_back({ind.name, v, passed});
                if (v) {
                    ++s.assessed;
                    assessable_weight += ind.weight;
                    if (passed) {
                        ++s.passed;
                        passed_weight += ind.weight;
                    }
                    continue;
                }
                // Every input was there: the expression itself has no value.
                if (why.empty()) why.push_back(ind.name + ": undefined (a division by zero or an overflow)");
                for (const auto& w : why) add_unique(s.missing, w);
            }
            if (s.indicators.empty())
                s.missing.push_back("no rule");
            else if (assessable_weight > 0)
                s.score = passed_weight / assessable_weight;
            else if (s.assessed > 0)
                s.missing.push_back("the assessable indicators weigh 0");
            out.push_back(std::move(s));
        }
    }
    return out;
}

std::string smart_community_csv(const std::vector<ZoneModelScore>& scores) {
    std::string out =
        "zone_id,zone_name,model,model_en,score,assessed_indicators,passed_indicators,indicators,missing_inputs\n";
    for (const auto& s : scores) {
        std::vector<std::string> indicators;
        for (const auto& i : s.indicators)
            indicators.push_back(fmt::format("{}={}", i.name, i.value ? fmt::format("{:.6g}", *i.value) : "n/a"));
        out += fmt::format("{},{},{},{},{},{},{},{},{}\n", csv_field(s.zone_id), csv_field(s.zone_name),
                           csv_field(s.model), csv_field(s.model_en), s.score ? fmt::format("{:.3f}", *s.score) : "",
                           s.assessed, s.passed, csv_field(fmt::format("{}", fmt::join(indicators, "; "))),
                           csv_field(fmt::format("{}", fmt::join(s.missing, "; "))));
    }
    return out;
}

}  // namespace repot
