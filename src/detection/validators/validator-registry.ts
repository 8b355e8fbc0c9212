import { isSwiftBic, isVatNumber } from './bank-codes.js';
import { isBitcoinBase58, isBitcoinBech32, isCryptoAddress, isEthereumAddress } from './crypto-address.js';
import { isAge, isDate, isDateOfBirth, isDateTime } from './dates.js';
import { isDeTaxId } from './de-tax-id.js';
import { isEsNif } from './es-nif.js';
import { isFrNir } from './fr-nir.js';
import { isCoordinateComponent, isGeoCoordinate } from './geo.js';
import { isIban } from './iban.js';
import { isItFiscalCode } from './it-fiscal-code.js';
import { isCaSin, isCreditCard, isImei, luhnValid } from './luhn.js';
import { isIpAddress, isIpv4, isIpv6, isMac } from './network.js';
import { isNlBsn } from './nl-bsn.js';
import { isPhone } from './phone.js';
import { isPlPesel } from './pl-pesel.js';
import { isSePersonnummer } from './se-personnummer.js';
import { isApiKey, isHighEntropySecret, isJwt, isKnownApiKey, isPasswordHash } from './secrets.js';
import { isUkNhs, isUkNino } from './uk-ids.js';
import { isAbaRouting, isUsItin, isUsSsn } from './us-ids.js';
import { isInAadhaar } from './verhoeff.js';
import { isVin } from './vin.js';
import { isDomain, isEmail, isUrl } from './web.js';

/** A validator: a pure check of one candidate string. */
export type Validator = (candidate: string) => boolean;

/** The closed list of validator names a catalogue rule may name. */
export const VALIDATOR_NAMES = [
  'luhn',
  'credit_card',
  'imei',
  'ca_sin',
  'iban',
  'us_ssn',
  'us_itin',
  'aba_routing',
  'uk_nhs',
  'uk_nino',
  'es_nif',
  'it_fiscal_code',
  'pl_pesel',
  'de_tax_id',
  'nl_bsn',
  'fr_nir',
  'se_personnummer',
  'in_aadhaar',
  'vin',
  'email',
  'ipv4',
  'ipv6',
  'ip_address',
  'mac',
  'url',
  'domain',
  'phone',
  'bitcoin',
  'bech32_address',
  'ethereum',
  'crypto_address',
  'jwt',
  'api_key',
  'known_api_key',
  'secret_entropy',
  'password_hash',
  'date',
  'date_time',
  'date_of_birth',
  'age',
  'geo_coordinate',
  'coordinate_component',
  'swift_bic',
  'vat',
] as const;

export type ValidatorName = (typeof VALIDATOR_NAMES)[number];

/** Exhaustive: a name without a function fails to compile. */
export const VALIDATORS: { readonly [N in ValidatorName]: Validator } = {
  luhn: (c) => luhnValid(c.replace(/[\s-]/g, '')),
  credit_card: isCreditCard,
  imei: isImei,
  ca_sin: isCaSin,
  iban: isIban,
  us_ssn: isUsSsn,
  us_itin: isUsItin,
  aba_routing: isAbaRouting,
  uk_nhs: isUkNhs,
  uk_nino: isUkNino,
  es_nif: isEsNif,
  it_fiscal_code: isItFiscalCode,
  pl_pesel: isPlPesel,
  de_tax_id: isDeTaxId,
  nl_bsn: isNlBsn,
  fr_nir: isFrNir,
  se_personnummer: isSePersonnummer,
  in_aadhaar: isInAadhaar,
  vin: isVin,
  email: isEmail,
  ipv4: isIpv4,
  ipv6: isIpv6,
  ip_address: isIpAddress,
  mac: isMac,
  url: isUrl,
  domain: isDomain,
  phone: (c) => isPhone(c),
  bitcoin: isBitcoinBase58,
  bech32_address: isBitcoinBech32,
  ethereum: isEthereumAddress,
  crypto_address: isCryptoAddress,
  jwt: isJwt,
  api_key: isApiKey,
  known_api_key: isKnownApiKey,
  secret_entropy: isHighEntropySecret,
  password_hash: isPasswordHash,
  date: isDate,
  date_time: isDateTime,
  date_of_birth: isDateOfBirth,
  age: isAge,
  geo_coordinate: isGeoCoordinate,
  coordinate_component: isCoordinateComponent,
  swift_bic: isSwiftBic,
  vat: isVatNumber,
};

export function isValidatorName(name: string): name is ValidatorName {
  return Object.hasOwn(VALIDATORS, name);
}
