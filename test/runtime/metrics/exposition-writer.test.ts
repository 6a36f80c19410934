import { formatValue } from '../../../lib/runtime/metrics/exposition-text';
import { ExpositionWriter } from '../../../lib/runtime/metrics/exposition-writer';

describe('ExpositionWriter', () => {
  it('writes every sample value exactly as formatValue spells it', () => {
    const values = [
      0, -0, 1, 9, 10, 99, 100, 12345, 2 ** 31, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 1e21, 1e-7,
      -1, -12.5, 0.1 + 0.2, 1234.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MIN_VALUE,
    ];
    for (const value of values) {
      const out = new ExpositionWriter(1);
      out.value(value);
      expect(out.toString()).toBe(formatValue(value));
    }
  });

  it('grows past its initial size without losing or corrupting bytes, multi-byte text included', () => {
    const out = new ExpositionWriter(1);
    let expected = '';
    for (let i = 0; i < 5_000; i++) {
      const piece = i % 7 === 0 ? `é€𝄞${i}` : `line ${i}\n`;
      out.text(piece);
      out.value(i);
      expected += piece + String(i);
    }
    expect(out.toString()).toBe(expected);
    expect(out.byteLength).toBe(Buffer.byteLength(expected));
    expect(out.bytes().equals(Buffer.from(expected))).toBe(true);
  });

  it('copies repeated text from what it wrote, and encodes it again after forgetRepeated', () => {
    const out = new ExpositionWriter(4);
    out.forgetRepeated();
    out.repeated('a="ü"');
    out.byte(0x7c);
    out.repeated('a="ü"');
    out.forgetRepeated();
    out.repeated('b="2"');
    out.repeated('b="2"');
    expect(out.toString()).toBe('a="ü"|a="ü"b="2"b="2"');
  });
});
