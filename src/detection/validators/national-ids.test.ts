import { describe, expect, it } from 'vitest';
import { iso7064Mod11_10, isDeTaxId } from './de-tax-id.js';
import { isEsNif } from './es-nif.js';
import { isFrNir } from './fr-nir.js';
import { isItFiscalCode, itFiscalCheckChar } from './it-fiscal-code.js';
import { luhnCheckDigit } from './luhn.js';
import { isNlBsn } from './nl-bsn.js';
import { isPlPesel } from './pl-pesel.js';
import { isSePersonnummer } from './se-personnummer.js';
import { isInAadhaar, verhoeffCheckDigit } from './verhoeff.js';
import { isVin, vinCheckChar } from './vin.js';

const LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
const flip = (s: string, i: number): string =>
  s.slice(0, i) + String((Number(s[i]) + 1) % 10) + s.slice(i + 1);

describe('European and other national identifiers', () => {
  it('ES NIF/NIE: control letter mod 23', () => {
    expect(isEsNif(`12345678${LETTERS[12345678 % 23] ?? ''}`)).toBe(true);
    expect(isEsNif(`X1234567${LETTERS[1234567 % 23] ?? ''}`)).toBe(true);
    expect(isEsNif(`Y1234567${LETTERS[11234567 % 23] ?? ''}`)).toBe(true);
    expect(isEsNif('12345678A')).toBe(LETTERS[12345678 % 23] === 'A');
    expect(isEsNif('1234567Z')).toBe(false);
  });

  it('IT codice fiscale: check character, month letter, omocodia', () => {
    const body = 'RSSMRA85T10A562';
    expect(isItFiscalCode(body + itFiscalCheckChar(body))).toBe(true);
    const omocode = 'RSSMRA85T1LA562';
    expect(isItFiscalCode(omocode + itFiscalCheckChar(omocode))).toBe(true);
    const wrong = String.fromCharCode(((itFiscalCheckChar(body).charCodeAt(0) - 64) % 26) + 65);
    expect(isItFiscalCode(body + wrong)).toBe(false);
    expect(isItFiscalCode('RSSMRA85Z10A562X')).toBe(false); // Z is not a month letter
  });

  it('PL PESEL: weights, and the encoded birth date must exist', () => {
    const complete = (b: string): string => {
      const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
      const sum = [...b].reduce((a, c, i) => a + Number(c) * (w[i] ?? 0), 0);
      return b + String((10 - (sum % 10)) % 10);
    };
    expect(isPlPesel(complete('8501121234'))).toBe(true);
    expect(isPlPesel(complete('0221011234'))).toBe(true); // 2002-01-01, century in the month
    expect(isPlPesel(complete('8502301234'))).toBe(false); // 30 February
    expect(isPlPesel(flip(complete('8501121234'), 10))).toBe(false);
  });

  it('DE Steuer-ID: ISO 7064 MOD 11,10 and the digit-repetition rule', () => {
    const body = '8609574271';
    const id = body + String(iso7064Mod11_10(body));
    expect(isDeTaxId(id)).toBe(true);
    expect(isDeTaxId(flip(id, 10))).toBe(false);
    const noRepeat = '1234567890';
    expect(isDeTaxId(noRepeat + String(iso7064Mod11_10(noRepeat)))).toBe(false);
    const tripleInRow = '1112345678';
    expect(isDeTaxId(tripleInRow + String(iso7064Mod11_10(tripleInRow)))).toBe(false);
  });

  it('NL BSN: 11-proof', () => {
    const complete = (b: string): string | undefined => {
      const sum = [...b].reduce((a, c, i) => a + Number(c) * (9 - i), 0);
      const last = sum % 11;
      return last > 9 ? undefined : b + String(last);
    };
    const bsn = complete('11122233') ?? complete('11122234') ?? '';
    expect(isNlBsn(bsn)).toBe(true);
    expect(isNlBsn(flip(bsn, 8))).toBe(false);
  });

  it('FR NIR: key = 97 − number mod 97, including Corsica', () => {
    const withKey = (body: string, numeric: string): string =>
      body + String(97n - (BigInt(numeric) % 97n)).padStart(2, '0');
    expect(isFrNir(withKey('1850575123456', '1850575123456'))).toBe(true);
    expect(isFrNir(withKey('185052A123456', '1850519123456'))).toBe(true);
    expect(isFrNir(withKey('1851375123456', '1851375123456'))).toBe(false); // month 13
    expect(isFrNir('185057512345600')).toBe(false);
  });

  it('SE personnummer: Luhn and a real date', () => {
    const body = '850412123';
    const pnr = `${body.slice(0, 6)}-${body.slice(6)}${luhnCheckDigit(body)}`;
    expect(isSePersonnummer(pnr)).toBe(true);
    expect(isSePersonnummer(`19${pnr}`)).toBe(true);
    const badDate = '851312123';
    expect(isSePersonnummer(`${badDate.slice(0, 6)}-${badDate.slice(6)}${luhnCheckDigit(badDate)}`)).toBe(
      false,
    );
  });

  it('IN Aadhaar: Verhoeff, first digit 2–9', () => {
    const body = '23456789012';
    const id = body + String(verhoeffCheckDigit(body));
    expect(isInAadhaar(id)).toBe(true);
    expect(isInAadhaar(flip(id, 11))).toBe(false);
    const one = '13456789012';
    expect(isInAadhaar(one + String(verhoeffCheckDigit(one)))).toBe(false);
  });

  it('VIN: check character at position 9, no I/O/Q', () => {
    const draft = '1M8GDM9A0KP042788';
    const vin = draft.slice(0, 8) + vinCheckChar(draft) + draft.slice(9);
    expect(isVin(vin)).toBe(true);
    const wrong = vin.slice(0, 8) + (vin[8] === '1' ? '2' : '1') + vin.slice(9);
    expect(isVin(wrong)).toBe(false);
    expect(isVin(vin.replace('M', 'O'))).toBe(false);
  });
});
