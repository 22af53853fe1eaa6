// `repot prepare roofs`, `mesh` and `irradiation`: flags -> options, call the library, print the summary.
#include <cpl_progress.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "log.hpp"
#include "repot/error.hpp"
#include "repot/prepare.hpp"
#include "validators.hpp"

namespace repot::cli {
namespace {

// Progress bar in GDAL's format on a terminal, nothing in pipes and logs.
// GDAL's bar on a terminal; progress events with --log-format json; nothing with -q or off a terminal.
PrepareProgress terminal_progress(bool quiet) {
    if (json_log())
        return [last = -1](double f) mutable {
            const int pct = int(f * 100);
            if (pct == last) return;
            last = pct;
            log_event(LogLevel::info, "progress", {{"fraction", pct / 100.0}});
        };
    if (quiet || !isatty(fileno(stderr))) return {};
    return [](double fraction) { GDALTermProgress(fraction, nullptr, nullptr); };
}

Extent parse_extent(const std::string& text) {
    double v[4];
    const char* p = text.data();
    const char* end = text.data() + text.size();
    for (int i = 0; i < 4; ++i) {
        const auto [next, ec] = std::from_chars(p, end, v[i]);
        const bool separator_ok = (i < 3) ? (next < end && *next == ',') : (next == end);
        if (ec != std::errc() || !separator_ok)
            throw UsageError(fmt::format("--extent '{}' is not xmin,ymin,xmax,ymax", text));
        p = next + 1;
    }
    return {v[0], v[1], v[2], v[3]};
}

void print_roofs_summary(const PrepareRoofsOptions& o, const PrepareRoofsSummary& s) {
    fmt::print("grid: {} x {} pixels of {} m, {}, upper-left x={} y={}, {} tile(s)\n", s.cols, s.rows, s.resolution,
               o.crs, s.x_min, s.y_max, s.tiles);
    fmt::print("footprints: {} read, {} empty skipped, {} repaired\n", s.features, s.features_empty,
               s.features_repaired);
    fmt::print("polygon area: {:.3f} m2\n", s.geometry_area_m2);
    if (!o.area_field.empty())
        fmt::print("area from field {}: {:.3f} m2 ({} footprints without a positive value used their polygon area)\n",
                   o.area_field, s.footprint_area_m2, s.area_field_missing);
    fmt::print("raster roof area: {:.3f} m2\n", s.raster_area_m2);
    if (o.merge_overlaps)
        fmt::print("overlapping footprints: {} group(s) counted once (union)\n", s.overlap_groups);
    if (s.overlap_pixels > 0)
        fmt::print("warning: {} pixels hold more roof than their area ({})\n", s.overlap_pixels,
                   o.area_field.empty() ? "overlapping footprints add up" : "areas scaled to --area-field");
    if (!o.height_output.empty())
        fmt::print("height: {} footprints without a positive {} are left out of the mean\n", s.height_missing,
                   o.height_field);
    if (!o.count_output.empty()) fmt::print("buildings counted: {}\n", s.buildings_counted);
    if (!o.dsm.empty()) fmt::print("pixels with a DSM slope: {}\n", s.slope_pixels);
    for (const std::string& path : s.written) fmt::print("wrote {}\n", path);
}

void add_roofs(CLI::App& prepare, Action& action) {
    auto o = std::make_shared<PrepareRoofsOptions>();
    auto extent = std::make_shared<std::string>();
    auto quiet = std::make_shared<bool>(false);
    CLI::App* cmd = prepare.add_subcommand(
        "roofs", "Rasterize building footprints into m2 of roof per pixel (exact area per pixel)");
    cmd->add_option("footprints", o->footprints, "Building footprints: any OGR vector source")->required();
    cmd->add_option("--res", o->resolution, "Pixel size in metres")->required()->check(positive_number());
    cmd->add_option("--crs", o->crs, "Output CRS: projected, in metres")->capture_default_str();
    cmd->add_option("-o,--output", o->output, "Roof area raster to write (GeoTIFF, m2 per pixel)")->required();
    cmd->add_option("--layer", o->layer, "Layer of the footprint source (default: the first)");
    cmd->add_option("--where", o->where, "OGR SQL WHERE clause selecting footprints");
    cmd->add_option("--extent", *extent,
                    "xmin,ymin,xmax,ymax in the output CRS, whole pixels "
                    "(default: the footprints' extent snapped outward to multiples of --res)");
    cmd->add_option("--area-field", o->area_field,
                    "Scale each footprint's pixel areas to add up to this attribute (null or <= 0: polygon area)");
    cmd->add_option("--height-field", o->height_field, "Building height attribute (m) for --height-out");
    cmd->add_option("--height-out", o->height_output, "Raster of the roof-area-weighted mean height");
    cmd->add_option("--count-out", o->count_output, "Raster of the number of buildings by centroid");
    cmd->add_option("--dsm", o->dsm, "DSM raster (same CRS, cells nesting in the output pixels) for roof slope/aspect");
    cmd->add_option("--slope-out", o->slope_output, "Raster of roof slope (degrees) from --dsm");
    cmd->add_option("--aspect-out", o->aspect_output, "Raster of roof aspect (degrees clockwise from north) from --dsm");
    cmd->add_option_function<std::string>(
           "--overlaps", [o](const std::string& mode) { o->merge_overlaps = (mode == "union"); },
           "Overlapping footprints: union (count once, default) or add (needed with --area-field)")
        ->check(CLI::IsMember({"union", "add"}));
    cmd->add_flag("--make-valid", o->make_valid, "Repair invalid polygons (OGR MakeValid) instead of stopping");
    cmd->add_option("--tile-size", o->tile_size, "Output pixels per tile side (bounds memory)")
        ->capture_default_str()
        ->check(whole_number(1, 1 << 16, "1..65536"));
    cmd->add_flag("-q,--quiet", *quiet, "No progress bar and no summary");
    cmd->callback([&action, o, extent, quiet] {
        action = [o, extent, quiet] {
            if (!extent->empty()) o->extent = parse_extent(*extent);
            o->progress = terminal_progress(*quiet);
            const PrepareRoofsSummary s = prepare_roofs(*o);
            if (!*quiet) print_roofs_summary(*o, s);
            return static_cast<int>(ExitCode::ok);
        };
    });
}

void print_mesh_summary(const PrepareMeshOptions& o, const PrepareMeshSummary& s) {
    fmt::print("level: {}\n", prepare::mesh_level_name(s.level));
    fmt::print("rows: {} ({} empty values left as nodata)\n", s.rows_read, s.values_missing);
    fmt::print("grid: {} x {} cells, EPSG:6668, lon {:.7f} to {:.7f}, lat {:.7f} to {:.7f}\n", s.cols, s.rows, s.west,
               s.east, s.south, s.north);
    for (std::size_t b = 0; b < s.band_totals.size(); ++b)
        fmt::print("band {} {}: total {:.17g}\n", b + 1, o.value_fields[b], s.band_totals[b]);
    if (o.fill)
        fmt::print("fill: {} cells absent from the table in 1st-level mesh(es) {} set to {}\n", s.cells_filled,
                   fmt::join(s.fill_meshes, " "), *o.fill);
    fmt::print("wrote {}\n", s.written);
}

void add_mesh(CLI::App& prepare, Action& action) {
    auto o = std::make_shared<PrepareMeshOptions>();
    auto level = std::make_shared<std::string>();
    auto quiet = std::make_shared<bool>(false);
    CLI::App* cmd = prepare.add_subcommand(
        "mesh", "Build a raster on the JIS X 0410 mesh grid (EPSG:6668) from a table of mesh codes and values");
    cmd->add_option("table", o->table, "Table with mesh codes: CSV or any OGR source")->required();
    cmd->add_option("--code-field", o->code_field, "Field holding the mesh code")->required();
    cmd->add_option("--value-field", o->value_fields, "Field(s) holding values, one band each (comma-separated)")
        ->required()
        ->delimiter(',');
    cmd->add_option("-o,--output", o->output, "Raster to write (GeoTIFF, Float64)")->required();
    cmd->add_option("--layer", o->layer, "Layer of the table source (default: the first)");
    cmd->add_option("--where", o->where, "OGR SQL WHERE clause selecting rows");
    cmd->add_option("--level", *level,
                    "Mesh level: 1, 2, 3, 4 (500 m), 5 (250 m) or 100m (L03-b); needed for 10-digit codes "
                    "(default: from the code length)");
    cmd->add_option("--nodata", o->nodata, "Value of cells absent from the table")->capture_default_str();
    cmd->add_option_function<double>(
        "--fill", [o](double value) { o->fill = value; },
        "Value of cells absent from the table inside its 1st-level meshes (census tables list populated "
        "cells only: --fill 0); other cells stay nodata");
    cmd->add_flag("-q,--quiet", *quiet, "No progress bar and no summary");
    cmd->callback([&action, o, level, quiet] {
        action = [o, level, quiet] {
            if (!level->empty()) o->level = prepare::parse_mesh_level(*level);
            o->progress = terminal_progress(*quiet);
            const PrepareMeshSummary s = prepare_mesh(*o);
            if (!*quiet) print_mesh_summary(*o, s);
            return static_cast<int>(ExitCode::ok);
        };
    });
}

void print_irradiation_summary(const PrepareIrradiationOptions& o, const PrepareIrradiationSummary& s) {
    fmt::print("points: {} ({} layout): {}; {} inside the grid\n", s.point_ids.size(), s.layout,
               fmt::join(s.point_ids, ","), s.points_inside);
    fmt::print("grid: {} x {} cells of {} m, {}, upper-left x={} y={}\n", s.cols, s.rows, s.resolution, s.crs, s.x_min,
               s.y_max);
    fmt::print("method: {}\n", o.method == IrradiationMethod::idw
                                    ? fmt::format("inverse-distance weighting, power {}", o.power.value_or(2))
                                    : std::string("nearest point (Thiessen)"));
    fmt::print("GHI: January {:.2f}..{:.2f}, July {:.2f}..{:.2f}, year {:.1f}..{:.1f} kWh/m2\n", s.min[0], s.max[0],
               s.min[6], s.max[6], s.annual_min, s.annual_max);
    fmt::print("wrote {}\n", s.written);
}

void add_irradiation(CLI::App& prepare, Action& action) {
    auto o = std::make_shared<PrepareIrradiationOptions>();
    auto filters = std::make_shared<std::vector<std::string>>();
    auto quiet = std::make_shared<bool>(false);
    CLI::App* cmd = prepare.add_subcommand(
        "irradiation", "Build a 12-band monthly GHI raster (kWh/m2) from irradiation at points (e.g. NEDO MONSOLA-11)");
    cmd->add_option("points", o->points, "CSV: MONSOLA layout (station_id,lat,lon,quantity,m01..m12) or id,lat,lon,m01..m12")
        ->required();
    cmd->add_option("-o,--output", o->output, "Raster to write (GeoTIFF, 12 bands Float32)")->required();
    cmd->add_option("--grid", o->grid, "Output grid: a raster, or EPSG:CODE:RES:XMIN,YMIN,XMAX,YMAX (as repot run --grid)");
    cmd->add_option("--like", o->like, "Cover this raster's extent, in its CRS, at --res");
    cmd->add_option_function<double>(
        "--res", [o](double r) { o->resolution = r; },
        "Cell size in metres with --like or the default grid (points' extent + 20 km, EPSG:6677); default 1000");
    cmd->add_option_function<std::string>(
           "--method", [o](const std::string& m) { o->method = m == "idw" ? IrradiationMethod::idw : IrradiationMethod::nearest; },
           "nearest (Thiessen, default) or idw (inverse-distance weighting of all points)")
        ->check(CLI::IsMember({"nearest", "idw"}));
    cmd->add_option_function<double>("--power", [o](double p) { o->power = p; }, "IDW exponent (default 2)");
    cmd->add_option("--filter", *filters, "COLUMN=VALUE: use only rows where the column has this value (repeatable)");
    cmd->add_flag("-q,--quiet", *quiet, "No progress bar and no summary");
    cmd->callback([&action, o, filters, quiet] {
        action = [o, filters, quiet] {
            for (const std::string& f : *filters) {
                const auto eq = f.find('=');
                if (eq == std::string::npos || eq == 0)
                    throw UsageError(fmt::format("--filter '{}' is not COLUMN=VALUE", f));
                o->filters.emplace_back(f.substr(0, eq), f.substr(eq + 1));
            }
            o->progress = terminal_progress(*quiet);
            const PrepareIrradiationSummary s = prepare_irradiation(*o);
            if (!*quiet) print_irradiation_summary(*o, s);
            return static_cast<int>(ExitCode::ok);
        };
    });
}

}  // namespace

void add_prepare_command(CLI::App& root, Action& action) {
    CLI::App* prepare = root.add_subcommand(
        "prepare", "Turn building footprints, JIS X 0410 mesh tables and irradiation points into analysis-ready rasters");
    prepare->require_subcommand(1);
    add_roofs(*prepare, action);
    add_mesh(*prepare, action);
    add_irradiation(*prepare, action);
}

}  // namespace repot::cli
