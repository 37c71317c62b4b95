// filters_plugin.cpp: the dsforge-filters library: length_filter,
// sensitive_filter, augment, shuffle and split, and the exported entry point.
#include "dsforge/dsforge.hpp"
#include "filters_schemas.hpp"
#include "filters_transforms.hpp"

using namespace dsforge::data;

DSFORGE_PLUGIN(
    "dsforge-filters", "0.1.0", "Apache-2.0",
    ds::transform<LengthFilter>("length_filter", "0.1.0",
                                "Drop records shorter or longer than limits in characters or bytes",
                                kLengthFilterSchema, DS_COMPONENT_PARALLEL),
    ds::transform<SensitiveFilter>("sensitive_filter", "0.1.0",
                                   "Drop or mask records containing listed words (Aho-Corasick)",
                                   kSensitiveFilterSchema),
    ds::transform<AugmentTransform>(
        "augment", "0.1.0", "Seeded augmentation: punctuation noise, synonyms, templates",
        kAugmentSchema),
    ds::transform<ShuffleTransform>("shuffle", "0.1.0", "Buffered seeded streaming shuffle",
                                    kShuffleSchema),
    ds::transform<SplitTransform>("split", "0.1.0",
                                  "Assign records to train/eval splits by a hash of the text",
                                  kSplitSchema, DS_COMPONENT_PARALLEL))
