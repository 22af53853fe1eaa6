#include "overlap_union.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <numeric>

#include "gdal_support.hpp"
#include "ogr_polygons.hpp"
#include "repot/error.hpp"

namespace repot::prepare {
namespace {

// Union-find over footprint indices.
struct Groups {
    std::vector<std::size_t> parent;
    explicit Groups(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
    std::size_t root(std::size_t i) {
        while (parent[i] != i) i = parent[i] = parent[parent[i]];
        return i;
    }
    void join(std::size_t a, std::size_t b) { parent[root(a)] = root(b); }
};

// Boxes that share more than an edge: only then can the interiors overlap.
bool boxes_overlap(const Extent& a, const Extent& b) {
    return a.xmin < b.xmax && b.xmin < a.xmax && a.ymin < b.ymax && b.ymin < a.ymax;
}

}  // namespace

std::vector<std::vector<std::size_t>> overlapping_groups(const std::vector<Footprint>& fps) {
    const std::size_t n = fps.size();
    std::vector<std::size_t> by_xmin(n);
    std::iota(by_xmin.begin(), by_xmin.end(), 0);
    std::sort(by_xmin.begin(), by_xmin.end(),
              [&](std::size_t a, std::size_t b) { return fps[a].envelope.xmin < fps[b].envelope.xmin; });

    // OGR copies are built only for footprints that have a candidate partner.
    std::vector<std::unique_ptr<OGRMultiPolygon>> ogr(n);
    auto geometry = [&](std::size_t i) -> const OGRMultiPolygon& {
        if (!ogr[i]) ogr[i] = to_ogr(fps[i].polygons);
        return *ogr[i];
    };

    Groups groups(n);
    bool any = false;
    std::vector<std::size_t> active;   // boxes that may still reach the current xmin
    for (std::size_t i : by_xmin) {
        const Extent& box = fps[i].envelope;
        std::erase_if(active, [&](std::size_t j) { return fps[j].envelope.xmax <= box.xmin; });
        for (std::size_t j : active) {
            if (!boxes_overlap(box, fps[j].envelope) || groups.root(i) == groups.root(j)) continue;
            const OGRMultiPolygon &a = geometry(i), &b = geometry(j);
            if (a.Intersects(&b) && !a.Touches(&b)) {
                groups.join(i, j);
                any = true;
            }
        }
        active.push_back(i);
    }
    if (!any) return {};

    std::vector<std::vector<std::size_t>> members(n);
    for (std::size_t i = 0; i < n; ++i) members[groups.root(i)].push_back(i);
    std::vector<std::vector<std::size_t>> out;
    for (auto& m : members)
        if (m.size() > 1) out.push_back(std::move(m));
    return out;
}

std::vector<PolygonRings> union_of(const std::vector<Footprint>& fps, const std::vector<std::size_t>& group) {
    std::vector<PolygonRings> all;
    for (std::size_t i : group) all.insert(all.end(), fps[i].polygons.begin(), fps[i].polygons.end());
    const std::unique_ptr<OGRMultiPolygon> collection = to_ogr(all);
    const std::unique_ptr<OGRGeometry> merged(collection->UnionCascaded());
    if (!merged)
        throw DataError(fmt::format("the union of overlapping footprints (features {} and {}) failed: {}", fps[group[0]].fid,
                                    fps[group[1]].fid, last_gdal_error()));
    std::vector<PolygonRings> out;
    collect_polygons(*merged, out);
    return out;
}

}  // namespace repot::prepare
