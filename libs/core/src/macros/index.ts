export { createMacros, MACROS_DEFAULT_LIMIT, MACROS_MAX_LIMIT } from './create-macros';
export type { CreateMacroInput, Macros, MacrosDeps, UpdateMacroInput } from './create-macros';
export type { TestMacroInput } from './macro-test';
export { formatExpression } from './format-expression';
