#include "zones.hpp"

#include <cpl_error.h>
#include <fmt/format.h>
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "crs.hpp"
#include "window_outline.hpp"
#include "zone_geometry.hpp"
#include "repot/error.hpp"
#include "repot/parallel_for.hpp"

namespace repot {

namespace {

bool all_integers(const std::vector<Zone>& zs) {
    return std::all_of(zs.begin(), zs.end(), [](const Zone& z) {
        return !z.id.empty() && z.id.size() < 18 && std::all_of(z.id.begin(), z.id.end(), ::isdigit);
    });
}

// A typed numeric field is read as a number, a text field parsed strictly; null or empty is "not
// given" (the allocation then falls back to the population layer), anything else not >= 0 is an error.
std::optional<double> zone_population(const OGRFeature& f, int i, const ZoneSource& src, const std::string& id) {
    if (!f.IsFieldSetAndNotNull(i)) return std::nullopt;
    const OGRFieldType t = f.GetFieldDefnRef(i)->GetType();
    double v = 0;
    if (t == OFTReal || t == OFTInteger || t == OFTInteger64) {
        v = f.GetFieldAsDouble(i);
    } else {
        std::string s = f.GetFieldAsString(i);
        s.erase(0, s.find_first_not_of(" \t"));
        s.erase(s.find_last_not_of(" \t") + 1);
        if (s.empty()) return std::nullopt;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || end != s.data() + s.size())
            throw DataError(fmt::format("{}: zone '{}': {} '{}' is not a number", src.path, id, src.population_field, s));
    }
    if (!(std::isfinite(v) && v >= 0))
        throw DataError(fmt::format("{}: zone '{}': {} is {}; expected a number >= 0", src.path, id,
                                    src.population_field, v));
    return v;
}

}  // namespace

