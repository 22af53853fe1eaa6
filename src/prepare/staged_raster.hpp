#pragma once
// A GeoTIFF written under a temporary name beside its final path and renamed only when complete,
// so that a failed or interrupted run never leaves a half-written output behind.
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace repot::prepare {

struct StagedBand {
    std::string description;
    std::optional<double> nodata;
};

struct StagedRasterSpec {
    std::string path;
    int cols = 0, rows = 0;
    GDALDataType type = GDT_Float32;
    std::array<double, 6> geotransform{};
    const OGRSpatialReference* srs = nullptr;
    std::vector<StagedBand> bands;
    std::vector<std::pair<std::string, std::string>> metadata;   // dataset metadata items
};

class StagedRaster {
public:
    // Creates the temporary GeoTIFF: tiled 512 x 512, ZSTD (DEFLATE where GDAL lacks ZSTD).
    explicit StagedRaster(const StagedRasterSpec& spec);
    // Deletes the temporary file unless it was published.
    ~StagedRaster();
    StagedRaster(const StagedRaster&) = delete;
    StagedRaster& operator=(const StagedRaster&) = delete;

    void write(int band, int x0, int y0, int width, int height, const float* values);
    void write(int band, int x0, int y0, int width, int height, const double* values);
    // Flushes and closes the temporary file; throws DataError if GDAL reports a failure.
    void close();
    // Renames the closed temporary file to the final path (publish_together with one raster).
    void publish();

    const std::string& path() const { return final_path_; }

private:
    friend void publish_together(const std::vector<StagedRaster*>& rasters);
    void write_window(int band, int x0, int y0, int width, int height, GDALDataType type, const void* values);

    GDALDataset* dataset_ = nullptr;
    std::string temp_path_, final_path_;
    bool published_ = false;
};

// Closes every raster, checks that every final path is a regular file or absent, then renames them
// into place. When a rename fails, the ones renamed before are undone (the files they replaced come
// back from hard-link backups): the outputs appear together or not at all. Without a journal, only a
// crash (power loss, SIGKILL) between two renames can leave some outputs new and others old.
void publish_together(const std::vector<StagedRaster*>& rasters);

// The compression the outputs use: "ZSTD" if this GDAL's GeoTIFF driver offers it, else "DEFLATE".
std::string output_compression();

}  // namespace repot::prepare
