#pragma once
// --facilities: a layer of stations, public facilities, EV chargers... counted per zone and category
// for the smart-community indicators (docs/smart_community.md). Written as facilities.csv.
#include <map>
#include <string>
#include <vector>

#include "zones.hpp"

namespace repot {

// zone_id -> category -> count; zones and categories without a facility are absent (they count 0).
using FacilityCountMap = std::map<std::string, std::map<std::string, double>>;

// Points count in the zone containing them; lines and polygons by a point on their surface. A feature
// in no zone is not counted. A category outside `categories` is an error naming the file, feature and
// value (DataError), as are a missing layer or field and a layer without CRS.
FacilityCountMap count_facilities(const std::string& path, const std::string& category_field, const ZoneSet& zones,
                                  const std::vector<std::string>& categories);

// zone_id,category,count, sorted by zone (in `zones` order) then category.
std::string facilities_csv(const FacilityCountMap& counts, const ZoneSet& zones);

}  // namespace repot
