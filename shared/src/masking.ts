/** Masking of personal data for display to anyone but its holder (and in logs): one rule, both sides. */

/** 135****5663: the masked mobile number shown in the signing panel (seed 000 figure 10) and in logs. */
export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '***';
}
