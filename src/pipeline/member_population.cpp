#include "member_population.hpp"

#include "repot/quantities.hpp"

namespace repot {

std::map<std::string, MemberPopulation> member_populations(const Inputs& in, const ZoneSums& sums) {
    std::map<std::string, MemberPopulation> out;
    const auto& zs = in.zones.zones();
    for (size_t k = 0; k < zs.size(); ++k) {
        const std::string& id = zs[k].id;
        MemberPopulation m;
        if (auto t = in.member_population.find(id); t != in.member_population.end()) {
            m.persons = t->second;
            m.source = PopulationSource::table;
        } else if (zs[k].population) {
            m.persons = zs[k].population;
            m.source = PopulationSource::zone_attribute;
        } else if (in.population) {
            // A zone outside the grid (no pixels) or outside the layer (no valid pixel) has no population:
            // a missing count, not 0 persons.
            const int z = int(k) + 1;
            const double px = sums.get(z, q_pixels), valid = sums.get(z, q_population_valid_px);
            m.coverage = px > 0 ? valid / px : 0;
            if (valid > 0) m.persons = sums.get(z, q_population);
        }
        out[id] = m;
    }
    return out;
}

}  // namespace repot
