#include "mesh_table.hpp"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "gdal_support.hpp"
#include "repot/error.hpp"
#include "stop.hpp"
#include "repot/message_text.hpp"
#include "repot/text_table.hpp"

namespace repot::prepare {
namespace {

std::string trimmed(std::string text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

// Codes may be stored as text (CSV, GML) or as integers (some Shapefiles); both give the digits.
std::string code_text(OGRFeature& feature, int index, const std::string& where) {
    if (!feature.IsFieldSetAndNotNull(index)) throw DataError(fmt::format("{}: the mesh code is empty", where));
    switch (feature.GetFieldDefnRef(index)->GetType()) {
        case OFTInteger:
        case OFTInteger64:
            return std::to_string(feature.GetFieldAsInteger64(index));
        case OFTReal: {
            const double v = feature.GetFieldAsDouble(index);
            if (v != std::floor(v) || v < 0 || v > 1e15)
                throw DataError(fmt::format("{}: mesh code {} is not a whole number", where, v));
            return std::to_string(static_cast<std::int64_t>(v));
        }
        default:
            return trimmed(feature.GetFieldAsString(index));
    }
}

// NaN for a missing value (null, or an empty cell of a text column).
double value_of(OGRFeature& feature, int index, const std::string& where) {
    if (!feature.IsFieldSetAndNotNull(index)) return std::numeric_limits<double>::quiet_NaN();
    const OGRFieldType type = feature.GetFieldDefnRef(index)->GetType();
    if (type == OFTInteger || type == OFTInteger64 || type == OFTReal) return feature.GetFieldAsDouble(index);
    const std::string text = trimmed(feature.GetFieldAsString(index));
    if (text.empty()) return std::numeric_limits<double>::quiet_NaN();
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
        throw DataError(fmt::format("{}: field '{}' holds {}, not a number (filter such rows out with --where)", where,
                                    feature.GetFieldDefnRef(index)->GetNameRef(), quote_for_message(text)));
    return value;
}

// GDAL's CSV driver reads a quote that never closes as one cell running to the end of the file; the
// message would then be about a strange mesh code. Said here as what it is, with the line.
void require_balanced_quotes(const std::string& path) {
    const bool csv = path.size() >= 4 && (path.compare(path.size() - 4, 4, ".csv") == 0 ||
                                          path.compare(path.size() - 4, 4, ".CSV") == 0);
    std::ifstream in(path, std::ios::binary);
    if (!csv || !in) return;  // other formats quote nothing; GDAL's open gives the reason a file cannot be read
    std::stringstream text;
    text << in.rdbuf();
    if (const auto line = unclosed_quote_line(text.str()))
        throw DataError(fmt::format("{}: line {}: malformed row: unbalanced quote (a quoted cell opens here and never "
                                    "closes)", path, *line));
}

}  // namespace

MeshTable read_mesh_table(const PrepareMeshOptions& o) {
    require_balanced_quotes(o.table);
    OpenedLayer source = open_vector_layer(o.table, o.layer);
    OGRLayer& layer = *source.layer;
    const int code_index = require_field(layer, o.table, o.code_field);
    std::vector<int> value_indices;
    for (const std::string& field : o.value_fields) {
        const int index = require_field(layer, o.table, field);
        const OGRFieldType type = layer.GetLayerDefn()->GetFieldDefn(index)->GetType();
        if (type != OFTInteger && type != OFTInteger64 && type != OFTReal && type != OFTString)
            throw DataError(fmt::format("{}: value field '{}' is of type {}, not a number", o.table, field,
                                        OGRFieldDefn::GetFieldTypeName(type)));
        value_indices.push_back(index);
    }
    apply_where(layer, o.table, o.where);

    MeshTable table;
    std::optional<MeshLevel> level = o.level;
    std::int64_t row = 0;
    layer.ResetReading();
    for (;;) {
        throw_if_stop_requested();
        CPLErrorReset();
        OGRFeatureUniquePtr feature{layer.GetNextFeature()};
        if (!feature) {
            if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
                throw DataError(fmt::format("{}: reading failed after row {}: {}", o.table, row, last_gdal_error()));
            break;
        }
        ++row;
        const std::string where = fmt::format("{}: row {}", o.table, row);
        const std::string code = code_text(*feature, code_index, where);
        MeshCell cell;
        try {
            cell = decode_mesh_code(code, level);
        } catch (const std::invalid_argument& e) {
            const bool level_from_first_row = !o.level && row > 1 && code.size() != table.codes.front().size();
            throw DataError(fmt::format("{}: {}{}", where, e.what(),
                                        level_from_first_row ? " (row 1 set the level: one table, one level)" : ""));
        }
        // One table, one level: the first code fixes it unless --level did.
        if (!level) level = cell.level;

        for (int index : value_indices) {
            const double v = value_of(*feature, index, where);
            if (std::isnan(v)) ++table.values_missing;
            if (v == o.nodata)
                throw DataError(fmt::format("{}: value {} equals the nodata value; choose another with --nodata", where, v));
            table.values.push_back(v);
        }
        table.cells.push_back(cell);
        table.row_numbers.push_back(row);
        table.codes.push_back(code);
    }
    if (table.cells.empty())
        throw DataError(fmt::format("{}: no rows{}", o.table, o.where.empty() ? "" : " match --where"));
    table.level = *level;
    return table;
}

}  // namespace repot::prepare
