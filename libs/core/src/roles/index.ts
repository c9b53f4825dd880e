export { createRoles, SEEDED_ROLES } from './create-roles';
export type { RoleInput, Roles } from './create-roles';
