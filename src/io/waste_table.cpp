// Reads the waste-plant table (a CSV through OGR's CSV driver, or any one-layer OGR dataset, points
// included) and the union membership CSV into plain structs. Column names are matched without
// regard to case against the aliases below (documented in docs/waste.md); every problem is a
// one-line DataError naming the file, the row and the column.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <cpl_error.h>
#include <cpl_vsi.h>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include "repot/error.hpp"
#include "repot/message_text.hpp"
#include "repot/text_table.hpp"
#include "repot/waste.hpp"

namespace repot {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// Cell text quoted into a one-line message.
std::string shown(const std::string& s) { return quote_for_message(s); }

bool has_csv_extension(const std::string& path) {
    const auto dot = path.rfind('.');
    return dot != std::string::npos && lower(path.substr(dot)) == ".csv";
}

// GDAL's CSV driver reads an unclosed quote as one cell running to the end of the file and reports
// nothing: the rows after it vanish and the next check fails on an "empty" column. Said here instead,
// with the line where the quote opens.
void require_balanced_quotes(const std::string& path, const char* what) {
    VSILFILE* f = VSIFOpenL(path.c_str(), "rb");
    if (!f) return;  // the open that follows gives GDAL's reason
    std::string text;
    char buf[1 << 16];
    for (size_t n; (n = VSIFReadL(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    VSIFCloseL(f);
    if (const auto line = unclosed_quote_line(text))
        throw DataError(fmt::format("{} {}: line {}: malformed row: unbalanced quote (a quoted cell opens here and "
                                    "never closes)", what, path, *line));
}

// Opens a vector dataset quietly (GDAL's own message goes into the DataError instead of stderr).
// A CSV is opened with HEADERS=YES so that a header row of digits is not taken for data.
GDALDatasetUniquePtr open_vector(const std::string& path, const char* what, bool csv_only) {
    GDALAllRegister();
    VSIStatBufL stat;
    if (VSIStatL(path.c_str(), &stat) != 0)
        throw DataError(fmt::format("{} {}: no such file", what, path));
    CPLErrorHandlerPusher quiet(CPLQuietErrorHandler);
    CPLErrorReset();
    const bool csv = csv_only || has_csv_extension(path);
    if (csv) require_balanced_quotes(path, what);
    const char* const csv_driver[] = {"CSV", nullptr};
    const char* const csv_options[] = {"HEADERS=YES", nullptr};
    // The CSV driver only claims files ending in .csv unless the name carries its "CSV:" prefix.
    const std::string name = (csv_only && !has_csv_extension(path)) ? "CSV:" + path : path;
    GDALDatasetUniquePtr ds(GDALDataset::Open(name.c_str(),
                                              GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                                              csv ? csv_driver : nullptr,
                                              csv ? csv_options : nullptr, nullptr));
    if (!ds) {
        const std::string why = trim(CPLGetLastErrorMsg());
        throw DataError(fmt::format("{} {}: cannot open as a vector table{}", what, path,
                                    why.empty() ? "" : ": " + why));
    }
    if (ds->GetLayerCount() != 1)
        throw DataError(fmt::format("{} {}: has {} layers; expected exactly one", what, path,
                                    ds->GetLayerCount()));
    return ds;
}

// A logical column and the header names that may carry it, each with the factor to its unit.
struct Alias {
    const char* name;
    double scale;
};
struct ColumnSpec {
    const char* meaning;
    std::vector<Alias> aliases;
};

struct Column {
    int index = -1;
    std::string name;  // as spelled in the file
    double scale = 1;
    explicit operator bool() const { return index >= 0; }
};

class Header {
public:
    Header(OGRFeatureDefn* defn, std::string origin) : origin_(std::move(origin)) {
        for (int i = 0; i < defn->GetFieldCount(); ++i)
            names_.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
    }
    Column find(const ColumnSpec& spec) const {
        Column found;
        for (const auto& a : spec.aliases)
            for (size_t i = 0; i < names_.size(); ++i) {
                if (lower(names_[i]) != lower(a.name)) continue;
                if (found)
                    throw DataError(fmt::format(
                        "{}: columns {} and {} both give the {}; keep one", origin_, found.name,
                        names_[i], spec.meaning));
                found = Column{static_cast<int>(i), names_[i], a.scale};
            }
        return found;
    }
    Column require(const ColumnSpec& spec) const {
        Column c = find(spec);
        if (!c)
            throw DataError(fmt::format("{}: missing required column {} ({})", origin_,
                                        spec.aliases.front().name, spec.meaning));
        return c;
    }

private:
    std::string origin_;
    std::vector<std::string> names_;
};

// One feature's cells, with the row label used in messages.
class Row {
public:
    Row(const OGRFeature& f, std::string label) : f_(f), label_(std::move(label)) {}
    const std::string& label() const { return label_; }
    void set_label(std::string label) { label_ = std::move(label); }

    std::string text(const Column& c) const {
        if (!c || !f_.IsFieldSetAndNotNull(c.index)) return {};
        return trim(f_.GetFieldAsString(c.index));
    }

    // Empty cell -> nullopt; a value that is not a finite number >= 0 is an error. Typed numeric
    // fields (GPKG, shapefile) are read as numbers, text fields (CSV) are parsed strictly.
    std::optional<double> number(const Column& c) const {
        if (!c || !f_.IsFieldSetAndNotNull(c.index)) return std::nullopt;
        double v = 0;
        const OGRFieldType t = f_.GetFieldDefnRef(c.index)->GetType();
        if (t == OFTReal || t == OFTInteger || t == OFTInteger64) {
            v = f_.GetFieldAsDouble(c.index);
        } else {
            const std::string s = trim(f_.GetFieldAsString(c.index));
            if (s.empty()) return std::nullopt;
            const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v))
                throw DataError(fmt::format("{}, column {}: {} is not a number", label_, c.name,
                                            shown(s)));
        }
        if (!std::isfinite(v))
            throw DataError(fmt::format("{}, column {}: {} is not a finite number", label_, c.name, v));
        if (v < 0)
            throw DataError(fmt::format("{}, column {}: negative value {}", label_, c.name, v));
        return v * c.scale;
    }

    // LHV and efficiency: the survey writes 0 where nothing was measured, so 0 means "not reported".
    // value_or, not `v && *v == 0`: GCC -O2 evaluates that as one branch on both the flag and the
    // payload of an empty optional, which memcheck reports as a jump on an uninitialised value.
    std::optional<double> positive_or_unreported(const Column& c) const {
        const auto v = number(c);
        if (v.value_or(0) == 0) return std::nullopt;
        return v;
    }

private:
    const OGRFeature& f_;
    std::string label_;
};

const ColumnSpec kId{"plant id", {{"facility_code", 1}, {"plant_id", 1}, {"id", 1}}};
const ColumnSpec kName{"plant name", {{"facility_name", 1}, {"plant_name", 1}, {"name", 1}}};
const ColumnSpec kOperator{"operator code", {{"operator_lg_code", 1}, {"operator_code", 1}}};
const ColumnSpec kOperatorName{"operator name", {{"operator_name", 1}}};
const ColumnSpec kHost{"host municipality code",
                       {{"host_city_code", 1}, {"host_zone", 1}, {"host_code", 1}}};
const ColumnSpec kThroughput{"annual throughput in t/yr",
                             {{"annual_throughput_t", 1}, {"throughput_t", 1}}};
const ColumnSpec kLhvMeasured{"measured lower heating value in kJ/kg",
                              {{"lhv_measured_kJ_per_kg", 1}, {"lhv_measured", 1}}};
const ColumnSpec kLhvCalculated{
    "calculated lower heating value in kJ/kg",
    {{"lhv_calc_kJ_per_kg", 1}, {"lhv_calculated_kJ_per_kg", 1}, {"lhv_calculated", 1}}};
const ColumnSpec kEfficiency{"nominal power efficiency",
                             {{"power_efficiency_nominal_pct", 0.01},
                              {"efficiency_nominal_pct", 0.01},
                              {"power_efficiency_nominal", 1},
                              {"efficiency_nominal", 1}}};
const ColumnSpec kCapacity{"power capacity in kW", {{"power_capacity_kW", 1}}};
const ColumnSpec kGenerated{"reported power generation in MWh", {{"power_generated_MWh", 1}}};
const ColumnSpec kExternal{"reported external power supply in MWh",
                           {{"power_supplied_external_MWh", 1}, {"power_external_MWh", 1}}};
const ColumnSpec kSold{"reported power sold in MWh", {{"power_sold_MWh", 1}}};
const ColumnSpec kHeatUsed{"reported heat use",
                           {{"heat_use_actual_MJ", 0.001}, {"heat_used_actual_GJ", 1}}};
const ColumnSpec kHeatExternal{
    "reported external heat supply",
    {{"heat_use_actual_external_MJ", 0.001}, {"heat_external_actual_GJ", 1}}};

std::string layer_wkt(OGRLayer* layer) {
    const OGRSpatialReference* srs = layer->GetSpatialRef();
    if (!srs) return {};
    char* wkt = nullptr;
    srs->exportToWkt(&wkt);
    std::string out = wkt ? wkt : "";
    CPLFree(wkt);
    return out;
}

}  // namespace

std::vector<WastePlant> read_waste_plants(const std::string& path,
                                          const std::set<std::string>& zone_ids,
                                          const ZoneLocator& locate) {
    const char* what = "waste plant table";
    GDALDatasetUniquePtr ds = open_vector(path, what, false);
    OGRLayer* layer = ds->GetLayer(0);
    const std::string origin = fmt::format("{} {}", what, path);
    const Header header(layer->GetLayerDefn(), origin);

    const Column id = header.find(kId), name = header.find(kName);
    const Column op = header.find(kOperator), op_name = header.find(kOperatorName);
    const Column throughput = header.require(kThroughput);
    const Column host = layer->GetLayerDefn()->GetGeomFieldCount() > 0 ? header.find(kHost)
                                                                        : header.require(kHost);
    const Column lhv_m = header.find(kLhvMeasured), lhv_c = header.find(kLhvCalculated);
    const Column eff = header.find(kEfficiency), cap = header.find(kCapacity);
    const Column gen = header.find(kGenerated), ext = header.find(kExternal);
    const Column sold = header.find(kSold), heat_used = header.find(kHeatUsed);
    const Column heat_ext = header.find(kHeatExternal);
    const std::string wkt = layer_wkt(layer);

    std::vector<WastePlant> plants;
    std::set<std::string> ids;
    size_t n = 0;
    layer->ResetReading();
    for (const auto& feature : *layer) {
        ++n;
        Row row(*feature, fmt::format("{}: row {}", origin, n));
        WastePlant p;
        p.id = row.text(id);
        if (p.id.empty()) p.id = fmt::format("row{}", n);
        row.set_label(fmt::format("{}: row {} (plant {})", origin, n, p.id));
        if (!ids.insert(p.id).second)
            throw DataError(fmt::format("{}: duplicate plant id", row.label()));
        p.source = fmt::format("{}, row {}", path, n);
        p.name = row.text(name);
        p.operator_code = row.text(op);
        p.operator_name = row.text(op_name);

        const auto m = row.number(throughput);
        if (!m) throw DataError(fmt::format("{}, column {}: empty", row.label(), throughput.name));
        p.throughput_t = *m;
        p.lhv_measured_kj_per_kg = row.positive_or_unreported(lhv_m);
        p.lhv_calculated_kj_per_kg = row.positive_or_unreported(lhv_c);
        p.efficiency_nominal = row.positive_or_unreported(eff);
        // Said in the column's own unit, as the user wrote it: "120 %", not the fraction 1.2.
        if (p.efficiency_nominal && *p.efficiency_nominal > 1)
            throw DataError(fmt::format("{}: {} {} is above {}", row.label(), eff.name,
                                        eff.scale == 1 ? row.text(eff) : row.text(eff) + " %",
                                        eff.scale == 1 ? "1 (100 %)" : "100 %"));
        p.power_capacity_kw = row.number(cap);
        p.power_generated_mwh = row.number(gen);
        p.power_external_mwh = row.number(ext);
        p.power_sold_mwh = row.number(sold);
        p.heat_used_actual_gj = row.number(heat_used);
        p.heat_external_actual_gj = row.number(heat_ext);

        // A point places the plant (when a locator is given); otherwise the host code does.
        const OGRGeometry* g = feature->GetGeometryRef();
        if (g && !g->IsEmpty() && locate) {
            if (wkbFlatten(g->getGeometryType()) != wkbPoint)
                throw DataError(fmt::format("{}: geometry is a {}; expected a point", row.label(),
                                            g->getGeometryName()));
            if (wkt.empty())
                throw DataError(fmt::format("{}: the layer has points but no CRS", origin));
            const auto* pt = g->toPoint();
            p.x = pt->getX();
            p.y = pt->getY();
            p.xy_crs_wkt = wkt;
            const auto zone = locate(*p.x, *p.y, wkt);
            if (!zone)
                throw DataError(fmt::format("{}: point ({}, {}) lies in no municipality",
                                            row.label(), *p.x, *p.y));
            p.host_zone = *zone;
        } else {
            if (!host)
                throw DataError(fmt::format(
                    "{}: missing required column {} ({}){}", row.label(), kHost.aliases.front().name,
                    kHost.meaning,
                    g && !g->IsEmpty() ? "; points are placed only when municipalities are given" : ""));
            p.host_zone = row.text(host);
            if (p.host_zone.empty())
                throw DataError(fmt::format("{}, column {}: empty", row.label(), host.name));
        }
        if (!zone_ids.count(p.host_zone))
            throw DataError(fmt::format("{}: unknown host municipality code {} (not one of the {} "
                                        "municipalities of the run)",
                                        row.label(), shown(p.host_zone), zone_ids.size()));
        plants.push_back(std::move(p));
    }
    return plants;
}

WasteMembership read_waste_membership(const std::string& path) {
    const char* what = "waste membership table";
    GDALDatasetUniquePtr ds = open_vector(path, what, true);
    OGRLayer* layer = ds->GetLayer(0);
    const std::string origin = fmt::format("{} {}", what, path);
    const Header header(layer->GetLayerDefn(), origin);
    const Column op = header.require(kOperator);
    const Column member = header.require(
        {"member municipality code", {{"member_city_code", 1}, {"member_zone", 1}, {"member_code", 1}}});
    const Column persons = header.find({"member population", {{"population", 1}, {"member_population", 1}}});

    WasteMembership out;
    out.has_population_column = bool(persons);
    std::set<std::pair<std::string, std::string>> seen;
    size_t n = 0;
    layer->ResetReading();
    for (const auto& feature : *layer) {
        ++n;
        const Row row(*feature, fmt::format("{}: row {}", origin, n));
        const std::string o = row.text(op), m = row.text(member);
        if (o.empty()) throw DataError(fmt::format("{}, column {}: empty", row.label(), op.name));
        if (m.empty()) throw DataError(fmt::format("{}, column {}: empty", row.label(), member.name));
        if (!seen.insert({o, m}).second)
            throw DataError(fmt::format("{}: member {} of operator {} listed twice", row.label(), m, o));
        out.members[o].push_back(m);
        // A municipality in several unions has one population: two different values are a contradiction.
        if (const std::optional<double> v = row.number(persons)) {
            const auto [it, inserted] = out.population.emplace(m, *v);
            if (!inserted && it->second != *v)
                throw DataError(fmt::format("{}, column {}: member {} has population {} here and {} in an earlier row",
                                            row.label(), persons.name, m, *v, it->second));
        }
    }
    return out;
}

std::map<std::string, std::vector<std::string>> read_waste_members(const std::string& path) {
    return read_waste_membership(path).members;
}

}  // namespace repot
