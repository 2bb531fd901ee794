/**
 * The few browser globals that functions passed to `page.evaluate` use. Those functions run in the
 * page, but are type-checked with the Node tests, where the DOM library would clash with Node's
 * own stream and fetch types.
 */
declare const window: { innerWidth: number; __xss?: unknown; scrollTo(x: number, y: number): void };
declare const document: { documentElement: { scrollWidth: number } };
interface HTMLInputElement {
  value: string;
}
