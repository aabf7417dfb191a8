/**
 * A getter that makes one value per owner (a Strapi instance) on first use and hands out that one
 * afterwards: the plugin's internal modules live as long as the Strapi that uses them, like a
 * registered service, without being one (an app can neither call nor replace them).
 */
export const perInstance = <Owner extends object, Value>(create: (owner: Owner) => Value) => {
  const made = new WeakMap<Owner, Value>();
  return (owner: Owner): Value => {
    if (!made.has(owner)) made.set(owner, create(owner));
    return made.get(owner) as Value;
  };
};
