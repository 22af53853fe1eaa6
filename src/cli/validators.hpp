#pragma once
// Checks of numeric flags whose failure says the real range ("--block-size: must be 16..4096"):
// CLI11's NonNegativeNumber and PositiveNumber are ranges up to the largest double and print it.
#include <CLI/CLI.hpp>

#include <string>

namespace repot::cli {

// A whole number in lo..hi; `expected` is how the message and --help describe the range.
CLI::Validator whole_number(long long lo, long long hi, const std::string& expected);

// A finite number above zero.
CLI::Validator positive_number();

// I/N with 1 <= I <= N (--shard).
CLI::Validator shard_spec();

}  // namespace repot::cli
