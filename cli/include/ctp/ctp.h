// Everything an embedding tool needs: load scripts, inspect pipelines, emit them, run them, add
// native steps. (Link ctp::ctp.)
#pragma once

#include "ctp/base/atomic_file.h"
#include "ctp/emit/emit.h"
#include "ctp/interpreter/lua_step.h"
#include "ctp/interpreter/params.h"
#include "ctp/interpreter/script.h"
#include "ctp/model/dag.h"
#include "ctp/model/diagnostic.h"
#include "ctp/model/pipeline.h"
#include "ctp/native/builtin_steps.h"
#include "ctp/runner/runner.h"
#include "ctp/step/step_registry.h"
