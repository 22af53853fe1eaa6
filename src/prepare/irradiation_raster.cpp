// `prepare irradiation`: monthly GHI at points -> a 12-band Float32 raster, each cell taking the value
// of the nearest point (Thiessen polygons) or an inverse-distance-weighted mean of all points, at the
// cell centre, with distances in the grid's projected CRS.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "../io/crs.hpp"
#include "../pipeline/inputs.hpp"
#include "gdal_support.hpp"
#include "irradiation_points.hpp"
#include "repot/error.hpp"
#include "repot/prepare.hpp"
#include "staged_raster.hpp"

namespace repot {
namespace {

using namespace repot::prepare;

constexpr int block = 512;   // the output's tile size: computed and written one tile at a time
constexpr double default_margin_m = 20000;   // default grid: the points' extent plus this on every side
constexpr const char* month_names[12] = {"January", "February", "March",     "April",   "May",      "June",
                                         "July",    "August",   "September", "October", "November", "December"};

struct Projected {
    double x = 0, y = 0;
};

void check_options(const PrepareIrradiationOptions& o) {
    if (o.points.empty()) throw UsageError("prepare irradiation needs a point table");
    if (o.output.empty()) throw UsageError("prepare irradiation needs an output file (-o)");
    if (!o.grid.empty() && !o.like.empty()) throw UsageError("--grid and --like exclude each other: give one");
    if (!o.grid.empty() && o.resolution)
        throw UsageError("--res applies to --like and the default grid; --grid carries its own resolution");
    if (o.resolution && !(*o.resolution > 0)) throw UsageError("--res must be a positive number of metres");
    if (o.power && o.method != IrradiationMethod::idw) throw UsageError("--power applies to --method idw only");
    if (o.power && !(*o.power > 0 && std::isfinite(*o.power))) throw UsageError("--power must be a positive number");
}

std::string epsg_of(const OGRSpatialReference& srs) {
    OGRSpatialReference s(srs);
    s.AutoIdentifyEPSG();
    const char* auth = s.GetAuthorityName(nullptr);
    const char* code = s.GetAuthorityCode(nullptr);
    return auth && code ? fmt::format("{}:{}", auth, code) : std::string("(no EPSG code)");
}

// Latitude/longitude (JGD2011 geographic) -> the grid's CRS, x = easting.
std::vector<Projected> project(const IrradiationPoints& pts, const OGRSpatialReference& target, const std::string& origin) {
    OGRSpatialReference geographic;
    geographic.importFromEPSG(6668);
    geographic.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&geographic, &target));
    if (!ct) throw DataError(fmt::format("{}: cannot transform latitude/longitude to the grid CRS: {}", origin, last_gdal_error()));
    std::vector<Projected> out;
    for (const IrradiationPoint& p : pts.points) {
        double x = p.lon, y = p.lat;
        if (!ct->Transform(1, &x, &y) || !std::isfinite(x) || !std::isfinite(y))
            throw DataError(fmt::format("{}: row {}: point {} (lat {}, lon {}) cannot be placed in the grid CRS", origin,
                                        p.row, p.id, p.lat, p.lon));
        out.push_back({x, y});
    }
    return out;
}

// A north-up grid covering [xmin, xmax] x [ymin, ymax], snapped outward to multiples of `res` so that
// rasters of one resolution align (as `prepare roofs` does).
GridSpec snapped_grid(double xmin, double ymin, double xmax, double ymax, double res, const std::string& crs_wkt) {
    const double x0 = std::floor(xmin / res) * res, x1 = std::ceil(xmax / res) * res;
    const double y0 = std::floor(ymin / res) * res, y1 = std::ceil(ymax / res) * res;
    GridSpec g;
    g.crs_wkt = crs_wkt;
    g.width = std::max(1, int(std::lround((x1 - x0) / res)));
    g.height = std::max(1, int(std::lround((y1 - y0) / res)));
    g.geotransform = {x0, res, 0, y1, 0, -res};
    return g;
}


}  // namespace

