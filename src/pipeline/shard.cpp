#include "shard.hpp"

#include <fmt/format.h>
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "repot/error.hpp"
#include "repot/json.hpp"
#include "repot/sha256.hpp"
#include "repot/version.hpp"

namespace repot {

namespace {

// In-zone cells of each plan block on a raster of `cells` × `cells` cells per block (pixel-centre rule).
std::vector<uint64_t> block_weights(const Inputs& in, const BlockPlan& plan, int block_size) {
    // Up to 16 cells per block side, fewer on huge plans: the raster stays under 2^24 cells.
    int cells = 16;
    while (cells > 1 && (block_size % cells != 0 || double(plan.size()) * cells * cells > double(1 << 24))) cells /= 2;
    const int cell_px = block_size / cells;
    const Window first = plan[0];
    const int64_t W = plan.cols() * cells, H = plan.rows() * cells;
    std::array<double, 6> gt = in.grid.geotransform;
    const double x0 = gt[0] + first.x0 * gt[1] + first.y0 * gt[2], y0 = gt[3] + first.x0 * gt[4] + first.y0 * gt[5];
    gt = {x0, gt[1] * cell_px, gt[2] * cell_px, y0, gt[4] * cell_px, gt[5] * cell_px};
    auto* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    std::unique_ptr<GDALDataset> ds(mem->Create("", int(W), int(H), 1, GDT_Byte, nullptr));
    ds->SetGeoTransform(gt.data());
    std::vector<OGRGeometryH> geoms;
    for (const auto& z : in.zones.zones()) {
        const OGRGeometry* g = z.burn ? z.burn.get() : z.geometry.get();
        if (g && z.touches_grid) geoms.push_back(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(g)));
    }
    std::vector<double> burn(geoms.size(), 1.0);
    int band = 1;
    if (!geoms.empty() && GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, &band, int(geoms.size()), geoms.data(),
                                                  nullptr, nullptr, burn.data(), nullptr, nullptr, nullptr) != CE_None)
        throw DataError(fmt::format("cannot rasterize the zones to plan the shards: {}", CPLGetLastErrorMsg()));
    std::vector<uint64_t> weights(plan.size(), 0);
    std::vector<uint8_t> row(static_cast<size_t>(W));
    for (int64_t y = 0; y < H; ++y) {
        if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, int(y), int(W), 1, row.data(), int(W), 1, GDT_Byte, 0, 0) != CE_None)
            throw DataError("cannot read the rasterized zones back to plan the shards");
        const int64_t grid_row = first.y0 + y * cell_px;
        if (grid_row >= in.grid.height) break;  // cells below the grid hold no pixel
        for (int64_t x = 0; x < W; ++x)
            if (row[size_t(x)] && first.x0 + x * cell_px < in.grid.width)
                ++weights[size_t((y / cells) * plan.cols() + x / cells)];
    }
    return weights;
}

void option(JsonWriter& j, const char* key, const std::string& v) { j.value(key, v); }

// Every option that changes a shard's result, in a fixed order.
std::string options_json(const RunOptions& o) {
    JsonWriter j;
    j.begin_object();
    for (auto [key, v] : std::initializer_list<std::pair<const char*, const std::string*>>{
             {"zones", &o.zones}, {"zones_layer", &o.zones_layer}, {"zone_id_field", &o.zone_id_field},
             {"zone_name_field", &o.zone_name_field}, {"zone_population_field", &o.zone_population_field},
             {"roof", &o.roof}, {"roof_slope", &o.roof_slope}, {"roof_aspect", &o.roof_aspect},
             {"roof_shade", &o.roof_shade}, {"ghi", &o.ghi}, {"temperature", &o.temperature}, {"landuse", &o.landuse},
             {"landuse_classes", &o.landuse_classes}, {"terrain_slope", &o.terrain_slope},
             {"population", &o.population}, {"heat_demand", &o.heat_demand}, {"waste_plants", &o.waste_plants},
             {"waste_members", &o.waste_members}, {"facilities", &o.facilities},
             {"facility_category_field", &o.facility_category_field}, {"grid", &o.grid}, {"scenario", &o.scenario}})
        option(j, key, *v);
    j.begin_array("inclusion");
    for (const auto& p : o.inclusion) j.value("", p);
    j.end_array();
    j.value("block_size", o.block_size).value("strict", o.strict).value("maps", o.maps).value("map_res", o.map_res);
    j.value("csv_bom", o.csv_bom).value("transposition_per_pixel", o.transposition_per_pixel).end_object();
    return j.str();
}

