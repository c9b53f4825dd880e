export { createGroups, GROUPS_DEFAULT_LIMIT, GROUPS_MAX_LIMIT } from './create-groups';
export type { CreateGroupInput, Groups, UpdateGroupInput } from './create-groups';
