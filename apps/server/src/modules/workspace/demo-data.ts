/**
 * A deterministic demo workspace: a Tehran home-goods retailer with branches and an online
 * store, its customers, their orders and their touchpoints over the year before `now`.
 *
 * Pure on purpose: no imports from the app, no clock, no Math.random. The same options give
 * the same workspace byte for byte, so demos, screenshots and tests can rely on it.
 * Phones, birthdays and tags are deliberately as messy as real imported data (typed digits,
 * three calendars, tags in two languages); normalising them is the importer's job.
 */

export interface DemoOrderItem { sku: string; name: string; quantity: number; unitPriceMinor: number }

export interface DemoOrder {
  externalId: string;
  /** ISO instant, UTC. */
  placedAt: string;
  promisedDeliveryAt: string | null;
  deliveredAt: string | null;
  returnedAt: string | null;
  /** Integer rials: IRR is handled without its unused decimal minor unit. */
  amountMinor: number;
  currency: string;
  items: DemoOrderItem[];
  channel: 'web' | 'store' | 'phone' | 'app';
}

export interface DemoTouchpoint {
  externalId: string;
  kind: 'visit' | 'call' | 'message' | 'chat' | 'social';
  channel: string;
  stage: 'pre-sale' | 'sale' | 'after-sale' | 'non-sale';
  occurredAt: string;
  data: Record<string, string>;
}

export interface DemoCustomer {
  externalId: string;
  name: string;
  /** As a human typed it: Latin, Persian or Arabic-Indic digits, local or international form. */
  phone: string;
  phoneCountry: 'IR' | 'SA' | 'AE';
  email: string | null;
  language: 'fa' | 'ar' | 'en';
  birthday: { calendar: 'persian' | 'islamic-umalqura' | 'gregory'; year: number; month: number; day: number } | null;
  preferredChannel: 'sms' | 'email' | 'whatsapp' | 'phone';
  consent: { sms: boolean; email: boolean };
  tags: string[];
  attributes: { city: string; vip?: boolean };
  orders: DemoOrder[];
  touchpoints: DemoTouchpoint[];
}

export interface DemoWorkspace { name: string; slug: string; currency: 'IRR'; customers: DemoCustomer[] }

type Language = DemoCustomer['language'];
type PhoneCountry = DemoCustomer['phoneCountry'];
type Birthday = NonNullable<DemoCustomer['birthday']>;
type OrderChannel = DemoOrder['channel'];
type TouchpointKind = DemoTouchpoint['kind'];
type Stage = DemoTouchpoint['stage'];
type PreferredChannel = DemoCustomer['preferredChannel'];
type DigitScript = 'latin' | 'persian' | 'arabic-indic';
type Weighted<T> = readonly (readonly [value: T, weight: number])[];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WINDOW_MS = 365 * DAY_MS;
// Iran has kept UTC+03:30 all year since it dropped daylight saving in 2022.
const TEHRAN_OFFSET_MS = 3.5 * HOUR_MS;
const SHOP_OPENS_MINUTE = 9 * 60;
const SHOP_CLOSES_MINUTE = 22 * 60;
const MAX_ORDER_RIALS = 150_000_000;
const CURRENCY = 'IRR';

// The zero-width non-joiner is invisible in editors, so Persian text here marks it with '_'.
const ZWNJ = '\u200c';
const fa = (text: string): string => text.replaceAll('_', ZWNJ);

// ---------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: tiny, fast, and good enough for demo data; same seed, same sequence. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

class Dice {
  constructor(private readonly next: () => number) {}

  /** In [0, 1). */
  float(): number {
    return this.next();
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('cannot pick from an empty list');
    return item;
  }

  weighted<T>(entries: Weighted<T>): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    const last = entries[entries.length - 1];
    if (last === undefined) throw new RangeError('cannot pick from an empty list');
    return last[0];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const a = items[i] as T;
      items[i] = items[j] as T;
      items[j] = a;
    }
    return items;
  }
}

// ---------------------------------------------------------------------------------------------
// Names: [as written, as used in an e-mail address]

type NamePart = readonly [native: string, latin: string];
const persianNames = (parts: readonly NamePart[]): readonly NamePart[] => parts.map(([native, latin]) => [fa(native), latin]);

const PERSIAN_GIVEN_NAMES = persianNames([
  ['علی', 'ali'], ['محمد', 'mohammad'], ['حسین', 'hossein'], ['رضا', 'reza'], ['مهدی', 'mahdi'],
  ['امیرحسین', 'amirhossein'], ['محمدرضا', 'mohammadreza'], ['سعید', 'saeed'], ['حمید', 'hamid'],
  ['مجید', 'majid'], ['بهرام', 'bahram'], ['کاوه', 'kaveh'], ['آرش', 'arash'], ['بابک', 'babak'],
  ['پویا', 'pouya'], ['سینا', 'sina'], ['فرهاد', 'farhad'], ['کیوان', 'keyvan'], ['مسعود', 'masoud'],
  ['نیما', 'nima'], ['داریوش', 'dariush'], ['مهران', 'mehran'], ['سهراب', 'sohrab'], ['امید', 'omid'],
  ['احسان', 'ehsan'], ['پژمان', 'pezhman'], ['مرتضی', 'morteza'], ['فاطمه', 'fatemeh'], ['زهرا', 'zahra'],
  ['مریم', 'maryam'], ['سارا', 'sara'], ['نرگس', 'narges'], ['لیلا', 'leila'], ['مهسا', 'mahsa'],
  ['نگار', 'negar'], ['شیرین', 'shirin'], ['پریسا', 'parisa'], ['الهام', 'elham'], ['سمیرا', 'samira'],
  ['آزاده', 'azadeh'], ['مینا', 'mina'], ['ترانه', 'taraneh'], ['یاسمن', 'yasaman'], ['هانیه', 'haniyeh'],
  ['ریحانه', 'reyhaneh'], ['مهناز', 'mahnaz'], ['فرزانه', 'farzaneh'], ['نازنین', 'nazanin'],
  ['شبنم', 'shabnam'], ['گلاره', 'golareh'], ['رویا', 'roya'], ['ستاره', 'setareh'], ['بهاره', 'bahareh'],
  ['کیمیا', 'kimia'], ['ژاله', 'zhaleh'],
]);

