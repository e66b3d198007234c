// Rng moved to harness/core/model/rng.h (the review sheets shuffle with it too); kept so that runner
// code including this path still builds.
#pragma once

#include "harness/core/model/rng.h"
