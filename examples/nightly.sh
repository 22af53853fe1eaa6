#!/usr/bin/env bash
# A nightly pipeline: one run per scenario, machine-readable progress, and nothing published unless
# every run succeeded. repot exits 0 on success, 1 on bad data, 2 on a usage error; a failed run leaves
# no output files, so a half-finished night never looks like a result.
#   examples/nightly.sh OUTPUT_ROOT [SCENARIO.toml ...]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
root=${1:?output root}
shift
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=("$top/examples/scenario_high_adoption.toml")
d="$top/datasets/tokyo"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
for s in "${scenarios[@]}"; do
  name=$(basename "$s" .toml)
  "$top/build/release/repot" run --progress-json --scenario "$s" \
    --zones "$d/tokyo_municipalities_n03_2021_s0010.gpkg" --zone-id-field city_code --zone-name-field city_name \
    --roof "$d/tokyo23_roof_area_10m.tif" --ghi "$d/climate/tokyo_ghi_monthly_kwh_m2.tif" \
    --population "$d/population/census2015_pop_500m_mesh5339.tif" \
    --waste-plants "$d/waste/tokyo_incineration_facilities_FY2022.csv" \
    --waste-members "$d/waste/tokyo_waste_union_members.csv" \
    --grid EPSG:6677:10:-80790,-55330,7750,-10900 \
    --out "$root/$stamp/$name" 2>"$root/$stamp-$name.progress.jsonl" >/dev/null
done
ln -sfn "$stamp" "$root/latest"   # publish only after every scenario succeeded
echo "published $root/$stamp"
