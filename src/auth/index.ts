export { hasRole, isAllowed, requireRole } from './authorize.js';
export { createTokenVerifier, type Principal, type TokenVerifier } from './verify-token.js';