const PERSIAN_FAMILY_NAMES = persianNames([
  ['محمدی', 'mohammadi'], ['احمدی', 'ahmadi'], ['رضایی', 'rezaei'], ['حسینی', 'hosseini'], ['کریمی', 'karimi'],
  ['موسوی', 'mousavi'], ['جعفری', 'jafari'], ['رحیمی', 'rahimi'], ['هاشمی', 'hashemi'], ['صادقی', 'sadeghi'],
  ['نوری', 'nouri'], ['طاهری', 'taheri'], ['کاظمی', 'kazemi'], ['قاسمی', 'ghasemi'], ['ابراهیمی', 'ebrahimi'],
  ['سلیمانی', 'soleimani'], ['مرادی', 'moradi'], ['اکبری', 'akbari'], ['یزدانی', 'yazdani'], ['شریفی', 'sharifi'],
  ['عسگری', 'asgari'], ['بهرامی', 'bahrami'], ['فراهانی', 'farahani'], ['تهرانی', 'tehrani'],
  ['اصفهانی', 'esfahani'], ['شیرازی', 'shirazi'], ['کرمانی', 'kermani'], ['نجفی', 'najafi'], ['زمانی', 'zamani'],
  ['فروتن', 'foroutan'], ['حسین_زاده', 'hosseinzadeh'], ['علی_پور', 'alipour'], ['قلی_زاده', 'gholizadeh'],
  ['رحیم_زاده', 'rahimzadeh'], ['نیک_نام', 'niknam'], ['شاه_محمدی', 'shahmohammadi'], ['تقی_پور', 'taghipour'],
  ['صادق_زاده', 'sadeghzadeh'], ['ملک_زاده', 'malekzadeh'], ['حق_شناس', 'haghshenas'], ['امین_زاده', 'aminzadeh'],
  ['کاظم_پور', 'kazempour'], ['نیک_بخت', 'nikbakht'], ['خوش_نویس', 'khoshnevis'], ['پاک_نژاد', 'paknejad'],
]);

const ARABIC_GIVEN_NAMES: readonly NamePart[] = [
  ['محمد', 'mohammed'], ['عبدالله', 'abdullah'], ['أحمد', 'ahmed'], ['خالد', 'khalid'], ['سعود', 'saud'],
  ['فهد', 'fahad'], ['فيصل', 'faisal'], ['سلطان', 'sultan'], ['تركي', 'turki'], ['عبدالعزيز', 'abdulaziz'],
  ['ناصر', 'nasser'], ['سعد', 'saad'], ['ماجد', 'majed'], ['راشد', 'rashid'], ['حمدان', 'hamdan'],
  ['منصور', 'mansour'], ['يوسف', 'yousef'], ['عمر', 'omar'], ['علي', 'ali'], ['حمد', 'hamad'],
  ['مبارك', 'mubarak'], ['زايد', 'zayed'], ['سيف', 'saif'], ['بندر', 'bandar'], ['نواف', 'nawaf'],
  ['فاطمة', 'fatima'], ['نورة', 'noura'], ['سارة', 'sarah'], ['مريم', 'maryam'], ['عائشة', 'aisha'],
  ['ريم', 'reem'], ['هند', 'hind'], ['لطيفة', 'latifa'], ['شيخة', 'sheikha'], ['موزة', 'moza'],
  ['الجوهرة', 'aljawhara'], ['منيرة', 'munira'], ['أمل', 'amal'], ['هيا', 'haya'], ['دانة', 'dana'],
  ['لمياء', 'lamya'], ['روان', 'rawan'], ['غادة', 'ghada'], ['جواهر', 'jawaher'], ['العنود', 'alanoud'],
];

const SAUDI_FAMILY_NAMES: readonly NamePart[] = [
  ['القحطاني', 'alqahtani'], ['الغامدي', 'alghamdi'], ['الزهراني', 'alzahrani'], ['العتيبي', 'alotaibi'],
  ['الشهري', 'alshehri'], ['الدوسري', 'aldosari'], ['الحربي', 'alharbi'], ['المطيري', 'almutairi'],
  ['العنزي', 'alanazi'], ['الشمري', 'alshammari'], ['السبيعي', 'alsubaie'], ['المالكي', 'almalki'],
  ['العمري', 'alomari'], ['الجهني', 'aljohani'], ['السهلي', 'alsahli'], ['الرشيدي', 'alrashidi'],
  ['العسيري', 'alasiri'], ['الشهراني', 'alshahrani'], ['اليامي', 'alyami'], ['الثبيتي', 'althubaiti'],
  ['السديري', 'alsudairi'], ['البقمي', 'albuqami'],
];

const EMIRATI_FAMILY_NAMES: readonly NamePart[] = [
  ['المنصوري', 'almansoori'], ['الكعبي', 'alkaabi'], ['الظاهري', 'aldhaheri'], ['المهيري', 'almheiri'],
  ['النعيمي', 'alnuaimi'], ['الشامسي', 'alshamsi'], ['السويدي', 'alsuwaidi'], ['الفلاسي', 'alfalasi'],
  ['المزروعي', 'almazrouei'], ['الهاملي', 'alhameli'], ['الحمادي', 'alhammadi'], ['الكتبي', 'alketbi'],
  ['الرميثي', 'alromaithi'], ['المري', 'almarri'], ['البلوشي', 'albalushi'], ['الشحي', 'alshehhi'],
  ['الطنيجي', 'altunaiji'], ['القبيسي', 'alqubaisi'], ['العامري', 'alameri'],
];

