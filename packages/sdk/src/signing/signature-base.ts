import { serializeInnerList, serializeString, type BareItem } from "structured-headers";

/** One covered component and its canonical value, e.g. `["@method", "POST"]`. */
export type ComponentValue = readonly [name: string, value: string];

/** Signature parameters (RFC 9421 §2.3) in the order Tengine serializes them. */
export interface SignatureParameters {
  created: number;
  nonce: string;
  keyid: string;
  alg: string;
}

/**
 * Canonicalizes an HTTP field value for the signature base (RFC 9421 §2.1): each field line's
 * value is stripped of leading and trailing whitespace, obsolete line folding is replaced by a
 * single space, and multiple field lines are joined with `", "`.
 */
export function canonicalizeFieldValue(values: readonly string[]): string {
  return values.map((value) => value.replace(/\r?\n[ \t]+/g, " ").trim()).join(", ");
}

/**
 * Serializes the `@signature-params` value (RFC 9421 §2.3): the covered component identifiers as
 * an RFC 8941 Inner List of Strings, followed by the signature parameters, e.g.
 * `("@method" "@target-uri");created=1700000000;nonce="…";keyid="sig_…";alg="hmac-sha256"`.
 * The same string is the value of the label's member in `Signature-Input` (RFC 9421 §4.1).
 */
export function serializeSignatureParams(
  components: readonly string[],
  params: SignatureParameters | Map<string, BareItem>,
): string {
  // Tengine's own parameters, signed on every upstream write, are written directly: the same
  // bytes as the general serializer below, without building its maps and item tuples per call.
  if (!(params instanceof Map) && Number.isInteger(params.created) && params.created >= 0 && params.created <= MAX_SF_INTEGER) {
    const list = components.map(sfString).join(" ");
    return `(${list});created=${params.created};nonce=${sfString(params.nonce)};keyid=${sfString(params.keyid)};alg=${sfString(params.alg)}`;
  }
  const paramMap =
    params instanceof Map
      ? params
      : new Map<string, BareItem>([
          ["created", params.created],
          ["nonce", params.nonce],
          ["keyid", params.keyid],
          ["alg", params.alg],
        ]);
  return serializeInnerList([components.map((name) => [name, new Map()] as [BareItem, Map<string, BareItem>]), paramMap]);
}

/**
 * An RFC 8941 String (§4.1.6): printable ASCII between double quotes, with backslash and
 * double quote escaped. Anything else cannot be a String: the structured-headers serializer
 * refuses it with its own error.
 */
function sfString(value: string): string {
  if (!PRINTABLE_ASCII.test(value)) return serializeString(value); // throws its own error
  return `"${value.replace(QUOTE_OR_BACKSLASH, "\\$&")}"`;
}
/** RFC 8941 §3.3.1: an Integer has at most 15 digits. */
const MAX_SF_INTEGER = 999_999_999_999_999;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const QUOTE_OR_BACKSLASH = /["\\]/g;

/**
 * Builds the signature base (RFC 9421 §2.5): one line per covered component,
 * `"<component name>": <canonical value>`, in the order they are covered, then the line
 * `"@signature-params": <serialized signature params>`. Lines are joined with a single LF and
 * there is no trailing newline.
 *
 * @throws TypeError if a value contains CR or LF, which RFC 9421 §2.5 forbids (it would let a
 *   value forge extra lines of the base).
 */
export function createSignatureBase(components: readonly ComponentValue[], signatureParams: string): string {
  const lines = components.map(([name, value]) => {
    if (/[\r\n]/.test(value)) {
      throw new TypeError(`The value of component "${name}" contains a newline and cannot be signed.`);
    }
    return `${sfString(name)}: ${value}`;
  });
  lines.push(`"@signature-params": ${signatureParams}`);
  return lines.join("\n");
}
