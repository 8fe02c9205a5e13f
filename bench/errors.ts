/** The bench could not measure what it set out to (a stack that does not answer, a package without its handler). */
export class BenchError extends Error {
  override readonly name = 'BenchError';
}
