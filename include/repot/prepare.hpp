#pragma once
// `repot prepare`: turn building footprints, JIS X 0410 mesh tables and irradiation points into
// analysis-ready rasters.
// Options in, summary out; no GDAL types here so that callers and tests need no GDAL headers.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace repot {

// Called with the share of the work done (0..1); may be empty.
using PrepareProgress = std::function<void(double fraction)>;

// Asks a running prepare_roofs() or prepare_mesh() to stop (safe from a signal handler): it then
// throws Interrupted and leaves none of its outputs.
void request_prepare_stop();

// ---------------------------------------------------------------------------------------------
// prepare roofs: m² of footprint per pixel, exactly
// ---------------------------------------------------------------------------------------------

struct Extent {
    double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
};

struct PrepareRoofsOptions {
    std::string footprints;            // any OGR source (GPKG, GeoJSON, Shapefile, FlatGeobuf, /vsizip/...)
    std::string layer;                 // empty: the first layer
    std::string where;                 // OGR SQL WHERE clause applied to the features
    std::string crs = "EPSG:6677";     // output CRS; must be projected, in metres
    double resolution = 0;             // pixel size in metres (square pixels)
    std::optional<Extent> extent;      // output extent; default: the footprints' extent snapped outward to `resolution`
    std::string area_field;            // scale each footprint's pixel areas so that they sum to this attribute
    std::string height_field;          // attribute for the area-weighted mean height raster
    std::string output;                // roof area raster (m² per pixel)
    std::string height_output;         // optional: area-weighted mean of `height_field` per pixel
    std::string count_output;          // optional: number of buildings whose centroid is in the pixel
    std::string dsm;                   // optional: DSM raster (same CRS, grid nested in the output grid)
    std::string slope_output;          // with dsm: roof slope in degrees
    std::string aspect_output;         // with dsm: roof aspect in degrees clockwise from north
    bool merge_overlaps = true;        // overlapping footprints count once (union per tile); false: they add
    bool make_valid = false;           // repair invalid polygons (OGR MakeValid) instead of refusing them
    int tile_size = 1024;              // output pixels per tile side: bounds memory
    PrepareProgress progress;
};

struct PrepareRoofsSummary {
    // Output grid.
    double x_min = 0, y_max = 0, resolution = 0;
    int cols = 0, rows = 0, tiles = 0;
    // Features.
    std::int64_t features = 0;             // polygonal features read (after --where)
    std::int64_t features_empty = 0;       // null or empty geometry: skipped
    std::int64_t features_repaired = 0;    // invalid, repaired by --make-valid
    std::int64_t area_field_missing = 0;   // --area-field null or <= 0: geometry area used
    std::int64_t height_missing = 0;       // --height-field null or <= 0: left out of the mean
    double footprint_area_m2 = 0;          // Σ per footprint of its target total (geometry area, or the attribute)
    double geometry_area_m2 = 0;           // Σ exact polygon areas in the output CRS
    // Rasters (sums of the double accumulators, before the Float32 cast).
    double raster_area_m2 = 0;
    std::int64_t buildings_counted = 0;     // Σ of the count raster
    std::int64_t overlap_groups = 0;        // groups of overlapping footprints merged (a group is counted in each tile it meets)
    std::int64_t overlap_pixels = 0;        // pixels holding more roof than their area
    std::int64_t slope_pixels = 0;          // pixels that received a slope from the DSM
    std::vector<std::string> written;       // output files, in the order written
};

// Rasterizes footprints tile by tile; throws DataError (bad data) or UsageError (bad options, an
// output that is an input). The outputs appear together or not at all (docs/reliability.md).
PrepareRoofsSummary prepare_roofs(const PrepareRoofsOptions& options);

// ---------------------------------------------------------------------------------------------
// prepare mesh: a table of JIS X 0410 mesh codes and values -> raster in JGD2011 lon/lat
// ---------------------------------------------------------------------------------------------

// JIS X 0410 levels, plus the 100 m subdivision of the 3rd level used by MLIT's L03-b.
enum class MeshLevel { first = 1, second = 2, third = 3, fourth = 4, fifth = 5, hundred_metre = 100 };

struct PrepareMeshOptions {
    std::string table;                       // any OGR source: CSV, GPKG, Shapefile, GML...
    std::string layer;                       // empty: the first layer
    std::string where;                       // OGR SQL WHERE clause
    std::string code_field;
    std::vector<std::string> value_fields;   // one band each, in this order
    std::optional<MeshLevel> level;          // required when codes have 10 digits
    double nodata = -9999;                   // value of cells absent from the table
    // Value of cells absent from the table inside its 1st-level meshes (those holding at least one
    // row): census mesh tables list populated cells only, so an absent cell there is 0, not unknown.
    // Cells of other 1st-level meshes stay nodata. Empty: every absent cell is nodata.
    std::optional<double> fill;
    std::string output;
    PrepareProgress progress;
};

struct PrepareMeshSummary {
    MeshLevel level = MeshLevel::third;
    std::int64_t rows_read = 0;
    std::int64_t values_missing = 0;      // empty value fields: the cell is nodata in that band
    int cols = 0, rows = 0;
    double west = 0, south = 0, east = 0, north = 0;   // degrees, EPSG:6668
    std::vector<double> band_totals;                    // Σ of each band's values in the table (fill not counted)
    std::vector<std::string> fill_meshes;               // with fill: the 1st-level codes filled, ascending
    std::int64_t cells_filled = 0;                      // with fill: cells absent from the table set to the fill
    std::string written;
};

