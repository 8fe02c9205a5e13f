/** A line a function printed as structured output: a JSON log entry or an EMF metrics blob. */
export function isFunctionLogLine(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const entry = JSON.parse(line) as Record<string, unknown> | null;
    return (
      typeof entry === 'object' &&
      entry !== null &&
      (('level' in entry && 'message' in entry) || '_aws' in entry)
    );
  } catch {
    return false;
  }
}