ZoneSet ZoneSet::load(const ZoneSource& src, const GridSpec* grid, int threads) {
    CPLErrorReset();
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(src.path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds) {
        std::string why = CPLGetLastErrorMsg();
        throw DataError(fmt::format("{}: cannot open zones{}{}", src.path, why.empty() ? "" : ": ", why));
    }
    OGRLayer* layer = src.layer.empty() ? ds->GetLayer(0) : ds->GetLayerByName(src.layer.c_str());
    if (!layer)
        throw DataError(fmt::format("{}: no layer '{}' in the zones file", src.path, src.layer.empty() ? "#0" : src.layer));
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    auto field_index = [&](const std::string& name, const char* flag) {
        int i = defn->GetFieldIndex(name.c_str());
        if (i < 0) {
            std::string fields;
            for (int k = 0; k < defn->GetFieldCount(); ++k) fields += fmt::format("{}{}", k ? "," : "", defn->GetFieldDefn(k)->GetNameRef());
            throw DataError(fmt::format("{}: zones layer has no field '{}' ({}); fields: {}", src.path, name, flag, fields));
        }
        return i;
    };
    int id_i = field_index(src.id_field, "--zone-id-field");
    int name_i = src.name_field.empty() ? -1 : field_index(src.name_field, "--zone-name-field");
    int pop_i = src.population_field.empty() ? -1 : field_index(src.population_field, "--zone-population-field");

    const OGRSpatialReference* srs = layer->GetSpatialRef();
    if (!has_crs(srs)) throw DataError(fmt::format("{}: zones layer has no CRS", src.path));
    OGRSpatialReference from(*srs), to;
    from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    ZoneSet set;
    char* wkt = nullptr;
    from.exportToWkt(&wkt);
    set.source_wkt_ = wkt ? wkt : "";
    CPLFree(wkt);
    set.grid_wkt_ = grid ? grid->crs_wkt : set.source_wkt_;
    to.importFromWkt(set.grid_wkt_.c_str());
    to.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&from, &to));
    if (!ct) throw DataError(fmt::format("{}: cannot transform zones to the grid CRS", src.path));
    std::set<std::string> seen;
    layer->ResetReading();
    const auto gb = grid ? grid->bounds() : std::array<double, 4>{0, 0, 0, 0};
    for (auto& f : *layer) {
        Zone z;
        z.id = f->IsFieldSetAndNotNull(id_i) ? f->GetFieldAsString(id_i) : "";
        if (z.id.empty())
            throw DataError(fmt::format("{}: feature {} has an empty zone id ({})", src.path, f->GetFID(), src.id_field));
        if (!seen.insert(z.id).second)
            throw DataError(fmt::format("{}: duplicate zone id '{}' in field {}", src.path, z.id, src.id_field));
        z.name = name_i >= 0 && f->IsFieldSetAndNotNull(name_i) ? f->GetFieldAsString(name_i) : "";
        if (pop_i >= 0) z.population = zone_population(*f, pop_i, src, z.id);
        OGRGeometry* g = f->GetGeometryRef();
        const std::string where = fmt::format("{}: zone '{}'", src.path, z.id);
        if (g && !g->IsEmpty()) {
            z.geometry.reset(g->clone());
            if (z.geometry->transform(ct.get()) != OGRERR_NONE)
                throw DataError(fmt::format("{} cannot be reprojected to the grid CRS", where));
        }
        z.geometry = checked_zone_geometry(std::move(z.geometry), where, set.warnings_);
        if (z.geometry) {
            z.geometry->getEnvelope(&z.envelope);
            z.touches_grid = grid && z.envelope.MinX < gb[2] && z.envelope.MaxX > gb[0] && z.envelope.MinY < gb[3] &&
                             z.envelope.MaxY > gb[1];
            if (z.touches_grid) {
                const double m = 2 * std::abs(grid->geotransform[1]) + 2 * std::abs(grid->geotransform[5]);
                z.burn = clipped_to(*z.geometry, {gb[0] - m, gb[1] - m, gb[2] + m, gb[3] + m});
            }
        }
        set.zones_.push_back(std::move(z));
    }
    if (set.zones_.empty()) throw DataError(fmt::format("{}: the zones layer has no features", src.path));
    if (grid && std::none_of(set.zones_.begin(), set.zones_.end(), [](const Zone& z) { return z.touches_grid; }))
        throw DataError(fmt::format("{}: no zone overlaps the analysis grid", src.path));
    // Sort by id: numerically when every id is a whole number (municipality codes), else as text.
    bool numeric = all_integers(set.zones_);
    auto digits = [](const std::string& id) { return id.substr(std::min(id.find_first_not_of('0'), id.size() - 1)); };
    std::sort(set.zones_.begin(), set.zones_.end(), [&](const Zone& a, const Zone& b) {
        if (numeric) {
            std::string da = digits(a.id), db = digits(b.id);
            if (da.size() != db.size()) return da.size() < db.size();
            if (da != db) return da < db;
        }
        return a.id < b.id;
    });
    // Overlaps: measured per pair (envelopes first); the zone first in id order keeps the shared part.
    // Neighbours' envelopes meet, so most pairs cost a GEOS intersection: measured on the threads.
    const auto& zs = set.zones_;
    std::vector<std::pair<size_t, size_t>> pairs;
    for (size_t i = 0; i < zs.size(); ++i)
        for (size_t j = i + 1; j < zs.size(); ++j)
            if (zs[i].geometry && zs[j].geometry && zs[i].envelope.Intersects(zs[j].envelope)) pairs.emplace_back(i, j);
    std::vector<double> area(pairs.size(), 0.0);
    parallel_for(pairs.size(), threads, [&](size_t k) {
        area[k] = overlap_area(*zs[pairs[k].first].geometry, *zs[pairs[k].second].geometry);
    });
    for (size_t k = 0; k < pairs.size(); ++k) {
        if (!(area[k] > 0)) continue;
        const Zone &a = zs[pairs[k].first], &b = zs[pairs[k].second];
        set.overlaps_.push_back({a.id, b.id, area[k]});
        set.warnings_.push_back(fmt::format("{}: zones '{}' and '{}' overlap by {:.1f} m²: the shared part counts "
                                            "for '{}' only (first in id order)",
                                            src.path, a.id, b.id, area[k], a.id));
    }
    return set;
}