const ENGLISH_GIVEN_NAMES: readonly string[] = [
  'James', 'Olivia', 'Liam', 'Emma', 'Noah', 'Sophia', 'Oliver', 'Ava', 'William', 'Isabella', 'Henry',
  'Mia', 'Lucas', 'Charlotte', 'Benjamin', 'Amelia', 'Daniel', 'Harper', 'Matthew', 'Evelyn', 'Jack',
  'Abigail', 'Samuel', 'Emily', 'David', 'Elizabeth', 'Joseph', 'Sofia', 'Thomas', 'Grace', 'Andrew',
  'Chloe', 'Ryan', 'Hannah', 'Nathan', 'Lily', 'Adam', 'Zoe', 'Michael', 'Sarah', 'Peter', 'Laura',
];

const ENGLISH_FAMILY_NAMES: readonly string[] = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor',
  'Thomas', 'Moore', 'Martin', 'Jackson', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Hill', 'Green', 'Adams', 'Baker', 'Nelson',
  'Carter', 'Mitchell', 'Roberts', 'Turner', 'Phillips', 'Campbell', 'Parker', 'Evans', 'Edwards',
  'Collins', 'Stewart', 'Morris', 'Murphy', 'Cook',
];

// ---------------------------------------------------------------------------------------------
// Places, phones, e-mail

interface City { name: string; nearBranch: boolean; weight: number }

const PERSIAN_CITIES: readonly City[] = [
  { name: 'تهران', nearBranch: true, weight: 65 }, { name: 'کرج', nearBranch: true, weight: 8 },
  { name: 'اصفهان', nearBranch: false, weight: 6 }, { name: 'شیراز', nearBranch: false, weight: 5 },
  { name: 'مشهد', nearBranch: false, weight: 5 }, { name: 'تبریز', nearBranch: false, weight: 4 },
  { name: 'رشت', nearBranch: false, weight: 4 }, { name: 'قم', nearBranch: false, weight: 3 },
];
const ARABIC_CITIES: Record<'SA' | 'AE', readonly string[]> = {
  SA: ['الرياض', 'جدة', 'الدمام', 'الخبر', 'مكة المكرمة'],
  AE: ['دبي', 'أبوظبي', 'الشارقة', 'العين', 'عجمان'],
};
const ENGLISH_CITIES: Record<PhoneCountry, readonly string[]> = {
  IR: ['Tehran', 'Tehran', 'Karaj', 'Isfahan', 'Shiraz'],
  SA: ['Riyadh', 'Jeddah', 'Dammam'],
  AE: ['Dubai', 'Dubai', 'Abu Dhabi', 'Sharjah'],
};
const ENGLISH_CITIES_NEAR_BRANCH = new Set(['Tehran', 'Karaj']);

const BRANCHES: readonly string[] = ['شعبه ونک', 'شعبه تجریش', 'شعبه پاسداران', 'شعبه کرج'].map(fa);

const MOBILE_PREFIXES: Record<PhoneCountry, readonly string[]> = {
  IR: [
    '0910', '0911', '0912', '0913', '0914', '0915', '0916', '0917', '0918', '0919', '0990', '0991', '0992',
    '0993', '0930', '0933', '0935', '0936', '0937', '0938', '0939', '0901', '0902', '0903', '0904', '0905',
    '0920', '0921', '0922',
  ],
  SA: ['050', '053', '054', '055', '056', '058', '059'],
  AE: ['050', '052', '054', '055', '056', '058'],
};
const COUNTRY_CALLING_CODES: Record<PhoneCountry, string> = { IR: '98', SA: '966', AE: '971' };

const EMAIL_DOMAINS: Record<Language, Weighted<string>> = {
  fa: [['gmail.com', 55], ['yahoo.com', 20], ['chmail.ir', 10], ['outlook.com', 10], ['hotmail.com', 5]],
  ar: [['gmail.com', 45], ['hotmail.com', 20], ['outlook.com', 15], ['icloud.com', 15], ['yahoo.com', 5]],
  en: [['gmail.com', 40], ['outlook.com', 25], ['icloud.com', 20], ['yahoo.com', 10], ['hotmail.co.uk', 5]],
};

// ---------------------------------------------------------------------------------------------
// Catalogue: rial prices as a Tehran home-goods shop would ask. Nothing costs under 500,000
// rials and nothing over 150,000,000, so every order lands in that range.

interface Product { sku: string; name: string; minPrice: number; maxPrice: number; maxQuantity: number }

