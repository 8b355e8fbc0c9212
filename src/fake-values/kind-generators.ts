import type { EntityKind } from '../core/index.js';
import { GatewayError } from '../core/index.js';
import {
  fakeCity,
  fakeCountry,
  fakePostalCode,
  fakeSecondaryAddress,
  fakeState,
  fakeStreetAddress,
} from './fake-address.js';
import { fakeCompany } from './fake-company.js';
import { fakeCreditCard } from './fake-credit-card.js';
import { fakeDateOfBirth } from './fake-date-of-birth.js';
import { fakeEmail } from './fake-email.js';
import { fakeFreeText } from './fake-free-text.js';
import { fakeIpAddress } from './fake-ip-address.js';
import { fakeNationalId } from './fake-national-id.js';
import { fakeNumber } from './fake-number.js';
import { fakePassword } from './fake-password.js';
import { fakeFirstName, fakeFullName, fakeLastName } from './fake-person-name.js';
import { fakePhone } from './fake-phone.js';
import { fakeString } from './fake-string.js';
import { fakeUrl } from './fake-url.js';
import { fakeUsername } from './fake-username.js';
import { fakeUuid } from './fake-uuid.js';
import type { KindGenerator } from './kind-generator.js';

/** Exhaustive: a new entity kind without a generator fails to compile. */
export const KIND_GENERATORS: { readonly [K in EntityKind]: KindGenerator } = Object.freeze({
  first_name: fakeFirstName,
  last_name: fakeLastName,
  full_name: fakeFullName,
  email: fakeEmail,
  phone: fakePhone,
  street_address: fakeStreetAddress,
  secondary_address: fakeSecondaryAddress,
  city: fakeCity,
  state: fakeState,
  postal_code: fakePostalCode,
  country: fakeCountry,
  date_of_birth: fakeDateOfBirth,
  username: fakeUsername,
  password: fakePassword,
  company: fakeCompany,
  ip_address: fakeIpAddress,
  url: fakeUrl,
  uuid: fakeUuid,
  credit_card: fakeCreditCard,
  national_id: fakeNationalId,
  free_text: fakeFreeText,
  string: fakeString,
  number: fakeNumber,
});

export function kindGenerator(kind: EntityKind): KindGenerator {
  const generator = (KIND_GENERATORS as Partial<Record<string, KindGenerator>>)[kind];
  if (generator === undefined)
    throw new GatewayError('internal', `unknown entity kind ${JSON.stringify(kind)}`);
  return generator;
}
