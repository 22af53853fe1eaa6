#include "overview_png.hpp"

#include <cairo.h>
#include <cpl_error.h>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "raster_input.hpp"
#include "repot/error.hpp"

namespace repot {

namespace {

// ---- colours -------------------------------------------------------------------------------------------

struct Rgb {
    double r, g, b;  // 0..1
};

// Reversed magma (matplotlib) without its near-black end: perceptually even, readable in grey and by
// colour-blind readers, pale at 0 so that land without the resource reads as "little" rather than as a
// dark mass, and never so dark at the top that the dark grey outlines vanish.
constexpr std::array<Rgb, 8> kRamp{{{0xfc / 255., 0xfd / 255., 0xbf / 255.},
                                    {0xfe / 255., 0xc2 / 255., 0x87 / 255.},
                                    {0xfb / 255., 0x87 / 255., 0x61 / 255.},
                                    {0xe5 / 255., 0x50 / 255., 0x64 / 255.},
                                    {0xb5 / 255., 0x36 / 255., 0x7a / 255.},
                                    {0x81 / 255., 0x25 / 255., 0x81 / 255.},
                                    {0x4f / 255., 0x12 / 255., 0x7b / 255.},
                                    {0x1c / 255., 0x10 / 255., 0x44 / 255.}}};
// Whole bytes / 255, so that cairo's fill colours land on exact byte values.
constexpr Rgb kBackground{1, 1, 1};                                // outside the zones, and the page
constexpr Rgb kNoDataInside{0xdd / 255., 0xdd / 255., 0xdd / 255.};  // in a zone, no value: unknown, not zero
constexpr Rgb kOutline{0x40 / 255., 0x40 / 255., 0x40 / 255.};
constexpr Rgb kInk{0x1a / 255., 0x1a / 255., 0x1a / 255.};         // text, ticks, scale bar

// The ramp at t in [0, 1], linear between stops; the same interpolation cairo applies to the legend's
// gradient, so that the bar and the map agree.
Rgb ramp(double t) {
    const double x = std::clamp(t, 0.0, 1.0) * (kRamp.size() - 1);
    const size_t i = std::min(size_t(x), kRamp.size() - 2);
    const double f = x - double(i);
    const Rgb& a = kRamp[i];
    const Rgb& b = kRamp[i + 1];
    return {a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f};
}

uint8_t byte_of(double v) { return uint8_t(std::lround(std::clamp(v, 0.0, 1.0) * 255)); }

void set_colour(cairo_t* cr, const Rgb& c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

// ---- cairo ownership -----------------------------------------------------------------------------------

struct SurfaceFree {
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextFree {
    void operator()(cairo_t* c) const { cairo_destroy(c); }
};
using Surface = std::unique_ptr<cairo_surface_t, SurfaceFree>;
using Context = std::unique_ptr<cairo_t, ContextFree>;

// cairo reports errors as a sticky status rather than at the call: checked after creation and at the end.
void check(cairo_status_t status, const std::string& path, const char* what) {
    if (status != CAIRO_STATUS_SUCCESS)
        throw DataError(fmt::format("{}: cannot {} the overview picture: {}", path, what,
                                    cairo_status_to_string(status)));
}

Surface new_surface(cairo_format_t format, int w, int h, const std::string& path) {
    Surface s(cairo_image_surface_create(format, w, h));
    check(cairo_surface_status(s.get()), path, "allocate");
    return s;
}

Context new_context(cairo_surface_t* s, const std::string& path) {
    Context c(cairo_create(s));
    check(cairo_status(c.get()), path, "draw");
    return c;
}

// ---- the raster, read at picture size ------------------------------------------------------------------

struct DensityMap {
    int width = 0, height = 0;              // of the raster, in its pixels
    std::array<double, 6> geotransform{};
    int map_w = 0, map_h = 0;               // of the map area in the picture: longer side max_side_px
    int read_w = 0, read_h = 0;             // of `density`
    std::vector<float> density;             // per hectare, row-major read_w × read_h; NaN where no data
};

// The picture is drawn north-up and the pixel area is gt[1] × -gt[5]: both need an unrotated, north-up grid.
std::array<double, 6> north_up_geotransform(GDALDataset& ds, const std::string& path) {
    std::array<double, 6> gt{};
    if (ds.GetGeoTransform(gt.data()) != CE_None)
        throw DataError(fmt::format("{}: the map raster has no geotransform (not georeferenced)", path));
    if (gt[2] != 0 || gt[4] != 0)
        throw DataError(fmt::format("{}: the map raster has a rotated geotransform; the overview needs a north-up "
                                    "raster (warp it with gdalwarp first)",
                                    path));
    if (!(gt[1] > 0) || !(gt[5] < 0))
        throw DataError(fmt::format("{}: the map raster is not north-up (pixel size {} × {}); the overview needs "
                                    "positive x and negative y pixel sizes",
                                    path, gt[1], gt[5]));
    return gt;
}

void require_metre_crs(GDALDataset& ds, const std::string& path) {
    const OGRSpatialReference* srs = ds.GetSpatialRef();
    if (!srs || !srs->IsProjected() || std::abs(srs->GetLinearUnits() - 1) > 1e-9)
        throw DataError(fmt::format("{}: the map raster needs a projected CRS in metres (pixel areas in m²)", path));
}

bool is_nodata(float v, bool has_nodata, double nodata) {
    if (!std::isfinite(v)) return true;
    return has_nodata && v == float(nodata);
}

// Averaged on reading (GDAL uses overviews when present and skips nodata pixels), so that memory
// follows the picture, not the raster. Rasters smaller than the picture are read whole and enlarged
// when drawn.
DensityMap read_density(const OverviewSpec& spec) {
    const std::string& path = spec.map_path;
    std::unique_ptr<GDALDataset> ds = open_raster(path);
    if (ds->GetRasterCount() != 1)
        throw DataError(fmt::format("{}: the map raster has {} bands; expected 1", path, ds->GetRasterCount()));
    DensityMap m;
    m.width = ds->GetRasterXSize();
    m.height = ds->GetRasterYSize();
    m.geotransform = north_up_geotransform(*ds, path);
    require_metre_crs(*ds, path);
    const double k = double(spec.max_side_px) / std::max(m.width, m.height);
    m.map_w = std::max(1, int(std::lround(m.width * k)));
    m.map_h = std::max(1, int(std::lround(m.height * k)));
    m.read_w = std::min(m.map_w, m.width);
    m.read_h = std::min(m.map_h, m.height);
    m.density.resize(size_t(m.read_w) * size_t(m.read_h));

    GDALRasterBand* band = ds->GetRasterBand(1);
    GDALRasterIOExtraArg extra;
    INIT_RASTERIO_EXTRA_ARG(extra);
    extra.eResampleAlg = GRIORA_Average;
    if (band->RasterIO(GF_Read, 0, 0, m.width, m.height, m.density.data(), m.read_w, m.read_h, GDT_Float32, 0, 0,
                       &extra) != CE_None)
        throw DataError(fmt::format("{}: cannot read the map raster: {}", path, CPLGetLastErrorMsg()));

    int has_nodata = 0;
    const double nodata = band->GetNoDataValue(&has_nodata);
    const double pixel_area_m2 = m.geotransform[1] * -m.geotransform[5];
    const double per_ha = spec.value_scale / pixel_area_m2 * 10000.0;
    for (float& v : m.density)
        v = is_nodata(v, has_nodata != 0, nodata) ? std::numeric_limits<float>::quiet_NaN() : float(v * per_ha);
    return m;
}

// ---- colour scale --------------------------------------------------------------------------------------

struct ColourScale {
    double top = 1;     // density shown in the ramp's last colour; above it is clipped
    double step = 0.25; // between legend ticks
    int decimals = 2;   // of the tick labels
    bool clipped = false;

    double position(double density) const { return density / top; }
    std::string label(double v) const { return fmt::format("{:.{}f}", v, decimals); }
    int ticks() const { return int(std::lround(top / step)) + 1; }
};

// The 98th percentile of the non-zero densities: a few hot pixels (a warehouse roof, a pixel mostly
// outside its zone) would otherwise wash out the ramp. Zeros are left out so that a sparse resource is
// not squeezed into the bottom colours.
double percentile_98(const std::vector<float>& density) {
    std::vector<float> positive;
    for (float v : density)
        if (v > 0) positive.push_back(v);
    if (positive.empty()) return 0;
    const auto k = positive.begin() + std::ptrdiff_t(0.98 * double(positive.size() - 1));
    std::nth_element(positive.begin(), k, positive.end());
    return *k;
}

// The top of the legend: the clip value rounded up to 2-4 whole steps of a round size (1, 2, 2.5, 3, 4, 5
// × 10^n), the smallest such top, so that the ticks read "0 5 10 15 20" rather than "0 4.7 9.4 ...".
ColourScale colour_scale(const std::vector<float>& density) {
    const double clip = percentile_98(density);
    const double x = clip > 0 ? clip : 1;
    ColourScale best;
    best.top = std::numeric_limits<double>::infinity();
    const int e0 = int(std::floor(std::log10(x)));
    for (int e = e0 - 1; e <= e0 + 1; ++e)
        for (double mantissa : {1.0, 2.0, 2.5, 3.0, 4.0, 5.0}) {
            const double step = mantissa * std::pow(10.0, e);
            const double steps = std::ceil(x / step * (1 - 1e-12));
            const double top = steps * step;
            if (steps < 2 || steps > 4 || top > best.top * (1 + 1e-12)) continue;
            if (top < best.top * (1 - 1e-12) || step < best.step) {
                best.top = top;
                best.step = step;
                best.decimals = std::max(0, -e + (mantissa == 2.5 ? 1 : 0));
            }
        }
    for (float v : density)
        if (v > best.top) best.clipped = true;
    return best;
}

// ---- layout --------------------------------------------------------------------------------------------

constexpr double kTitleSize = 20, kTextSize = 13;
constexpr int kMargin = 16, kTitleBand = 44, kScaleBand = 52, kLegendGap = 24, kBarWidth = 18;
constexpr int kLegendHead = 26;  // unit line above the bar
constexpr int kNoDataKey = 30;   // "no data" swatch below the bar

struct Layout {
    int map_x = kMargin, map_y = kTitleBand, map_w = 0, map_h = 0;
    int legend_x = 0, bar_top = 0, bar_h = 0;
    int scale_y = 0;  // baseline of the scale bar
    int width = 0, height = 0;
};

void set_font(cairo_t* cr, double size, bool bold) {
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double text_width(cairo_t* cr, const std::string& text) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, text.c_str(), &e);
    return e.x_advance;
}

void draw_text(cairo_t* cr, double x, double baseline, const std::string& text) {
    cairo_move_to(cr, x, baseline);
    cairo_show_text(cr, text.c_str());
}

const std::string kAtLeast = "\xe2\x89\xa5 ";  // "≥ " in UTF-8 (DejaVu Sans has the glyph)

std::vector<std::string> tick_labels(const ColourScale& s) {
    std::vector<std::string> out;
    for (int i = 0; i < s.ticks(); ++i) out.push_back(s.label(i * s.step));
    if (s.clipped) out.back() = kAtLeast + out.back();
    return out;
}

// The map area keeps the raster's aspect with its longer side at max_side_px; the legend is as wide as its
// widest text (measured with a scratch context, since the page size depends on it).
Layout layout_for(const OverviewSpec& spec, const DensityMap& m, const std::vector<std::string>& labels) {
    Layout l;
    l.map_w = m.map_w;
    l.map_h = m.map_h;

    Surface scratch = new_surface(CAIRO_FORMAT_RGB24, 1, 1, spec.out_path);
    Context cr = new_context(scratch.get(), spec.out_path);
    set_font(cr.get(), kTextSize, false);
    double widest = kBarWidth + 8 + text_width(cr.get(), "no data");
    for (const auto& s : labels) widest = std::max(widest, kBarWidth + 8 + text_width(cr.get(), s));
    set_font(cr.get(), kTextSize, true);
    widest = std::max(widest, text_width(cr.get(), spec.unit));

    l.legend_x = l.map_x + l.map_w + kLegendGap;
    l.bar_top = l.map_y + kLegendHead;
    l.bar_h = std::clamp(l.map_h - kLegendHead - kNoDataKey, 120, 320);
    const int body_h = std::max(l.map_h, kLegendHead + l.bar_h + kNoDataKey);
    l.scale_y = l.map_y + body_h + 30;
    l.width = l.legend_x + int(std::ceil(widest)) + kMargin;
    l.height = l.map_y + body_h + kScaleBand;
    return l;
}

// ---- drawing -------------------------------------------------------------------------------------------

// The densities as an image with one pixel per value read; no data stays transparent so that the zone
// fill underneath shows through.
Surface density_image(const DensityMap& m, const ColourScale& scale, const std::string& path) {
    Surface img = new_surface(CAIRO_FORMAT_ARGB32, m.read_w, m.read_h, path);
    cairo_surface_flush(img.get());
    unsigned char* data = cairo_image_surface_get_data(img.get());
    const int stride = cairo_image_surface_get_stride(img.get());
    for (int y = 0; y < m.read_h; ++y) {
        auto* row = reinterpret_cast<uint32_t*>(data + size_t(y) * size_t(stride));
        for (int x = 0; x < m.read_w; ++x) {
            const float v = m.density[size_t(y) * size_t(m.read_w) + size_t(x)];
            if (std::isnan(v)) {
                row[x] = 0;
                continue;
            }
            const Rgb c = ramp(scale.position(v));
            row[x] = 0xff000000u | uint32_t(byte_of(c.r)) << 16 | uint32_t(byte_of(c.g)) << 8 | byte_of(c.b);
        }
    }
    cairo_surface_mark_dirty(img.get());
    return img;
}

// Map coordinates -> picture pixels, snapped to pixel centres so that a 1 px outline is one crisp dark
// pixel wide instead of two half-grey ones (a shift of at most half a pixel).
struct ToPicture {
    double x0, y0, sx, sy, left, top;
    void operator()(double X, double Y, double& px, double& py) const {
        px = std::floor(left + (X - x0) * sx) + 0.5;
        py = std::floor(top + (Y - y0) * sy) + 0.5;
    }
};

void add_ring(cairo_t* cr, const OGRSimpleCurve& ring, const ToPicture& to_px) {
    const int n = ring.getNumPoints();
    double last_x = NAN, last_y = NAN;
    for (int i = 0; i < n; ++i) {
        double px, py;
        to_px(ring.getX(i), ring.getY(i), px, py);
        if (px == last_x && py == last_y) continue;  // detailed coastlines: many vertices per pixel
        if (std::isnan(last_x))
            cairo_move_to(cr, px, py);
        else
            cairo_line_to(cr, px, py);
        last_x = px;
        last_y = py;
    }
    cairo_close_path(cr);
}

// Every ring of polygons, multipolygons and collections of them; curves are linearized; other geometry
// types have no outline to draw.
void add_rings(cairo_t* cr, const OGRGeometry& g, const ToPicture& to_px) {
    if (g.hasCurveGeometry()) {
        std::unique_ptr<OGRGeometry> linear(g.getLinearGeometry());
        if (linear && !linear->hasCurveGeometry()) add_rings(cr, *linear, to_px);
        return;
    }
    switch (wkbFlatten(g.getGeometryType())) {
    case wkbPolygon:
        for (const OGRLinearRing* ring : *g.toPolygon()) add_ring(cr, *ring, to_px);
        break;
    case wkbMultiPolygon:
    case wkbGeometryCollection:
        for (const OGRGeometry* part : *g.toGeometryCollection()) add_rings(cr, *part, to_px);
        break;
    default:
        break;
    }
}

// The zones' insides in light grey under the map (no data inside a zone), their outlines over it.
void draw_zones(cairo_t* cr, const OverviewSpec& spec, const ToPicture& to_px, bool stroke) {
    for (const OGRGeometry* g : spec.outlines) {
        if (!g) continue;
        cairo_new_path(cr);
        add_rings(cr, *g, to_px);
        if (stroke) {
            cairo_stroke(cr);
        } else {
            cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);  // holes stay holes
            cairo_fill(cr);
        }
    }
}

void draw_map(cairo_t* cr, const OverviewSpec& spec, const Layout& l, const DensityMap& m,
              const ColourScale& scale) {
    const auto& gt = m.geotransform;
    const ToPicture to_px{gt[0], gt[3], l.map_w / (m.width * gt[1]), l.map_h / (m.height * gt[5]),
                          double(l.map_x), double(l.map_y)};
    cairo_save(cr);
    cairo_rectangle(cr, l.map_x, l.map_y, l.map_w, l.map_h);
    cairo_clip(cr);  // zones beyond the raster (islands) must not spill over the legend or the title

    set_colour(cr, kNoDataInside);
    draw_zones(cr, spec, to_px, false);

    Surface img = density_image(m, scale, spec.map_path);
    cairo_save(cr);
    cairo_translate(cr, l.map_x, l.map_y);
    cairo_scale(cr, double(l.map_w) / m.read_w, double(l.map_h) / m.read_h);
    cairo_set_source_surface(cr, img.get(), 0, 0);
    // A raster smaller than the picture is enlarged: show its pixels, do not blur them.
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_paint(cr);
    cairo_restore(cr);

    set_colour(cr, kOutline);
    cairo_set_line_width(cr, 1);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    draw_zones(cr, spec, to_px, true);
    cairo_restore(cr);
}

void draw_legend(cairo_t* cr, const OverviewSpec& spec, const Layout& l, const ColourScale& scale,
                 const std::vector<std::string>& labels) {
    const double x = l.legend_x, top = l.bar_top, bottom = l.bar_top + l.bar_h;
    set_colour(cr, kInk);
    set_font(cr, kTextSize, true);
    draw_text(cr, x, top - 14, spec.unit);

    cairo_pattern_t* gradient = cairo_pattern_create_linear(0, bottom, 0, top);
    for (size_t i = 0; i < kRamp.size(); ++i)
        cairo_pattern_add_color_stop_rgb(gradient, double(i) / (kRamp.size() - 1), kRamp[i].r, kRamp[i].g,
                                         kRamp[i].b);
    cairo_rectangle(cr, x, top, kBarWidth, l.bar_h);
    cairo_set_source(cr, gradient);
    cairo_fill_preserve(cr);
    cairo_pattern_destroy(gradient);
    set_colour(cr, kInk);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);

