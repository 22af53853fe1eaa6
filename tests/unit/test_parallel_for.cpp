// parallel_for and run_threads: every item once, for any thread count, and an exception reaches the caller.
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "repot/parallel_for.hpp"

using namespace repot;

TEST_CASE("parallel_for calls f once for every index, on any number of threads") {
    for (int threads : {0, 1, 2, 3, 8}) {
        for (size_t count : {size_t(0), size_t(1), size_t(5), size_t(1000)}) {
            std::vector<std::atomic<int>> calls(count);
            parallel_for(count, threads, [&](size_t k) { ++calls[k]; });
            int wrong = 0;
            for (auto& c : calls) wrong += c != 1;
            CHECK(wrong == 0);
        }
    }
}

TEST_CASE("run_threads runs every worker index once and rethrows the first exception after all stop") {
    std::vector<std::atomic<int>> ran(4);
    run_threads(4, [&](int t) { ++ran[size_t(t)]; });
    for (auto& r : ran) CHECK(r == 1);
    std::atomic<int> finished{0};
    CHECK_THROWS_AS(run_threads(3, [&](int t) {
                        if (t == 1) throw std::runtime_error("worker 1");
                        ++finished;
                    }),
                    std::runtime_error);
    CHECK(finished == 2);  // the other two ran to the end
}
