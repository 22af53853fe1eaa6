// Writes municipalities.gpkg (see the header). The numbers are those potential.csv prints, so that a
// reader of either file sees the same values; the default style is stored the way QGIS stores its own
// (table layer_styles), so that QGIS applies it when the layer is added.
#include "municipalities_gpkg.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cstring>
#include <array>
#include <cmath>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <utility>

#include "crs.hpp"
#include "repot/error.hpp"
#include "repot/text_table.hpp"

namespace repot {

namespace {

struct Field {
    std::string name;
    OGRFieldType type;
};

struct Writer {
    const std::string& path;

    // GDAL's own message, when it left one, after what repot was doing.
    [[noreturn]] void fail(const std::string& what) const {
        const std::string why = CPLGetLastErrorMsg();
        throw DataError(fmt::format("{}: cannot write the GeoPackage: {}{}{}", path, what, why.empty() ? "" : ": ", why));
    }

    OGRLayer* create_layer(GDALDataset& ds, const char* name, OGRSpatialReference* srs, OGRwkbGeometryType type,
                           const std::vector<Field>& fields) const {
        OGRLayer* layer = ds.CreateLayer(name, srs, type, nullptr);
        if (!layer) fail(fmt::format("layer {}", name));
        for (const auto& f : fields) {
            OGRFieldDefn defn(f.name.c_str(), f.type);
            if (layer->CreateField(&defn) != OGRERR_NONE) fail(fmt::format("layer {}: field {}", name, f.name));
        }
        return layer;
    }

    void create_feature(OGRLayer& layer, OGRFeature& f, const std::string& which) const {
        if (layer.CreateFeature(&f) != OGRERR_NONE) fail(fmt::format("layer {}: {}", layer.GetName(), which));
    }

