import { describe, expect, it } from 'vitest';
import { defaultColumnNameRules } from './column-name-rules.js';
import { findPhrase, tokenizeName } from './tokenize-name.js';

const abbreviations = defaultColumnNameRules().abbreviations;

describe('tokenizeName', () => {
  it.each([
    ['customer_email', ['customer', 'email']],
    ['customerEmailAddr', ['customer', 'email', 'address']],
    ['CUSTOMER-EMAIL', ['customer', 'email']],
    ['contact.phone', ['contact', 'phone']],
    ['address2', ['address']],
    ['phone_1', ['phone']],
    ['HTTPServerName', ['http', 'server', 'name']],
    ['fname', ['first', 'name']],
    ['DOB', ['date', 'of', 'birth']],
    ['cc_num', ['credit', 'card', 'number']],
    ['acct_no', ['account', 'number']],
    ['mob', ['mobile']],
    ['Straße', ['street']],
    ['prénom', ['first', 'name']],
  ])('%s → %j', (name, tokens) => {
    expect(tokenizeName(name, abbreviations)).toEqual(tokens);
  });

  it('does not split inside words: passage is not pass, description is not ip', () => {
    expect(tokenizeName('passage', abbreviations)).toEqual(['passage']);
    expect(findPhrase(tokenizeName('description', abbreviations), ['ip'])).toBe(-1);
    expect(findPhrase(tokenizeName('zipper_size', abbreviations), ['zip'])).toBe(-1);
  });

  it('finds phrases as consecutive tokens', () => {
    expect(findPhrase(['billing', 'postal', 'code'], ['postal', 'code'])).toBe(1);
    expect(findPhrase(['postal', 'x', 'code'], ['postal', 'code'])).toBe(-1);
  });
});