RunOptions options_from(const JsonValue& v, const std::string& where) {
    RunOptions o;
    auto text = [&](const char* key, std::string& dst) {
        const JsonValue* x = v.find(key);
        if (!x || x->kind != JsonValue::string) throw DataError(fmt::format("{}: options lack {}", where, key));
        dst = x->str;
    };
    auto number = [&](const char* key) {
        const JsonValue* x = v.find(key);
        if (!x || x->kind != JsonValue::number) throw DataError(fmt::format("{}: options lack {}", where, key));
        return x->num;
    };
    auto flag = [&](const char* key) {
        const JsonValue* x = v.find(key);
        if (!x || x->kind != JsonValue::boolean) throw DataError(fmt::format("{}: options lack {}", where, key));
        return x->b;
    };
    text("zones", o.zones), text("zones_layer", o.zones_layer), text("zone_id_field", o.zone_id_field);
    text("zone_name_field", o.zone_name_field), text("zone_population_field", o.zone_population_field);
    text("roof", o.roof), text("roof_slope", o.roof_slope), text("roof_aspect", o.roof_aspect);
    text("roof_shade", o.roof_shade), text("ghi", o.ghi), text("temperature", o.temperature), text("landuse", o.landuse);
    text("landuse_classes", o.landuse_classes), text("terrain_slope", o.terrain_slope);
    text("population", o.population), text("heat_demand", o.heat_demand), text("waste_plants", o.waste_plants);
    text("waste_members", o.waste_members), text("facilities", o.facilities);
    text("facility_category_field", o.facility_category_field), text("grid", o.grid), text("scenario", o.scenario);
    if (const JsonValue* inc = v.find("inclusion"))
        for (const auto& p : inc->items) o.inclusion.push_back(p.str);
    o.block_size = int(number("block_size"));
    o.strict = flag("strict"), o.maps = flag("maps"), o.map_res = number("map_res"), o.csv_bom = flag("csv_bom");
    o.transposition_per_pixel = flag("transposition_per_pixel");
    return o;
}

