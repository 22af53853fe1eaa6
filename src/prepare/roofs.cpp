// `prepare roofs`: footprints -> m² of roof per pixel (exact area), plus optional mean height,
// building count and DSM roof slope/aspect rasters.
//
// Two passes over the features. The first checks every geometry (type, CRS, validity) and measures
// the extent, so that bad data fails before anything is written. The second goes tile by tile:
// an OGR spatial filter fetches only the footprints that meet the tile, each adds the part of it
// that lies inside the tile, and the tile is written and dropped. Memory is one tile of
// accumulators plus one footprint, whatever the number of buildings.
#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <set>

#include "dsm_slope.hpp"
#include "footprint_reader.hpp"
#include "gdal_support.hpp"
#include "repot/error.hpp"
#include "repot/prepare.hpp"
#include "roof_grid.hpp"
#include "roof_tile.hpp"
#include "staged_raster.hpp"
#include "stop.hpp"
#include "../io/path_clash.hpp"

namespace repot {
namespace {

using namespace repot::prepare;

constexpr float value_nodata = -9999.0f;

void check_options(const PrepareRoofsOptions& o) {
    if (o.footprints.empty()) throw UsageError("prepare roofs needs a footprint file");
    if (!(o.resolution > 0) || !std::isfinite(o.resolution)) throw UsageError("--res must be a positive number of metres");
    if (o.output.empty()) throw UsageError("prepare roofs needs an output file (-o)");
    if (o.tile_size < 1) throw UsageError("--tile-size must be at least 1 pixel");
    if (!o.height_output.empty() && o.height_field.empty())
        throw UsageError("--height-out needs --height-field (the attribute holding the building height)");
    if (o.height_output.empty() && !o.height_field.empty())
        throw UsageError("--height-field needs --height-out (the file for the mean height raster)");
    const bool any_slope_output = !o.slope_output.empty() || !o.aspect_output.empty();
    if (!o.dsm.empty() && !any_slope_output) throw UsageError("--dsm needs --slope-out and/or --aspect-out");
    if (o.dsm.empty() && any_slope_output) throw UsageError("--slope-out and --aspect-out need --dsm");
    if (!o.area_field.empty() && o.merge_overlaps)
        throw UsageError("--area-field scales each footprint on its own, so overlapping footprints cannot be "
                         "merged: add --overlaps add");
    std::set<std::string> seen;
    for (const std::string* path : {&o.output, &o.height_output, &o.count_output, &o.slope_output, &o.aspect_output})
        if (!path->empty() && !seen.insert(*path).second)
            throw UsageError(fmt::format("'{}' is given as two different outputs", *path));
    refuse_clashing_paths({{"footprints", o.footprints}, {"--dsm", o.dsm}},
                          {{"-o", o.output},
                           {"--height-out", o.height_output},
                           {"--count-out", o.count_output},
                           {"--slope-out", o.slope_output},
                           {"--aspect-out", o.aspect_output}});
}

// First pass: validates every feature and sums what the summary reports.
Extent scan_footprints(FootprintReader& reader, bool with_height, PrepareRoofsSummary& s) {
    Extent env{HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    while (std::optional<Footprint> fp = reader.next()) {
        throw_if_stop_requested();
        ++s.features;
        s.features_repaired += fp->repaired;
        s.area_field_missing += fp->area_field_missing;
        s.height_missing += with_height && !fp->height;
        s.geometry_area_m2 += fp->geometry_area;
        s.footprint_area_m2 += fp->target_area;
        env.xmin = std::min(env.xmin, fp->envelope.xmin);
        env.ymin = std::min(env.ymin, fp->envelope.ymin);
        env.xmax = std::max(env.xmax, fp->envelope.xmax);
        env.ymax = std::max(env.ymax, fp->envelope.ymax);
    }
    s.features_empty = reader.empty_skipped();
    return env;
}

std::vector<std::pair<std::string, std::string>> output_metadata(const PrepareRoofsOptions& o, const std::string& what) {
    std::string processing = fmt::format(
        "repot {} prepare roofs: exact area of the footprints inside each pixel ({}), CRS {}, pixel {} m", REPOT_VERSION,
        o.merge_overlaps ? "overlapping footprints counted once" : "overlapping footprints add", o.crs, o.resolution);
    if (!o.where.empty()) processing += fmt::format(", where {}", o.where);
    if (!o.area_field.empty()) processing += fmt::format(", areas scaled to field {}", o.area_field);
    if (o.make_valid) processing += ", invalid polygons repaired (MakeValid)";
    return {{"DESCRIPTION", what}, {"SOURCE", CPLGetFilename(o.footprints.c_str())}, {"PROCESSING", processing}};
}

struct Outputs {
    std::unique_ptr<StagedRaster> area, height, count, slope, aspect;

    template <class F>
    void each(F&& f) {
        for (auto* out : {&area, &height, &count, &slope, &aspect})
            if (*out) f(**out);
    }
};

std::unique_ptr<StagedRaster> stage(const PrepareRoofsOptions& o, const std::string& path, const PixelGrid& grid,
                                    const OGRSpatialReference& srs, const std::string& band, const std::string& what,
                                    std::optional<double> nodata) {
    if (path.empty()) return nullptr;
    StagedRasterSpec spec;
    spec.path = path;
    spec.cols = grid.cols;
    spec.rows = grid.rows;
    spec.type = GDT_Float32;
    spec.geotransform = {grid.x_min, grid.pixel_width, 0, grid.y_max, 0, -grid.pixel_height};
    spec.srs = &srs;
    spec.bands = {{band, nodata}};
    spec.metadata = output_metadata(o, what);
    return std::make_unique<StagedRaster>(spec);
}

std::vector<float> to_float(const std::vector<double>& values) {
    return std::vector<float>(values.begin(), values.end());
}

}  // namespace

PrepareRoofsSummary prepare_roofs(const PrepareRoofsOptions& o) {
    check_options(o);
    QuietGdalErrors quiet;
    const std::unique_ptr<OGRSpatialReference> srs = parse_projected_metre_crs(o.crs, "--crs");
    if (o.extent) exact_grid(*o.extent, o.resolution);   // refuse a bad --extent before reading anything

    PrepareRoofsSummary s;
    FootprintReader reader(o, *srs);
    reader.restrict_to(o.extent);
    const Extent found = scan_footprints(reader, !o.height_field.empty(), s);
    reader.set_check_validity(false);
    if (!o.extent && s.features == 0)
        throw DataError(fmt::format("{}: no polygon footprints{}; nothing to rasterize (give --extent for an empty raster)",
                                    o.footprints, o.where.empty() ? "" : " match --where"));
    const PixelGrid grid = o.extent ? exact_grid(*o.extent, o.resolution) : snapped_grid(found, o.resolution);
    s.x_min = grid.x_min;
    s.y_max = grid.y_max;
    s.resolution = o.resolution;
    s.cols = grid.cols;
    s.rows = grid.rows;

    std::unique_ptr<DsmSlope> dsm;
    int tile_size = o.tile_size;
    if (!o.dsm.empty()) {
        dsm = std::make_unique<DsmSlope>(o.dsm, *srs, grid);
        tile_size = std::min(tile_size, dsm->max_tile_size());
    }

    Outputs out;
    out.area = stage(o, o.output, grid, *srs, "roof_area_m2", "m2 of building footprint (roof outline) in the pixel",
                     std::nullopt);
    out.height = stage(o, o.height_output, grid, *srs, "roof_height_mean_m",
                       fmt::format("roof-area-weighted mean of field {} (m)", o.height_field), value_nodata);
    out.count = stage(o, o.count_output, grid, *srs, "building_count",
                      "number of buildings whose centroid lies in the pixel", std::nullopt);
    out.slope = stage(o, o.slope_output, grid, *srs, "roof_slope_deg",
                      "roof-area-weighted mean roof slope from the DSM (degrees, Horn)", value_nodata);
    out.aspect = stage(o, o.aspect_output, grid, *srs, "roof_aspect_deg",
                       "roof-area-weighted circular mean roof aspect from the DSM (degrees clockwise from north)",
                       value_nodata);

    const std::vector<Tile> tiles = plan_tiles(grid, tile_size);
    s.tiles = static_cast<int>(tiles.size());
    const double pixel_area = grid.pixel_width * grid.pixel_height;
    for (std::size_t t = 0; t < tiles.size(); ++t) {
        const Tile& tile = tiles[t];
        throw_if_stop_requested();
        RoofTile acc(tile, grid, {!o.height_output.empty(), !o.count_output.empty(), o.merge_overlaps});
        std::unique_ptr<RoofSlopeTile> slope;
        if (dsm) slope = dsm->start_tile(tile);

        // One pixel of margin: what the spatial filter returns beyond the tile is clipped away anyway.
        Extent fetch = tile.extent();
        fetch.xmin -= grid.pixel_width;
        fetch.xmax += grid.pixel_width;
        fetch.ymin -= grid.pixel_height;
        fetch.ymax += grid.pixel_height;
        reader.restrict_to(fetch);
        while (std::optional<Footprint> fp = reader.next()) {
            throw_if_stop_requested();
            if (slope) slope->add(*fp);
            acc.add(std::move(*fp));
        }
        s.overlap_groups += acc.finish();

        const int x0 = tile.col0, y0 = tile.row0, w = tile.grid.cols, h = tile.grid.rows;
        for (double a : acc.area()) {
            s.raster_area_m2 += a;
            if (a > pixel_area * (1 + 1e-6)) ++s.overlap_pixels;   // beyond rounding
        }
        out.area->write(1, x0, y0, w, h, to_float(acc.area()).data());
        if (out.height) out.height->write(1, x0, y0, w, h, acc.mean_height(value_nodata).data());
        if (out.count) {
            for (double c : acc.count()) s.buildings_counted += static_cast<std::int64_t>(c);
            out.count->write(1, x0, y0, w, h, to_float(acc.count()).data());
        }
        if (slope) {
            const RoofSlopeTile::Result r = slope->result(value_nodata);
            s.slope_pixels += r.pixels;
            if (out.slope) out.slope->write(1, x0, y0, w, h, r.slope.data());
            if (out.aspect) out.aspect->write(1, x0, y0, w, h, r.aspect.data());
        }
        if (o.progress) o.progress(double(t + 1) / double(tiles.size()));
    }

    // All outputs or none: closed (a flush can fail) and checked before the first is moved into place.
    std::vector<StagedRaster*> all;
    out.each([&all](StagedRaster& r) { all.push_back(&r); });
    publish_together(all);
    for (const StagedRaster* r : all) s.written.push_back(r->path());
    return s;
}

}  // namespace repot