    void sql(GDALDataset& ds, const std::string& statement, const char* what) const {
        CPLErrorReset();
        if (OGRLayer* rs = ds.ExecuteSQL(statement.c_str(), nullptr, nullptr)) ds.ReleaseResultSet(rs);
        if (CPLGetLastErrorType() >= CE_Failure) fail(what);
    }
};

struct DatasetCloser {
    void operator()(GDALDataset* ds) const { GDALClose(ds); }
};

bool is_count_column(const std::string& name) { return name == "pixel_count" || name.ends_with("_px"); }

// The value as potential.csv prints it: what a reader of the CSV sees, not the unrounded double.
double printed(double v, int precision) { return std::stod(format_number(v, precision)); }

// ---- layer municipalities ----

std::vector<Field> municipality_fields(const ResultsTable& t) {
    std::vector<Field> fields{{"zone_id", OFTString}, {"zone_name", OFTString}};
    for (const auto& c : t.columns) fields.push_back({c.name, is_count_column(c.name) ? OFTInteger64 : OFTReal});
    fields.push_back({"note_codes", OFTString});
    fields.push_back({"notes", OFTString});
    return fields;
}

// note_codes and notes joined as to_wide_csv joins them.
std::pair<std::string, std::string> joined_notes(const std::vector<Note>& notes) {
    std::string codes, texts;
    for (size_t i = 0; i < notes.size(); ++i) {
        codes.append(i ? ";" : "").append(notes[i].code);
        texts.append(i ? "; " : "").append(notes[i].text);
    }
    return {codes, texts};
}

// A layer of one geometry type: a polygon becomes a one-part multipolygon (2D: the grid has no Z).
OGRGeometry* as_multipolygon(const OGRGeometry& g, const Writer& w, const std::string& zone_id) {
    std::unique_ptr<OGRGeometry> m(OGRGeometryFactory::forceToMultiPolygon(g.clone()));
    if (!m || wkbFlatten(m->getGeometryType()) != wkbMultiPolygon)
        throw DataError(fmt::format("{}: zone '{}': geometry {} is not a polygon", w.path, zone_id,
                                    g.getGeometryName()));
    m->flattenTo2D();
    return m.release();
}

void write_municipalities(GDALDataset& ds, const MunicipalitiesGpkgSpec& spec, OGRSpatialReference* srs,
                          const Writer& w) {
    const ResultsTable& t = *spec.table;
    OGRLayer* layer = w.create_layer(ds, "municipalities", srs, wkbMultiPolygon, municipality_fields(t));
    const int first_value = 2, note_codes = first_value + int(t.columns.size());
    for (size_t r = 0; r < t.rows.size(); ++r) {
        const ResultRow& row = t.rows[r];
        OGRFeature f(layer->GetLayerDefn());
        f.SetField(0, row.zone_id.c_str());
        f.SetField(1, row.zone_name.c_str());
        for (size_t c = 0; c < t.columns.size(); ++c) {
            const int i = first_value + int(c);
            const auto& v = row.values[c];
            if (!v)
                f.SetFieldNull(i);
            else if (is_count_column(t.columns[c].name))
                f.SetField(i, GIntBig(std::llround(printed(*v, t.columns[c].precision))));
            else
                f.SetField(i, printed(*v, t.columns[c].precision));
        }
        if (!row.notes.empty()) {  // no notes: NULL, as the CSV cell is empty
            const auto [codes, texts] = joined_notes(row.notes);
            f.SetField(note_codes, codes.c_str());
            f.SetField(note_codes + 1, texts.c_str());
        }
        if (spec.geometries[r]) f.SetGeometryDirectly(as_multipolygon(*spec.geometries[r], w, row.zone_id));
        w.create_feature(*layer, f, "zone " + row.zone_id);
    }
}

// ---- layer plants ----

void write_plants(GDALDataset& ds, const GpkgPlants& plants, OGRSpatialReference* srs, const Writer& w) {
    auto records = split_csv(plants.csv);
    if (records.empty()) throw DataError(fmt::format("{}: plants table: no header line", w.path));
    const std::vector<std::string> header = std::move(records.front());
    records.erase(records.begin());
    for (size_t r = 0; r < records.size(); ++r)
        if (records[r].size() != header.size())
            throw DataError(fmt::format("{}: plants table: row {} has {} fields, the header has {}", w.path, r + 2,
                                        records[r].size(), header.size()));
    if (!plants.points.empty() && plants.points.size() != records.size())
        throw std::invalid_argument("write_municipalities_gpkg: plant points and plant rows differ in length");

    // A column is numeric when every cell given is a finite number (an empty cell is NULL, not text),
    // except identifiers: codes such as host_zone 13101 stay text, to join on zone_id and keep zeros.
    auto is_identifier = [](const std::string& name) {
        for (const char* end : {"_id", "_code", "_zone", "_zones"})
            if (name.size() > std::strlen(end) && name.compare(name.size() - std::strlen(end), std::string::npos, end) == 0)
                return true;
        return false;
    };
    std::vector<Field> fields;
    for (size_t c = 0; c < header.size(); ++c) {
        const bool real = !is_identifier(header[c]) && std::all_of(records.begin(), records.end(), [&](const auto& row) {
            return row[c].empty() || parse_finite(row[c]);
        });
        fields.push_back({header[c], real ? OFTReal : OFTString});
    }
    // GeoPackage keeps attribute-only tables (data_type "attributes") for plants without coordinates.
    OGRLayer* layer = w.create_layer(ds, "plants", srs, plants.points.empty() ? wkbNone : wkbPoint, fields);
    for (size_t r = 0; r < records.size(); ++r) {
        OGRFeature f(layer->GetLayerDefn());
        for (size_t c = 0; c < header.size(); ++c) {
            const std::string& cell = records[r][c];
            if (cell.empty())
                f.SetFieldNull(int(c));
            else if (fields[c].type == OFTReal)
                f.SetField(int(c), *parse_finite(cell));
            else
                f.SetField(int(c), cell.c_str());
        }
        if (!plants.points.empty() && plants.points[r])
            f.SetGeometryDirectly(new OGRPoint(plants.points[r]->x, plants.points[r]->y));
        w.create_feature(*layer, f, fmt::format("row {}", r + 2));
    }
}

// ---- default QGIS style ----

// What the choropleth shows: usable roof PV, else the first usable potential the run computed.
// The title names the unit; it is also the style's name, which QGIS stores in TEXT(30).
struct Legend {
    const char* column;
    const char* title;
    const char* unit;
};
constexpr Legend kLegends[] = {
    {"solar_roof_usable_mwh", "Usable roof PV (MWh/yr)", "MWh/yr"},
    {"solar_land_usable_mwh", "Usable land PV (MWh/yr)", "MWh/yr"},
    {"ground_heat_usable_gj", "Usable ground heat (GJ/yr)", "GJ/yr"},
    {"solar_heat_usable_gj", "Usable solar heat (GJ/yr)", "GJ/yr"},
    {"waste_served_power_usable_mwh", "Waste power served (MWh/yr)", "MWh/yr"},
    {"waste_power_usable_mwh", "Waste power at host (MWh/yr)", "MWh/yr"},
};
constexpr int kClasses = 5;

struct Rgb {
    int r, g, b;
};
// ColorBrewer YlOrRd: pale yellow to dark red, evenly spaced on the ramp.
constexpr std::array<Rgb, 5> kRamp{{{255, 255, 178}, {254, 204, 92}, {253, 141, 60}, {240, 59, 32}, {189, 0, 38}}};

constexpr Rgb kNotComputed{200, 200, 200};

Rgb ramp_at(double t) {
    const double x = std::clamp(t, 0.0, 1.0) * (kRamp.size() - 1);
    const size_t i = std::min(size_t(x), kRamp.size() - 2);
    const double u = x - double(i);
    auto mix = [&](int a, int b) { return int(std::lround(a + (b - a) * u)); };
    return {mix(kRamp[i].r, kRamp[i + 1].r), mix(kRamp[i].g, kRamp[i + 1].g), mix(kRamp[i].b, kRamp[i + 1].b)};
}

std::string rgba(const Rgb& c) { return fmt::format("{},{},{},255", c.r, c.g, c.b); }

// Upper bounds of the classes, by QGIS's own quantile rule (QgsClassificationQuantile), so that
// "Classify" in QGIS gives the same classes again. The last bound is the maximum.
std::vector<double> quantile_breaks(std::vector<double> v, int classes) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    std::vector<double> breaks;
    for (int i = 1; i < classes; ++i) {
        const double a = double(i) / classes * double(n - 1);
        const size_t k = size_t(a);
        const double r = a - double(k);
        breaks.push_back(n > 1 ? (1 - r) * v[k] + r * v[k + 1] : v[0]);
    }
    breaks.push_back(v[n - 1]);
    return breaks;
}


std::string xml_escaped(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

// QGIS up to 3.16 reads symbol-layer and ramp properties from <prop k v>, later versions from an
// <Option type="Map"> that must come first: both, so that any QGIS 3 reads the style.
std::string properties_xml(const std::vector<std::pair<std::string, std::string>>& props, const std::string& indent) {
    std::string option = indent + "<Option type=\"Map\">\n", prop;
    for (const auto& [k, v] : props) {
        option += fmt::format("{}  <Option type=\"QString\" name=\"{}\" value=\"{}\"/>\n", indent, k, xml_escaped(v));
        prop += fmt::format("{}<prop k=\"{}\" v=\"{}\"/>\n", indent, k, xml_escaped(v));
    }
    return option + indent + "</Option>\n" + prop;
}

// A filled polygon with a thin grey outline.
std::string fill_symbol_xml(const std::string& name, const Rgb& fill, const std::string& indent) {
    return fmt::format("{0}<symbol type=\"fill\" name=\"{1}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
                       "{0}  <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n{2}"
                       "{0}  </layer>\n{0}</symbol>\n",
                       indent, name,
                       properties_xml({{"color", rgba(fill)},
                                       {"joinstyle", "bevel"},
                                       {"offset", "0,0"},
                                       {"offset_unit", "MM"},
                                       {"outline_color", "128,128,128,255"},
                                       {"outline_style", "solid"},
                                       {"outline_width", "0.1"},
                                       {"outline_width_unit", "MM"},
                                       {"style", "solid"}},
                                      indent + "    "));
}

// A graduatedSymbol renderer over the column's values (those the layer stores), in up to 5 quantile
// classes (repeated bounds, as when many zones have 0, merge into one class). A graduated renderer
// draws nothing for NULL, so with `has_null` it classifies coalesce(column, -1) and draws the zones
// whose value was not computed (e.g. Tama without roof data) in a grey "not computed" class.
std::string graduated_qml(const Legend& legend, const std::vector<double>& values, int precision, bool has_null) {
    const double lo = *std::min_element(values.begin(), values.end());
    const double hi = *std::max_element(values.begin(), values.end());
    // Enough decimals to tell the bounds of small values apart, none for large ones ("12,345").
    const double top = std::max(std::abs(lo), std::abs(hi));
    const int decimals = top > 0 ? std::clamp(2 - int(std::floor(std::log10(top))), 0, precision) : 0;
    std::vector<std::pair<double, double>> ranges;
    double lower = lo;
    for (double upper : quantile_breaks(values, kClasses)) {
        if (!ranges.empty() && upper <= ranges.back().second) continue;
        ranges.emplace_back(lower, upper);
        lower = upper;
    }
    // Bounds in the shortest text that reads back as the same double: the extreme values stay inside
    // the outer classes (QGIS draws a feature in the first class with lower <= value <= upper).
    std::string range_xml, symbols_xml;
    if (has_null) {
        range_xml += fmt::format("      <range lower=\"-1\" upper=\"-1\" symbol=\"{}\" label=\"not computed\" "
                                 "render=\"true\"/>\n",
                                 ranges.size());
        symbols_xml += fill_symbol_xml(std::to_string(ranges.size()), kNotComputed, "      ");
    }
    for (size_t k = 0; k < ranges.size(); ++k) {
        const auto [a, b] = ranges[k];
        range_xml += fmt::format(
            "      <range lower=\"{}\" upper=\"{}\" symbol=\"{}\" label=\"{} – {} {}\" render=\"true\"/>\n", a, b, k,
            format_grouped(a, decimals), format_grouped(b, decimals), legend.unit);
        symbols_xml += fill_symbol_xml(std::to_string(k),
                                       ramp_at(ranges.size() > 1 ? double(k) / double(ranges.size() - 1) : 0.0), "      ");
    }
    const std::string ramp = properties_xml(
        {{"color1", rgba(kRamp.front())},
         {"color2", rgba(kRamp.back())},
         {"discrete", "0"},
         {"rampType", "gradient"},
         {"stops", fmt::format("0.25;{}:0.5;{}:0.75;{}", rgba(kRamp[1]), rgba(kRamp[2]), rgba(kRamp[3]))}},
        "      ");
    return fmt::format(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        "<qgis version=\"3.22.0\" styleCategories=\"Symbology\">\n"
        "  <!-- {title}: {n} quantile classes (repot) -->\n"
        "  <renderer-v2 type=\"graduatedSymbol\" attr=\"{attr}\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" "
        "forceraster=\"0\" enableorderby=\"0\">\n"
        "    <ranges>\n{ranges}    </ranges>\n"
        "    <symbols>\n{symbols}    </symbols>\n"
        "    <source-symbol>\n{source}    </source-symbol>\n"
        "    <colorramp type=\"gradient\" name=\"[source]\">\n{ramp}    </colorramp>\n"
        "    <classificationMethod id=\"Quantile\">\n"
        "      <symmetricMode enabled=\"0\" symmetrypoint=\"0\" astride=\"0\"/>\n"
        "      <labelFormat format=\"%1 – %2 {unit}\" labelprecision=\"{decimals}\" trimtrailingzeroes=\"0\"/>\n"
        "      <parameters>\n        <Option/>\n      </parameters>\n"
        "      <extraInformation/>\n"
        "    </classificationMethod>\n"
        "    <rotation/>\n    <sizescale/>\n"
        "  </renderer-v2>\n"
        "  <blendMode>0</blendMode>\n  <featureBlendMode>0</featureBlendMode>\n"
        "  <layerGeometryType>2</layerGeometryType>\n"
        "</qgis>\n",
        fmt::arg("title", xml_escaped(legend.title)), fmt::arg("n", ranges.size()),
        fmt::arg("attr", xml_escaped(has_null ? fmt::format("coalesce(\"{}\", -1)", legend.column) : legend.column)),
        fmt::arg("ranges", range_xml), fmt::arg("symbols", symbols_xml),
        fmt::arg("source", fill_symbol_xml("0", kRamp.front(), "      ")), fmt::arg("ramp", ramp),
        fmt::arg("unit", legend.unit), fmt::arg("decimals", decimals));
}

std::string sql_literal(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

// The table QGIS creates when it saves a style into a GeoPackage (QgsOgrUtils::saveStyle): through
// OGR, so that it is registered in gpkg_contents, which is where QGIS looks it up by name.
void create_layer_styles(GDALDataset& ds, const Writer& w) {
    char** options = CSLSetNameValue(nullptr, "FID", "id");
    OGRLayer* layer = ds.CreateLayer("layer_styles", nullptr, wkbNone, options);
    CSLDestroy(options);
    if (!layer) w.fail("layer layer_styles");
    struct Column {
        const char* name;
        OGRFieldType type;
        int width;
    };
    for (const Column& c : {Column{"f_table_catalog", OFTString, 256}, {"f_table_schema", OFTString, 256},
                            {"f_table_name", OFTString, 256}, {"f_geometry_column", OFTString, 256},
                            {"styleName", OFTString, 30}, {"styleQML", OFTString, 0}, {"styleSLD", OFTString, 0},
                            {"useAsDefault", OFTInteger, 0}, {"description", OFTString, 0}, {"owner", OFTString, 30},
                            {"ui", OFTString, 30}, {"update_time", OFTDateTime, 0}}) {
        OGRFieldDefn f(c.name, c.type);
        f.SetWidth(c.width);
        if (c.type == OFTInteger) f.SetSubType(OFSTBoolean);
        if (c.type == OFTDateTime) f.SetDefault("CURRENT_TIMESTAMP");
        if (layer->CreateField(&f) != OGRERR_NONE) w.fail(fmt::format("layer layer_styles: field {}", c.name));
    }
}

// One default style for municipalities, or none when the run computed no usable potential to map.
void write_style(GDALDataset& ds, const ResultsTable& t, const std::string& geometry_column, const Writer& w) {
    for (const Legend& legend : kLegends) {
        const int c = t.column(legend.column);
        if (c < 0) continue;
        std::vector<double> values;
        for (const auto& row : t.rows)
            if (const auto& v = row.values[size_t(c)]) values.push_back(printed(*v, t.columns[size_t(c)].precision));
        if (values.empty()) continue;
        const bool has_null = values.size() < t.rows.size();
        create_layer_styles(ds, w);
        // update_time is fixed rather than the insert time, so that a rerun writes the same file; QGIS
        // orders styles by it only among those that are not the default.
        w.sql(ds,
              fmt::format("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                          "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
                          "VALUES ('', '', 'municipalities', {}, {}, {}, '', 1, {}, '', NULL, '1970-01-01T00:00:00.000Z')",
                          sql_literal(geometry_column), sql_literal(legend.title),
                          sql_literal(graduated_qml(legend, values, t.columns[size_t(c)].precision, has_null)),
                          sql_literal(fmt::format("{}: {} by quantile", legend.title, legend.column))),
              "the default style");
        return;
    }
}

}  // namespace

void write_municipalities_gpkg(const MunicipalitiesGpkgSpec& spec) {
    if (!spec.table || spec.geometries.size() != spec.table->rows.size())
        throw std::invalid_argument("write_municipalities_gpkg: one geometry per table row is required");
    const Writer w{spec.path};
    std::error_code ec;
    if (std::filesystem::exists(spec.path, ec)) throw DataError(fmt::format("{}: already exists", spec.path));
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!driver) throw DataError(fmt::format("{}: this GDAL has no GPKG driver", spec.path));

    // Messages become the DataError; a fixed gpkg_contents.last_change keeps reruns byte-identical.
    CPLErrorHandlerPusher quiet(CPLQuietErrorHandler);
    CPLConfigOptionSetter fixed_date("OGR_CURRENT_DATE", "1970-01-01T00:00:00.000Z", false);
    CPLErrorReset();
    std::optional<OGRSpatialReference> srs;
    if (!spec.crs_wkt.empty()) srs = srs_from_wkt(spec.crs_wkt);
    if (srs && srs->IsEmpty()) throw DataError(fmt::format("{}: the CRS of the zones is not a WKT GDAL reads", spec.path));
    OGRSpatialReference* crs = srs ? &*srs : nullptr;  // CreateLayer takes it non-const in GDAL 3.6
    std::unique_ptr<GDALDataset, DatasetCloser> ds(driver->Create(spec.path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) w.fail("create");

    if (ds->StartTransaction() != OGRERR_NONE) w.fail("start a transaction");
    write_municipalities(*ds, spec, crs, w);
    if (spec.plants) write_plants(*ds, *spec.plants, crs, w);
    write_style(*ds, *spec.table, ds->GetLayerByName("municipalities")->GetGeometryColumn(), w);
    if (ds->CommitTransaction() != OGRERR_NONE) w.fail("commit");

    // GDALClose finishes the file (spatial index, statistics) and reports only through CPLError here.
    CPLErrorReset();
    ds.reset();
    if (CPLGetLastErrorType() >= CE_Failure) w.fail("close");
}

}  // namespace repot