// Path, size and modification time of each input file (nanoseconds): cheap, and any rewrite changes it.
std::string inputs_json(const std::vector<NamedPath>& inputs) {
    JsonWriter j;
    j.begin_array();
    for (const auto& p : inputs) {
        if (p.path.empty()) continue;
        j.begin_object().value("flag", p.what).value("path", p.path);
        struct stat st {};
        if (stat(p.path.c_str(), &st) == 0) {
            j.value("size_bytes", (long long)st.st_size);
            j.value("mtime_ns", (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
        }
        j.end_object();
    }
    j.end_array();
    return j.str();
}

const JsonValue& member(const JsonValue& v, const char* key, const std::string& where) {
    const JsonValue* x = v.find(key);
    if (!x) throw DataError(fmt::format("{}: run.json has no \"{}\": not a finished shard of repot run --shard", where, key));
    return *x;
}

}  // namespace

ShardRange shard_range(const Inputs& in, int block_size, int index, int count) {
    const BlockPlan plan = zone_plan(in, block_size);
    ShardRange r;
    r.plan_blocks = plan.size();
    if (plan.size() == 0) return r;
    const std::vector<uint64_t> w = block_weights(in, plan, block_size);
    uint64_t total = 0;
    for (uint64_t x : w) total += x;
    // Boundary i: the first block whose running weight before it reaches i/count of the total (by
    // block count when no zone has a cell). Integer arithmetic: the same cut on every machine.
    auto boundary = [&](int i) -> uint64_t {
        if (i <= 0) return 0;
        if (i >= count) return plan.size();
        if (total == 0) return plan.size() * uint64_t(i) / uint64_t(count);
        unsigned __int128 before = 0;
        for (uint64_t k = 0; k < plan.size(); ++k) {
            if (before * unsigned(count) >= (unsigned __int128)total * unsigned(i)) return k;
            before += w[k];
        }
        return plan.size();
    };
    r.first = boundary(index - 1);
    r.end = boundary(index);
    return r;
}

ShardFingerprint shard_fingerprint(const RunOptions& o, const std::vector<NamedPath>& inputs, uint64_t plan_blocks) {
    return {version_text(), sha256_hex(options_json(o)), sha256_hex(inputs_json(inputs)), plan_blocks};
}

std::string shard_manifest(const RunOptions& o, const std::vector<NamedPath>& inputs, const ShardFingerprint& f,
                           const ShardRange& r, const EngineStats& stats, double seconds,
                           const std::vector<std::string>& outputs) {
    JsonWriter j;
    j.begin_object().value("schema_version", 2);
    j.begin_object("tool").value("name", "repot").value("version", REPOT_VERSION).value("versions", version_text()).end_object();
    j.begin_array("command_line");
    for (const auto& a : o.command_line) j.value("", a);
    j.end_array();
    j.begin_array("outputs");
    for (const auto& n : outputs) j.value("", n);
    j.end_array();
    j.begin_object("shard").value("index", o.shard_index).value("count", o.shard_count);
    j.value("first_block", (long long)r.first).value("end_block", (long long)r.end).value("plan_blocks", (long long)r.plan_blocks);
    j.end_object();
    j.begin_object("fingerprint").value("version", f.version).value("options_sha256", f.options_sha256);
    j.value("inputs_sha256", f.inputs_sha256).value("plan_blocks", (long long)f.plan_blocks).end_object();
    j.begin_object("stats").value("blocks", stats.blocks).value("blocks_read", stats.blocks_processed);
    j.value("rb_latitude_deg", stats.rb_latitude_deg).value("roof_above_pixel_px", stats.roof_above_pixel_px);
    j.value("roof_above_pixel_max", stats.roof_above_pixel_max).end_object();
    j.value("seconds", seconds);
    j.end_object();
    // The options and the inputs' identity, readable (their hashes above are what merge compares).
    std::string text = j.str();
    const size_t close = text.rfind('}');
    return text.substr(0, close) + ",\n  \"options\": " + options_json(o) + ",\n  \"inputs\": " + inputs_json(inputs) +
           "}\n";
}

ShardRecord read_shard(const std::string& folder) {
    const std::string path = (std::filesystem::path(folder) / "run.json").string();
    std::ifstream f(path, std::ios::binary);
    if (!f) throw DataError(fmt::format("{}: no run.json: not the folder of a finished shard (repot run --shard)", folder));
    std::stringstream ss;
    ss << f.rdbuf();
    JsonValue doc;
    try {
        doc = parse_json(ss.str());
    } catch (const std::runtime_error& e) {
        throw DataError(fmt::format("{}: not valid JSON: {}", path, e.what()));
    }
    ShardRecord r;
    r.folder = folder;
    const JsonValue& shard = member(doc, "shard", folder);
    const JsonValue& fp = member(doc, "fingerprint", folder);
    const JsonValue& stats = member(doc, "stats", folder);
    auto num = [&](const JsonValue& v, const char* key) { return member(v, key, folder).num; };
    auto str = [&](const JsonValue& v, const char* key) { return member(v, key, folder).str; };
    r.index = int(num(shard, "index")), r.count = int(num(shard, "count"));
    r.range = {uint64_t(num(shard, "first_block")), uint64_t(num(shard, "end_block")), uint64_t(num(shard, "plan_blocks"))};
    r.fingerprint = {str(fp, "version"), str(fp, "options_sha256"), str(fp, "inputs_sha256"), uint64_t(num(fp, "plan_blocks"))};
    r.stats.blocks = (long long)num(stats, "blocks");
    r.stats.blocks_processed = (long long)num(stats, "blocks_read");
    r.stats.rb_latitude_deg = num(stats, "rb_latitude_deg");
    r.stats.roof_above_pixel_px = (long long)num(stats, "roof_above_pixel_px");
    r.stats.roof_above_pixel_max = num(stats, "roof_above_pixel_max");
    r.options = options_from(member(doc, "options", folder), folder);
    return r;
}

}  // namespace repot
