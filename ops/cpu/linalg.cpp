#include "ops/tensor/tensor.h"
