// The decode-only floor of repot's benchmark (docs/performance.md): what it costs just to decode the input
// rasters' tiles with GDAL, with the same threads and files as the repot run it is compared with.
//
//   repot_decode_floor [--threads N] [--cache-mb M] [--decode-only] FILE...
//
// N threads, each with its own GDALDataset per file (GDAL datasets are not thread-safe), take the tiles
// (blocks) of every file round-robin: tile k of the concatenated list goes to thread k mod N. For each tile,
// every band's block is read with GDALRasterBand::ReadBlock (no RasterIO copy, no block cache lookup) and its
// valid pixels are summed so the compiler cannot drop the work (the floor of the tables). The scalar sum costs
// about as much as the decoding on compressible rasters: --decode-only sums a block's first pixel instead,
// which measures decoding alone. Prints one line:
//   pixels <decoded band-pixels> grid_pixels <pixels of the first file> seconds <wall> mpx_s <grid_pixels/s> sum <sum>
#include <gdal_priv.h>
#include <cpl_conv.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Tile {
    int file, bx, by;
};

struct FileInfo {
    std::string path;
    int width = 0, height = 0, bands = 0, bw = 0, bh = 0;
    GDALDataType type = GDT_Unknown;
};

template <class T>
double sum_block(const void* data, int w, int h, int bw, bool has_nd, double nd, long long& valid) {
    const T* p = static_cast<const T*>(data);
    double s = 0;
    long long n = 0;
    for (int r = 0; r < h; ++r) {
        const T* row = p + size_t(r) * bw;
        for (int c = 0; c < w; ++c) {
            double v = double(row[c]);
            bool ok = !(has_nd && v == nd) && !std::isnan(v);
            s += ok ? v : 0.0;
            n += ok;
        }
    }
    valid += n;
    return s;
}

double sum_any(GDALDataType t, const void* d, int w, int h, int bw, bool has_nd, double nd, long long& valid) {
    switch (t) {
        case GDT_Byte: return sum_block<uint8_t>(d, w, h, bw, has_nd, nd, valid);
        case GDT_UInt16: return sum_block<uint16_t>(d, w, h, bw, has_nd, nd, valid);
        case GDT_Int16: return sum_block<int16_t>(d, w, h, bw, has_nd, nd, valid);
        case GDT_UInt32: return sum_block<uint32_t>(d, w, h, bw, has_nd, nd, valid);
        case GDT_Int32: return sum_block<int32_t>(d, w, h, bw, has_nd, nd, valid);
        case GDT_Float32: return sum_block<float>(d, w, h, bw, has_nd, nd, valid);
        case GDT_Float64: return sum_block<double>(d, w, h, bw, has_nd, nd, valid);
        default:
            std::fprintf(stderr, "repot_decode_floor: unsupported data type %s\n", GDALGetDataTypeName(t));
            std::exit(1);
    }
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: repot_decode_floor [--threads N] [--cache-mb M] [--decode-only] FILE...\n");
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    int threads = 1;
    long cache_mb = -1;
    bool decode_only = false;
    std::vector<std::string> paths;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--threads" && i + 1 < argc) threads = std::max(1, std::atoi(argv[++i]));
        else if (a == "--cache-mb" && i + 1 < argc) cache_mb = std::atol(argv[++i]);
        else if (a == "--decode-only") decode_only = true;
        else if (a.rfind("--", 0) == 0) usage();
        else paths.push_back(a);
    }
    if (paths.empty()) usage();
    GDALAllRegister();
    if (cache_mb >= 0) GDALSetCacheMax64(GIntBig(cache_mb) * 1024 * 1024);
    const auto t0 = std::chrono::steady_clock::now();

    std::vector<FileInfo> files;
    std::vector<Tile> tiles;
    for (size_t f = 0; f < paths.size(); ++f) {
        std::unique_ptr<GDALDataset> ds(GDALDataset::Open(paths[f].c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        if (!ds) {
            std::fprintf(stderr, "repot_decode_floor: %s: cannot open: %s\n", paths[f].c_str(), CPLGetLastErrorMsg());
            return 1;
        }
        FileInfo fi;
        fi.path = paths[f];
        fi.width = ds->GetRasterXSize();
        fi.height = ds->GetRasterYSize();
        fi.bands = ds->GetRasterCount();
        ds->GetRasterBand(1)->GetBlockSize(&fi.bw, &fi.bh);
        fi.type = ds->GetRasterBand(1)->GetRasterDataType();
        for (int by = 0; by * fi.bh < fi.height; ++by)
            for (int bx = 0; bx * fi.bw < fi.width; ++bx) tiles.push_back({int(f), bx, by});
        files.push_back(fi);
    }

    std::vector<double> sums(size_t(threads), 0.0);
    std::vector<long long> band_pixels(size_t(threads), 0), valid(size_t(threads), 0);
    std::atomic<bool> failed{false};
    auto work = [&](int t) {
        std::vector<std::unique_ptr<GDALDataset>> ds;
        for (const auto& fi : files)
            ds.emplace_back(GDALDataset::Open(fi.path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        std::vector<unsigned char> buf;
        for (size_t k = size_t(t); k < tiles.size() && !failed; k += size_t(threads)) {
            const Tile& tl = tiles[k];
            const FileInfo& fi = files[size_t(tl.file)];
            const int w = std::min(fi.bw, fi.width - tl.bx * fi.bw), h = std::min(fi.bh, fi.height - tl.by * fi.bh);
            for (int b = 1; b <= fi.bands; ++b) {
                GDALRasterBand* band = ds[size_t(tl.file)]->GetRasterBand(b);
                const GDALDataType type = band->GetRasterDataType();
                buf.resize(size_t(fi.bw) * fi.bh * size_t(GDALGetDataTypeSizeBytes(type)));
                if (band->ReadBlock(tl.bx, tl.by, buf.data()) != CE_None) {
                    std::fprintf(stderr, "repot_decode_floor: %s: cannot read block (%d, %d) of band %d: %s\n",
                                 fi.path.c_str(), tl.bx, tl.by, b, CPLGetLastErrorMsg());
                    failed = true;
                    return;
                }
                int has_nd = 0;
                const double nd = band->GetNoDataValue(&has_nd);
                sums[size_t(t)] += sum_any(type, buf.data(), decode_only ? 1 : w, decode_only ? 1 : h, fi.bw, has_nd != 0, nd,
                                           valid[size_t(t)]);
                band_pixels[size_t(t)] += (long long)w * h;
            }
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    if (failed) return 1;
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double sum = 0;
    long long px = 0, nvalid = 0;
    for (int t = 0; t < threads; ++t) sum += sums[size_t(t)], px += band_pixels[size_t(t)], nvalid += valid[size_t(t)];
    const long long grid_px = (long long)files[0].width * files[0].height;
    std::printf("pixels %lld valid %lld grid_pixels %lld tiles %zu threads %d seconds %.3f mpx_s %.1f sum %.6f\n", px,
                nvalid, grid_px, tiles.size(), threads, secs, double(grid_px) / secs / 1e6, sum);
    return 0;
}
