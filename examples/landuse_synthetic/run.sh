#!/usr/bin/env bash
# A land-use run on a SYNTHETIC land-use layer: there is no real land-use raster for Tokyo in the shipped
# data, so this script makes an 8 km × 8 km patch of made-up MLIT L03-b codes (100 m cells) over
# central Tokyo and surveys the wards it touches with it. The numbers show how land PV and ground
# heat respond to land use; they say nothing about Tokyo's real land.
#   examples/landuse_synthetic/run.sh [output folder]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$top/out/landuse_synthetic}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 80 × 80 cells of 100 m, x -12000..-4000, y -38000..-30000 (EPSG:6677); codes in 1 km squares.
awk 'BEGIN {
  split("100 600 700 901 1000 1100 1600", codes, " ")
  print "ncols 80"; print "nrows 80"; print "xllcorner -12000"; print "yllcorner -38000"; print "cellsize 100"
  for (r = 0; r < 80; r++) { line = ""
    for (c = 0; c < 80; c++) line = line (c ? " " : "") codes[(int(r / 10) * 3 + int(c / 10)) % 7 + 1]
    print line }
}' > "$work/landuse.asc"
gdal_translate -q -of GTiff -a_srs EPSG:6677 -ot Int16 -mo "DESCRIPTION=SYNTHETIC land use (made-up L03-b codes)" \
  "$work/landuse.asc" "$work/landuse_synthetic.tif"

d="$top/datasets/tokyo"
"$top/build/release/repot" run \
  --zones "$d/tokyo_municipalities_n03_2021_s0010.gpkg" --zone-id-field city_code --zone-name-field city_name \
  --roof "$d/tokyo23_roof_area_10m.tif" --ghi "$d/climate/tokyo_ghi_monthly_kwh_m2.tif" \
  --landuse "$work/landuse_synthetic.tif" \
  --grid EPSG:6677:10:-12000,-38000,-4000,-30000 --out "$out" -q
echo "SYNTHETIC land use: see $out/potential.csv (rows of the wards the 8 km patch touches)"
