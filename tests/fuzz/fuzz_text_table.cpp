// The generic CSV reader (src/core/text_table.cpp): TextTable::parse, every cell read as text and as
// a number, and the csv_field writer, whose output split_csv must read back to the same fields
// (plants.csv and the result CSVs are written with csv_field).
#include "fuzz_support.hpp"
#include "repot/text_table.hpp"

namespace {

void check_round_trip(const std::string& text) {
    std::vector<std::vector<std::string>> records;
    std::string out;
    for (auto& record : repot::split_csv(text)) {
        // A record of one empty field is written as an empty line, which a reader skips: not a record.
        if (record.size() == 1 && record[0].empty()) continue;
        for (size_t i = 0; i < record.size(); ++i) out += (i ? "," : "") + repot::csv_field(record[i]);
        out += "\n";
        records.push_back(std::move(record));
    }
    // A first field that itself starts with a BOM would be read as the file's BOM: not writable.
    if (out.compare(0, 3, "\xEF\xBB\xBF") == 0) return;
    repot::fuzz::check(repot::split_csv(out) == records, "csv_field output reads back unchanged");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = repot::fuzz::text_of(data, size);
    repot::fuzz::expect_repot_errors_only([&] {
        const auto t = repot::TextTable::parse(text, "fuzz.csv");
        for (size_t r = 0; r < t.rows(); ++r)
            for (const auto& col : t.header()) {
                (void)t.text(r, col);
                try {
                    (void)t.number(r, col);
                } catch (const repot::DataError&) {
                }
            }
    });
    check_round_trip(text);
    return 0;
}
