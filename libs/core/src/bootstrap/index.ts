export { bootstrap } from './bootstrap';
