/**
 * The `%...` post-processor: Python's `format % float(value)` for one float argument. Supports
 * flags `-+ 0#`, width, precision and the conversions d i u f F e E g G s r x X o, plus `%%`.
 * Digits are computed exactly from the double (BigInt arithmetic, ties to even) so results match
 * Python's, which JavaScript's `toFixed` does not on exact ties (`%.0f` of 2.5 is "2").
 * Returns null when Python would raise (wrong number of conversions, NaN to %d, ...).
 */

const SPEC = /%([-+ 0#]*)(\d*)(?:\.(\d*))?[hlL]?([diufFeEgGsrxXo%])?/y;

interface Spec {
  flags: string;
  width: number;
  precision: number | null;
  conversion: string;
}

export function formatPrintf(format: string, value: number): string | null {
  let out = "";
  let conversions = 0;
  let index = 0;
  while (index < format.length) {
    const percent = format.indexOf("%", index);
    if (percent === -1) {
      out += format.slice(index);
      break;
    }
    out += format.slice(index, percent);
    SPEC.lastIndex = percent;
    const match = SPEC.exec(format);
    const conversion = match?.[4];
    if (!match || conversion === undefined) return null;
    index = SPEC.lastIndex;
    if (conversion === "%") {
      out += "%";
      continue;
    }
    conversions++;
    const precisionText = match[3];
    const spec: Spec = {
      flags: match[1] ?? "",
      width: match[2] ? Number(match[2]) : 0,
      precision: precisionText === undefined ? null : Number(precisionText || "0"),
      conversion,
    };
    const text = formatOne(spec, value);
    if (text === null) return null;
    out += text;
  }
  return conversions === 1 ? out : null;
}

function formatOne(spec: Spec, value: number): string | null {
  const { conversion, flags } = spec;
  if (conversion === "s" || conversion === "r") {
    let text = pythonFloatRepr(value);
    if (spec.precision !== null) text = text.slice(0, spec.precision);
    return pad(text, spec.width, flags.includes("-"));
  }
  if (!Number.isFinite(value)) {
    if ("diuxXo".includes(conversion)) return null;
    const word = Number.isNaN(value) ? "nan" : "inf";
    const body = "FEG".includes(conversion) ? word.toUpperCase() : word;
    return finish(spec, value < 0 ? "-" : signFor(flags), "", body, false);
  }
  const negative = value < 0 || Object.is(value, -0);
  const sign = negative ? "-" : signFor(flags);
  const magnitude = Math.abs(value);
  switch (conversion) {
    case "d":
    case "i":
    case "u": {
      const integer = BigInt(Math.trunc(magnitude));
      const digits = spec.precision === null ? integer.toString() : integer.toString().padStart(spec.precision, "0");
      // Python's int() drops the sign of values that truncate to zero (-0.5 → "0").
      return finish(spec, integer === 0n ? signFor(flags) : sign, "", digits, true);
    }
    case "x":
    case "X":
    case "o": {
      const radix = conversion === "o" ? 8 : 16;
      const integer = BigInt(Math.trunc(magnitude));
      let digits = integer.toString(radix);
      if (conversion === "X") digits = digits.toUpperCase();
      if (spec.precision !== null) digits = digits.padStart(spec.precision, "0");
      const prefix = flags.includes("#") ? (conversion === "o" ? "0o" : conversion === "X" ? "0X" : "0x") : "";
      return finish(spec, integer === 0n ? signFor(flags) : sign, prefix, digits, true);
    }
    case "f":
    case "F": {
      const body = fixed(magnitude, spec.precision ?? 6, flags.includes("#"));
      return finish(spec, sign, "", body, true);
    }
    case "e":
    case "E": {
      const body = exponential(magnitude, spec.precision ?? 6, flags.includes("#"));
      return finish(spec, sign, "", conversion === "E" ? body.toUpperCase() : body, true);
    }
    default: {
      const body = general(magnitude, spec.precision ?? 6, flags.includes("#"));
      return finish(spec, sign, "", conversion === "G" ? body.toUpperCase() : body, true);
    }
  }
}

function signFor(flags: string): string {
  if (flags.includes("+")) return "+";
  if (flags.includes(" ")) return " ";
  return "";
}

function finish(spec: Spec, sign: string, prefix: string, body: string, numeric: boolean): string {
  const left = spec.flags.includes("-");
  const length = sign.length + prefix.length + body.length;
  if (numeric && !left && spec.flags.includes("0") && length < spec.width) {
    return sign + prefix + "0".repeat(spec.width - length) + body;
  }
  return pad(sign + prefix + body, spec.width, left);
}

function pad(text: string, width: number, left: boolean): string {
  return left ? text.padEnd(width) : text.padStart(width);
}

/** A finite non-negative double as an exact fraction numerator / denominator. */
function exactFraction(value: number): { numerator: bigint; denominator: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent: number;
  if (exponentBits === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = exponentBits - 1075;
  }
  return exponent >= 0
    ? { numerator: mantissa << BigInt(exponent), denominator: 1n }
    : { numerator: mantissa, denominator: 1n << BigInt(-exponent) };
}

/** round(numerator / denominator), ties to even. */
function roundHalfEven(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const twice = (numerator % denominator) * 2n;
  if (twice > denominator || (twice === denominator && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}

function fixed(magnitude: number, precision: number, alternate: boolean): string {
  const { numerator, denominator } = exactFraction(magnitude);
  const scaled = roundHalfEven(numerator * 10n ** BigInt(precision), denominator).toString();
  if (precision === 0) return alternate ? `${scaled}.` : scaled;
  const digits = scaled.padStart(precision + 1, "0");
  return `${digits.slice(0, -precision)}.${digits.slice(-precision)}`;
}

/** Significant digits of `magnitude` rounded to `count` digits, and the decimal exponent of the first. */
function significant(magnitude: number, count: number): { digits: string; exponent: number } {
  if (magnitude === 0) return { digits: "0".repeat(count), exponent: 0 };
  const { numerator, denominator } = exactFraction(magnitude);
  let exponent = Math.floor(Math.log10(magnitude));
  // log10 can be off by one near powers of ten; correct it exactly.
  while (compareToPower(numerator, denominator, exponent) < 0) exponent--;
  while (compareToPower(numerator, denominator, exponent + 1) >= 0) exponent++;
  const shift = count - 1 - exponent;
  let rounded =
    shift >= 0
      ? roundHalfEven(numerator * 10n ** BigInt(shift), denominator)
      : roundHalfEven(numerator, denominator * 10n ** BigInt(-shift));
  if (rounded.toString().length > count) {
    rounded /= 10n;
    exponent++;
  }
  return { digits: rounded.toString(), exponent };
}

/** Sign of numerator / denominator − 10^power. */
function compareToPower(numerator: bigint, denominator: bigint, power: number): number {
  const left = power >= 0 ? numerator : numerator * 10n ** BigInt(-power);
  const right = power >= 0 ? denominator * 10n ** BigInt(power) : denominator;
  return left === right ? 0 : left < right ? -1 : 1;
}

function exponentSuffix(exponent: number): string {
  const sign = exponent < 0 ? "-" : "+";
  return `e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

function exponential(magnitude: number, precision: number, alternate: boolean): string {
  const { digits, exponent } = significant(magnitude, precision + 1);
  const mantissa = precision === 0 ? `${digits}${alternate ? "." : ""}` : `${digits[0]}.${digits.slice(1)}`;
  return mantissa + exponentSuffix(exponent);
}

function general(magnitude: number, requested: number, alternate: boolean): string {
  const precision = requested === 0 ? 1 : requested;
  const { exponent } = significant(magnitude, precision);
  let body: string;
  if (exponent >= -4 && exponent < precision) {
    body = fixed(magnitude, precision - 1 - exponent, alternate);
    if (!alternate && body.includes(".")) body = body.replace(/\.?0+$/, "");
  } else {
    body = exponential(magnitude, precision - 1, alternate);
    if (!alternate) body = body.replace(/\.?0+e/, "e");
  }
  return body;
}

/** Python's `str(float)`: shortest round-trip digits, `1.0` not `1`, exponent form outside 1e-4..1e16. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value < 0 ? "-inf" : "inf";
  const sign = value < 0 || Object.is(value, -0) ? "-" : "";
  const magnitude = Math.abs(value);
  if (magnitude === 0) return `${sign}0.0`;
  const [mantissa = "0", exponentText = "0"] = magnitude.toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exponent = Number(exponentText);
  if (exponent >= 16 || exponent < -4) {
    const rest = digits.slice(1);
    return `${sign}${digits[0]}${rest ? `.${rest}` : ""}${exponentSuffix(exponent)}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const integerPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fraction = digits.slice(exponent + 1);
  return `${sign}${integerPart}.${fraction || "0"}`;
}