const CATALOGUE: readonly Product[] = [
  { sku: 'KN-RUG-M12-9', name: 'فرش ماشینی ۱۲۰۰ شانه ۹ متری', minPrice: 28_000_000, maxPrice: 65_000_000, maxQuantity: 2 },
  { sku: 'KN-RUG-M7-6', name: 'فرش ماشینی ۷۰۰ شانه ۶ متری', minPrice: 12_000_000, maxPrice: 26_000_000, maxQuantity: 2 },
  { sku: 'KN-RUG-HK-6', name: 'فرش دستباف کاشان ۶ متری', minPrice: 85_000_000, maxPrice: 145_000_000, maxQuantity: 1 },
  { sku: 'KN-KLM-QS-3', name: 'گلیم دستباف قشقایی ۳ متری', minPrice: 9_000_000, maxPrice: 22_000_000, maxQuantity: 1 },
  { sku: 'KN-RNR-3', name: 'کناره فرش ۳ متری', minPrice: 4_500_000, maxPrice: 11_000_000, maxQuantity: 2 },
  { sku: 'KN-SMV-EL', name: 'سماور برقی استیل', minPrice: 4_800_000, maxPrice: 12_500_000, maxQuantity: 1 },
  { sku: 'KN-SMV-BR', name: 'سماور گازی برنجی', minPrice: 7_500_000, maxPrice: 19_000_000, maxQuantity: 1 },
  { sku: 'KN-TEA-CH', name: 'کتری و قوری چینی', minPrice: 1_400_000, maxPrice: 3_800_000, maxQuantity: 2 },
  { sku: 'KN-TEA-MK', name: fa('چای_ساز برقی'), minPrice: 3_200_000, maxPrice: 8_500_000, maxQuantity: 1 },
  { sku: 'KN-POT-GR10', name: 'سرویس قابلمه گرانیتی ۱۰ پارچه', minPrice: 9_500_000, maxPrice: 26_000_000, maxQuantity: 1 },
  { sku: 'KN-PAN-28', name: 'ماهیتابه تفلون سایز ۲۸', minPrice: 950_000, maxPrice: 2_600_000, maxQuantity: 3 },
  { sku: 'KN-PRS-6', name: 'زودپز ۶ لیتری', minPrice: 3_400_000, maxPrice: 8_200_000, maxQuantity: 1 },
  { sku: 'KN-RCK-DG', name: 'پلوپز دیجیتال', minPrice: 4_200_000, maxPrice: 9_800_000, maxQuantity: 1 },
  { sku: 'KN-DIN-12', name: 'سرویس چینی غذاخوری ۱۲ نفره', minPrice: 16_000_000, maxPrice: 48_000_000, maxQuantity: 1 },
  { sku: 'KN-CUT-60', name: 'سرویس قاشق و چنگال ۶۰ پارچه', minPrice: 4_500_000, maxPrice: 14_500_000, maxQuantity: 1 },
  { sku: 'KN-GLS-6', name: 'لیوان بلور ۶ عددی', minPrice: 650_000, maxPrice: 1_900_000, maxQuantity: 4 },
  { sku: 'KN-EST-6', name: 'استکان کمرباریک ۶ عددی', minPrice: 520_000, maxPrice: 1_300_000, maxQuantity: 4 },
  { sku: 'KN-TRY-CU', name: fa('سینی مسی قلم_زنی'), minPrice: 3_200_000, maxPrice: 9_500_000, maxQuantity: 2 },
  { sku: 'KN-TBC-TR', name: 'رومیزی ترمه', minPrice: 2_100_000, maxPrice: 7_200_000, maxQuantity: 2 },
  { sku: 'KN-CRT-LV', name: 'پرده پذیرایی', minPrice: 6_500_000, maxPrice: 21_000_000, maxQuantity: 2 },
  { sku: 'KN-BED-2P', name: 'روتختی دونفره', minPrice: 3_100_000, maxPrice: 9_200_000, maxQuantity: 2 },
  { sku: 'KN-TWL-BT', name: 'حوله حمام', minPrice: 720_000, maxPrice: 1_850_000, maxQuantity: 4 },
  { sku: 'KN-JCR-EL', name: fa('آب_میوه_گیری'), minPrice: 3_600_000, maxPrice: 10_500_000, maxQuantity: 1 },
  { sku: 'KN-VAC-EL', name: 'جاروبرقی', minPrice: 12_500_000, maxPrice: 36_000_000, maxQuantity: 1 },
  { sku: 'KN-IRN-ST', name: 'اتو بخار', minPrice: 2_600_000, maxPrice: 6_400_000, maxQuantity: 1 },
  { sku: 'KN-MIR-CD', name: 'آینه و شمعدان', minPrice: 8_500_000, maxPrice: 31_000_000, maxQuantity: 1 },
  { sku: 'KN-VAS-CR', name: 'گلدان سرامیکی', minPrice: 820_000, maxPrice: 3_100_000, maxQuantity: 3 },
  { sku: 'KN-STR-5', name: 'ست ظرف نگهدارنده ۵ عددی', minPrice: 700_000, maxPrice: 2_100_000, maxQuantity: 3 },
  { sku: 'KN-LMP-TB', name: 'آباژور', minPrice: 2_500_000, maxPrice: 7_300_000, maxQuantity: 2 },
  { sku: 'KN-CSN-45', name: 'کوسن مبل', minPrice: 540_000, maxPrice: 1_250_000, maxQuantity: 6 },
];

// ---------------------------------------------------------------------------------------------
// Touchpoint notes, in the customer's language

interface NoteBook {
  preSale: readonly string[];
  /** By the channel the order came through, so the note matches the contact. */
  sale: Record<OrderChannel, readonly string[]>;
  afterSale: readonly string[];
  inTransit: readonly string[];
  late: readonly string[];
  returned: readonly string[];
  nonSale: readonly string[];
}

