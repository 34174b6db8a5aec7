// Numbers the server enforces and the web app states in its hints. A file without imports, so a
// screen can read them (`@vafa/contracts/constants`) without pulling the schemas into its bundle.

/** The shortest password accepted. */
export const PASSWORD_MIN_LENGTH = 10;
/** Tags one customer may carry. */
export const MAX_CUSTOMER_TAGS = 50;
/** How long a password-reset link works. */
export const RESET_LINK_MINUTES = 30;
/** Digits in an authenticator app's code (RFC 6238 default). */
export const TOTP_DIGITS = 6;
