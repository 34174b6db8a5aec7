import type { Locale } from './locale.ts';

type Catalog = Record<string, Record<Locale, string>>;

/**
 * Problem details shown to people, by stable code. `{name}` placeholders are filled from the
 * problem's params. Codes are an API contract: add, never rename.
 */
export const PROBLEM_MESSAGES: Catalog = {
  validation_failed: {
    en: 'Some fields are missing or invalid.',
    fa: 'برخی فیلدها خالی یا نامعتبرند.',
    ar: 'بعض الحقول مفقودة أو غير صالحة.',
  },
  malformed_json: {
    en: 'The request body is not valid JSON.',
    fa: 'بدنه‌ی درخواست JSON معتبری نیست.',
    ar: 'نص الطلب ليس JSON صالحًا.',
  },
  invalid_encoding: {
    en: 'The request body is not valid UTF-8 text.',
    fa: 'بدنه‌ی درخواست متن UTF-8 معتبری نیست.',
    ar: 'نص الطلب ليس نصًا صالحًا بترميز UTF-8.',
  },
  body_too_large: {
    en: 'The request body is too large.',
    fa: 'بدنه‌ی درخواست بیش از حد بزرگ است.',
    ar: 'نص الطلب كبير جدًا.',
  },
  unsupported_media_type: {
    en: 'This content type is not accepted here.',
    fa: 'این نوع محتوا اینجا پذیرفته نمی‌شود.',
    ar: 'نوع المحتوى هذا غير مقبول هنا.',
  },
  unauthenticated: {
    en: 'Sign in or send a valid API key.',
    fa: 'وارد شوید یا یک کلید API معتبر بفرستید.',
    ar: 'سجّل الدخول أو أرسل مفتاح API صالحًا.',
  },
  invalid_credentials: {
    en: 'The e-mail or password is wrong.',
    fa: 'ایمیل یا رمز عبور نادرست است.',
    ar: 'البريد الإلكتروني أو كلمة المرور غير صحيحة.',
  },
  forbidden: {
    en: 'Your role does not allow this.',
    fa: 'نقش شما اجازه‌ی این کار را نمی‌دهد.',
    ar: 'دورك لا يسمح بذلك.',
  },
  csrf_failed: {
    en: 'The request is missing its CSRF token. Reload the page and try again.',
    fa: 'توکن CSRF درخواست موجود نیست. صفحه را دوباره بارگذاری کنید و دوباره تلاش کنید.',
    ar: 'رمز CSRF مفقود في الطلب. أعد تحميل الصفحة وحاول مرة أخرى.',
  },
  not_found: {
    en: 'Not found.',
    fa: 'پیدا نشد.',
    ar: 'غير موجود.',
  },
  conflict: {
    en: 'This conflicts with existing data.',
    fa: 'این با داده‌های موجود تعارض دارد.',
    ar: 'هذا يتعارض مع بيانات موجودة.',
  },
  duplicate_customer: {
    en: 'Another customer already has this {field}.',
    fa: 'مشتری دیگری همین {field} را دارد.',
    ar: 'عميل آخر لديه نفس {field}.',
  },
  idempotency_key_reused: {
    en: 'This Idempotency-Key was already used for a different request.',
    fa: 'این Idempotency-Key پیش‌تر برای درخواست دیگری به کار رفته است.',
    ar: 'مفتاح Idempotency-Key هذا استُخدم سابقًا لطلب مختلف.',
  },
  idempotency_key_invalid: {
    en: 'The Idempotency-Key header must be 1 to 255 visible ASCII characters.',
    fa: 'سرآیند Idempotency-Key باید ۱ تا ۲۵۵ نویسه‌ی اسکی قابل‌مشاهده باشد.',
    ar: 'يجب أن يكون ترويسة Idempotency-Key من 1 إلى 255 حرف ASCII مرئي.',
  },
  rate_limited: {
    en: 'Too many requests. Try again in a minute.',
    fa: 'درخواست‌ها بیش از حد است. یک دقیقه‌ی دیگر دوباره تلاش کنید.',
    ar: 'طلبات كثيرة جدًا. حاول مرة أخرى بعد دقيقة.',
  },
  invalid_phone: {
    en: 'This is not a valid phone number.',
    fa: 'این شماره تلفن معتبر نیست.',
    ar: 'هذا ليس رقم هاتف صالحًا.',
  },
  invalid_date: {
    en: 'This day does not exist in the chosen calendar.',
    fa: 'این روز در تقویم انتخاب‌شده وجود ندارد.',
    ar: 'هذا اليوم غير موجود في التقويم المختار.',
  },
  invalid_attribute: {
    en: 'Attribute {key} is unknown or has the wrong type.',
    fa: 'ویژگی {key} ناشناخته است یا نوع آن نادرست است.',
    ar: 'الخاصية {key} غير معروفة أو نوعها خاطئ.',
  },
  customer_merged: {
    en: 'This customer was merged into another one.',
    fa: 'این مشتری با مشتری دیگری ادغام شده است.',
    ar: 'تم دمج هذا العميل في عميل آخر.',
  },
  customer_erased: {
    en: 'This customer’s personal data was erased.',
    fa: 'داده‌های شخصی این مشتری پاک شده است.',
    ar: 'تم محو البيانات الشخصية لهذا العميل.',
  },
  cannot_merge_self: {
    en: 'A customer cannot be merged into itself.',
    fa: 'یک مشتری را نمی‌توان با خودش ادغام کرد.',
    ar: 'لا يمكن دمج العميل مع نفسه.',
  },
  invalid_cursor: {
    en: 'The page cursor is invalid or expired.',
    fa: 'نشانگر صفحه نامعتبر یا منقضی است.',
    ar: 'مؤشر الصفحة غير صالح أو منتهي الصلاحية.',
  },
  invalid_segment_rule: {
    en: 'The segment rule is invalid: {reason}',
    fa: 'قاعده‌ی بخش نامعتبر است: {reason}',
    ar: 'قاعدة الشريحة غير صالحة: {reason}',
  },
  invalid_csv: {
    en: 'The file could not be read as CSV: {reason}',
    fa: 'فایل به‌صورت CSV خوانده نشد: {reason}',
    ar: 'تعذّرت قراءة الملف بصيغة CSV: {reason}',
  },
  last_owner: {
    en: 'A workspace needs at least one owner.',
    fa: 'هر فضای کاری دست‌کم یک مالک لازم دارد.',
    ar: 'تحتاج مساحة العمل إلى مالك واحد على الأقل.',
  },
  invitation_invalid: {
    en: 'This invitation is invalid, expired or already used.',
    fa: 'این دعوت‌نامه نامعتبر، منقضی یا استفاده‌شده است.',
    ar: 'هذه الدعوة غير صالحة أو منتهية أو مستخدمة.',
  },
  internal_error: {
    en: 'Something went wrong on our side. It has been logged.',
    fa: 'مشکلی در سمت ما رخ داد و ثبت شد.',
    ar: 'حدث خطأ من جهتنا وتم تسجيله.',
  },
  unavailable: {
    en: 'The service is starting or stopping. Try again shortly.',
    fa: 'سرویس در حال شروع یا توقف است. کمی بعد دوباره تلاش کنید.',
    ar: 'الخدمة قيد البدء أو الإيقاف. حاول مرة أخرى بعد قليل.',
  },
};

export function localise(code: string, locale: Locale, params: Record<string, string | number> = {}): string {
  const template = PROBLEM_MESSAGES[code]?.[locale] ?? PROBLEM_MESSAGES.internal_error![locale];
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(params[key] ?? ''));
}
