/** Thrown inside the scanner at the first character that cannot continue the text as JSON. */
class Stop {
  constructor(readonly at: number) {}
}

const HEX = /[0-9a-fA-F]/;

/**
 * Where `text` stops being JSON (RFC 8259): the index of the first character
 * that cannot continue it, its length when it ends too soon, or undefined
 * when it is valid. For JSON.parse messages that do not say where (V8's
 * "Unexpected token"); run only once parsing has failed.
 */
export function jsonSyntaxErrorIndex(text: string): number | undefined {
  let i = 0;
  const stop = (): never => {
    throw new Stop(i);
  };
  const space = (): void => {
    while (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r") i++;
  };
  const expect = (c: string): void => {
    if (text[i] !== c) stop();
    i++;
  };
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
  const digits = (): void => {
    if (!isDigit(text[i])) stop();
    while (isDigit(text[i])) i++;
  };
  // Stops where a digit was wanted, as V8 reports a bad number.
  const number = (): void => {
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else digits();
    if (text[i] === ".") {
      i++;
      digits();
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      digits();
    }
  };
  const string = (): void => {
    expect('"');
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c) || c < 0x20) stop();
      i++;
      if (c === 0x22) return;
      if (c !== 0x5c) continue;
      const e = text[i];
      if (e === "u") {
        i++;
        for (let k = 0; k < 4; k++) {
          if (!HEX.test(text[i] ?? "")) stop();
          i++;
        }
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
      else stop();
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++;
      space();
      if (text[i] === close) return void i++;
      for (;;) {
        if (c === "{") {
          space();
          string();
          space();
          expect(":");
        }
        value();
        space();
        if (text[i] !== ",") return expect(close);
        i++;
      }
    }
    if (c === '"') return string();
    for (const word of ["true", "false", "null"]) if (c === word[0]) return [...word].forEach(expect);
    number();
  };
  try {
    value();
    space();
    return i < text.length ? i : undefined;
  } catch (err) {
    if (err instanceof Stop) return err.at;
    // Nesting deeper than the stack: no position to give.
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}
