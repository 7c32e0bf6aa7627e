/** Dates as the registration authority counts them: calendar days in Asia/Shanghai (UTC+8, no DST). */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);
dayjs.extend(timezone);

export const ZONE = 'Asia/Shanghai';

/** 'YYYY-MM-DD' of `at` in Shanghai. */
export function shanghaiDate(at: Date): string {
  return dayjs(at).tz(ZONE).format('YYYY-MM-DD');
}

/** The instant Shanghai's calendar day containing `at` began. */
export function startOfShanghaiDay(at: Date): Date {
  return dayjs(at).tz(ZONE).startOf('day').toDate();
}

/** 'YYYY-MM-DD HH:mm:ss' in Shanghai, for documents and messages. */
export function shanghaiDateTime(at: Date): string {
  return dayjs(at).tz(ZONE).format('YYYY-MM-DD HH:mm:ss');
}

/** A Date at noon Shanghai on `date` ('YYYY-MM-DD'): a safe 'today' for calendar arithmetic. */
export function dateAtShanghaiNoon(date: string): Date {
  return dayjs.tz(`${date} 12:00`, ZONE).toDate();
}

export { dayjs };
