import type { FieldDefinition } from '../lib/resolver/field-type';

/** The collection most specs use: one field of each interesting type. */
export const POST_FIELDS: readonly FieldDefinition[] = [
  { name: 'title', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'price', type: 'number' },
  { name: 'qty', type: 'number' },
  { name: 'published', type: 'boolean' },
  { name: 'owner', type: 'reference' },
  { name: 'email', type: 'email' },
  { name: 'meta', type: 'json' },
  { name: 'starts_at', type: 'datetime' },
  { name: 'day', type: 'date' },
];
