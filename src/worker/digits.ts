// Thousands separators as en-US prints an integer ("1,234,567"), written out: the first
// toLocaleString call in a page or worker loads ICU's locale data, 13–50 ms measured on the
// playground's main thread at page load (the section table's first count) and in the worker.

/** `n` as `n.toLocaleString('en-US')` prints it. Integers and bigints are grouped here; anything
 *  else (fractions, NaN, ∞, 1e21 and up) goes to toLocaleString, whose rounding it keeps. */
export function groupDigits(n: number | bigint): string {
  if (typeof n === 'number' && !(Number.isInteger(n) && Math.abs(n) < 1e21)) return n.toLocaleString('en-US');
  const negative = n < 0 || Object.is(n, -0);
  const digits = (negative ? -n : n).toString();
  return `${negative ? '-' : ''}${digits.replace(/\B(?=(\d{3})+$)/g, ',')}`;
}
