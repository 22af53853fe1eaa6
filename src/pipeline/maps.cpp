#include "maps.hpp"

#include <cpl_string.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <future>
#include <limits>
#include <map>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "../io/overview_png.hpp"
#include "repot/error.hpp"
#include "repot/kernels.hpp"
#include "repot/sha256.hpp"
#include "repot/text_table.hpp"

namespace repot {

namespace {

constexpr int kTile = 512;

GDALDriver& driver(const char* name) {
    GDALDriver* d = GetGDALDriverManager()->GetDriverByName(name);
    if (!d) throw DataError(fmt::format("GDAL has no {} driver (needed by --maps)", name));
    return *d;
}

// Fast, lossless compression for the temporaries: they are written once and read twice, by the COG step
// (overviews, then the full resolution). ZSTD level 1 without a predictor: libtiff's floating-point
// predictor (PREDICTOR=3) cost more than the compression itself, encoding and decoding, and on these maps
// gained little size. Uncompressed temporaries would be gigabytes at 1 Gpx (the disk writes ~190 MB/s).
CPLStringList temp_options() {
    CPLStringList o;
    o.SetNameValue("TILED", "YES");
    o.SetNameValue("BLOCKXSIZE", "512");
    o.SetNameValue("BLOCKYSIZE", "512");
    const char* list = driver("GTiff").GetMetadataItem(GDAL_DMD_CREATIONOPTIONLIST);
    const bool zstd = list && std::string(list).find("ZSTD") != std::string::npos;
    o.SetNameValue("COMPRESS", zstd ? "ZSTD" : "LZW");
    if (zstd) o.SetNameValue("ZSTD_LEVEL", "1");
    o.SetNameValue("SPARSE_OK", "TRUE");  // blocks outside every zone are never written: nodata, no bytes
    o.SetNameValue("BIGTIFF", "IF_SAFER");
    return o;
}

// Smallest and largest value, NaN skipped (lo > hi when all are NaN): `v < a ? v : a` is false for NaN.
// Four lanes at a time with GCC's vector extensions (a running minimum is a reduction the compiler does
// not vectorise without -ffast-math).
void value_range(const std::vector<float>& values, float& lo, float& hi) {
    typedef float v4 __attribute__((vector_size(16)));
    constexpr float inf = std::numeric_limits<float>::infinity();
    v4 a = {inf, inf, inf, inf}, b = -a;
    const float* p = values.data();
    const size_t n = values.size(), whole = n / 4 * 4;
    for (size_t i = 0; i < whole; i += 4) {
        v4 v;
        std::memcpy(&v, p + i, sizeof v);
        a = v < a ? v : a;
        b = v > b ? v : b;
    }
    lo = inf, hi = -inf;
    for (int k = 0; k < 4; ++k) lo = std::min(lo, a[k]), hi = std::max(hi, b[k]);
    for (size_t i = whole; i < n; ++i) lo = p[i] < lo ? p[i] : lo, hi = p[i] > hi ? p[i] : hi;
}

int progress_unless_stopped(double, const char*, void*) { return stop_requested_now() ? FALSE : TRUE; }

// Gives the pages of freed memory back to the system. The CLI keeps freed memory (M_TRIM_THRESHOLD
// 256 MB) to avoid page faults in the block loop; between the block loop and each COG step nothing is
// gained by keeping it, and peak RSS would add up the working sets of the steps.
void release_free_memory() {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

}  // namespace

// A temporary tiled GeoTIFF and the range of the values written to it (order-free: deterministic).
struct MapWriter::Temp {
    std::string path;
    GDALDataset* ds = nullptr;
    double min = std::numeric_limits<double>::infinity(), max = -std::numeric_limits<double>::infinity();
    ~Temp() {
        if (ds) GDALClose(ds);
        if (!path.empty()) std::remove(path.c_str());
    }
};

std::vector<MapSpec> map_specs(const Inputs& in) {
    std::vector<MapSpec> out;
    if (!in.has_grid) return out;
    if (in.roof && in.ghi)
        out.push_back({"solar_roof_usable_kwh.tif", "solar_roof", "usable", "kWh/yr",
                       "usable roof PV energy per pixel (kWh/yr)", {q_roof_plane_included_kwh, q_roof_pv_px, roof_usable_factor(in.scenario.solar_roof)}});
    if (in.landuse && in.ghi)
        out.push_back({"solar_land_usable_kwh.tif", "solar_land", "usable", "kWh/yr",
                       "usable land PV energy per pixel (kWh/yr)", {q_land_plane_usable_kwh, q_land_pv_px, land_technical_factor(in.scenario.solar_land)}});
    if (in.roof && in.ghi)
        out.push_back({"solar_heat_technical_gj.tif", "solar_heat", "technical", "GJ/yr",
                       "technical solar heat per pixel before the household collector cap (GJ/yr)",
                       {q_roof_plane_kwh, q_roof_pv_px, solar_heat_factor(in.scenario.solar_roof, in.scenario.solar_heat)}});
    out.push_back({"ground_heat_technical_gj.tif", "ground_heat", "technical", "GJ/yr",
                   "technical ground-source heat per pixel before any demand cap (GJ/yr)",
                   {q_ground_field_m2, q_ground_px, ground_field_gj_per_m2(in.scenario.ground_heat, in.classes.has_value())}});
    return out;
}

int map_factor(const GridSpec& g, double map_res) {
    if (map_res <= 0) return 1;
    const auto& gt = g.geotransform;
    if (gt[2] != 0 || gt[4] != 0 || std::abs(gt[1]) != std::abs(gt[5]))
        throw UsageError("--map-res needs a north-up grid with square pixels");
    const double k = map_res / std::abs(gt[1]);
    if (!(std::abs(k - std::round(k)) <= 1e-9 * k) || k < 1 || k > 1e6)
        throw UsageError(fmt::format("--map-res {:g} is not a whole multiple of the grid's {:g} m pixels", map_res,
                                     std::abs(gt[1])));
    return int(std::round(k));
}

MapWriter::MapWriter(const Inputs& in, OutputDir& out, int factor, int threads)
    : in_(in), out_(out), factor_(factor), threads_(threads), specs_(map_specs(in)) {
    const GridSpec& g = in.grid;
    auto make = [&](const std::string& name, GDALDataType type, double nodata) {
        auto t = std::make_unique<Temp>();
        t->path = out.scratch_path(name);
        t->ds = driver("GTiff").Create(t->path.c_str(), g.width, g.height, 1, type,
                                       temp_options().List());
        if (!t->ds) throw DataError(fmt::format("{}: cannot create a map: {}", out.dir(), CPLGetLastErrorMsg()));
        std::array<double, 6> gt = g.geotransform;
        t->ds->SetGeoTransform(gt.data());
        t->ds->SetProjection(g.crs_wkt.c_str());
        t->ds->GetRasterBand(1)->SetNoDataValue(nodata);
        temps_.push_back(std::move(t));
    };
    for (const auto& s : specs_) {
        layers_.push_back(s.layer);
        make(s.file, GDT_Float32, NAN);
    }
    make("zones.tif", in.zones.zones().size() < 65535 ? GDT_UInt16 : GDT_UInt32, 0);
}

MapWriter::~MapWriter() = default;

void MapWriter::write_block(const Window& w, const std::vector<std::vector<float>>& values, const Eigen::ArrayXi& zone) {
    // The range of each layer's values, before taking the lock.
    const size_t n = values.size();
    std::vector<float> lo(n), hi(n);
    for (size_t l = 0; l < n; ++l) value_range(values[l], lo[l], hi[l]);
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t l = 0; l < n; ++l) {
        Temp& t = *temps_[l];
        if (!(lo[l] <= hi[l])) continue;  // no value in this block: the tile stays sparse (reads as nodata)
        t.min = std::min(t.min, double(lo[l])), t.max = std::max(t.max, double(hi[l]));
        if (t.ds->GetRasterBand(1)->RasterIO(GF_Write, w.x0, w.y0, w.width, w.height,
                                             const_cast<float*>(values[l].data()), w.width, w.height, GDT_Float32, 0,
                                             0, nullptr) != CE_None)
            throw DataError(fmt::format("{}: cannot write a map block: {}", out_.dir(), CPLGetLastErrorMsg()));
    }
    if (temps_.back()->ds->GetRasterBand(1)->RasterIO(GF_Write, w.x0, w.y0, w.width, w.height,
                                                      const_cast<int*>(zone.data()), w.width, w.height, GDT_Int32, 0,
                                                      0, nullptr) != CE_None)
        throw DataError(fmt::format("{}: cannot write the zone map: {}", out_.dir(), CPLGetLastErrorMsg()));
}

std::string MapWriter::part_name(size_t k) const {
    return "map_parts/" + (k < specs_.size() ? specs_[k].file : std::string("zones.tif"));
}

void MapWriter::keep_parts() {
    for (size_t k = 0; k < temps_.size(); ++k) {
        Temp& t = *temps_[k];
        GDALClose(t.ds);
        t.ds = nullptr;
        if (std::rename(t.path.c_str(), out_.stage_path(part_name(k)).c_str()) != 0)
            throw DataError(fmt::format("{}: cannot stage {}: {}", out_.dir(), part_name(k), std::strerror(errno)));
        t.path.clear();
    }
}

void MapWriter::add_parts(const std::string& shard_folder, const BlockPlan& plan, uint64_t first, uint64_t end) {
    const GridSpec& g = in_.grid;
    std::vector<std::unique_ptr<GDALDataset>> parts;
    for (size_t k = 0; k < temps_.size(); ++k) {
        const std::string path = (std::filesystem::path(shard_folder) / part_name(k)).string();
        parts.emplace_back(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        if (!parts.back())
            throw DataError(fmt::format("{}: missing or unreadable: the shard ran without --maps, or its folder is incomplete",
                                        path));
        if (parts.back()->GetRasterXSize() != g.width || parts.back()->GetRasterYSize() != g.height)
            throw DataError(fmt::format("{}: a map part of another grid", path));
    }
    std::vector<std::vector<float>> values(specs_.size());
    Eigen::ArrayXi zone;
    for (uint64_t b = first; b < end; ++b) {
        const Window w = plan[b];
        for (size_t l = 0; l < specs_.size(); ++l) {
            values[l].resize(size_t(w.size()));
            if (parts[l]->GetRasterBand(1)->RasterIO(GF_Read, w.x0, w.y0, w.width, w.height, values[l].data(), w.width,
                                                     w.height, GDT_Float32, 0, 0, nullptr) != CE_None)
                throw DataError(fmt::format("{}/map_parts: read error: {}", shard_folder, CPLGetLastErrorMsg()));
        }
        zone.resize(w.size());
        if (parts.back()->GetRasterBand(1)->RasterIO(GF_Read, w.x0, w.y0, w.width, w.height, zone.data(), w.width,
                                                     w.height, GDT_Int32, 0, 0, nullptr) != CE_None)
            throw DataError(fmt::format("{}/map_parts: read error: {}", shard_folder, CPLGetLastErrorMsg()));
        if ((zone > 0).any()) write_block(w, values, zone);  // the blocks the engine wrote: those with zone pixels
        if (stop_requested_now()) throw Interrupted();
    }
}

namespace {

// --map-res: each cell of `factor` × `factor` pixels takes the sum of their values (so map totals equal
// the CSV), or for zones the most frequent zone (ties: the lowest index); cells without any value stay
// nodata. Read in strips of `factor` rows: memory is a few rows of the grid.
GDALDataset* aggregate(GDALDataset* src, int factor, bool is_zones, const std::string& path, double& min, double& max) {
    const int W = src->GetRasterXSize(), H = src->GetRasterYSize();
    const int w = (W + factor - 1) / factor, h = (H + factor - 1) / factor;
    GDALRasterBand* in = src->GetRasterBand(1);
    GDALDataset* dst = driver("GTiff").Create(path.c_str(), w, h, 1, in->GetRasterDataType(),
                                              temp_options().List());
    if (!dst) throw DataError(fmt::format("{}: cannot create a map: {}", path, CPLGetLastErrorMsg()));
    double gt[6];
    src->GetGeoTransform(gt);
    gt[1] *= factor, gt[5] *= factor;
    dst->SetGeoTransform(gt);
    dst->SetProjection(src->GetProjectionRef());
    dst->GetRasterBand(1)->SetNoDataValue(in->GetNoDataValue());
    std::vector<double> strip, row(static_cast<size_t>(w));
    for (int y = 0; y < h; ++y) {
        const int rows = std::min(factor, H - y * factor);
        strip.resize(size_t(W) * size_t(rows));
        if (in->RasterIO(GF_Read, 0, y * factor, W, rows, strip.data(), W, rows, GDT_Float64, 0, 0, nullptr) != CE_None)
            throw DataError(fmt::format("{}: cannot read a map back: {}", path, CPLGetLastErrorMsg()));
        for (int x = 0; x < w; ++x) {
            const int x0 = x * factor, x1 = std::min(W, x0 + factor);
            double sum = 0;
            bool any = false;
            std::map<double, int> count;  // zones: index -> pixels
            for (int r = 0; r < rows; ++r)
                for (int c = x0; c < x1; ++c) {
                    const double v = strip[size_t(r) * W + c];
                    if (is_zones) {
                        if (v > 0) ++count[v];
                    } else if (!std::isnan(v)) {
                        sum += v, any = true;
                    }
                }
            if (is_zones) {
                double best = 0;
                int n = 0;
                for (auto [z, k] : count)
                    if (k > n) best = z, n = k;
                row[size_t(x)] = best;
            } else {
                row[size_t(x)] = any ? sum : NAN;
                if (any) min = std::min(min, sum), max = std::max(max, sum);
            }
        }
        if (dst->GetRasterBand(1)->RasterIO(GF_Write, 0, y, w, 1, row.data(), w, 1, GDT_Float64, 0, 0, nullptr) != CE_None)
            throw DataError(fmt::format("{}: cannot write a map: {}", path, CPLGetLastErrorMsg()));
        if (stop_requested_now()) throw Interrupted();
    }
    return dst;
}

}  // namespace

MapOutput MapWriter::build_cog(Temp& t, const std::string& name, bool is_zones) {
    GDALDataset* src = t.ds;
    Temp coarse;
    if (factor_ > 1) {
        coarse.path = out_.scratch_path("coarse-" + name);
        coarse.ds = aggregate(t.ds, factor_, is_zones, coarse.path, coarse.min, coarse.max);
        t.min = coarse.min, t.max = coarse.max;
        src = coarse.ds;
    }
    GDALRasterBand* band = src->GetRasterBand(1);
    if (!is_zones && t.min <= t.max) {  // the legend range a viewer stretches over
        band->SetMetadataItem("STATISTICS_MINIMUM", fmt::format("{:.9g}", t.min).c_str());
        band->SetMetadataItem("STATISTICS_MAXIMUM", fmt::format("{:.9g}", t.max).c_str());
    }
    src->SetMetadataItem("SCENARIO", in_.scenario.name.c_str());
    src->SetMetadataItem("REPOT_VERSION", REPOT_VERSION);
    src->SetMetadataItem("PIXEL_AGGREGATION", factor_ > 1 ? fmt::format("sum of {0} x {0} grid pixels", factor_).c_str()
                                                          : "analysis grid");
    CPLStringList o;
    o.SetNameValue("COMPRESS", "DEFLATE");
    o.SetNameValue("PREDICTOR", "YES");
    o.SetNameValue("BLOCKSIZE", std::to_string(kTile).c_str());
    o.SetNameValue("BIGTIFF", "IF_SAFER");
    // Overviews: averages for the potentials (a zoomed-out view shows the mean pixel), nearest for zones.
    o.SetNameValue("RESAMPLING", is_zones ? "NEAREST" : "AVERAGE");
    o.SetNameValue("NUM_THREADS", std::to_string(std::max(1, threads_)).c_str());
    const std::string staged = "maps/" + name;
    const std::string path = out_.stage_path(staged);
    // The COG driver computes the overviews into a temporary file first, ZSTD level 9 by default: its
    // compression context alone is 17 MB per thread, and the level costs ~12 % of the step. PACKBITS is
    // lossless too and nearly free (the file is read back once): the COGs are byte-identical. (NONE is
    // not: with GDAL 3.6 it changed pixels of the third and fourth overview levels.) A GDAL that ignores
    // this option, which its COG driver documents for debugging, falls back to ZSTD: same files, slower.
    CPLSetThreadLocalConfigOption("COG_TMP_COMPRESSION", "PACKBITS");
    GDALDataset* cog = driver("COG").CreateCopy(path.c_str(), src, FALSE, o.List(), progress_unless_stopped, nullptr);
    CPLSetThreadLocalConfigOption("COG_TMP_COMPRESSION", nullptr);
    if (!cog) {
        if (stop_requested_now()) throw Interrupted();
        throw DataError(fmt::format("{}: cannot write {}: {}", out_.dir(), staged, CPLGetLastErrorMsg()));
    }
    GDALClose(cog);
    release_free_memory();
    GDALClose(t.ds);  // the temporary goes as soon as its COG exists: disk holds one extra map at most
    t.ds = nullptr;
    std::remove(t.path.c_str());
    t.path.clear();
    return {staged, "", "", "", ""};  // the checksum: finish()
}

std::vector<MapOutput> MapWriter::finish() {
    release_free_memory();  // the block loop's buffers
    // Each COG's checksum: with more than one thread, read while the next COG is built (its overviews
    // are computed on one thread), else after all of them.
    std::vector<std::future<std::string>> checksums;
    auto checksum = [&](const MapOutput& m) {
        checksums.push_back(std::async(threads_ > 1 ? std::launch::async : std::launch::deferred,
                                       [path = out_.stage_path(m.name)] { return sha256_file(path); }));
    };
    std::vector<MapOutput> names;
    for (size_t l = 0; l < specs_.size(); ++l) {
        const MapSpec& s = specs_[l];
        GDALDataset* ds = temps_[l]->ds;
        GDALRasterBand* band = ds->GetRasterBand(1);
        band->SetDescription(s.description.c_str());
        band->SetUnitType(s.unit.c_str());
        band->SetMetadataItem("SOURCE", s.source.c_str());
        band->SetMetadataItem("TIER", s.tier.c_str());
        band->SetMetadataItem("UNIT", s.unit.c_str());
        MapOutput m = build_cog(*temps_[l], s.file, false);
        m.source = s.source, m.tier = s.tier, m.unit = s.unit;
        checksum(m);
        names.push_back(m);
    }
    // zones.tif: the index each pixel was counted in, and the index -> zone table (metadata and CSV).
    GDALDataset* zds = temps_.back()->ds;
    zds->GetRasterBand(1)->SetDescription("zone index (see ZONE_<index> metadata and zones.csv); 0 = no zone");
    std::string csv = "index,zone_id,zone_name\n";
    const auto& zones = in_.zones.zones();
    for (size_t z = 0; z < zones.size(); ++z) {
        zds->SetMetadataItem(fmt::format("ZONE_{}", z + 1).c_str(), zones[z].id.c_str());
        csv += fmt::format("{},{},{}\n", z + 1, csv_field(zones[z].id), csv_field(zones[z].name));
    }
    names.push_back(build_cog(*temps_.back(), "zones.tif", true));
    checksum(names.back());
    for (size_t k = 0; k < checksums.size(); ++k) names[k].sha256 = checksums[k].get();
    out_.stage("maps/zones.csv", csv);
    names.push_back({"maps/zones.csv", "", "", "", sha256_file(out_.stage_path("maps/zones.csv"))});

    // overview.png: usable PV density (roof PV; land PV when no roofs were given), outlines on top.
    if (!specs_.empty() && specs_.front().source.rfind("solar_", 0) == 0 && specs_.front().tier == "usable") {
        OverviewSpec o;
        o.map_path = out_.stage_path("maps/" + specs_.front().file);
        o.value_scale = 0.001;  // kWh -> MWh
        o.title = specs_.front().source == "solar_roof" ? "Usable roof PV" : "Usable land PV";
        o.unit = "MWh/ha/yr";
        for (const auto& z : zones) o.outlines.push_back(z.geometry.get());
        o.out_path = out_.stage_path("maps/overview.png");
        o.max_side_px = 1200;  // a few hundred KB for Tokyo (cairo writes 24-bit PNGs)
        write_overview_png(o);
        names.push_back({"maps/overview.png", "", "", "", sha256_file(o.out_path)});
    }
    return names;
}

}  // namespace repot
