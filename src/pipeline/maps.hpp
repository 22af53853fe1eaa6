#pragma once
// --maps: one Cloud-Optimized GeoTIFF per computed source (usable PV kWh, technical heat GJ per pixel)
// and zones.tif, written as the run streams. Blocks go into temporary tiled GeoTIFFs in the output's
// staging folder; finish() turns each into a COG (GDAL's COG driver, overviews, statistics, units), so
// memory stays bounded by block size and threads and a failed run leaves no map (README, "Maps").
#include <gdal_priv.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine.hpp"
#include "repot/output_dir.hpp"

namespace repot {

// One map: its file (below maps/), what it holds, and the kernel column it is taken from.
struct MapSpec {
    std::string file;         // e.g. solar_roof_usable_kwh.tif
    std::string source, tier, unit;
    std::string description;  // band description
    PixelLayer layer;
};

// The maps --maps writes for these inputs (one per computed source), then zones.tif.
std::vector<MapSpec> map_specs(const Inputs& in);

// --map-res R: the factor by which R is a whole multiple of the grid's pixel size; throws UsageError
// otherwise (or on a rotated grid). 1 without --map-res.
int map_factor(const GridSpec& grid, double map_res);

// A file --maps wrote (name in --out, e.g. maps/zones.tif), for run.json.
struct MapOutput {
    std::string name, source, tier, unit, sha256;
};

class MapWriter : public PixelSink {
public:
    MapWriter(const Inputs& in, OutputDir& out, int factor, int threads);
    ~MapWriter() override;
    const std::vector<PixelLayer>& layers() const override { return layers_; }
    void write_block(const Window& w, const std::vector<std::vector<float>>& values, const Eigen::ArrayXi& zone) override;
    // Builds the COGs and zones.csv in the staging folder.
    std::vector<MapOutput> finish();
    // --shard: stages the temporaries as they are (tiled GeoTIFFs holding this shard's blocks) as
    // map_parts/<file> for repot merge, instead of building COGs.
    void keep_parts();
    // repot merge: writes the blocks [first, end) of `plan` from a shard folder's map_parts/, as the
    // engine wrote them in a single run, so that finish() builds the same maps. Throws DataError
    // naming the file when a part is missing or of another grid.
    void add_parts(const std::string& shard_folder, const BlockPlan& plan, uint64_t first, uint64_t end);

private:
    struct Temp;
    MapOutput build_cog(Temp& t, const std::string& name, bool is_zones);
    std::string part_name(size_t k) const;  // map_parts/<file> of temporary k (the last: zones.tif)
    const Inputs& in_;
    OutputDir& out_;
    int factor_, threads_;
    std::vector<MapSpec> specs_;
    std::vector<PixelLayer> layers_;
    std::vector<std::unique_ptr<Temp>> temps_;  // one per spec, then zones
    std::mutex mu_;
};

}  // namespace repot
