// The NYSE calendar for the clock's tests (the engine takes it as data; the app passes this one).
import { DateTime } from 'luxon';
export { NYSE_SESSIONS, isTradingDay } from '../../src/market/calendar.ts';

export const weekdayName = (date: string): string => DateTime.fromISO(date, { locale: 'en-US' }).toFormat('cccc');
