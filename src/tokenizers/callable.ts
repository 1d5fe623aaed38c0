/**
 * Base of objects that can be called like functions, as Python's `tokenizer(text)` is: the constructor returns
 * a function whose prototype is the subclass's, so methods, fields and `instanceof` still work.
 * (transformers.js and @huggingface/tokenizers do the same.)
 */
export abstract class Callable {
  constructor() {
    const closure = function (...args: unknown[]): unknown {
      return (closure as unknown as Callable)._call(...args);
    };
    return Object.setPrototypeOf(closure, new.target.prototype) as Callable;
  }

  protected abstract _call(...args: unknown[]): unknown;
}
