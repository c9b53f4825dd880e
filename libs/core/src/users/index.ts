export { createUsersAdmin } from './users-admin';
export type { CreateUserInput, UpdateUserInput, UserListQuery, UserResponse, UsersAdmin } from './users-admin';
