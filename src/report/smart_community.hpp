#pragma once
// Smart-community business models (Tokyo municipalities' 2013 study): for every zone and each of the
// 12 models, the indicators a run can measure, whether each passes its threshold, and a weighted
// score. Missing data makes an indicator "not assessable", never a failure or a zero.
// docs/smart_community.md describes the rules table, the scoring and the shipped rules.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "expression.hpp"
#include "repot/results.hpp"

namespace repot {

struct SmartCommunityModel {
    std::string ja, en;
};
// The 12 models in report order; rules name a model by its Japanese name, exactly.
const std::vector<SmartCommunityModel>& smart_community_models();
// What a rule may count as facilities.<category>: station, public_facility, research_institution,
// shopping_street, apartment_complex, ev_charger, large_site, energy_facility.
const std::vector<std::string>& facility_categories();
// Pseudo-columns computed from a row, usable in rules like potential.csv columns:
// population_density_per_km2, solar_roof_usable_mwh_per_capita, solar_roof_usable_share_of_theoretical.
const std::vector<std::string>& derived_columns();

struct SmartCommunityIndicator {
    std::string model, model_en, name;
    Expression expression;
    double threshold = 0;  // the indicator passes when its value >= threshold
    double weight = 1;     // >= 0; 0 reports the value without counting it in the score
    std::string rationale;
    int line = 0;          // in the rules file, for messages
};

struct SmartCommunityRules {
    std::string origin;
    std::vector<SmartCommunityIndicator> indicators;  // in file order
};

// The rules CSV (UTF-8, BOM allowed): model,model_en,indicator,expression,threshold,weight,rationale.
// A name in an expression must be one of `known_columns` (potential.csv's), a derived column or
// facilities.<category>. Throws UsageError naming the file and line (DataError if it cannot be read).
SmartCommunityRules load_rules(const std::string& path, const std::vector<std::string>& known_columns);
SmartCommunityRules parse_rules(const std::string& text, const std::string& origin,
                                const std::vector<std::string>& known_columns);

// zone_id -> facility category -> count. A zone or category absent from the map counts 0.
using FacilityCounts = std::map<std::string, std::map<std::string, double>>;

struct IndicatorResult {
    std::string name;
    std::optional<double> value;  // nullopt: not computable for this zone
    bool passed = false;          // value >= threshold
};

struct ZoneModelScore {
    std::string zone_id, zone_name, model, model_en;
    std::optional<double> score;  // 0..1; nullopt: not assessed
    int assessed = 0, passed = 0;  // indicators with a value / passing
    std::vector<IndicatorResult> indicators;
    std::vector<std::string> missing;  // "needs <column>", "needs --facilities", "no rule"...
};

// For every row of `t` (in order) and each of the 12 models (in order): score = Σ weight of passing
// indicators / Σ weight of assessable ones. `facilities` may be null (no --facilities given).
std::vector<ZoneModelScore> score(const SmartCommunityRules& rules, const ResultsTable& t,
                                  const FacilityCounts* facilities);

// zone_id,zone_name,model,model_en,score,assessed_indicators,passed_indicators,indicators,missing_inputs
std::string smart_community_csv(const std::vector<ZoneModelScore>& scores);

}  // namespace repot