std::optional<std::string> ZoneSet::locate(double x, double y, const std::string& wkt) const {
    OGRSpatialReference from, to;
    from.importFromWkt(wkt.c_str());
    from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    to.importFromWkt(grid_wkt_.c_str());
    to.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&from, &to));
    if (!ct || !ct->Transform(1, &x, &y)) return std::nullopt;
    OGRPoint p(x, y);
    for (const auto& z : zones_)
        if (z.geometry && z.geometry->Contains(&p)) return z.id;
    return std::nullopt;
}

ZoneRasterizer::ZoneRasterizer(const ZoneSet& zones) : zones_(zones) {
    for (const auto& z : zones.zones())
        own_.emplace_back(z.burn ? z.burn->clone() : z.geometry ? z.geometry->clone() : nullptr);
}

bool ZoneRasterizer::rasterize(const GridSpec& grid, const Window& w, Eigen::ArrayXi& out) {
    auto gt = window_geotransform(grid, w);
    double x0 = gt[0], x1 = gt[0] + w.width * gt[1], y0 = gt[3] + w.height * gt[5], y1 = gt[3];
    if (x0 > x1) std::swap(x0, x1);
    if (y0 > y1) std::swap(y0, y1);
    filled_ = false;
    std::vector<std::unique_ptr<OGRGeometry>> outlines;
    std::vector<OGRGeometryH> geoms;
    std::vector<double> burn;
    const auto& zs = zones_.zones();
    // Burnt last to first: a pixel in two zones goes to the first in id order (GDAL keeps the last burn),
    // as a plant's point does in locate().
    size_t whole = SIZE_MAX;   // the first zone covering the whole window
    bool part_before = false;  // a zone before it covers part of the window
    for (size_t k = zs.size(); k-- > 0;) {
        const auto& e = zs[k].envelope;
        if (!own_[k] || e.MaxX < x0 || e.MinX > x1 || e.MaxY < y0 || e.MinY > y1) continue;
        auto outline = window_outline(*own_[k], gt, w.width, w.height);  // the vertices near the window
        if (!outline) continue;
        const WindowCover cover = window_cover(*outline, gt, w.width, w.height);
        if (cover == WindowCover::none) continue;
        if (cover == WindowCover::whole) whole = k, part_before = false;
        else part_before = true;  // k is before every zone seen so far
        geoms.push_back(OGRGeometry::ToHandle(outline.get()));
        outlines.push_back(std::move(outline));
        burn.push_back(double(k + 1));
    }
    if (geoms.empty()) return false;
    if (whole != SIZE_MAX && !part_before) {  // inside a zone's polygons, away from their edges: no burn
        out.setConstant(w.size(), int(whole + 1));
        return filled_ = true;
    }
    // GDAL burns straight into `out` (a MEM band over its buffer): no zeroed dataset to copy from.
    out.setZero(w.size());
    auto* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    std::unique_ptr<GDALDataset> ds(mem->Create("", w.width, w.height, 0, GDT_Int32, nullptr));
    const std::string pointer = fmt::format("DATAPOINTER={}", static_cast<void*>(out.data()));
    const char* options[] = {pointer.c_str(), nullptr};
    if (!ds || ds->AddBand(GDT_Int32, const_cast<char**>(options)) != CE_None)
        throw DataError(fmt::format("cannot rasterize zones: {}", CPLGetLastErrorMsg()));
    ds->SetGeoTransform(gt.data());
    int band = 1;
    if (GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, &band, int(geoms.size()), geoms.data(), nullptr,
                                nullptr, burn.data(), nullptr, nullptr, nullptr) != CE_None)
        throw DataError(fmt::format("cannot rasterize zones: {}", CPLGetLastErrorMsg()));
    ds->FlushCache();
    return true;
}

}  // namespace repot
