#pragma once
// Reads a table of JIS X 0410 mesh codes and values (any OGR source: CSV, GPKG, Shapefile, GML)
// into decoded cells, refusing malformed codes, mixed levels and non-numeric values by row.
#include <cstdint>
#include <vector>

#include "repot/prepare.hpp"

namespace repot::prepare {

struct MeshTable {
    MeshLevel level = MeshLevel::third;
    std::vector<MeshCell> cells;          // one per row, in table order
    std::vector<std::int64_t> row_numbers; // 1-based data row of each cell (the header not counted)
    std::vector<std::string> codes;       // the code of each row as read
    std::vector<double> values;           // row-major: cells.size() x value_fields.size(); NaN = missing
    std::int64_t values_missing = 0;
};

MeshTable read_mesh_table(const PrepareMeshOptions& options);

}  // namespace repot::prepare
