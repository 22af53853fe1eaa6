#pragma once
// Small thread pools for the one-off work around the engine (the zones' overlaps, the Rb table, the census
// pre-pass). Callers whose results must not depend on the thread count write each item's result to its own
// place, or add integers.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace repot {

// Runs work(t) for t = 0 .. n − 1 at once, t = 0 on the calling thread, and waits for all; the first exception
// one of them throws is rethrown after every thread has stopped.
template <class Work>
void run_threads(int n, Work&& work) {
    std::exception_ptr error;
    std::mutex mu;
    auto guarded = [&](int t) {
        try {
            work(t);
        } catch (...) {
            std::lock_guard<std::mutex> lock(mu);
            if (!error) error = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < n; ++t) pool.emplace_back(guarded, t);
    guarded(0);
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

// Calls f(k) once for every k in [0, count), on up to `threads` threads, in no fixed order.
template <class F>
void parallel_for(size_t count, int threads, F&& f) {
    std::atomic<size_t> next{0};
    const int n = int(std::clamp<size_t>(size_t(std::max(threads, 1)), 1, std::max<size_t>(count, 1)));
    run_threads(n, [&](int) {
        for (size_t k = next++; k < count; k = next++) f(k);
    });
}

}  // namespace repot
