/**
 * The sign-in refusal that means "right password; now the two-factor code": the credentials
 * provider throws it and the sign-in form then asks for the code. Its own file: the form is
 * browser code and must not import the server's modules.
 */
export const TWO_FACTOR_REQUIRED = "two_factor_required";
