#include "validators.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <cmath>

#include "repot/message_text.hpp"

namespace repot::cli {

CLI::Validator whole_number(long long lo, long long hi, const std::string& expected) {
    return CLI::Validator(
        [lo, hi, expected](std::string& text) -> std::string {
            long long v = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            const bool whole = ec == std::errc() && end == text.data() + text.size();
            if (whole && v >= lo && v <= hi) return {};
            return fmt::format("must be {}, found {}", expected, quote_for_message(text));
        },
        expected, "whole number");
}

CLI::Validator positive_number() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            double v = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec == std::errc() && end == text.data() + text.size() && std::isfinite(v) && v > 0) return {};
            return fmt::format("must be a number above 0, found {}", quote_for_message(text));
        },
        "above 0", "positive number");
}

CLI::Validator shard_spec() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            int i = 0, n = 0;
            char rest = 0;
            if (std::sscanf(text.c_str(), "%d/%d%c", &i, &n, &rest) == 2 && n >= 1 && i >= 1 && i <= n) return {};
            return fmt::format("must be I/N with 1 <= I <= N (shards count from 1), found {}", quote_for_message(text));
        },
        "I/N", "shard");
}

}  // namespace repot::cli