    set_font(cr, kTextSize, false);
    for (int i = 0; i < scale.ticks(); ++i) {
        const double y = std::round(bottom - l.bar_h * scale.position(i * scale.step)) + 0.5;
        cairo_move_to(cr, x + kBarWidth, y);
        cairo_line_to(cr, x + kBarWidth + 4, y);
        cairo_stroke(cr);
        draw_text(cr, x + kBarWidth + 7, y + kTextSize * 0.35, labels[size_t(i)]);
    }

    if (spec.outlines.empty()) return;
    const double key_y = bottom + 12;
    cairo_rectangle(cr, x + 0.5, key_y + 0.5, kBarWidth - 1, 11);
    set_colour(cr, kNoDataInside);
    cairo_fill_preserve(cr);
    set_colour(cr, kInk);
    cairo_stroke(cr);
    draw_text(cr, x + kBarWidth + 7, key_y + 10, "no data");
}

// A round length (1, 2, 5 × 10^n m) close to a fifth of the map's width.
double scale_bar_metres(double metres_per_px, int map_w) {
    const double target = std::max(60.0, map_w / 5.0) * metres_per_px;
    double best = 1;
    for (double p = 1; p <= target * 10; p *= 10)
        for (double m : {1.0, 2.0, 5.0})
            if (m * p <= target) best = m * p;
    return best;
}

std::string metres_text(double m) {
    return m >= 1000 ? fmt::format("{:g} km", m / 1000) : fmt::format("{:.3g} m", m);
}

void draw_scale(cairo_t* cr, const Layout& l, const DensityMap& m) {
    const double metres_per_px = m.width * m.geotransform[1] / l.map_w;
    const double metres = scale_bar_metres(metres_per_px, l.map_w);
    const double len = std::round(metres / metres_per_px);
    const double x = l.map_x + 0.5, y = l.scale_y + 0.5;
    set_colour(cr, kInk);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, x, y - 6);  // |____| with end ticks
    cairo_line_to(cr, x, y);
    cairo_line_to(cr, x + len, y);
    cairo_line_to(cr, x + len, y - 6);
    cairo_stroke(cr);
    set_font(cr, kTextSize, false);
    draw_text(cr, x + len + 8, y + 4, fmt::format("{}   (1 px = {})", metres_text(metres), metres_text(metres_per_px)));
}

