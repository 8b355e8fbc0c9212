/**
 * Domains reserved for examples and testing (RFC 2606 / RFC 6761: example.com/.net/.org and the .example
 * and .test top-level domains), so a fake address can never reach a real mailbox.
 */
export const EMAIL_DOMAINS: readonly string[] = Object.freeze([
  'example.com',
  'example.net',
  'example.org',
  'mail.example',
  'inbox.test',
  'mail.test',
]);

/** The shortest domain, used when a column is too short for the one drawn. */
export const SHORTEST_DOMAIN = 'mail.test';
