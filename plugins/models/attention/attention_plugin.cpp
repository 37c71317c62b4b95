// attention_plugin.cpp: the library's entry point and component list.
#include "attention_variants.hpp"

DSFORGE_PLUGIN("dsforge-attention", "0.1.0", "Apache-2.0",
               ds::block<dsattn::CausalAttention>(DS_KIND_ATTENTION, "causal", "0.1.0",
                                                  "Full causal attention (SDPA), grouped-query heads, KV cache",
                                                  dsattn::kCausalSchema),
               ds::block<dsattn::SlidingWindowAttention>(
                   DS_KIND_ATTENTION, "sliding_window", "0.1.0",
                   "Local attention over a window plus global tokens; the cache keeps only those",
                   dsattn::kSlidingWindowSchema),
               ds::block<dsattn::GatedHeadsAttention>(DS_KIND_ATTENTION, "gated_heads", "0.1.0",
                                                      "Causal attention with a learned input-dependent gate per head",
                                                      dsattn::kGatedHeadsSchema))