PrepareMeshSummary prepare_mesh(const PrepareMeshOptions& options);

// ---------------------------------------------------------------------------------------------
// prepare irradiation: monthly GHI at points (MONSOLA-11 stations...) -> 12-band raster
// ---------------------------------------------------------------------------------------------

enum class IrradiationMethod { nearest, idw };

struct PrepareIrradiationOptions {
    std::string points;                // CSV: MONSOLA layout (station_id, quantity...) or id,lat,lon,m01..m12
    std::string output;
    std::string grid;                  // as `repot run --grid`: a raster or EPSG:CODE:RES:XMIN,YMIN,XMAX,YMAX
    std::string like;                  // a raster whose extent and CRS to cover, at `resolution`
    std::optional<double> resolution;  // metres, for --like and the default grid (1000 when not given)
    IrradiationMethod method = IrradiationMethod::nearest;
    std::optional<double> power;       // IDW exponent (2 when not given); only with IrradiationMethod::idw
    std::vector<std::pair<std::string, std::string>> filters;  // COLUMN=VALUE: keep rows where every one holds
    PrepareProgress progress;
};

struct PrepareIrradiationSummary {
    std::string layout;                 // "MONSOLA" or "id,lat,lon,m01..m12"
    std::vector<std::string> point_ids; // in table order
    std::int64_t points_inside = 0;     // of them, inside the grid's extent
    int cols = 0, rows = 0;
    double x_min = 0, y_max = 0, resolution = 0;
    std::string crs;                    // e.g. "EPSG:6677"
    std::array<double, 12> min{}, max{};  // per month over the cells, kWh/m²
    double annual_min = 0, annual_max = 0;  // of the cells' annual sums, kWh/m²
    std::string written;
};

PrepareIrradiationSummary prepare_irradiation(const PrepareIrradiationOptions& options);

namespace prepare {

// ---------------------------------------------------------------------------------------------
// Exact area of a polygon inside each pixel (pure geometry)
// ---------------------------------------------------------------------------------------------

struct Point2 {
    double x = 0, y = 0;
};
using Ring = std::vector<Point2>;          // closing point optional

struct PolygonRings {
    Ring outer;
    std::vector<Ring> holes;
};

// North-up pixels: column c spans x in [x_min + c*w, x_min + (c+1)*w],
// row r spans y in [y_max - (r+1)*h, y_max - r*h].
struct PixelGrid {
    double x_min = 0, y_max = 0, pixel_width = 1, pixel_height = 1;
    int cols = 0, rows = 0;
};

// Shoelace area; positive for counter-clockwise rings (x east, y north).
double ring_signed_area(const Ring& ring);
// |outer| - Σ|holes|, whatever the orientation of the rings.
double polygon_area(const PolygonRings& polygon);

using PixelAreaSink = std::function<void(int col, int row, double area)>;

// Calls sink(col, row, area) once for every pixel of `grid` in which the polygon has a positive
// area; `area` is in squared grid units. Parts of the polygon outside the grid are ignored, so the
// pieces of a polygon over adjacent grids (tiles) add up to its area.
void for_each_pixel_area(const PolygonRings& polygon, const PixelGrid& grid, const PixelAreaSink& sink);

// ---------------------------------------------------------------------------------------------
// JIS X 0410 mesh codes
// ---------------------------------------------------------------------------------------------

// Positions and sizes in quarter arc-seconds (1/14400 degree): every cell edge of every level is a
// whole number of them, so decoding and placing cells on a grid is exact integer arithmetic.
constexpr std::int64_t quarter_arcsec_per_degree = 14400;

struct MeshCell {
    MeshLevel level = MeshLevel::first;
    std::int64_t south = 0, west = 0;      // quarter arc-seconds
    std::int64_t height = 0, width = 0;    // quarter arc-seconds (latitude, longitude)
    double south_deg() const { return double(south) / quarter_arcsec_per_degree; }
    double west_deg() const { return double(west) / quarter_arcsec_per_degree; }
    double north_deg() const { return double(south + height) / quarter_arcsec_per_degree; }
    double east_deg() const { return double(west + width) / quarter_arcsec_per_degree; }
};

// Number of digits of a level's codes: 4, 6, 8, 9, 10, 10.
int mesh_code_digits(MeshLevel level);
// Cell size (latitude, longitude) of a level in quarter arc-seconds.
std::int64_t mesh_cell_height(MeshLevel level);
std::int64_t mesh_cell_width(MeshLevel level);
// "1".."5" or "100m"; throws UsageError otherwise.
MeshLevel parse_mesh_level(std::string_view text);
std::string mesh_level_name(MeshLevel level);   // "1st level (80 km)" ... "100 m subdivision"

// Decodes a code; `level` must be given for 10-digit codes (5th level and 100 m subdivision have
// the same length). Throws std::invalid_argument with a sentence saying what is wrong.
MeshCell decode_mesh_code(std::string_view code, std::optional<MeshLevel> level = std::nullopt);

}  // namespace prepare
}  // namespace repot
