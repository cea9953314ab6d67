/** Spec sets appear in traces as arrays sorted by their JSON text (one canonical form). */
export function sortedByJson<T>(items: Iterable<T>): T[] {
  return [...items]
    .map((item) => [JSON.stringify(item), item] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, item]) => item);
}
