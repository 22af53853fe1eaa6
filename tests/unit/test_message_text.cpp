// quote_for_message / escape_for_message: file content shown in an error stays one printable line.
#include <doctest/doctest.h>

#include <string>

#include "repot/message_text.hpp"

using namespace repot;

TEST_CASE("escape_for_message: control characters and bytes that are not UTF-8 are escaped") {
    CHECK(escape_for_message("plain text") == "plain text");
    CHECK(escape_for_message("two\nlines") == "two\\nlines");
    CHECK(escape_for_message("cr\r lf\n tab\t") == "cr\\r lf\\n tab\\t");
    CHECK(escape_for_message(std::string("nul\0bell\a esc\x1B del\x7F", 19)) == "nul\\x00bell\\x07 esc\\x1B del\\x7F");
    // Valid UTF-8 is kept: Japanese names, a BOM-less "é", a 4-byte emoji.
    CHECK(escape_for_message("千代田区") == "千代田区");
    CHECK(escape_for_message("caf\xC3\xA9") == "caf\xC3\xA9");
    CHECK(escape_for_message("\xF0\x9F\x8C\x9E") == "\xF0\x9F\x8C\x9E");
    // Not UTF-8: a Latin-1 "é", stray continuation bytes, a truncated sequence, 0xFF, an overlong "/",
    // a UTF-16 surrogate written as UTF-8, a code point above U+10FFFF.
    CHECK(escape_for_message("caf\xE9") == "caf\\xE9");
    CHECK(escape_for_message("\x80\xBF") == "\\x80\\xBF");
    CHECK(escape_for_message("\xE6\x9D") == "\\xE6\\x9D");
    CHECK(escape_for_message("a\xFF" "b") == "a\\xFFb");
    CHECK(escape_for_message("\xC0\xAF") == "\\xC0\\xAF");
    CHECK(escape_for_message("\xED\xA0\x80") == "\\xED\\xA0\\x80");
    CHECK(escape_for_message("\xF4\x90\x80\x80") == "\\xF4\\x90\\x80\\x80");
    // A truncated sequence followed by a valid one: only the broken bytes are escaped.
    CHECK(escape_for_message("\xE6\x9D東") == "\\xE6\\x9D東");
}

TEST_CASE("quote_for_message: quotes, escapes and shortens") {
    CHECK(quote_for_message("abc") == "'abc'");
    CHECK(quote_for_message("") == "''");
    CHECK(quote_for_message("a\nb") == "'a\\nb'");
    // Exactly max characters: kept whole; one more: cut to max - 1 and "…".
    CHECK(quote_for_message(std::string(60, 'x')) == "'" + std::string(60, 'x') + "'");
    CHECK(quote_for_message(std::string(61, 'x')) == "'" + std::string(59, 'x') + "…'");
    CHECK(quote_for_message("abcdef", 4) == "'abc…'");
    // Multi-byte characters count as one and are never cut in half.
    CHECK(quote_for_message("東京都千代田区", 4) == "'東京都…'");
    // An escape counts as printed (\x07 is 4) and is never cut in half.
    CHECK(quote_for_message("ab\acd", 5) == "'ab…'");
    CHECK(quote_for_message("ab\acd", 7) == "'ab\\x07…'");
    // A whole file swallowed into one cell stays short.
    std::string file;
    for (int i = 0; i < 1000; ++i) file += "P" + std::to_string(i) + ",A,1000,13101\n";
    const std::string q = quote_for_message(file);
    CHECK(q.find('\n') == std::string::npos);
    CHECK(q.size() < 70);
    CHECK(q.rfind("'P0,A,1000,13101\\nP1,", 0) == 0);
}
