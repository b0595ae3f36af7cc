/**
 * Personal data never needs to be stored: no metric uses a buyer's name, contact or address.
 * A record a channel sent that failed validation is quarantined with its payload (to see what
 * was wrong); the buyer fields in it are replaced by "[redacted]" first, whatever the channel.
 */
const PERSONAL_KEY =
  /(^|[_-])(e-?mail|phone|mobile|fax|address(es)?|address\d|addr\d?|street|city|zip|zip_?code|postal_?code|postcode|province|state_?or_?region|county|district|company|first_?name|last_?name|full_?name|firstname|lastname|fullname|civility|buyer|customer|recipient|billing|shipping_?address|ship_?to|bill_?to|browser_?ip|client_?details|ip_?address|payment_?details|credit_?card|note)([_-]|$)/i;

const CAMEL_PERSONAL_KEY =
  /^(email|phone|firstName|lastName|fullName|name|buyerInfo|buyerEmail|buyerName|shippingAddress|billingAddress|customer|customerName|customerEmail|recipient|recipientName|addressLine\d|city|postalCode|stateOrRegion|countryCode|companyName|browserIp|note)$/;

/** Whether a key names a buyer's personal data (names, contacts, addresses, IPs, payment details). */
export function isPersonalKey(key: string): boolean {
  if (CAMEL_PERSONAL_KEY.test(key)) return true;
  // camelCase -> snake_case, so "shippingAddress" and "shipping_address" match alike.
  return PERSONAL_KEY.test(key.replace(/([a-z0-9])([A-Z])/g, "$1_$2"));
}

/** A copy with every personal field's value replaced by "[redacted]" (at any depth). */
export function redactPersonalData(value: unknown, depth = 0): unknown {
  if (depth > 32 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => redactPersonalData(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      isPersonalKey(key) && inner !== null && inner !== undefined ? "[redacted]" : redactPersonalData(inner, depth + 1);
  }
  return out;
}
