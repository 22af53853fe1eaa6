#include "staged_raster.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "gdal_support.hpp"
#include "repot/error.hpp"
#include "stop.hpp"

namespace repot::prepare {
namespace {

GDALDriver& geotiff_driver() {
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (!driver) throw DataError("GDAL has no GTiff driver");
    return *driver;
}

// Same folder as the output, so that the final rename never crosses file systems.
std::string sibling_name(const std::string& path, const char* tag) {
    const std::string dir = CPLGetPath(path.c_str());
    const std::string base = CPLGetFilename(path.c_str());
    const std::string name = fmt::format(".{}.{}-{}", base, tag, static_cast<long>(getpid()));
    return dir.empty() ? name : std::string(CPLFormFilename(dir.c_str(), name.c_str(), nullptr));
}

}  // namespace

std::string output_compression() {
    const char* options = geotiff_driver().GetMetadataItem(GDAL_DMD_CREATIONOPTIONLIST);
    return (options && std::strstr(options, "ZSTD")) ? "ZSTD" : "DEFLATE";
}

StagedRaster::StagedRaster(const StagedRasterSpec& spec)
    : temp_path_(sibling_name(spec.path, "repot-tmp")), final_path_(spec.path) {
    const std::string compression = output_compression();
    // No predictor: with many zero and full pixels, the floating-point predictor made the
    // Chiyoda roof raster 23 % larger (251 kB against 204 kB with ZSTD).
    CPLStringList options;
    options.SetNameValue("TILED", "YES");
    options.SetNameValue("BLOCKXSIZE", "512");
    options.SetNameValue("BLOCKYSIZE", "512");
    options.SetNameValue("COMPRESS", compression.c_str());
    options.SetNameValue("BIGTIFF", "IF_SAFER");

    dataset_ = geotiff_driver().Create(temp_path_.c_str(), spec.cols, spec.rows, static_cast<int>(spec.bands.size()),
                                       spec.type, options.List());
    if (!dataset_) throw DataError(fmt::format("{}: cannot create the output: {}", final_path_, last_gdal_error()));

    std::array<double, 6> gt = spec.geotransform;
    dataset_->SetGeoTransform(gt.data());
    if (spec.srs) dataset_->SetSpatialRef(spec.srs);
    for (const auto& [key, value] : spec.metadata) dataset_->SetMetadataItem(key.c_str(), value.c_str());
    for (std::size_t i = 0; i < spec.bands.size(); ++i) {
        GDALRasterBand* band = dataset_->GetRasterBand(static_cast<int>(i) + 1);
        band->SetDescription(spec.bands[i].description.c_str());
        if (spec.bands[i].nodata) band->SetNoDataValue(*spec.bands[i].nodata);
    }
}

StagedRaster::~StagedRaster() {
    if (dataset_) GDALClose(dataset_);
    if (!published_) VSIUnlink(temp_path_.c_str());
}

void StagedRaster::write_window(int band, int x0, int y0, int width, int height, GDALDataType type,
                                const void* values) {
    if (!dataset_) throw DataError(fmt::format("{}: written after close", final_path_));
    const CPLErr err = dataset_->GetRasterBand(band)->RasterIO(GF_Write, x0, y0, width, height,
                                                               const_cast<void*>(values), width, height, type, 0, 0);
    if (err != CE_None) throw DataError(fmt::format("{}: write failed: {}", final_path_, last_gdal_error()));
}

void StagedRaster::write(int band, int x0, int y0, int width, int height, const float* values) {
    write_window(band, x0, y0, width, height, GDT_Float32, values);
}

void StagedRaster::write(int band, int x0, int y0, int width, int height, const double* values) {
    write_window(band, x0, y0, width, height, GDT_Float64, values);
}

void StagedRaster::close() {
    if (!dataset_) return;
    CPLErrorReset();
    GDALClose(dataset_);
    dataset_ = nullptr;
    // GDALClose returns nothing in GDAL 3.6: a failed flush (disk full...) shows as the last error.
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
        throw DataError(fmt::format("{}: writing failed: {}", final_path_, last_gdal_error()));
}

void StagedRaster::publish() { publish_together({this}); }

void publish_together(const std::vector<StagedRaster*>& rasters) {
    for (StagedRaster* r : rasters) r->close();  // a flush can fail: before anything is renamed
    for (StagedRaster* r : rasters) {
        struct stat st {};
        if (lstat(r->final_path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
            throw DataError(fmt::format("{}: exists and is not a regular file; no output was written", r->final_path_));
    }
    throw_if_stop_requested();  // the last point where a signal still leaves nothing; the renames are quick
    std::vector<std::string> backups(rasters.size());
    for (std::size_t k = 0; k < rasters.size(); ++k) {
        StagedRaster& r = *rasters[k];
        bool ok = true;
        if (access(r.final_path_.c_str(), F_OK) == 0) {
            // A hard link keeps the earlier file in place until the new one replaces it; a filesystem
            // without hard links gets the earlier file moved aside instead.
            backups[k] = sibling_name(r.final_path_, "repot-old");
            ok = link(r.final_path_.c_str(), backups[k].c_str()) == 0 ||
                 std::rename(r.final_path_.c_str(), backups[k].c_str()) == 0;
            if (!ok) backups[k].clear();
        }
        ok = ok && std::rename(r.temp_path_.c_str(), r.final_path_.c_str()) == 0;
        if (ok) {
            r.published_ = true;
            continue;
        }
        const std::string why = std::strerror(errno);
        for (std::size_t i = 0; i <= k; ++i) {
            StagedRaster& done = *rasters[i];
            // rename() of two links to one file does nothing: the backup is then removed by hand.
            if (!backups[i].empty() && std::rename(backups[i].c_str(), done.final_path_.c_str()) == 0)
                std::remove(backups[i].c_str());
            else if (i < k) std::remove(done.final_path_.c_str());
            done.published_ = false;  // its temporary is gone or removed by the destructor
        }
        throw DataError(fmt::format("{}: cannot move the finished output into place ({}); the {} other output(s) "
                                    "were put back as they were",
                                    r.final_path_, why, k));
    }
    for (const std::string& b : backups)
        if (!b.empty()) std::remove(b.c_str());
}

}  // namespace repot::prepare
