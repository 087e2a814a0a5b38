// The numbers a trader reads (src/app/format.ts): grouped, rounded, signed.
import { describe, expect, it } from 'vitest';
import {
  age,
  strikeList,
  dollars,
  percent,
  points,
  signedDollars,
  signedPercent,
  strike,
} from '../../src/app/format.ts';

describe('format', () => {
  it('points, strikes, dollars and percentages', () => {
    expect(points(5615)).toBe('5,615.00');
    expect(points(14.2)).toBe('14.20');
    expect(points(Number.NaN)).toBe('—');
    expect(strike(5615)).toBe('5,615');
    expect(strike(5612.5)).toBe('5,612.50');
    // One vocabulary (src/engine/format.ts): a value that is not finite reads "—" in every unit,
    // and a half-point strike keeps its half in a strike list (the engine's reasons rounded it).
    expect(percent(Number.NaN)).toBe('—');
    expect(dollars(Number.POSITIVE_INFINITY)).toBe('—');
    expect(strikeList({ longPut: 412.5, shortPut: 415, shortCall: 425, longCall: 427.5 })).toBe(
      '412.50/415/425/427.50',
    );
    expect(dollars(-1234.4)).toBe('-$1,234');
    expect(dollars(1420)).toBe('$1,420');
    expect(signedDollars(810)).toBe('+$810');
    expect(signedDollars(-46)).toBe('-$46');
    expect(percent(0.171)).toBe('17.1%');
    expect(signedPercent(0.023)).toBe('+2.3%');
    expect(signedPercent(-0.017)).toBe('-1.7%');
    expect(strikeList({ longPut: 5615, shortPut: 5665, shortCall: 6335, longCall: 6385 })).toBe(
      '5,615/5,665/6,335/6,385',
    );
  });

  it('ages of data', () => {
    expect(age(10_000)).toBe('under a minute');
    expect(age(4 * 60_000)).toBe('4 min');
    expect(age(125 * 60_000)).toBe('2 h 5 min');
    expect(age(3 * 86_400_000)).toBe('3 d');
  });

  it('an amount that rounds to zero has no minus sign', () => {
    expect(dollars(-1.8e-13)).toBe('$0');
    expect(signedDollars(-0.4)).toBe('$0');
  });
});