const NOTES: Record<Language, NoteBook> = {
  fa: {
    preSale: [
      'درباره موجودی فرش ۱۲۰۰ شانه پرسید', 'قیمت سرویس قابلمه گرانیتی را خواست',
      'پرسید ارسال به شهرستان چند روز طول می_کشد', 'عکس رنگ_های دیگر روتختی را خواست',
      'درباره خرید اقساطی سؤال داشت', 'برای انتخاب سماور مشاوره خواست',
    ].map(fa),
    sale: {
      store: ['در شعبه فرش را پسندید و خرید کرد', 'برای هدیه بسته_بندی ویژه خواست'].map(fa),
      phone: ['سفارش را تلفنی ثبت کرد', 'پرداخت در محل را انتخاب کرد'],
      web: ['در گفت_وگوی سایت کد تخفیف جشنواره را گرفت', 'برای تکمیل خرید از سایت راهنمایی خواست'].map(fa),
      app: ['در اپلیکیشن درباره پرداخت اقساطی پرسید و سفارش داد', 'کد تخفیف اپلیکیشن اعمال شد'],
    },
    afterSale: [
      'از بسته_بندی و کیفیت راضی بود', 'درخواست فاکتور رسمی داشت', 'راهنمای شست_وشوی فرش را خواست',
      'دسته قابلمه شکسته رسیده بود؛ تعویض هماهنگ شد', 'برای نظرسنجی رضایت تماس گرفتیم',
    ].map(fa),
    inTransit: ['پیگیری زمان رسیدن سفارش', 'کد رهگیری مرسوله را خواست'].map(fa),
    late: ['از تأخیر در ارسال گلایه داشت؛ عذرخواهی و کد تخفیف دادیم', 'سفارش دیرتر از وعده رسید'].map(fa),
    returned: ['کالا را مرجوع کرد؛ رنگ با عکس سایت فرق داشت', 'درخواست مرجوعی و بازگشت وجه'].map(fa),
    nonSale: [
      'شماره تماس خود را به_روز کرد', 'برای همکاری عمده پیام داد', 'پست اینستاگرام را با دوستانش به اشتراک گذاشت',
      'درباره ساعت کاری شعبه تجریش پرسید', 'از لغو پیامک_های تبلیغاتی سؤال کرد',
    ].map(fa),
  },
  ar: {
    preSale: [
      'سأل عن توفر السجاد الإيراني المصنوع يدويًا', 'استفسر عن تكلفة الشحن إلى الخليج',
      'طلب صورًا إضافية لطقم الأواني', 'سأل عن مدة التوصيل', 'استفسر عن مقاسات السجاد المتوفرة',
    ],
    sale: {
      store: ['اشترى من الفرع أثناء زيارته لطهران', 'طلب تغليف هدية'],
      phone: ['أكمل الطلب عبر الهاتف', 'اختار الدفع عند الاستلام'],
      web: ['استخدم كود الخصم في الموقع', 'طلب المساعدة لإتمام الدفع بالبطاقة'],
      app: ['أكمل الطلب عبر التطبيق', 'استخدم كود خصم التطبيق'],
    },
    afterSale: [
      'وصل المنتج بحالة ممتازة', 'طلب فاتورة ضريبية', 'سأل عن طريقة تنظيف السجادة',
      'شكر فريق خدمة العملاء على المتابعة',
    ],
    inTransit: ['استفسر عن موعد وصول الطلب', 'طلب رقم تتبع الشحنة'],
    late: ['اشتكى من تأخر الشحن', 'وصل الطلب متأخرًا عن الموعد'],
    returned: ['طلب إرجاع المنتج واسترداد المبلغ', 'أعاد السجادة لاختلاف المقاس'],
    nonSale: ['حدّث عنوان التوصيل', 'أبدى اهتمامًا بالعروض الموسمية', 'تابع الصفحة على إنستغرام'],
  },
  en: {
    preSale: [
      'Asked whether the Kashan rug is in stock', 'Asked about shipping costs abroad',
      'Wanted more photos of the dinner set', 'Asked how long delivery takes', 'Compared two samovar models',
    ],
    sale: {
      store: ['Bought in the branch', 'Asked for gift wrapping'],
      phone: ['Placed the order by phone', 'Chose cash on delivery'],
      web: ['Got a discount code in the web chat', 'Needed help paying by card'],
      app: ['Ordered through the app', 'Applied an app discount code'],
    },
    afterSale: [
      'Happy with the packaging and quality', 'Asked for a formal invoice', 'Asked how to clean the rug',
      'Thanked the team for the follow-up',
    ],
    inTransit: ['Asked when the order will arrive', 'Asked for the tracking number'],
    late: ['Complained that delivery was late', 'Order arrived after the promised date'],
    returned: ['Returned the item and asked for a refund', 'Colour differed from the photos; returned'],
    nonSale: ['Updated the delivery address', 'Interested in seasonal offers', 'Follows the shop on Instagram'],
  },
};

const SOCIAL_CHANNELS: Record<Language, Weighted<string>> = {
  fa: [['instagram', 70], ['telegram', 30]],
  ar: [['instagram', 50], ['x', 30], ['snapchat', 20]],
  en: [['instagram', 60], ['facebook', 40]],
};

// ---------------------------------------------------------------------------------------------
// Small pure helpers

const toIso = (ms: number): string => new Date(ms).toISOString();

function withDigits(text: string, script: DigitScript): string {
  if (script === 'latin') return text;
  const zero = script === 'persian' ? 0x06f0 : 0x0660;
  return text.replace(/[0-9]/g, (digit) => String.fromCharCode(zero + Number(digit)));
}

function persianMonthLength(month: number): number {
  if (month <= 6) return 31;
  return month <= 11 ? 30 : 29;
}

