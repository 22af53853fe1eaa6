#include "zone_map.hpp"

#include <fmt/format.h>
#include <gdal_utils.h>
#include <ogrsf_frmts.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "../io/overview_png.hpp"
#include "repot/error.hpp"

namespace repot {

std::map<std::string, std::unique_ptr<OGRGeometry>> read_zone_outlines(const std::string& gpkg_path) {
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(gpkg_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    OGRLayer* layer = ds ? ds->GetLayerByName("municipalities") : nullptr;
    if (!layer) throw DataError(fmt::format("{}: no layer municipalities", gpkg_path));
    std::map<std::string, std::unique_ptr<OGRGeometry>> out;
    for (auto& f : *layer)
        if (const OGRGeometry* g = f->GetGeometryRef()) out[f->GetFieldAsString("zone_id")].reset(g->clone());
    return out;
}

std::string zone_map_png(const std::string& map_path, const OGRGeometry& outline, const std::string& title,
                         const std::string& png_path) {
    OGREnvelope e;
    outline.getEnvelope(&e);
    const double margin = 0.05 * std::max(e.MaxX - e.MinX, e.MaxY - e.MinY);
    // A VRT window of the map: nothing is copied; the renderer reads it at picture size (overviews).
    const std::string clip = fmt::format("/vsimem/repot-zone-{}.vrt", static_cast<const void*>(&outline));
    const std::vector<std::string> args{"-of", "VRT", "-projwin", fmt::format("{:.6f}", e.MinX - margin),
                                        fmt::format("{:.6f}", e.MaxY + margin), fmt::format("{:.6f}", e.MaxX + margin),
                                        fmt::format("{:.6f}", e.MinY - margin)};
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    GDALTranslateOptions* options = GDALTranslateOptionsNew(argv.data(), nullptr);
    GDALDatasetH src = GDALOpen(map_path.c_str(), GA_ReadOnly);
    if (!src) {
        GDALTranslateOptionsFree(options);
        throw DataError(fmt::format("{}: cannot open the map", map_path));
    }
    GDALDatasetH vrt = GDALTranslate(clip.c_str(), src, options, nullptr);
    GDALTranslateOptionsFree(options);
    if (!vrt) {
        GDALClose(src);
        throw DataError(fmt::format("{}: cannot cut the map to the zone: {}", map_path, CPLGetLastErrorMsg()));
    }
    GDALClose(vrt);
    const std::string& png = png_path;
    OverviewSpec spec;
    spec.map_path = clip;
    spec.value_scale = 0.001;
    spec.title = title;
    spec.unit = "MWh/ha/yr";
    spec.outlines = {&outline};
    spec.out_path = png;
    spec.max_side_px = 700;
    try {
        write_overview_png(spec);
    } catch (...) {
        GDALClose(src);
        VSIUnlink(clip.c_str());
        throw;
    }
    GDALClose(src);
    VSIUnlink(clip.c_str());
    std::ifstream in(png, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::remove(png.c_str());
    return ss.str();
}

}  // namespace repot
