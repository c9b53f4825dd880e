// js-yaml ships no types and @types/js-yaml is not installed; the spec needs only `load`.
declare module 'js-yaml' {
  export function load(text: string): unknown;
}
