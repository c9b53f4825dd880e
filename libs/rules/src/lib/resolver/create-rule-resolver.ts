import { AUTH_VARIABLES, readAuthVariable, type AuthContext } from './auth-context';
import { createFieldMap, isSystemField, unknownFieldMessage } from './field-map';
import type { FieldDefinition, FieldType } from './field-type';
import { normalizeFieldValue } from './normalize-field-value';
import type { Resolution, RuleResolver } from './rule-resolver';

/** Options of {@link createRuleResolver}. */
export interface RuleResolverOptions {
  /** The collection's fields (system fields are added automatically). */
  readonly fields: readonly FieldDefinition[];
  /** The principal; absent or null = anonymous (all `@request.auth.*` are NULL). */
  readonly auth?: AuthContext | null;
  /**
   * The request body for create and update rules. When present, `@request.data.<field>` is
   * allowed (absent keys are NULL); when absent (list/view/delete rules), it is rejected. To
   * check a create/update rule at save time pass `{}`.
   */
  readonly data?: Readonly<Record<string, unknown>>;
  /** Answers `@has_permission(action, collection)`; without it the macro is rejected. */
  readonly permissions?: (action: string, collection: string) => boolean;
  /** The request time for `@in_time_range`; defaults to the current time. */
  readonly now?: () => Date;
}

/**
 * A resolver for collection rules: the collection's fields, the system fields,
 * `@request.auth.{id,email,role,account_id}` and (with `data`) `@request.data.<field>`.
 * A field the collection lacks is rejected.
 * @example createRuleResolver({ fields, auth: { id: 'u1', role: 'admin', groups: ['staff'] } })
 */
export function createRuleResolver(options: RuleResolverOptions): RuleResolver {
  const map = createFieldMap(options.fields);
  const groups = options.auth?.groups ?? [];
  const resolver: RuleResolver = {
    resolve: (name) => resolveRuleIdentifier(name, map, options),
    hasGroup: (group) => groups.includes(group),
    now: () => (options.now?.() ?? new Date()).toISOString(),
  };
  const permissions = options.permissions;
  return permissions ? { ...resolver, hasPermission: (a, c) => permissions(a, c) } : resolver;
}

function resolveRuleIdentifier(name: string, map: ReadonlyMap<string, FieldType>, options: RuleResolverOptions): Resolution {
  if (name.startsWith('@request.auth.')) {
    const key = name.slice('@request.auth.'.length);
    if (!AUTH_VARIABLES.includes(key)) {
      const hint = key === 'groups' ? ' (use @has_group(name))' : '';
      return reject('unknown_variable', `Unknown variable '${name}'${hint}. Available: ${AUTH_VARIABLES.map((v) => `@request.auth.${v}`).join(', ')}`);
    }
    return { kind: 'value', value: readAuthVariable(options.auth, key), fieldType: 'text' };
  }
  if (name.startsWith('@request.data.')) return resolveData(name, map, options);
  if (name.startsWith('@')) return reject('unknown_variable', `Unknown variable '${name}'`);
  const type = map.get(name);
  if (type === undefined) return reject('unknown_field', unknownFieldMessage(name, map.keys()));
  return { kind: 'column', column: name, fieldType: type };
}

function resolveData(name: string, map: ReadonlyMap<string, FieldType>, options: RuleResolverOptions): Resolution {
  const data = options.data;
  if (!data) return reject('data_not_allowed', `'${name}' is only available in create and update rules`);
  const key = name.slice('@request.data.'.length);
  const type = map.get(key);
  if (type === undefined || isSystemField(key)) {
    return reject('unknown_field', `'${name}' does not name a field of the collection`);
  }
  const raw = Object.hasOwn(data, key) ? data[key] : null;
  return { kind: 'value', value: normalizeFieldValue(type, raw), fieldType: type };
}

function reject(code: 'unknown_variable' | 'unknown_field' | 'data_not_allowed', message: string): Resolution {
  return { kind: 'rejected', code, message };
}