void draw_title(cairo_t* cr, const OverviewSpec& spec, const Layout& l) {
    set_colour(cr, kInk);
    set_font(cr, kTitleSize, true);
    draw_text(cr, l.map_x, l.map_y - 14, spec.title);
}

}  // namespace

void write_overview_png(const OverviewSpec& spec) {
    if (spec.max_side_px < 16)
        throw DataError(fmt::format("{}: the overview needs max_side_px >= 16 (got {})", spec.out_path,
                                    spec.max_side_px));
    const DensityMap m = read_density(spec);
    const ColourScale scale = colour_scale(m.density);
    const std::vector<std::string> labels = tick_labels(scale);
    const Layout l = layout_for(spec, m, labels);

    Surface page = new_surface(CAIRO_FORMAT_RGB24, l.width, l.height, spec.out_path);
    Context cr = new_context(page.get(), spec.out_path);
    set_colour(cr.get(), kBackground);
    cairo_paint(cr.get());
    draw_map(cr.get(), spec, l, m, scale);
    draw_legend(cr.get(), spec, l, scale, labels);
    draw_scale(cr.get(), l, m);
    draw_title(cr.get(), spec, l);
    check(cairo_status(cr.get()), spec.out_path, "draw");
    cairo_surface_flush(page.get());
    check(cairo_surface_write_to_png(page.get(), spec.out_path.c_str()), spec.out_path, "write");
}

}  // namespace repot
