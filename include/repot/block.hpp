#pragma once
// Pixels of the analysis grid: each layer as Eigen arrays in row-major pixel order, NaN where a layer
// has no value, plus the zone of every pixel. Layers not given are empty arrays (any of them, roof and
// GHI included: a run needs no raster). The
// engine passes the in-zone pixels of one window as a single row (width = their count, height = 1).
#include <Eigen/Core>

namespace repot {

struct Block {
    int width = 0, height = 0;
    double pixel_area = 0;   // m²
    double latitude_deg = 0; // of the block centre, for the extraterrestrial irradiation
    Eigen::ArrayXi zone;     // 0 outside every zone, k > 0: zone k - 1
    Eigen::ArrayXd roof;     // m² of roof in the pixel
    // Monthly GHI (kWh/m² per month, 12 columns), resampled only where panels can stand: pixel i has
    // row ghi_row(i), −1 for none (off roofs when there is no land use). The engine fills it span by
    // span, so rows count from the span's first such pixel. An empty ghi_row: one row per pixel.
    Eigen::ArrayXXd ghi;
    Eigen::ArrayXi ghi_row;
    Eigen::ArrayXd ghi_year; // n, the sum of the months (NaN where GHI has no value)
    // Annual in-plane irradiation of the flat-roof panels (kWh/m²), transposed per source cell of the
    // GHI and interpolated (docs/method.md §10), for the current span's positions; empty: the roof
    // kernel transposes each pixel's monthly GHI itself.
    Eigen::ArrayXd roof_plane_year;
    Eigen::ArrayXd land_plane_year;  // the same for the land PV panels
    Eigen::ArrayXd slope, aspect, shade;  // roof slope (deg), aspect (deg from north), shade (0..1)
    Eigen::ArrayXXd temperature;          // n × 1: the mean of the layer's bands (months), °C
    Eigen::ArrayXi landuse;               // index into the land-use class table, -1 missing
    Eigen::ArrayXd terrain_slope;         // deg
    Eigen::ArrayXd inclusion;             // product of 0..1 inclusion layers (1 where a layer has no value)
    Eigen::ArrayXd inclusion_valid;       // how many inclusion layers have a value in the pixel
    int inclusion_layers = 0;             // how many inclusion layers the run has
    Eigen::ArrayXd population;            // persons in the pixel
    Eigen::ArrayXd heat_demand;           // GJ/yr in the pixel

    Eigen::Index size() const { return Eigen::Index(width) * height; }
};

}  // namespace repot
