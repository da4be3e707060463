#include "object.h"

DECLARE_TYPE(Channel, CHANNEL)
