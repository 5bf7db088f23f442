/** Bad configuration or usage: reported as `file:line: field: what was expected`, exit code 2, nothing contacted. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }

  override toString(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ''}: ` : '';
    const field = this.field ? `${this.field}: ` : '';
    return `${where}${field}${this.message}`;
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
