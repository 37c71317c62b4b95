/* dsforge/dsforge.h: the whole C SDK in one include. */
#ifndef DSFORGE_DSFORGE_H
#define DSFORGE_DSFORGE_H

#include "dsforge/data.h"
#include "dsforge/dlpack.h"
#include "dsforge/host_api.h"
#include "dsforge/model.h"
#include "dsforge/plugin.h"
#include "dsforge/status.h"
#include "dsforge/tensor.h"
#include "dsforge/tokenizer.h"
#include "dsforge/version.h"

#endif /* DSFORGE_DSFORGE_H */
