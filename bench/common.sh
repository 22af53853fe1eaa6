# Shared by bench/run and bench/stages (sourced; both set `here`, the repository, and `inputs`, the folder
# bench/make_inputs writes).

# The inputs folder's tag for a resolution and roof pattern: res 1 spread -> 1-spread.
inputs_tag() { echo "$(printf '%g' "$1" | tr . p)$([ "$2" = rows ] || echo "-$2")"; }

zones=$here/datasets/tokyo/tokyo_municipalities_n03_2021_s0010.gpkg

layers() {  # variant -> "roof ghi [population] [landuse]"
  case "$1" in
    deflate) echo "$inputs/roof_deflate.tif $inputs/ghi_1km.tif" ;;
    zstd) echo "$inputs/roof_zstd.tif $inputs/ghi_1km.tif" ;;
    mixed) echo "$inputs/roof_deflate.tif $inputs/ghi_1km.tif $inputs/population_500m.tif" ;;
    same) echo "$inputs/roof_deflate.tif $inputs/ghi_grid.tif $inputs/population_grid.tif" ;;
    landuse) echo "$inputs/roof_deflate.tif $inputs/ghi_1km.tif $inputs/population_500m.tif $inputs/landuse_100m.tif" ;;
    *) echo "bench: unknown variant $1" >&2; exit 2 ;;
  esac
}

repot_args() {  # variant -> repot run flags for its layers
  set -- $(layers "$1")
  echo "--zones $zones --zone-id-field city_code --roof $1 --ghi $2${3:+ --population $3}${4:+ --landuse $4}"
}

# Builds the decode floor (bench/decode_floor.cpp) into build/bench/floor, its log into $1; prints its path.
build_floor() {
  { cmake -S "$here/bench" -B "$here/build/bench/floor" -DCMAKE_BUILD_TYPE=Release &&
    cmake --build "$here/build/bench/floor" -j "$(nproc)"; } >"$1" 2>&1 || { cat "$1" >&2; exit 1; }
  echo "$here/build/bench/floor/repot_decode_floor"
}