function gregorianMonthLength(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Moves an instant into shop hours (Tehran time) on the same day when that stays in range. */
function duringShopHours(dice: Dice, ms: number, from: number, to: number): number {
  const local = ms + TEHRAN_OFFSET_MS;
  const minuteOfDay = Math.floor((local % DAY_MS) / MINUTE_MS);
  if (minuteOfDay >= SHOP_OPENS_MINUTE && minuteOfDay < SHOP_CLOSES_MINUTE) return ms;
  const localDayStart = local - (local % DAY_MS);
  const moved = localDayStart + dice.int(SHOP_OPENS_MINUTE, SHOP_CLOSES_MINUTE - 1) * MINUTE_MS
    + dice.int(0, 59) * 1000 - TEHRAN_OFFSET_MS;
  return moved >= from && moved <= to ? moved : ms;
}

function instantBetween(dice: Dice, from: number, to: number, shopHoursOnly: boolean): number {
  const ms = from + Math.floor(dice.float() * (to - from));
  return shopHoursOnly ? duringShopHours(dice, ms, from, to) : ms;
}

const roundToThousandTomans = (rials: number): number => Math.round(rials / 10_000) * 10_000;

// ---------------------------------------------------------------------------------------------
// Generation

interface Generation {
  dice: Dice;
  now: number;
  windowStart: number;
  takenPhones: Set<string>;
  takenEmails: Set<string>;
  nextOrder: number;
  nextTouchpoint: number;
}

interface Identity {
  name: string;
  given: NamePart;
  family: NamePart;
  phoneCountry: PhoneCountry;
  city: string;
  nearBranch: boolean;
}

function drawIdentity(dice: Dice, language: Language): Identity {
  if (language === 'fa') {
    const given = dice.pick(PERSIAN_GIVEN_NAMES);
    const family = dice.pick(PERSIAN_FAMILY_NAMES);
    const city = dice.weighted(PERSIAN_CITIES.map((c) => [c, c.weight] as const));
    return { name: `${given[0]} ${family[0]}`, given, family, phoneCountry: 'IR', city: city.name, nearBranch: city.nearBranch };
  }
  if (language === 'ar') {
    const phoneCountry = dice.weighted<'SA' | 'AE'>([['SA', 55], ['AE', 45]]);
    const given = dice.pick(ARABIC_GIVEN_NAMES);
    const family = dice.pick(phoneCountry === 'SA' ? SAUDI_FAMILY_NAMES : EMIRATI_FAMILY_NAMES);
    return { name: `${given[0]} ${family[0]}`, given, family, phoneCountry, city: dice.pick(ARABIC_CITIES[phoneCountry]), nearBranch: false };
  }
  const phoneCountry = dice.weighted<PhoneCountry>([['AE', 45], ['IR', 30], ['SA', 25]]);
  const givenName = dice.pick(ENGLISH_GIVEN_NAMES);
  const familyName = dice.pick(ENGLISH_FAMILY_NAMES);
  const city = dice.pick(ENGLISH_CITIES[phoneCountry]);
  return {
    name: `${givenName} ${familyName}`,
    given: [givenName, givenName.toLowerCase()],
    family: [familyName, familyName.toLowerCase()],
    phoneCountry,
    city,
    nearBranch: ENGLISH_CITIES_NEAR_BRANCH.has(city),
  };
}

function drawPhone(gen: Generation, country: PhoneCountry, language: Language): string {
  const { dice } = gen;
  let national: string;
  // Unique on the national digits alone, so neither the typed text nor the E.164 form repeats.
  do {
    national = dice.pick(MOBILE_PREFIXES[country]) + String(dice.int(0, 9_999_999)).padStart(7, '0');
  } while (gen.takenPhones.has(national));
  gen.takenPhones.add(national);

  const significant = national.slice(1);
  const code = COUNTRY_CALLING_CODES[country];
  const typed = country === 'IR'
    ? dice.weighted<string>([
      [national, 35],
      [`${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}`, 25],
      [`${national.slice(0, 4)}-${national.slice(4, 7)}-${national.slice(7)}`, 10],
      [`+${code} ${significant.slice(0, 3)} ${significant.slice(3, 6)} ${significant.slice(6)}`, 15],
      [`+${code}${significant}`, 10],
      [`00${code}${significant}`, 5],
    ])
    : dice.weighted<string>([
      [national, 35],
      [`${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}`, 20],
      [`${national.slice(0, 3)}-${national.slice(3)}`, 10],
      [`+${code} ${significant.slice(0, 2)} ${significant.slice(2, 5)} ${significant.slice(5)}`, 20],
      [`+${code}${significant}`, 10],
      [`00${code}${significant}`, 5],
    ]);

  const script: DigitScript = language === 'fa'
    ? dice.weighted<DigitScript>([['latin', 66], ['persian', 30], ['arabic-indic', 4]])
    : language === 'ar'
      ? dice.weighted<DigitScript>([['latin', 75], ['arabic-indic', 25]])
      : 'latin';
  return withDigits(typed, script);
}

function drawBirthday(dice: Dice, language: Language): Birthday | null {
  const calendar = dice.weighted<Birthday['calendar'] | null>(
    language === 'fa' ? [[null, 15], ['persian', 75], ['gregory', 10]]
      : language === 'ar' ? [[null, 18], ['islamic-umalqura', 55], ['gregory', 27]]
        : [[null, 20], ['gregory', 80]],
  );
  if (calendar === null) return null;
  const month = dice.int(1, 12);
  if (calendar === 'persian') {
    return { calendar, year: dice.int(1340, 1385), month, day: dice.int(1, persianMonthLength(month)) };
  }
  if (calendar === 'islamic-umalqura') {
    // Umm al-Qura months have 29 or 30 days depending on the year; day 30 is left out rather than guessed.
    return { calendar, year: dice.int(1380, 1425), month, day: dice.int(1, 29) };
  }
  const year = dice.int(1960, 2006);
  return { calendar, year, month, day: dice.int(1, gregorianMonthLength(year, month)) };
}

function drawEmail(gen: Generation, language: Language, identity: Identity, birthday: Birthday | null): string | null {
  const { dice } = gen;
  const withoutEmail = language === 'fa' ? 0.35 : language === 'ar' ? 0.25 : 0.05;
  if (dice.chance(withoutEmail)) return null;
  const g = identity.given[1];
  const f = identity.family[1];
  const year = birthday === null ? dice.int(10, 99) : birthday.year % 100;
  const local = dice.weighted<string>([
    [`${g}.${f}`, 35], [`${g}${f}`, 15], [`${g.charAt(0)}.${f}`, 15], [`${g}_${f}${year}`, 15],
    [`${g}${String(year).padStart(2, '0')}`, 10], [`${f}.${g}`, 10],
  ]);
  const domain = dice.weighted(EMAIL_DOMAINS[language]);
  let email = `${local}@${domain}`;
  while (gen.takenEmails.has(email)) email = `${local}${dice.int(2, 999)}@${domain}`;
  gen.takenEmails.add(email);
  return email;
}

function drawPreferredChannel(dice: Dice, language: Language, hasEmail: boolean): PreferredChannel {
  const preferred = dice.weighted<PreferredChannel>(
    language === 'fa' ? [['sms', 55], ['phone', 20], ['email', 15], ['whatsapp', 10]]
      : language === 'ar' ? [['whatsapp', 55], ['sms', 15], ['email', 15], ['phone', 15]]
        : [['email', 50], ['whatsapp', 30], ['sms', 10], ['phone', 10]],
  );
  if (preferred === 'email' && !hasEmail) return language === 'fa' ? 'sms' : 'whatsapp';
  return preferred;
}

function drawItems(dice: Dice, wholesale: boolean): DemoOrderItem[] {
  const wanted = dice.weighted<number>([[1, 55], [2, 28], [3, 12], [4, 5]]);
  const items: DemoOrderItem[] = [];
  let amount = 0;
  for (let attempt = 0; attempt < wanted * 3 && items.length < wanted; attempt++) {
    const product = dice.pick(CATALOGUE);
    if (items.some((item) => item.sku === product.sku)) continue;
    const unitPrice = roundToThousandTomans(dice.int(product.minPrice, product.maxPrice));
    let quantity = wholesale
      ? dice.int(2, Math.max(3, product.maxQuantity * 3))
      : dice.chance(0.8) ? 1 : dice.int(1, product.maxQuantity);
    while (quantity > 0 && amount + quantity * unitPrice > MAX_ORDER_RIALS) quantity--;
    if (quantity === 0) continue;
    items.push({ sku: product.sku, name: product.name, quantity, unitPriceMinor: unitPrice });
    amount += quantity * unitPrice;
  }
  return items;
}

function drawOrder(gen: Generation, nearBranch: boolean, wholesale: boolean): DemoOrder {
  const { dice, now, windowStart } = gen;
  const channel = dice.weighted<OrderChannel>(nearBranch
    ? [['web', 35], ['store', 35], ['app', 15], ['phone', 15]]
    : [['web', 55], ['app', 25], ['phone', 20]]);
  const placed = instantBetween(dice, windowStart, now, channel === 'store' || channel === 'phone');
  const items = drawItems(dice, wholesale);
  const amountMinor = items.reduce((sum, item) => sum + item.quantity * item.unitPriceMinor, 0);

  let promised: number | null = null;
  let delivered: number | null;
  if (channel === 'store') {
    delivered = placed; // carried home from the counter
  } else {
    promised = placed + dice.int(1, 5) * DAY_MS;
    const late = dice.chance(0.15);
    delivered = late
      ? promised + dice.int(2 * 60, 4 * 24 * 60) * MINUTE_MS
      : promised - dice.int(0, Math.floor((promised - placed) * 0.8 / MINUTE_MS)) * MINUTE_MS;
    if (delivered > now) delivered = null;
  }

  let returned: number | null = null;
  if (delivered !== null && dice.chance(0.055)) {
    const candidate = delivered + dice.int(1 * 24 * 60, 14 * 24 * 60) * MINUTE_MS;
    if (candidate <= now) returned = candidate;
  }

  return {
    externalId: '', // numbered after the customer's orders are put in time order
    placedAt: toIso(placed),
    promisedDeliveryAt: promised === null ? null : toIso(promised),
    deliveredAt: delivered === null ? null : toIso(delivered),
    returnedAt: returned === null ? null : toIso(returned),
    amountMinor,
    currency: CURRENCY,
    items,
    channel,
  };
}

function drawOrderCount(dice: Dice): number {
  // Most customers buy once or twice a year; a loyal few come back again and again.
  if (dice.chance(0.08)) return dice.int(6, 12);
  return dice.weighted<number>([[0, 15], [1, 35], [2, 25], [3, 12], [4, 8], [5, 5]]);
}

interface CustomerContext {
  language: Language;
  nearBranch: boolean;
  hasEmail: boolean;
  preferredChannel: PreferredChannel;
  orders: readonly DemoOrder[];
}

function messageChannel(dice: Dice, ctx: CustomerContext): string {
  if (ctx.preferredChannel !== 'phone' && dice.chance(0.6)) return ctx.preferredChannel;
  const options: Weighted<string> = ctx.language === 'fa'
    ? [['sms', 70], ['email', ctx.hasEmail ? 30 : 0]]
    : [['whatsapp', 60], ['sms', 15], ['email', ctx.hasEmail ? 25 : 0]];
  return dice.weighted(options);
}

function channelFor(dice: Dice, kind: TouchpointKind, ctx: CustomerContext): string {
  switch (kind) {
    case 'visit': return 'store';
    case 'call': return 'phone';
    case 'message': return messageChannel(dice, ctx);
    case 'chat': return dice.weighted<string>([['web-chat', 65], ['app-chat', 35]]);
    case 'social': return dice.weighted(SOCIAL_CHANNELS[ctx.language]);
  }
}

function kindForOrderChannel(channel: OrderChannel): { kind: TouchpointKind; channel: string } {
  switch (channel) {
    case 'store': return { kind: 'visit', channel: 'store' };
    case 'phone': return { kind: 'call', channel: 'phone' };
    case 'web': return { kind: 'chat', channel: 'web-chat' };
    case 'app': return { kind: 'chat', channel: 'app-chat' };
  }
}

function afterSaleNotes(order: DemoOrder, book: NoteBook): readonly string[] {
  if (order.returnedAt !== null) return book.returned;
  if (order.deliveredAt === null) return book.inTransit;
  if (order.promisedDeliveryAt !== null && order.deliveredAt > order.promisedDeliveryAt) return book.late;
  return book.afterSale;
}

function drawTouchpoint(gen: Generation, ctx: CustomerContext): DemoTouchpoint {
  const { dice, now, windowStart } = gen;
  const book = NOTES[ctx.language];
  const visitWeight = ctx.nearBranch ? 1 : 0;
  const stage = dice.weighted<Stage>(ctx.orders.length > 0
    ? [['pre-sale', 25], ['sale', 20], ['after-sale', 35], ['non-sale', 20]]
    : [['pre-sale', 60], ['non-sale', 40]]);
  const data: Record<string, string> = {};
  let kind: TouchpointKind;
  let channel: string;
  let at: number;
  let earliest = windowStart;

  if (stage === 'sale' || stage === 'after-sale') {
    const order = dice.pick(ctx.orders);
    const placed = Date.parse(order.placedAt);
    data['orderExternalId'] = order.externalId;
    if (stage === 'sale') {
      ({ kind, channel } = kindForOrderChannel(order.channel));
      at = Math.max(windowStart, placed - dice.int(5, 40) * MINUTE_MS);
      data['note'] = dice.pick(book.sale[order.channel]);
    } else {
      kind = dice.weighted<TouchpointKind>([['call', 35], ['message', 30], ['chat', 25], ['visit', 10 * visitWeight], ['social', 5]]);
      channel = channelFor(dice, kind, ctx);
      const base = Date.parse(order.returnedAt ?? order.deliveredAt ?? order.promisedDeliveryAt ?? order.placedAt);
      earliest = placed;
      at = Math.max(placed, Math.min(base + dice.int(2 * 60, 10 * 24 * 60) * MINUTE_MS, now));
      data['note'] = dice.pick(afterSaleNotes(order, book));
    }
  } else {
    kind = stage === 'pre-sale'
      ? dice.weighted<TouchpointKind>([['chat', 30], ['call', 25], ['message', 20], ['social', 15], ['visit', 10 * visitWeight]])
      : dice.weighted<TouchpointKind>([['social', 35], ['message', 30], ['call', 20], ['chat', 15]]);
    channel = channelFor(dice, kind, ctx);
    const before = stage === 'pre-sale' && ctx.orders.length > 0 && dice.chance(0.6) ? dice.pick(ctx.orders) : null;
    at = before === null
      ? instantBetween(dice, windowStart, now, false)
      : Math.max(windowStart, Date.parse(before.placedAt) - dice.int(60, 7 * 24 * 60) * MINUTE_MS);
    data['note'] = dice.pick(stage === 'pre-sale' ? book.preSale : book.nonSale);
  }
  // A sale contact stays glued to its order; other calls and visits happen while the shop is open.
  if ((kind === 'visit' || kind === 'call') && stage !== 'sale') at = duringShopHours(dice, at, earliest, now);
  if (kind === 'visit') data['branch'] = dice.pick(BRANCHES);

  return { externalId: '', kind, channel, stage, occurredAt: toIso(at), data };
}

function drawTags(dice: Dice, language: Language, facts: {
  vip: boolean; wholesale: boolean; emailConsent: boolean; onInstagram: boolean; orders: readonly DemoOrder[]; now: number;
}): string[] {
  const tags: string[] = [];
  // Staff tag in both languages, as they do in real shops; attributes.vip is the reliable flag.
  const either = (english: string, persian: string): string => (language === 'fa' && dice.chance(0.5) ? persian : english);
  if (facts.vip) tags.push(either('vip', 'مشتری-ویژه'));
  if (facts.wholesale) tags.push(either('wholesale', 'خرید-عمده'));
  if (facts.emailConsent && dice.chance(0.7)) tags.push('newsletter');
  if (facts.onInstagram) tags.push('instagram');
  const boughtBeforeYalda = facts.orders.some((order) => {
    const placed = new Date(order.placedAt);
    return placed.getUTCMonth() === 11 && placed.getUTCDate() >= 10 && placed.getUTCDate() <= 21;
  });
  if (language === 'fa' && boughtBeforeYalda && dice.chance(0.7)) tags.push(fa('جشنواره-یلدا'));
  const first = facts.orders[0];
  if (first !== undefined && Date.parse(first.placedAt) > facts.now - 30 * DAY_MS) tags.push('new');
  return tags;
}

function drawCustomer(gen: Generation, index: number, language: Language): DemoCustomer {
  const { dice } = gen;
  const identity = drawIdentity(dice, language);
  const phone = drawPhone(gen, identity.phoneCountry, language);
  const birthday = drawBirthday(dice, language);
  const email = drawEmail(gen, language, identity, birthday);
  const preferredChannel = drawPreferredChannel(dice, language, email !== null);
  const consent = {
    sms: preferredChannel === 'sms' || dice.chance(0.8),
    email: email !== null && (preferredChannel === 'email' || dice.chance(0.65)),
  };

  const wholesale = dice.chance(0.03);
  const orders = Array.from({ length: drawOrderCount(dice) }, () => drawOrder(gen, identity.nearBranch, wholesale))
    .sort((a, b) => a.placedAt.localeCompare(b.placedAt));
  for (const order of orders) order.externalId = `ORD-${String(gen.nextOrder++).padStart(7, '0')}`;

  const ctx: CustomerContext = { language, nearBranch: identity.nearBranch, hasEmail: email !== null, preferredChannel, orders };
  const touchpointCount = dice.weighted<number>([[1, 25], [2, 30], [3, 22], [4, 13], [5, 10]]) + (orders.length >= 6 ? 1 : 0);
  const touchpoints = Array.from({ length: touchpointCount }, () => drawTouchpoint(gen, ctx))
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  for (const touchpoint of touchpoints) touchpoint.externalId = `TP-${String(gen.nextTouchpoint++).padStart(7, '0')}`;

  const spent = orders.reduce((sum, order) => sum + (order.returnedAt === null ? order.amountMinor : 0), 0);
  const vip = orders.length >= 7 || spent >= 200_000_000;
  const tags = drawTags(dice, language, {
    vip,
    wholesale,
    emailConsent: consent.email,
    onInstagram: touchpoints.some((t) => t.channel === 'instagram'),
    orders,
    now: gen.now,
  });

  return {
    externalId: `CUS-${String(index + 1).padStart(6, '0')}`,
    name: identity.name,
    phone,
    phoneCountry: identity.phoneCountry,
    email,
    language,
    birthday,
    preferredChannel,
    consent,
    tags,
    attributes: vip ? { city: identity.city, vip: true } : { city: identity.city },
    orders,
    touchpoints,
  };
}

/**
 * Builds the demo workspace: about 60% Persian-speaking, 25% Arabic-speaking and 15%
 * English-speaking customers (exact shares after rounding, in a seeded order), with orders and
 * touchpoints in the 365 days up to `now`.
 */
export function generateDemoWorkspace(options: { customers: number; seed: number; now: Date }): DemoWorkspace {
  const { customers, seed, now } = options;
  if (!Number.isSafeInteger(customers) || customers < 0) throw new RangeError(`customers must be a non-negative integer, got ${customers}`);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('now must be a valid date');

  const dice = new Dice(mulberry32(seed));
  const gen: Generation = {
    dice,
    now: nowMs,
    windowStart: nowMs - WINDOW_MS,
    takenPhones: new Set(),
    takenEmails: new Set(),
    nextOrder: 1,
    nextTouchpoint: 1,
  };

  const persianCount = Math.round(customers * 0.6);
  const arabicCount = Math.min(customers - persianCount, Math.round(customers * 0.25));
  const languages = dice.shuffle<Language>([
    ...Array.from({ length: persianCount }, (): Language => 'fa'),
    ...Array.from({ length: arabicCount }, (): Language => 'ar'),
    ...Array.from({ length: customers - persianCount - arabicCount }, (): Language => 'en'),
  ]);

  return {
    name: fa('فروشگاه خانه_نو'),
    slug: 'khaneh-no',
    currency: CURRENCY,
    customers: languages.map((language, index) => drawCustomer(gen, index, language)),
  };
}
