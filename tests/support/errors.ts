/** Any error class, abstract or not (Strapi's and yup's have generic constructors). */
type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** The error `fn` throws, checked to be a `type` (the test fails if it returns or throws another). */
export const thrownBy = <E extends Error>(fn: () => unknown, type: ErrorClass<E>): E => {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(type);
  return thrown as E;
};

/** The error `promise` rejects with, checked to be a `type` (the test fails if it resolves). */
export const rejectionOf = async <E extends Error>(
  promise: Promise<unknown>,
  type: ErrorClass<E>
): Promise<E> => {
  const outcome = await promise.then(
    (value: unknown) => ({ resolvedWith: value }),
    (error: unknown) => ({ error })
  );
  expect(outcome).not.toHaveProperty('resolvedWith');
  const { error } = outcome as { error: unknown };
  expect(error).toBeInstanceOf(type);
  return error as E;
};
