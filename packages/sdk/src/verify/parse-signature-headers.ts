import { isInnerList, parseDictionary, serializeInnerList, type BareItem, type Dictionary } from "structured-headers";
import { SIGNATURE_LABEL } from "../signing/covered-components.ts";
import { fail, type VerifyFailure } from "./verify-result.ts";

/** The `tengine` signature from a request, shape-checked but not yet verified. */
export interface ParsedSignature {
  /** Covered component names, in the order they were signed. */
  components: string[];
  /** The `@signature-params` value (RFC 9421 §2.3), re-serialized from the parsed field. */
  signatureParams: string;
  signature: Uint8Array;
  created?: number;
  expires?: number;
  nonce?: string;
  keyid?: string;
  alg?: string;
}

const INTEGER_PARAMS = new Set(["created", "expires"]);
const STRING_PARAMS = new Set(["nonce", "keyid", "alg", "tag"]);

/**
 * Extracts the `tengine` member of `Signature-Input` (RFC 9421 §4.1) and `Signature`
 * (RFC 9421 §4.2), both RFC 8941 Dictionaries. Other labels are ignored (RFC 9421 §3.2 lets a
 * verifier choose which signatures it processes).
 *
 * The `@signature-params` line of the signature base is rebuilt by serializing the parsed Inner
 * List, as RFC 9421 §3.2 step 5 prescribes, so insignificant whitespace in the received field
 * does not matter.
 */
export function parseSignatureHeaders(
  signatureInputField: string | undefined,
  signatureField: string | undefined,
): { ok: true; value: ParsedSignature } | VerifyFailure {
  if (!signatureInputField || !signatureField) {
    return fail("signature_missing", "The request has no Signature and Signature-Input headers.");
  }
  let inputs: Dictionary;
  let signatures: Dictionary;
  try {
    inputs = parseDictionary(signatureInputField);
    signatures = parseDictionary(signatureField);
  } catch {
    return fail("signature_malformed", "Signature or Signature-Input is not a valid structured-field dictionary (RFC 8941 §3.2).");
  }
  const input = inputs.get(SIGNATURE_LABEL);
  const signatureMember = signatures.get(SIGNATURE_LABEL);
  if (input === undefined || signatureMember === undefined) {
    return fail("signature_missing", `No "${SIGNATURE_LABEL}" signature in both Signature-Input and Signature.`);
  }
  if (!isInnerList(input)) {
    return fail("signature_malformed", "Signature-Input must map the label to an inner list of components (RFC 9421 §4.1).");
  }
  if (isInnerList(signatureMember) || !(signatureMember[0] instanceof ArrayBuffer)) {
    return fail("signature_malformed", "Signature must map the label to a byte sequence (RFC 9421 §4.2).");
  }

  const [items, params] = input;
  const components: string[] = [];
  for (const [name, itemParams] of items) {
    if (typeof name !== "string") {
      return fail("signature_malformed", "Covered component identifiers must be strings (RFC 9421 §2).");
    }
    if (itemParams.size > 0 || name === "@signature-params" || name !== name.toLowerCase()) {
      return fail("unsupported_component", `Covered component ${JSON.stringify(name)} is not supported.`);
    }
    if (components.includes(name)) {
      return fail("signature_malformed", `Component "${name}" is covered twice (RFC 9421 §2.5).`);
    }
    components.push(name);
  }

  const parsed: ParsedSignature = {
    components,
    signatureParams: serializeInnerList(input),
    signature: new Uint8Array(signatureMember[0]),
  };
  for (const [name, value] of params) {
    if (INTEGER_PARAMS.has(name) && !isInteger(value)) {
      return fail("signature_malformed", `Signature parameter "${name}" must be an integer (RFC 9421 §2.3).`);
    }
    if (STRING_PARAMS.has(name) && typeof value !== "string") {
      return fail("signature_malformed", `Signature parameter "${name}" must be a string (RFC 9421 §2.3).`);
    }
    if (name === "created") parsed.created = value as number;
    else if (name === "expires") parsed.expires = value as number;
    else if (name === "nonce") parsed.nonce = value as string;
    else if (name === "keyid") parsed.keyid = value as string;
    else if (name === "alg") parsed.alg = value as string;
  }
  return { ok: true, value: parsed };
}

function isInteger(value: BareItem): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}
