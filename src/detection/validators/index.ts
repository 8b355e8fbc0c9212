export { isSwiftBic, isVatNumber } from './bank-codes.js';
export {
  base58Decode,
  bech32Decode,
  isBase58Check,
  isBitcoinBase58,
  isBitcoinBech32,
  isCryptoAddress,
  isEthereumAddress,
} from './crypto-address.js';
export type { ParsedDate } from './dates.js';
export {
  isAge,
  isDate,
  isDateOfBirth,
  isDateTime,
  isPlausibleBirthDate,
  monthFromName,
  parseDate,
} from './dates.js';
export { iso7064Mod11_10, isDeTaxId } from './de-tax-id.js';
export { isCalendarDate } from './digits.js';
export { isEsNif } from './es-nif.js';
export { isFrNir } from './fr-nir.js';
export { isCoordinateComponent, isGeoCoordinate } from './geo.js';
export { IBAN_LENGTHS, isIban, mod97 } from './iban.js';
export { isItFiscalCode, itFiscalCheckChar } from './it-fiscal-code.js';
export { isCaSin, isCreditCard, isImei, luhnCheckDigit, luhnValid } from './luhn.js';
export { isIpAddress, isIpv4, isIpv6, isMac } from './network.js';
export { isNlBsn } from './nl-bsn.js';
export { isPhone, PHONE_DEFAULT_REGIONS } from './phone.js';
export { isPlPesel } from './pl-pesel.js';
export { isSePersonnummer } from './se-personnummer.js';
export {
  isApiKey,
  isHighEntropySecret,
  isJwt,
  isKnownApiKey,
  isPasswordHash,
  shannonEntropy,
} from './secrets.js';
export { FILE_EXTENSION_TLDS, isKnownTld, TOP_LEVEL_DOMAINS } from './top-level-domains.js';
export { isUkNhs, isUkNino } from './uk-ids.js';
export { isAbaRouting, isUsItin, isUsSsn } from './us-ids.js';
export type { Validator, ValidatorName } from './validator-registry.js';
export { isValidatorName, VALIDATOR_NAMES, VALIDATORS } from './validator-registry.js';
export { isInAadhaar, verhoeffCheckDigit, verhoeffValid } from './verhoeff.js';
export { isVin, vinCheckChar } from './vin.js';
export { isDomain, isEmail, isHostName, isUrl } from './web.js';