PrepareIrradiationSummary prepare_irradiation(const PrepareIrradiationOptions& o) {
    check_options(o);
    QuietGdalErrors quiet;
    const IrradiationPoints pts = read_irradiation_points(o.points, o.filters);
    const double res = o.resolution.value_or(1000);

    // The grid and its CRS.
    GridSpec grid;
    OGRSpatialReference srs;
    std::vector<Projected> xy;
    if (!o.grid.empty() || !o.like.empty()) {
        grid = o.grid.empty() ? grid_from_raster(o.like) : grid_from_spec(o.grid);
        srs.importFromWkt(grid.crs_wkt.c_str());
        srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        if (!o.like.empty()) {
            const auto b = grid.bounds();
            grid = snapped_grid(b[0], b[1], b[2], b[3], res, grid.crs_wkt);
        }
        xy = project(pts, srs, o.points);
    } else {
        srs.importFromEPSG(6677);
        srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        xy = project(pts, srs, o.points);
        double xmin = xy[0].x, xmax = xy[0].x, ymin = xy[0].y, ymax = xy[0].y;
        for (const Projected& p : xy) {
            xmin = std::min(xmin, p.x), xmax = std::max(xmax, p.x);
            ymin = std::min(ymin, p.y), ymax = std::max(ymax, p.y);
        }
        grid = snapped_grid(xmin - default_margin_m, ymin - default_margin_m, xmax + default_margin_m,
                            ymax + default_margin_m, res, wkt2_of(srs));
    }
    if (grid.geotransform[2] != 0 || grid.geotransform[4] != 0)
        throw DataError(fmt::format("{}: the grid is rotated; prepare irradiation needs a north-up grid", o.grid + o.like));
    if (std::int64_t(grid.width) * grid.height > (std::int64_t(1) << 34))
        throw UsageError(fmt::format("the grid has {} x {} cells; use a coarser --res", grid.width, grid.height));

    // At least one point must lie inside: otherwise the CRS, the extent or lat/lon are most likely wrong.
    const auto bounds = grid.bounds();
    PrepareIrradiationSummary s;
    s.layout = pts.layout;
    for (size_t i = 0; i < xy.size(); ++i) {
        s.point_ids.push_back(pts.points[i].id);
        if (xy[i].x >= bounds[0] && xy[i].x <= bounds[2] && xy[i].y >= bounds[1] && xy[i].y <= bounds[3]) ++s.points_inside;
    }
    if (s.points_inside == 0)
        throw DataError(fmt::format("{}: none of the {} points lies inside the grid's extent (x {} .. {}, y {} .. {}, {}); "
                                    "check lat/lon and the grid", o.points, xy.size(), bounds[0], bounds[2], bounds[1],
                                    bounds[3], epsg_of(srs)));

    const double power = o.power.value_or(2);
    const bool idw = o.method == IrradiationMethod::idw;
    StagedRasterSpec spec;
    spec.path = o.output;
    spec.cols = grid.width;
    spec.rows = grid.height;
    spec.type = GDT_Float32;
    std::copy(grid.geotransform.begin(), grid.geotransform.end(), spec.geotransform.begin());
    spec.srs = &srs;
    for (int m = 0; m < 12; ++m)
        spec.bands.push_back({fmt::format("m{:02d} {}: GHI kWh/m2/month", m + 1, month_names[m]), std::nullopt});
    spec.metadata = {
        {"DESCRIPTION", "global horizontal irradiation per month, kWh/m2 (bands 1-12 = Jan-Dec)"},
        {"SOURCE", CPLGetFilename(o.points.c_str())},
        {"METHOD", idw ? "idw" : "nearest"},
        {"POINT_IDS", fmt::format("{}", fmt::join(s.point_ids, ","))},
        {"PROCESSING", fmt::format("repot {} prepare irradiation: {} at each cell centre, distances in {}", REPOT_VERSION,
                                   idw ? fmt::format("inverse-distance weighting of all {} points, power {}", xy.size(), power)
                                       : std::string("value of the nearest point (Thiessen)"),
                                   epsg_of(srs))}};
    if (idw) spec.metadata.push_back({"IDW_POWER", fmt::format("{}", power)});
    StagedRaster out(spec);

    s.min.fill(std::numeric_limits<double>::infinity());
    s.max.fill(-std::numeric_limits<double>::infinity());
    s.annual_min = std::numeric_limits<double>::infinity();
    s.annual_max = -std::numeric_limits<double>::infinity();
    const double x0 = grid.geotransform[0], dx = grid.geotransform[1];
    const double y0 = grid.geotransform[3], dy = grid.geotransform[5];
    std::vector<double> d2(xy.size());
    std::vector<std::vector<float>> bands(12);
    const int tiles_x = (grid.width + block - 1) / block, tiles_y = (grid.height + block - 1) / block;
    for (int ty = 0; ty < tiles_y; ++ty)
        for (int tx = 0; tx < tiles_x; ++tx) {
            const int c0 = tx * block, r0 = ty * block;
            const int tw = std::min(block, grid.width - c0), th = std::min(block, grid.height - r0);
            for (auto& b : bands) b.assign(size_t(tw) * th, 0.f);
            for (int r = 0; r < th; ++r)
                for (int c = 0; c < tw; ++c) {
                    const double x = x0 + (c0 + c + 0.5) * dx, y = y0 + (r0 + r + 0.5) * dy;
                    std::array<double, 12> v{};
                    // Nearest: ties go to the first point in table order. IDW: a cell centre on a point
                    // takes that point's values (its weight would be infinite).
                    size_t nearest = 0;
                    double best = std::numeric_limits<double>::infinity();
                    for (size_t i = 0; i < xy.size(); ++i) {
                        d2[i] = (xy[i].x - x) * (xy[i].x - x) + (xy[i].y - y) * (xy[i].y - y);
                        if (d2[i] < best) {
                            best = d2[i];
                            nearest = i;
                        }
                    }
                    if (!idw || best == 0) {
                        v = pts.points[nearest].ghi;
                    } else {
                        // Weights (d_nearest / d_i)^p: the same normalised weights as 1/d^p, without
                        // underflow for a large power or distant points.
                        double wsum = 0;
                        for (size_t i = 0; i < xy.size(); ++i) {
                            const double w = std::pow(best / d2[i], power / 2);
                            wsum += w;
                            for (int m = 0; m < 12; ++m) v[size_t(m)] += w * pts.points[i].ghi[size_t(m)];
                        }
                        for (double& e : v) e /= wsum;
                    }
                    double annual = 0;
                    for (int m = 0; m < 12; ++m) {
                        annual += v[size_t(m)];
                        bands[size_t(m)][size_t(r) * tw + c] = float(v[size_t(m)]);
                        s.min[size_t(m)] = std::min(s.min[size_t(m)], v[size_t(m)]);
                        s.max[size_t(m)] = std::max(s.max[size_t(m)], v[size_t(m)]);
                    }
                    s.annual_min = std::min(s.annual_min, annual);
                    s.annual_max = std::max(s.annual_max, annual);
                }
            for (int m = 0; m < 12; ++m) out.write(m + 1, c0, r0, tw, th, bands[size_t(m)].data());
            if (o.progress) o.progress(double(ty * tiles_x + tx + 1) / (tiles_x * tiles_y));
        }
    out.publish();

    s.cols = grid.width;
    s.rows = grid.height;
    s.x_min = x0;
    s.y_max = y0;
    s.resolution = dx;
    s.crs = epsg_of(srs);
    s.written = out.path();
    return s;
}

}  // namespace repot
