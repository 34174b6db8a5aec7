/** An error that stops start-up with one clear line and a non-zero exit, never a stack trace. */
export class StartupError extends Error {
  override name = 'StartupError';
}
