import fs from 'node:fs';
import { once } from 'node:events';

// A realistic customer file: Persian, Arabic and English names, Iranian/Saudi/Emirati mobiles
// (a share typed with Persian or Arabic-Indic digits), e-mails, birthdays, tags.
const FA_FIRST = ['علی', 'محمد', 'حسین', 'رضا', 'مهدی', 'فاطمه', 'زهرا', 'مریم', 'سارا', 'نرگس', 'امیر', 'محمدرضا', 'علی‌اکبر', 'کیان', 'نیلوفر', 'پریسا', 'یاسمن', 'آرش', 'بهاره', 'سینا'];
const FA_LAST = ['کریمی', 'محمدی', 'حسینی', 'رضایی', 'احمدی', 'موسوی', 'جعفری', 'قاسمی', 'صادقی', 'حسین‌زاده', 'علی‌پور', 'نوری', 'کاظمی', 'یزدانی', 'شریفی'];
const AR_FIRST = ['محمد', 'عبدالله', 'فهد', 'خالد', 'سلطان', 'نورة', 'فاطمة', 'ريم', 'سارة', 'هيفاء', 'تركي', 'ماجد', 'لطيفة', 'عائشة', 'يوسف'];
const AR_LAST = ['العتيبي', 'القحطاني', 'الشمري', 'الدوسري', 'المطيري', 'الزهراني', 'الغامدي', 'المنصوري', 'الكعبي', 'النعيمي', 'الحربي', 'السبيعي'];
const EN_FIRST = ['James', 'Sarah', 'David', 'Emily', 'Omar', 'Lina', 'Adam', 'Maya', 'Daniel', 'Hannah'];
const EN_LAST = ['Smith', 'Johnson', 'Brown', 'Taylor', 'Wilson', 'Davies', 'Evans', 'Thomas', 'Walker', 'White'];
const TAGS = ['vip', 'newsletter', 'instagram', 'wholesale', 'مشتری-ویژه', ''];
const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC = '٠١٢٣٤٥٦٧٨٩';

const pick = <T>(list: T[], n: number) => list[n % list.length]!;
const digits = (text: string, set: string) => text.replace(/\d/g, (d) => set[Number(d)]!);

export function customerRow(i: number): string[] {
  const kind = i % 20; // 12/20 Persian, 5/20 Arabic, 3/20 English
  const serial = String(i).padStart(7, '0');
  if (kind < 12) {
    const name = `${pick(FA_FIRST, i * 7)} ${pick(FA_LAST, i * 13)}`;
    const phone = `0912${serial}`;
    const birthday = `${1340 + (i % 45)}/${String(1 + (i % 12)).padStart(2, '0')}/${String(1 + (i % 29)).padStart(2, '0')}`;
    return [name, i % 3 === 0 ? digits(phone, PERSIAN) : phone, i % 2 ? `user${i}@example.ir` : '', i % 4 ? digits(birthday, PERSIAN) : birthday, 'persian', 'fa', pick(TAGS, i)];
  }
  if (kind < 17) {
    const name = `${pick(AR_FIRST, i * 7)} ${pick(AR_LAST, i * 11)}`;
    const phone = `+96650${serial}`;
    const birthday = `${1380 + (i % 40)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 29)).padStart(2, '0')}`;
    return [name, i % 4 === 0 ? digits(phone, ARABIC) : phone, i % 2 ? `user${i}@example.sa` : '', birthday, 'islamic-umalqura', 'ar', pick(TAGS, i + 1)];
  }
  const name = `${pick(EN_FIRST, i * 3)} ${pick(EN_LAST, i * 5)}`;
  return [name, `+97150${serial}`, `user${i}@example.com`, `19${60 + (i % 40)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`, 'gregory', 'en', pick(TAGS, i + 2)];
}

export const CUSTOMER_HEADER = ['name', 'phone', 'email', 'birthday', 'birthday_calendar', 'language', 'tags'];

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** Writes `rows` customers to `file` (reused when it already has that many). */
export async function writeCustomersCsv(file: string, rows: number): Promise<void> {
  const marker = `${file}.rows`;
  if (fs.existsSync(file) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === String(rows)) return;
  const out = fs.createWriteStream(file);
  out.write(`${CUSTOMER_HEADER.join(',')}\n`);
  for (let i = 0; i < rows; i++) {
    if (!out.write(`${customerRow(i).map(quote).join(',')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  fs.writeFileSync(marker, String(rows));
}
