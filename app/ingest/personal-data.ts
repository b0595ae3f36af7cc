/**
 * Personal data never needs to be stored: no metric uses a buyer's name, contact or address.
 * A record a channel sent that failed validation is quarantined with its payload (to see what
 * was wrong); the buyer fields in it are replaced by "[redacted]" first, whatever the channel.
 */
// Words are separated by "_" or "-" (Mirakl's snake_case, Amazon's flat-file headers "ship-postal-code").
const PERSONAL_KEY =
  /(^|[_-])(e-?mail|phone|mobile|fax|address(es)?|address\d|addr\d?|street|city|zip|zip[_-]?code|postal[_-]?code|postcode|province|state[_-]?or[_-]?region|county|district|municipality|company|first[_-]?name|last[_-]?name|full[_-]?name|firstname|lastname|fullname|civility|buyer|customer|recipient|billing|shipping[_-]?address|ship[_-]?to|bill[_-]?to|browser[_-]?ip|client[_-]?details|ip[_-]?address|payment[_-]?details|credit[_-]?card|tax[_-]?registration|note)([_-]|$)/i;

/** Parts of a delivery or billing address named by prefix ("ship-state", "bill_country", "deliveryName"). */
const ADDRESS_PART_KEY =
  /^(ship|bill|delivery)[_-](state|country|name|city|region|county|postal[_-]?code|zip|phone[_-]?number|address[_-]?\d?)([_-]|$)/i;

const CAMEL_PERSONAL_KEY =
  /^(email|phone|firstName|lastName|fullName|name|buyerInfo|buyerEmail|buyerName|shippingAddress|billingAddress|deliveryAddress|customer|customerName|customerEmail|recipient|recipientName|addressLine\d|city|postalCode|stateOrRegion|districtOrCounty|countryCode|companyName|browserIp|note)$/;

/** Nesting deeper than this is replaced whole: a walk that stopped would keep what lies below. */
const MAX_DEPTH = 32;

/** Whether a key names a buyer's personal data (names, contacts, addresses, IPs, payment details). */
export function isPersonalKey(key: string): boolean {
  if (CAMEL_PERSONAL_KEY.test(key)) return true;
  // camelCase -> snake_case, so "shippingAddress" and "shipping_address" match alike.
  const snake = key.replace(/([a-z0-9])([A-Z])/g, "$1_$2");
  return PERSONAL_KEY.test(snake) || ADDRESS_PART_KEY.test(snake);
}

/** A copy with every personal field's value replaced by "[redacted]" (at any depth). */
export function redactPersonalData(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_DEPTH) return "[redacted: nested too deep]";
  if (Array.isArray(value)) return value.map((item) => redactPersonalData(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      isPersonalKey(key) && inner !== null && inner !== undefined ? "[redacted]" : redactPersonalData(inner, depth + 1);
  }
  return out;
}
