export { freePort } from '../../src/local/free-ports';
