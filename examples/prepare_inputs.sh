#!/usr/bin/env bash
# Turns footprints, JIS X 0410 mesh tables and irradiation points into `repot run` inputs, then runs repot on them.
# Uses only files shipped in this repository; see docs/prepare.md for where the full data come from.
#
#   examples/prepare_inputs.sh [OUT_DIR]        (run from the repository root; REPOT=path/to/repot if not on PATH)
set -euo pipefail

REPOT=${REPOT:-repot}
OUT=${1:-prepared}
DATA=datasets/tokyo
mkdir -p "$OUT"

# 1. Building footprints -> roof area (m² per 10 m cell, exact area, overlaps counted once), mean height and
#    building count, on the 10 m EPSG:6677 grid of the shipped 23-ward roof raster.
"$REPOT" prepare roofs "$DATA/chiyoda_footprints_plateau2020.gpkg" --res 10 --crs EPSG:6677 \
    -o "$OUT/chiyoda_roof_area_10m.tif" \
    --height-field height_m --height-out "$OUT/chiyoda_roof_height_10m.tif" \
    --count-out "$OUT/chiyoda_buildings_10m.tif"

# 2. Census population on the 500 m mesh (4th level, 9-digit codes) -> raster in EPSG:6668, one pixel per cell.
#    The census lists populated cells only: --fill 0 makes the absent cells of mesh 5339 zero, not missing.
"$REPOT" prepare mesh tests/data/prepare/census2015_pop_500m_mesh5339.csv \
    --code-field mesh500m_code --value-field population_2015 --fill 0 -o "$OUT/population_500m_5339.tif"

# 3. Land use on L03-b's 100 m subdivision (10-digit codes: --level 100m is required). The sample table has
#    five cells; a real L03-b file is read the same way (--code-field L03b_001 --value-field L03b_002).
"$REPOT" prepare mesh tests/data/prepare/mesh_100m_sample.csv \
    --code-field mesh_code --value-field landuse_code --level 100m -o "$OUT/landuse_100m_sample.tif"

# 4. Monthly GHI at the 6 mainland NEDO MONSOLA-11 points -> 12-band raster, nearest point per 1 km cell
#    (the shipped ghi_monsola_mainland_1km.tif is this command's output).
"$REPOT" prepare irradiation "$DATA/irradiation/nedo_monsola11_tokyo_stations_ghi.csv" --filter mainland=1 \
    --like "$DATA/landcover/jaxa_hrlulc_v2111_tokyo_mainland_6677_10m.tif" --res 1000 -o "$OUT/ghi_monsola_1km.tif"

# 5. The prepared rasters as inputs of a run (千代田区 roofs; population resampled conserving totals).
"$REPOT" run --zones "$DATA/tokyo_municipalities_n03_2021_s0010.gpkg" \
    --zone-id-field city_code --zone-name-field city_name \
    --roof "$OUT/chiyoda_roof_area_10m.tif" \
    --ghi "$OUT/ghi_monsola_1km.tif" \
    --population "$OUT/population_500m_5339.tif" \
    --out "$OUT/run"
