// Everything an embedding tool needs: load scripts, inspect pipelines, emit them, add native steps.
#pragma once

#include "ctp/atomic_file.h"
#include "ctp/dag.h"
#include "ctp/diagnostic.h"
#include "ctp/emit.h"
#include "ctp/lua_step.h"
#include "ctp/params.h"
#include "ctp/pipeline.h"
#include "ctp/script.h"
#include "ctp/step_registry.h"
