// `prepare mesh`: a table of JIS X 0410 mesh codes and values -> a raster on the mesh grid itself
// (EPSG:6668, JGD2011 longitude/latitude), one pixel per cell of the table's level, one Float64 band
// per value field, nodata for cells the table lacks (or, with a fill, the fill value for those inside
// the table's 1st-level meshes). Cell positions are integer quarter arc-seconds, so every cell lands
// on exactly one pixel and the raster's sum equals the table's sum.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <tuple>

#include "gdal_support.hpp"
#include "mesh_table.hpp"
#include "repot/error.hpp"
#include "repot/prepare.hpp"
#include "staged_raster.hpp"
#include "stop.hpp"
#include "../io/path_clash.hpp"

namespace repot {
namespace {

using namespace repot::prepare;

constexpr int block = 512;   // the output's tile size: cells are written one tile at a time

void check_options(const PrepareMeshOptions& o) {
    if (o.table.empty()) throw UsageError("prepare mesh needs a table");
    if (o.code_field.empty()) throw UsageError("prepare mesh needs --code-field");
    if (o.value_fields.empty()) throw UsageError("prepare mesh needs --value-field");
    if (o.output.empty()) throw UsageError("prepare mesh needs an output file (-o)");
    if (!std::isfinite(o.nodata)) throw UsageError("--nodata must be a finite number");
    if (o.fill && !std::isfinite(*o.fill)) throw UsageError("--fill must be a finite number");
    if (o.fill && *o.fill == o.nodata)
        throw UsageError(fmt::format("--fill {} equals --nodata: filled cells would read as missing", *o.fill));
    refuse_clashing_paths({{"table", o.table}}, {{"-o", o.output}});
}

// A 1st-level mesh as (south, west) divided by the 1st-level cell size: cells of every level nest in
// exactly one, so integer division of any cell edge finds it.
using FirstLevelKey = std::pair<std::int64_t, std::int64_t>;
std::string first_level_code(const FirstLevelKey& k) {
    return fmt::format("{:02d}{:02d}", k.first, k.second - 100);   // south = pp * 40', west = 100 + qq deg
}

struct Placed {
    int row, col;
    std::size_t index;   // into the table
};

}  // namespace

PrepareMeshSummary prepare_mesh(const PrepareMeshOptions& o) {
    check_options(o);
    QuietGdalErrors quiet;
    const MeshTable table = read_mesh_table(o);
    if (o.progress) o.progress(0.5);
    const std::size_t bands = o.value_fields.size();
    const std::int64_t first_h = mesh_cell_height(MeshLevel::first), first_w = mesh_cell_width(MeshLevel::first);

    // Bounding box of the cells, in quarter arc-seconds.
    std::int64_t south = table.cells[0].south, west = table.cells[0].west;
    std::int64_t north = south + table.cells[0].height, east = west + table.cells[0].width;
    std::set<FirstLevelKey> fill_keys;   // with a fill: the 1st-level meshes the table describes
    for (const MeshCell& c : table.cells) {
        south = std::min(south, c.south);
        west = std::min(west, c.west);
        north = std::max(north, c.south + c.height);
        east = std::max(east, c.west + c.width);
        if (o.fill) fill_keys.insert({c.south / first_h, c.west / first_w});
    }
    // Filled meshes are written whole, also where the codes' box stops short of their edges
    // (an unpopulated coast or mountain rim is zero too).
    for (const FirstLevelKey& k : fill_keys) {
        south = std::min(south, k.first * first_h);
        west = std::min(west, k.second * first_w);
        north = std::max(north, (k.first + 1) * first_h);
        east = std::max(east, (k.second + 1) * first_w);
    }
    const std::int64_t cell_h = mesh_cell_height(table.level), cell_w = mesh_cell_width(table.level);
    const std::int64_t cols64 = (east - west) / cell_w, rows64 = (north - south) / cell_h;
    if (cols64 * rows64 > std::int64_t(1) << 34)
        throw DataError(fmt::format("{}: the codes span {} x {} cells; split the table", o.table, cols64, rows64));
    const int cols = static_cast<int>(cols64), rows = static_cast<int>(rows64);

    // Place every row, in output tile order; duplicates end up next to each other.
    std::vector<Placed> placed(table.cells.size());
    for (std::size_t i = 0; i < table.cells.size(); ++i) {
        const MeshCell& c = table.cells[i];
        placed[i] = {static_cast<int>((north - (c.south + c.height)) / cell_h), static_cast<int>((c.west - west) / cell_w),
                     i};
    }
    auto tile_order = [](const Placed& p) {
        return std::make_tuple(p.row / block, p.col / block, p.row, p.col);
    };
    std::sort(placed.begin(), placed.end(),
              [&](const Placed& a, const Placed& b) { return tile_order(a) < tile_order(b); });
    for (std::size_t i = 1; i < placed.size(); ++i)
        if (placed[i].row == placed[i - 1].row && placed[i].col == placed[i - 1].col) {
            const std::size_t a = std::min(placed[i].index, placed[i - 1].index);
            const std::size_t b = std::max(placed[i].index, placed[i - 1].index);
            throw DataError(fmt::format("{}: row {} repeats mesh code {} of row {}", o.table, table.row_numbers[b],
                                        table.codes[b], table.row_numbers[a]));
        }

    OGRSpatialReference jgd2011;
    jgd2011.importFromEPSG(6668);
    jgd2011.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const double deg = double(quarter_arcsec_per_degree);
    StagedRasterSpec spec;
    spec.path = o.output;
    spec.cols = cols;
    spec.rows = rows;
    spec.type = GDT_Float64;
    spec.geotransform = {west / deg, cell_w / deg, 0, north / deg, 0, -(cell_h / deg)};
    spec.srs = &jgd2011;
    for (const std::string& field : o.value_fields) spec.bands.push_back({field, o.nodata});
    spec.metadata = {{"DESCRIPTION", fmt::format("JIS X 0410 {} mesh values", mesh_level_name(table.level))},
                     {"SOURCE", CPLGetFilename(o.table.c_str())},
                     {"MESH_LEVEL", mesh_level_name(table.level)},
                     {"PROCESSING", fmt::format("repot {} prepare mesh: one pixel per mesh cell, code field {}",
                                                REPOT_VERSION, o.code_field)}};
    std::vector<std::string> fill_codes;
    for (const FirstLevelKey& k : fill_keys) fill_codes.push_back(first_level_code(k));
    if (o.fill) {
        spec.metadata.back().second += fmt::format(
            "; cells absent from the table inside 1st-level mesh(es) {} set to {} (the table lists only non-empty "
            "cells), other absent cells nodata",
            fmt::join(fill_codes, " "), *o.fill);
        spec.metadata.push_back({"FILL_VALUE", fmt::format("{}", *o.fill)});
        spec.metadata.push_back({"FILL_MESHES", fmt::format("{}", fmt::join(fill_codes, " "))});
    }
    StagedRaster out(spec);

    // Tiles that hold rows or filled cells are written whole; the GeoTIFF driver fills the others with
    // nodata. `placed` is in tile order, so one pass over the tiles in row-major order meets its rows in turn.
    const int tile_rows = (rows + block - 1) / block, tile_cols = (cols + block - 1) / block;
    std::vector<double> buffer;
    std::vector<char> filled;   // pixel of the tile gets the fill: in a filled mesh, no row there
    std::int64_t cells_filled = 0;
    std::size_t first = 0;
    for (int tile_row = 0; tile_row < tile_rows; ++tile_row)
        for (int tile_col = 0; tile_col < tile_cols; ++tile_col) {
            throw_if_stop_requested();
            std::size_t last = first;
            while (last < placed.size() && placed[last].row / block == tile_row && placed[last].col / block == tile_col)
                ++last;
            const int x0 = tile_col * block, y0 = tile_row * block;
            const int w = std::min(block, cols - x0), h = std::min(block, rows - y0);
            filled.assign(static_cast<std::size_t>(w) * h, 0);
            std::int64_t tile_filled = 0;
            if (o.fill)
                for (int r = 0; r < h; ++r) {
                    const std::int64_t lat_key = (north - std::int64_t(y0 + r + 1) * cell_h) / first_h;
                    for (int c = 0; c < w; ++c)
                        filled[std::size_t(r) * w + c] =
                            fill_keys.count({lat_key, (west + std::int64_t(x0 + c) * cell_w) / first_w}) > 0;
                }
            for (std::size_t k = first; k < last; ++k) filled[std::size_t(placed[k].row - y0) * w + (placed[k].col - x0)] = 0;
            for (char f : filled) tile_filled += f;
            if (first == last && tile_filled == 0) continue;
            cells_filled += tile_filled;
            for (std::size_t b = 0; b < bands; ++b) {
                buffer.assign(static_cast<std::size_t>(w) * h, o.nodata);
                if (o.fill)
                    for (std::size_t i = 0; i < buffer.size(); ++i)
                        if (filled[i]) buffer[i] = *o.fill;
                for (std::size_t k = first; k < last; ++k) {
                    const double v = table.values[placed[k].index * bands + b];
                    if (!std::isnan(v)) buffer[std::size_t(placed[k].row - y0) * w + (placed[k].col - x0)] = v;
                }
                out.write(static_cast<int>(b) + 1, x0, y0, w, h, buffer.data());
            }
            first = last;
        }
    out.publish();
    if (o.progress) o.progress(1.0);

    PrepareMeshSummary s;
    s.level = table.level;
    s.rows_read = static_cast<std::int64_t>(table.cells.size());
    s.values_missing = table.values_missing;
    s.cols = cols;
    s.rows = rows;
    s.west = west / deg;
    s.south = south / deg;
    s.east = east / deg;
    s.north = north / deg;
    s.band_totals.assign(bands, 0.0);
    for (std::size_t i = 0; i < table.cells.size(); ++i)
        for (std::size_t b = 0; b < bands; ++b)
            if (!std::isnan(table.values[i * bands + b])) s.band_totals[b] += table.values[i * bands + b];
    s.fill_meshes = fill_codes;
    s.cells_filled = cells_filled;
    s.written = out.path();
    return s;
}

}  // namespace repot
