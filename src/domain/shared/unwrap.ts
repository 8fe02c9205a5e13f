import * as E from 'fp-ts/Either';

/** The value of a decision or a decode, or its (typed) error thrown: where an Either meets a handler. */
export const unwrap = <L, A>(result: E.Either<L, A>): A => {
  if (E.isLeft(result)) throw result.left;
  return result.right;
};
