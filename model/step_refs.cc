#include "ctp/model/step_refs.h"

namespace ctp {
namespace {

using Visit = std::function<void(const Ref&, RefSite)>;

void VisitTemplate(const Template& value, RefSite site, const Visit& visit) {
  for (const Template::Part& part : value.parts)
    if (part.ref) visit(*part.ref, site);
}

void VisitCondition(const Condition& condition, const Visit& visit) {
  VisitTemplate(condition.lhs, RefSite::kWhen, visit);
  VisitTemplate(condition.rhs, RefSite::kWhen, visit);
  for (const Condition& operand : condition.operands) VisitCondition(operand, visit);
}

/// The references at the sites `keep` accepts, in ForEachRef's order.
template <typename Keep>
std::vector<Ref> RefsWhere(const Step& step, Keep keep) {
  std::vector<Ref> refs;
  ForEachRef(step, [&](const Ref& ref, RefSite site) {
    if (keep(site)) refs.push_back(ref);
  });
  return refs;
}

}  // namespace

bool InContainer(RefSite site) { return site != RefSite::kWhen && site != RefSite::kLoopItems; }

void ForEachRef(const Step& step, const Visit& visit) {
  for (const Template& t : step.command) VisitTemplate(t, RefSite::kCommand, visit);
  VisitTemplate(step.source, RefSite::kSource, visit);
  for (const Template& t : step.args) VisitTemplate(t, RefSite::kArg, visit);
  for (const EnvVar& e : step.env) VisitTemplate(e.value, RefSite::kEnv, visit);
  for (const Input& i : step.inputs) VisitTemplate(i.value, RefSite::kInput, visit);
  if (step.when) VisitCondition(*step.when, visit);
  if (step.loop && step.loop->items_ref) visit(*step.loop->items_ref, RefSite::kLoopItems);
}

std::vector<Ref> StepRefs(const Step& step) {
  return RefsWhere(step, [](RefSite) { return true; });
}

std::vector<Ref> ContainerRefs(const Step& step) { return RefsWhere(step, InContainer); }

}  // namespace ctp
