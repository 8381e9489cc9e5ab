// gorun's own errors: a UsageError is printed as one `gorun: …` line, exit status 1.
export class UsageError extends Error {}
