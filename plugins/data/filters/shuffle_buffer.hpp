// shuffle_buffer.hpp: a bounded streaming shuffle, host-free. Fill a buffer
// of `capacity` items; after that each new item evicts a uniformly chosen
// buffered one, which goes out; at the end the rest leaves in random order
// (Fisher-Yates). Memory is bounded by the buffer; the output is a
// permutation of the input, deterministic for a seed and an input order.
//
// Not a uniform shuffle of the whole stream: an item cannot move earlier
// than (its position - capacity). Make the buffer larger than the runs of
// similar records (one source file, one topic) you want broken up.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "filter_random.hpp"

namespace dsforge::data {

template <class T>
class ShuffleBuffer {
 public:
  ShuffleBuffer(size_t capacity, uint64_t seed) : capacity_(capacity < 1 ? 1 : capacity), rng_(seed) {}

  // Takes `item`; returns the item that leaves now, if the buffer was full.
  std::optional<T> offer(T item) {
    if (items_.size() < capacity_) {
      items_.push_back(std::move(item));
      return std::nullopt;
    }
    const size_t j = static_cast<size_t>(rng_.below(items_.size()));
    std::optional<T> out(std::move(items_[j]));
    items_[j] = std::move(item);
    return out;
  }

  // Everything still buffered, in random order; the buffer is left empty.
  std::vector<T> drain() {
    for (size_t i = items_.size(); i > 1; --i) {
      const size_t j = static_cast<size_t>(rng_.below(i));
      std::swap(items_[i - 1], items_[j]);
    }
    std::vector<T> out;
    out.swap(items_);
    return out;
  }

  size_t size() const { return items_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  size_t capacity_;
  Rng rng_;
  std::vector<T> items_;
};

}  // namespace dsforge::data
