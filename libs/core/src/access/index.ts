export { createCallerGroups } from './caller-groups';
export type { CallerGroups } from './caller-groups';
export { createRuleGates, lockedError } from './rule-gate';
export type { RuleCaller, RuleGate, RuleGateDeps, RuleGates } from './rule-gate';
export { resolverFields } from './resolver-fields';
export { assertWritableFields, parseFieldList, projectFields, SYSTEM_FIELD_NAMES, visibleFieldNames } from './field-access';
export type { FieldList } from './field-access';
export { maskFieldsInPlace, maskRecord, maskValue, PII_ACCESS_GROUP, seesPii } from './pii-mask';
