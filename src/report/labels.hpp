#pragma once
// Japanese and English labels of the potential.csv columns for the workbook and the HTML report. They
// are composed from the parts of the column name (source, carrier, tier, quantity, unit suffix), so a
// new column of a known pattern is labelled without a new entry; an unknown one keeps its name.
#include <string>

namespace repot {

struct Label {
    std::string ja, en;            // e.g. 太陽光発電（建物系） 利用可能量 / Roof PV, usable potential
    std::string unit_ja, unit_en;  // as displayed, e.g. MWh/年 / MWh/yr; "" for ids and text
};

// The label of a potential.csv column (zone_id, zone_name, note_codes, notes included).
Label column_label(const std::string& column);

// The column's unit as a code, as in potential_long.csv where it has one: MWh, GJ, kW, m2, t-CO2, t,
// px, share, plus kWh/m2, degC, persons, households; "" for ids, text and unknown columns.
std::string column_unit(const std::string& column);

// theoretical → 賦存量, technical → 導入ポテンシャル, usable → 利用可能量; other tiers unchanged.
std::string tier_label_ja(const std::string& tier);
std::string tier_label_en(const std::string& tier);  // theoretical potential, ...

// A source of potential_long.csv (solar_roof, waste_served, ...) or an input layer (roof, ghi, ...);
// the waste carriers (waste_power_biogenic, ...) get the host/served source with the carrier.
// Unknown sources are returned unchanged, in both languages.
struct SourceLabel {
    std::string ja, en;
};
SourceLabel source_label(const std::string& source);

}  // namespace repot
