import type { AllowList, Role } from '../config/index.js';
import { GatewayError } from '../core/index.js';
import type { Principal } from './verify-token.js';

/** Whether the principal holds any of `roles` (admin holds every role). */
export function hasRole(principal: Principal, ...roles: readonly Role[]): boolean {
  return principal.roles.has('admin') || roles.some((role) => principal.roles.has(role));
}

export function requireRole(principal: Principal, ...roles: readonly Role[]): void {
  if (!hasRole(principal, ...roles))
    throw new GatewayError('forbidden', `this needs the role ${roles.join(' or ')}`);
}

/** A source's allow-list: any listed role or group. Admins are not exempt: access to data is explicit. */
export function isAllowed(principal: Principal, allow: AllowList): boolean {
  return (
    allow.roles.some((role) => principal.roles.has(role)) ||
    allow.groups.some((group) => principal.groups.includes(group))
  );
}
