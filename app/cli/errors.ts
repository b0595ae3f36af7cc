/** Thrown for a command line that cannot be understood: usage is printed and the exit code is 2. */
export class UsageError extends Error {}
