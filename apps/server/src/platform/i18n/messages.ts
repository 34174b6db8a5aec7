import type { Locale } from './locale.ts';
import { formatMoneyParam, isMoneyParam, type MoneyParam } from './money.ts';

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
  json_too_deep: {
    en: 'The request body nests deeper than {max} levels.',
    fa: 'بدنه‌ی درخواست بیش از {max} سطح تودرتو است.',
    ar: 'نص الطلب متداخل بأكثر من {max} مستوى.',
  },
  invalid_url: {
    en: 'The address is not valid: it has a broken percent-encoding.',
    fa: 'نشانی معتبر نیست: کدگذاری درصدی آن خراب است.',
    ar: 'العنوان غير صالح: ترميز النسبة المئوية فيه تالف.',
  },
  multipart_malformed: {
    en: 'The upload is not a complete multipart/form-data body (cut short, or without its boundary). Send the file again.',
    fa: 'بارگذاری یک بدنه‌ی multipart/form-data کامل نیست (نیمه‌کاره یا بدون مرز). پرونده را دوباره بفرستید.',
    ar: 'الرفع ليس نص multipart/form-data كاملًا (مقطوع أو بلا حدود). أرسل الملف مرة أخرى.',
  },
  malformed_request: {
    en: 'The request is not well-formed HTTP.',
    fa: 'درخواست، HTTP خوش‌ساختی نیست.',
    ar: 'الطلب ليس HTTP سليم البنية.',
  },
  headers_too_large: {
    en: 'The request headers are too large.',
    fa: 'سرآیندهای درخواست بیش از حد بزرگ است.',
    ar: 'ترويسات الطلب كبيرة جدًا.',
  },
  request_timeout: {
    en: 'The request took too long to arrive.',
    fa: 'رسیدن درخواست بیش از حد طول کشید.',
    ar: 'استغرق وصول الطلب وقتًا طويلًا جدًا.',
  },
  upload_timeout: {
    en: 'The upload stopped: nothing arrived for {seconds} seconds. Send the file again.',
    fa: 'بارگذاری متوقف شد: {seconds} ثانیه چیزی نرسید. پرونده را دوباره بفرستید.',
    ar: 'توقف الرفع: لم يصل شيء لمدة {seconds} ثانية. أرسل الملف مرة أخرى.',
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
  sso_not_configured: {
    en: 'Single sign-on is not set up on this server.',
    fa: 'ورود یکپارچه روی این سرور راه‌اندازی نشده است.',
    ar: 'لم يُعَدّ تسجيل الدخول الموحّد على هذا الخادم.',
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
  name_or_contact_required: {
    en: 'Give a name, or a phone or e-mail to reach them.',
    fa: 'نام، یا تلفن یا ایمیلی برای تماس وارد کنید.',
    ar: 'أدخل اسمًا، أو هاتفًا أو بريدًا إلكترونيًا للتواصل.',
  },
  url_credentials: {
    en: 'Leave the user name and password out of the address; put credentials in their own fields.',
    fa: 'نام کاربری و گذرواژه را در نشانی ننویسید؛ اطلاعات ورود را در خانه‌های خودشان وارد کنید.',
    ar: 'لا تضع اسم المستخدم وكلمة المرور في العنوان؛ أدخل بيانات الدخول في حقولها الخاصة.',
  },
  birthday_in_future: {
    en: 'A birthday cannot be in the future.',
    fa: 'تاریخ تولد نمی‌تواند در آینده باشد.',
    ar: 'لا يمكن أن يكون تاريخ الميلاد في المستقبل.',
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
  cursor_sort_mismatch: {
    en: 'This page cursor belongs to the list in another order; start again from the first page.',
    fa: 'این نشانگر صفحه مال فهرست با ترتیب دیگری است؛ از صفحه‌ی اول شروع کنید.',
    ar: 'مؤشر الصفحة هذا يخص القائمة بترتيب آخر؛ ابدأ من الصفحة الأولى.',
  },
  unknown_customers: {
    en: 'Some of the chosen customers are not in this workspace, or were merged or erased. Nothing was changed.',
    fa: 'برخی از مشتریان انتخاب‌شده در این فضای کاری نیستند یا ادغام یا پاک شده‌اند. چیزی تغییر نکرد.',
    ar: 'بعض العملاء المختارين ليسوا في مساحة العمل هذه، أو تم دمجهم أو محوهم. لم يتغير شيء.',
  },
  unknown_segment: {
    en: 'There is no such segment in this workspace.',
    fa: 'چنین بخشی در این فضای کاری نیست.',
    ar: 'لا توجد شريحة كهذه في مساحة العمل هذه.',
  },
  bulk_too_many_tags: {
    en: 'Some of the chosen customers would have more than {max} tags; remove some first. Nothing was changed.',
    fa: 'برخی از مشتریان انتخاب‌شده بیش از {max} برچسب پیدا می‌کنند؛ اول چند برچسب را بردارید. چیزی تغییر نکرد.',
    ar: 'سيحمل بعض العملاء المختارين أكثر من {max} وسمًا؛ أزل بعضها أولًا. لم يتغير شيء.',
  },
  bulk_selection_too_large: {
    en: 'More than {max} customers match; narrow the filter and try again. Nothing was changed.',
    fa: 'بیش از {max} مشتری با این فیلتر جور درمی‌آیند؛ فیلتر را محدودتر کنید و دوباره امتحان کنید. چیزی تغییر نکرد.',
    ar: 'يطابق أكثر من {max} عميل؛ ضيّق عامل التصفية وحاول مرة أخرى. لم يتغير شيء.',
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
  invalid_email: {
    en: "This is not a valid e-mail address.",
    fa: "این نشانی ایمیل معتبر نیست.",
    ar: "هذا ليس عنوان بريد إلكتروني صالحًا.",
  },
  invalid_language: {
    en: "Language must be fa, ar or en.",
    fa: "زبان باید fa، ar یا en باشد.",
    ar: "يجب أن تكون اللغة fa أو ar أو en.",
  },
  invalid_channel: {
    en: "This is not a known channel.",
    fa: "این کانال شناخته‌شده نیست.",
    ar: "هذه ليست قناة معروفة.",
  },
  invalid_tag: {
    en: "A tag is 1–64 characters without commas.",
    fa: "برچسب باید ۱ تا ۶۴ نویسه و بدون ویرگول باشد.",
    ar: "الوسم من 1 إلى 64 حرفًا بلا فواصل.",
  },
  too_many_tags: {
    en: "At most 50 tags.",
    fa: "حداکثر ۵۰ برچسب.",
    ar: "50 وسمًا على الأكثر.",
  },
  tag_dropped: {
    en: "The customer was imported without a tag longer than 64 characters or holding control characters.",
    fa: "مشتری بدون برچسبی که بیش از ۶۴ نویسه داشت یا نویسهٔ کنترلی داشت وارد شد.",
    ar: "استُورد العميل دون وسم يزيد على 64 حرفًا أو يحوي محارف تحكم.",
  },
  tags_truncated: {
    en: "The customer was imported with the first 50 tags; the rest were left out.",
    fa: "مشتری با ۵۰ برچسب نخست وارد شد و باقی کنار گذاشته شد.",
    ar: "استُورد العميل بأول 50 وسمًا وتُرك الباقي.",
  },
  invalid_boolean: {
    en: "Use yes or no.",
    fa: "بله یا خیر بنویسید.",
    ar: "استخدم نعم أو لا.",
  },
  invalid_calendar: {
    en: "Calendar must be persian, islamic-umalqura or gregory.",
    fa: "تقویم باید persian، islamic-umalqura یا gregory باشد.",
    ar: "يجب أن يكون التقويم persian أو islamic-umalqura أو gregory.",
  },
  invalid_id: {
    en: "This is not a valid id.",
    fa: "این شناسه معتبر نیست.",
    ar: "هذا ليس معرّفًا صالحًا.",
  },
  too_long: {
    en: "This value is too long.",
    fa: "این مقدار بیش از حد طولانی است.",
    ar: "هذه القيمة طويلة جدًا.",
  },
  missing_identity: {
    en: "The row needs a name, phone, e-mail, external id or id.",
    fa: "این سطر به نام، تلفن، ایمیل، شناسه‌ی بیرونی یا شناسه نیاز دارد.",
    ar: "يحتاج الصف إلى اسم أو هاتف أو بريد إلكتروني أو معرّف خارجي أو معرّف.",
  },
  too_many_columns: {
    en: "The row has more cells than the header.",
    fa: "این سطر از سرستون‌ها خانه‌ی بیشتری دارد.",
    ar: "يحتوي الصف على خلايا أكثر من الترويسة.",
  },
  missing_customer: {
    en: "The row needs the customer’s phone, e-mail, external id or id.",
    fa: "این سطر به تلفن، ایمیل، شناسه‌ی بیرونی یا شناسه‌ی مشتری نیاز دارد.",
    ar: "يحتاج الصف إلى هاتف العميل أو بريده أو معرّفه الخارجي أو معرّفه.",
  },
  invalid_amount: {
    en: "The amount must be a whole number of minor units.",
    fa: "مبلغ باید عدد صحیح به کوچک‌ترین واحد پول باشد.",
    ar: "يجب أن يكون المبلغ عددًا صحيحًا بأصغر وحدة للعملة.",
  },
  invalid_currency: {
    en: "This is not an ISO 4217 currency code.",
    fa: "این کد ارز ISO 4217 نیست.",
    ar: "هذا ليس رمز عملة ISO 4217.",
  },
  invalid_items: {
    en: "Items must be a JSON list of {name, quantity, unitPriceMinor}.",
    fa: "اقلام باید فهرست JSON از {name, quantity, unitPriceMinor} باشد.",
    ar: "يجب أن تكون البنود قائمة JSON من {name, quantity, unitPriceMinor}.",
  },
  invalid_reference: {
    en: "A reference is 1–200 printable characters.",
    fa: "شناسه‌ی ارجاع باید ۱ تا ۲۰۰ نویسه‌ی چاپی باشد.",
    ar: "المرجع من 1 إلى 200 حرف قابل للطباعة.",
  },
  invalid_status: {
    en: "Status must be placed, delivered or returned.",
    fa: "وضعیت باید placed، delivered یا returned باشد.",
    ar: "يجب أن تكون الحالة placed أو delivered أو returned.",
  },
  inconsistent_status: {
    en: "The status does not agree with the dates given.",
    fa: "وضعیت با تاریخ‌های داده‌شده هم‌خوان نیست.",
    ar: "الحالة لا تتوافق مع التواريخ المعطاة.",
  },
  out_of_range: {
    en: "This time is before 1970 or too far ahead.",
    fa: "این زمان پیش از ۱۹۷۰ یا بیش از حد در آینده است.",
    ar: "هذا الوقت قبل 1970 أو بعيد جدًا في المستقبل.",
  },
  required: {
    en: "This value is required.",
    fa: "این مقدار الزامی است.",
    ar: "هذه القيمة مطلوبة.",
  },
  invalid_type: {
    en: "This value has the wrong type.",
    fa: "نوع این مقدار نادرست است.",
    ar: "نوع هذه القيمة غير صحيح.",
  },
  too_small: {
    en: "This value is too short or too small.",
    fa: "این مقدار بیش از حد کوتاه یا کوچک است.",
    ar: "هذه القيمة قصيرة أو صغيرة جدًا.",
  },
  too_small_number: {
    en: "Enter {minimum} or more.",
    fa: "عددی برابر {minimum} یا بیشتر بنویسید.",
    ar: "أدخل {minimum} أو أكثر.",
  },
  too_small_string: {
    en: "Write at least {minimum} characters.",
    fa: "دست‌کم {minimum} نویسه بنویسید.",
    ar: "اكتب {minimum} أحرف على الأقل.",
  },
  too_small_empty: {
    en: "Fill this in.",
    fa: "این خانه را پر کنید.",
    ar: "املأ هذا الحقل.",
  },
  too_small_array: {
    en: "Choose at least {minimum}.",
    fa: "دست‌کم {minimum} مورد را برگزینید.",
    ar: "اختر {minimum} على الأقل.",
  },
  too_big_number: {
    en: "Enter {maximum} or less.",
    fa: "عددی برابر {maximum} یا کمتر بنویسید.",
    ar: "أدخل {maximum} أو أقل.",
  },
  too_big_string: {
    en: "Write at most {maximum} characters.",
    fa: "حداکثر {maximum} نویسه بنویسید.",
    ar: "اكتب {maximum} حرفًا على الأكثر.",
  },
  too_big_array: {
    en: "Choose at most {maximum}.",
    fa: "حداکثر {maximum} مورد را برگزینید.",
    ar: "اختر {maximum} على الأكثر.",
  },
  too_big: {
    en: "This value is too long or too large.",
    fa: "این مقدار بیش از حد بلند یا بزرگ است.",
    ar: "هذه القيمة طويلة أو كبيرة جدًا.",
  },
  invalid_format: {
    en: "This value is not in the expected format.",
    fa: "قالب این مقدار درست نیست.",
    ar: "صيغة هذه القيمة غير صحيحة.",
  },
  invalid_value: {
    en: "This value is not one of the allowed choices.",
    fa: "این مقدار از گزینه‌های مجاز نیست.",
    ar: "هذه القيمة ليست من الخيارات المسموح بها.",
  },
  unrecognized_keys: {
    en: "This field is not accepted here.",
    fa: "این فیلد اینجا پذیرفته نمی‌شود.",
    ar: "هذا الحقل غير مقبول هنا.",
  },
  invalid_union: {
    en: "This value matches none of the accepted shapes.",
    fa: "این مقدار با هیچ‌یک از شکل‌های پذیرفته جور نیست.",
    ar: "هذه القيمة لا تطابق أيًا من الأشكال المقبولة.",
  },
  not_multiple_of: {
    en: "This number is not an accepted step.",
    fa: "این عدد گام پذیرفته‌ای نیست.",
    ar: "هذا الرقم ليس خطوة مقبولة.",
  },
  unexpected_body: {
    en: "This request takes no body.",
    fa: "این درخواست بدنه نمی‌پذیرد.",
    ar: "هذا الطلب لا يقبل نصًا.",
  },
  nul_character: {
    en: "NUL characters are not allowed.",
    fa: "نویسه‌ی NUL مجاز نیست.",
    ar: "حرف NUL غير مسموح به.",
  },
  channel_secret_required: {
    en: 'This channel needs its password, API key or auth token.',
    fa: 'این کانال به رمز عبور، کلید API یا توکن احراز هویت نیاز دارد.',
    ar: 'تحتاج هذه القناة إلى كلمة المرور أو مفتاح API أو رمز المصادقة.',
  },
  channel_not_configured: {
    en: 'This channel is not set up or is switched off.',
    fa: 'این کانال تنظیم نشده یا خاموش است.',
    ar: 'هذه القناة غير مُعدّة أو متوقفة.',
  },
  message_not_retryable: {
    en: 'Only a failed or dead message can be retried.',
    fa: 'فقط پیامی که ناموفق بوده یا کنار گذاشته شده را می‌توان دوباره فرستاد.',
    ar: 'لا يمكن إعادة إرسال إلا رسالة فاشلة أو متوقفة نهائيًا.',
  },
  invalid_signature: {
    en: 'The request signature does not match.',
    fa: 'امضای درخواست مطابقت ندارد.',
    ar: 'توقيع الطلب غير مطابق.',
  },
  unknown_customer: {
    en: 'There is no customer with this id in this workspace.',
    fa: 'مشتری‌ای با این شناسه در این فضای کاری نیست.',
    ar: 'لا يوجد عميل بهذا المعرّف في مساحة العمل هذه.',
  },
  invalid_assignee: {
    en: 'The assignee must be an active team member who works follow-ups.',
    fa: 'مسئول باید عضو فعالی از تیم باشد که پیگیری‌ها را انجام می‌دهد.',
    ar: 'يجب أن يكون المكلَّف عضوًا نشطًا في الفريق يتولى المتابعات.',
  },
  timeline_entry_not_yours: {
    en: 'Only its author or a manager may change this entry.',
    fa: 'این مورد را فقط نویسنده‌اش یا یک مدیر می‌تواند تغییر دهد.',
    ar: 'لا يغيّر هذا الإدخال إلا كاتبه أو مدير.',
  },
  timeline_entry_not_editable: {
    en: 'This entry was recorded by the system and cannot be changed by hand.',
    fa: 'این مورد را سامانه ثبت کرده و دستی تغییر نمی‌کند.',
    ar: 'سجّل النظام هذا الإدخال ولا يمكن تغييره يدويًا.',
  },
  happened_in_future: {
    en: 'This time is in the future.',
    fa: 'این زمان در آینده است.',
    ar: 'هذا الوقت في المستقبل.',
  },
  nothing_to_change: {
    en: 'Nothing was given to change.',
    fa: 'چیزی برای تغییر داده نشده است.',
    ar: 'لم يُعطَ شيء لتغييره.',
  },
  followup_not_yours: {
    en: 'This follow-up is assigned to someone else.',
    fa: 'این پیگیری به شخص دیگری سپرده شده است.',
    ar: 'هذه المتابعة مُسندة إلى شخص آخر.',
  },
  followup_closed: {
    en: 'This follow-up is already closed.',
    fa: 'این پیگیری پیش‌تر بسته شده است.',
    ar: 'هذه المتابعة مغلقة بالفعل.',
  },
  invalid_period: {
    en: 'The period must start before it ends and span at most {days} days.',
    fa: 'بازه باید پیش از پایانش آغاز شود و حداکثر {days} روز باشد.',
    ar: 'يجب أن تبدأ الفترة قبل نهايتها وألا تتجاوز {days} يومًا.',
  },
  current_password_wrong: {
    en: 'Your current password is not right.',
    fa: 'رمز عبور فعلی شما درست نیست.',
    ar: 'كلمة المرور الحالية غير صحيحة.',
  },
  reset_link_invalid: {
    en: 'This reset link was already used or has expired. Ask for a new one.',
    fa: 'این پیوند بازنشانی قبلاً استفاده شده یا منقضی شده است. پیوند تازه‌ای بخواهید.',
    ar: 'رابط إعادة التعيين هذا استُخدم من قبل أو انتهت صلاحيته. اطلب رابطًا جديدًا.',
  },
  login_throttled: {
    en: 'Too many failed sign-ins for this account. Try again in {minutes} minute(s).',
    fa: 'تلاش‌های ناموفق ورود به این حساب بیش از حد بوده است. {minutes} دقیقه‌ی دیگر دوباره تلاش کنید.',
    ar: 'محاولات تسجيل دخول فاشلة كثيرة لهذا الحساب. حاول مرة أخرى بعد {minutes} دقيقة.',
  },
  two_factor_code_invalid: {
    en: 'The code is wrong, expired or already used.',
    fa: 'کد نادرست، منقضی یا قبلاً استفاده شده است.',
    ar: 'الرمز خاطئ أو منتهي الصلاحية أو مستخدم من قبل.',
  },
  two_factor_challenge_invalid: {
    en: 'The sign-in took too long. Enter your e-mail and password again.',
    fa: 'ورود بیش از حد طول کشید. ایمیل و رمز عبور را دوباره وارد کنید.',
    ar: 'استغرق تسجيل الدخول وقتًا طويلًا. أدخل بريدك الإلكتروني وكلمة المرور مجددًا.',
  },
  two_factor_already_enabled: {
    en: 'Two-step sign-in is already on for this account.',
    fa: 'ورود دومرحله‌ای برای این حساب از قبل روشن است.',
    ar: 'تسجيل الدخول بخطوتين مفعّل لهذا الحساب بالفعل.',
  },
  two_factor_not_started: {
    en: 'Start setting up the authenticator app first.',
    fa: 'ابتدا راه‌اندازی برنامه‌ی احراز هویت را شروع کنید.',
    ar: 'ابدأ إعداد تطبيق المصادقة أولًا.',
  },
  two_factor_not_enabled: {
    en: 'Two-step sign-in is not on for this account.',
    fa: 'ورود دومرحله‌ای برای این حساب روشن نیست.',
    ar: 'تسجيل الدخول بخطوتين غير مفعّل لهذا الحساب.',
  },
  two_factor_enrolment_required: {
    en: 'This workspace requires two-step sign-in. Set it up first.',
    fa: 'این فضای کار ورود دومرحله‌ای را الزامی کرده است. ابتدا آن را راه‌اندازی کنید.',
    ar: 'مساحة العمل هذه تشترط تسجيل الدخول بخطوتين. أعدّه أولًا.',
  },
  workspace_creation_restricted: {
    en: 'Only the administrators of this installation may create workspaces.',
    fa: 'فقط مدیران این نصب می‌توانند فضای کار بسازند.',
    ar: 'يمكن لمسؤولي هذا التثبيت فقط إنشاء مساحات عمل.',
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
  invalid_template: {
    en: 'The template has errors: text that is not valid ICU MessageFormat or variables that do not exist (first: {detail}).',
    fa: 'قالب خطا دارد: متنی که قالب پیام ICU معتبری نیست یا متغیری که وجود ندارد (نخستین: {detail}).',
    ar: 'في القالب أخطاء: نص ليس بصيغة رسائل ICU صالحة أو متغيرات غير موجودة (أولها: {detail}).',
  },
  invalid_automation: {
    en: 'The rule refers to something that does not exist or to a field its trigger does not have (first: {detail}).',
    fa: 'قاعده به چیزی ارجاع می‌دهد که وجود ندارد یا به فیلدی که رویداد آغازگرش ندارد (نخستین: {detail}).',
    ar: 'تشير القاعدة إلى شيء غير موجود أو إلى حقل لا يملكه مشغّلها (أولها: {detail}).',
  },
  automation_loop: {
    en: 'These rules would trigger each other without end: {rules}.',
    fa: 'این قاعده‌ها بی‌پایان یکدیگر را به راه می‌اندازند: {rules}.',
    ar: 'هذه القواعد ستشغّل بعضها بعضًا بلا نهاية: {rules}.',
  },
  template_in_use: {
    en: 'This template is used by rules ({rules}); change them first.',
    fa: 'این قالب در قاعده‌ها به کار رفته است ({rules})؛ نخست آن‌ها را تغییر دهید.',
    ar: 'هذا القالب مستخدم في قواعد ({rules})؛ غيّرها أولًا.',
  },
  builtin_rule: {
    en: 'Built-in rules cannot be deleted; switch them off instead.',
    fa: 'قاعده‌های پیش‌ساخته حذف نمی‌شوند؛ به‌جای آن خاموششان کنید.',
    ar: 'لا يمكن حذف القواعد المضمّنة؛ أوقفها بدلًا من ذلك.',
  },
  // Answering a survey (surveys/response.*): respondents read these, so they speak to them.
  survey_not_found: {
    en: 'There is no such survey, or it has not been published.',
    fa: 'چنین نظرسنجی‌ای وجود ندارد یا هنوز منتشر نشده است.',
    ar: 'لا يوجد استبيان كهذا، أو لم يُنشر بعد.',
  },
  survey_closed: {
    en: 'This survey is closed and no longer takes answers.',
    fa: 'این نظرسنجی بسته شده است و دیگر پاسخی نمی‌پذیرد.',
    ar: 'هذا الاستبيان مغلق ولم يعد يقبل إجابات.',
  },
  survey_not_live: {
    en: 'This survey has not been published yet: publish it before sending it to anyone.',
    fa: 'این نظرسنجی هنوز منتشر نشده است: پیش از فرستادن، آن را منتشر کنید.',
    ar: 'لم يُنشر هذا الاستبيان بعد: انشره قبل إرساله إلى أي أحد.',
  },
  recontact_limit: {
    en: 'This customer was asked by a survey recently; the workspace waits longer between two surveys to one customer.',
    fa: 'از این مشتری به‌تازگی نظرسنجی شده است؛ فاصله‌ی میان دو نظرسنجی برای یک مشتری در این فضای کاری بیشتر است.',
    ar: 'طُلب رأي هذا العميل في استبيان مؤخرًا؛ مساحة العمل تنتظر مدة أطول بين استبيانين للعميل نفسه.',
  },
  distribution_state: {
    en: 'This distribution cannot do that in its current state (already paused, finished or cancelled).',
    fa: 'این ارسال در وضعیت کنونی‌اش چنین کاری نمی‌تواند بکند (پیش‌تر متوقف، تمام یا لغو شده است).',
    ar: 'لا يمكن لهذا الإرسال فعل ذلك في حالته الحالية (متوقف أو منتهٍ أو ملغى مسبقًا).',
  },
  customer_unreachable: {
    en: 'This customer cannot be reached by that channel: no consent or no address for it.',
    fa: 'با این کانال نمی‌توان به این مشتری رسید: رضایت یا نشانی‌ای برای آن نیست.',
    ar: 'لا يمكن الوصول إلى هذا العميل عبر هذه القناة: لا موافقة أو لا عنوان لها.',
  },
  unknown_hidden_field: {
    en: 'The survey has no hidden field named {name}.',
    fa: 'نظرسنجی فیلد پنهانی به نام {name} ندارد.',
    ar: 'لا يحتوي الاستبيان على حقل مخفي باسم {name}.',
  },
  unknown_survey: {
    en: 'There is no such survey in this workspace.',
    fa: 'چنین نظرسنجی‌ای در این فضای کاری نیست.',
    ar: 'لا يوجد استبيان كهذا في مساحة العمل هذه.',
  },
  invitation_not_found: {
    en: 'This survey link is not valid.',
    fa: 'این پیوند نظرسنجی معتبر نیست.',
    ar: 'رابط الاستبيان هذا غير صالح.',
  },
  invitation_expired: {
    en: 'This survey link has expired.',
    fa: 'مهلت این پیوند نظرسنجی به پایان رسیده است.',
    ar: 'انتهت صلاحية رابط الاستبيان هذا.',
  },
  response_not_found: {
    en: 'There is no such response to continue.',
    fa: 'پاسخی با این مشخصات برای ادامه وجود ندارد.',
    ar: 'لا توجد إجابة كهذه لمتابعتها.',
  },
  already_answered: {
    en: 'This survey has already been answered through this link.',
    fa: 'به این نظرسنجی از طریق همین پیوند پیش‌تر پاسخ داده شده است.',
    ar: 'سبقت الإجابة عن هذا الاستبيان عبر هذا الرابط.',
  },
  quota_reached: {
    en: 'This survey has all the answers it needs from your group. Thank you!',
    fa: 'این نظرسنجی همه‌ی پاسخ‌های لازم از گروه شما را گرفته است. سپاس!',
    ar: 'حصل هذا الاستبيان على كل الإجابات التي يحتاجها من مجموعتك. شكرًا لك!',
  },
  unknown_question: {
    en: 'The survey has no question "{question}".',
    fa: 'نظرسنجی پرسشی با شناسه‌ی «{question}» ندارد.',
    ar: 'لا يحتوي الاستبيان على سؤال «{question}».',
  },
  answer_wrong_type: {
    en: 'This kind of answer does not fit the question "{question}".',
    fa: 'این نوع پاسخ با پرسش «{question}» جور نیست.',
    ar: 'هذا النوع من الإجابة لا يناسب السؤال «{question}».',
  },
  answer_not_integer: {
    en: 'The answer to "{question}" must be a whole number.',
    fa: 'پاسخ پرسش «{question}» باید عددی صحیح باشد.',
    ar: 'يجب أن تكون إجابة السؤال «{question}» عددًا صحيحًا.',
  },
  answer_out_of_range: {
    en: 'The answer to "{question}" must be between {min} and {max}.',
    fa: 'پاسخ پرسش «{question}» باید بین {min} و {max} باشد.',
    ar: 'يجب أن تكون إجابة السؤال «{question}» بين {min} و{max}.',
  },
  answer_unknown_option: {
    en: 'One of the chosen options is not an option of "{question}".',
    fa: 'یکی از گزینه‌های انتخاب‌شده از گزینه‌های پرسش «{question}» نیست.',
    ar: 'أحد الخيارات المختارة ليس من خيارات السؤال «{question}».',
  },
  answer_other_not_allowed: {
    en: 'The question "{question}" takes no answer of your own.',
    fa: 'پرسش «{question}» پاسخ دلخواه نمی‌پذیرد.',
    ar: 'السؤال «{question}» لا يقبل إجابة من عندك.',
  },
  answer_too_many_choices: {
    en: 'Choose at most {max} for "{question}".',
    fa: 'برای «{question}» حداکثر {max} گزینه انتخاب کنید.',
    ar: 'اختر {max} على الأكثر للسؤال «{question}».',
  },
  answer_too_long: {
    en: 'The answer to "{question}" is longer than {max} characters.',
    fa: 'پاسخ پرسش «{question}» بیش از {max} نویسه است.',
    ar: 'إجابة السؤال «{question}» أطول من {max} حرفًا.',
  },
  answer_invalid_text: {
    en: 'The answer to "{question}" holds characters that are not text.',
    fa: 'پاسخ پرسش «{question}» نویسه‌هایی دارد که متن نیستند.',
    ar: 'تحتوي إجابة السؤال «{question}» على محارف ليست نصًا.',
  },
  answer_invalid_date: {
    en: 'The answer to "{question}" is not a real date.',
    fa: 'پاسخ پرسش «{question}» تاریخ درستی نیست.',
    ar: 'إجابة السؤال «{question}» ليست تاريخًا صحيحًا.',
  },
  answer_to_hidden_question: {
    en: 'The question "{question}" is not shown for your earlier answers, so it cannot be answered.',
    fa: 'پرسش «{question}» با پاسخ‌های قبلی شما نشان داده نمی‌شود، پس نمی‌توان به آن پاسخ داد.',
    ar: 'السؤال «{question}» لا يظهر بحسب إجاباتك السابقة، فلا يمكن الإجابة عنه.',
  },
  // The survey widget and kiosks (surveys/widget.*, kiosk.*).
  widget_not_available: {
    en: 'This survey is not offered in a widget now (not published, closed, or its widget is switched off).',
    fa: 'این نظرسنجی اکنون در ابزارک ارائه نمی‌شود (منتشر نشده، بسته شده یا ابزارکش خاموش است).',
    ar: 'هذا الاستبيان غير معروض في أداة الآن (لم يُنشر، أو أُغلق، أو أداته متوقفة).',
  },
  widget_origin_not_allowed: {
    en: 'This survey’s widget may not be shown on this site.',
    fa: 'ابزارک این نظرسنجی اجازه‌ی نمایش در این سایت را ندارد.',
    ar: 'لا يُسمح بعرض أداة هذا الاستبيان على هذا الموقع.',
  },
  kiosk_not_found: {
    en: 'There is no such kiosk, or it was revoked.',
    fa: 'چنین کیوسکی وجود ندارد یا لغو شده است.',
    ar: 'لا يوجد كشك كهذا، أو أُلغي.',
  },
  kiosk_answer_too_old: {
    en: 'This answer was given more than 30 days ago and is no longer accepted.',
    fa: 'این پاسخ بیش از ۳۰ روز پیش داده شده است و دیگر پذیرفته نمی‌شود.',
    ar: 'أُعطيت هذه الإجابة قبل أكثر من 30 يومًا ولم تعد مقبولة.',
  },
  required_answer_missing: {
    en: 'Please answer the question "{question}".',
    fa: 'لطفاً به پرسش «{question}» پاسخ دهید.',
    ar: 'يرجى الإجابة عن السؤال «{question}».',
  },
  too_many_answers: {
    en: 'Many answers came from this device. Please try again a little later.',
    fa: 'پاسخ‌های زیادی از این دستگاه رسیده است. کمی بعد دوباره امتحان کنید.',
    ar: 'وصلت إجابات كثيرة من هذا الجهاز. حاول مرة أخرى بعد قليل.',
  },
  challenge_required: {
    en: 'Answers on this link are arriving unusually fast. Solve the attached proof-of-work challenge and send again with its proof.',
    fa: 'پاسخ‌ها روی این پیوند به‌طور غیرعادی تند می‌رسند. چالش اثبات کار پیوست را حل کنید و با اثبات آن دوباره بفرستید.',
    ar: 'تصل الإجابات على هذا الرابط بسرعة غير معتادة. حُلّ تحدي إثبات العمل المرفق وأرسل مرة أخرى مع إثباته.',
  },
  // Outbound connections (platform/net): the problem says which way it failed, never what the remote end said.
  outbound_refused: {
    en: 'Vafa does not connect to this address: it points inside the server\'s own network. If it is yours, the instance operator can allow it (VAFA_OUTBOUND_ALLOW).',
    fa: 'وفا به این نشانی وصل نمی‌شود: به درون شبکه‌ی خود سرور اشاره می‌کند. اگر از آنِ شماست، گرداننده‌ی سرور می‌تواند آن را مجاز کند (VAFA_OUTBOUND_ALLOW).',
    ar: 'لا يتصل وفا بهذا العنوان: فهو يشير إلى داخل شبكة الخادم نفسه. إن كان لك، فيمكن لمشغّل الخادم السماح به (VAFA_OUTBOUND_ALLOW).',
  },
  outbound_unreachable: {
    en: 'The server could not be reached: the name does not resolve, or nothing answers on that port.',
    fa: 'به سرور دسترسی نشد: نام پیدا نمی‌شود یا روی آن درگاه چیزی پاسخ نمی‌دهد.',
    ar: 'تعذّر الوصول إلى الخادم: الاسم لا يُحلّ، أو لا شيء يجيب على ذلك المنفذ.',
  },
  outbound_timeout: {
    en: 'The server did not answer in time.',
    fa: 'سرور به‌موقع پاسخ نداد.',
    ar: 'لم يُجب الخادم في الوقت المحدد.',
  },
  smtp_auth_failed: {
    en: 'The mail server refused the user name or password.',
    fa: 'سرور ایمیل نام کاربری یا رمز عبور را نپذیرفت.',
    ar: 'رفض خادم البريد اسم المستخدم أو كلمة المرور.',
  },
  tls_failed: {
    en: 'A secure (TLS) connection could not be made: the certificate is invalid or does not match the name.',
    fa: 'اتصال امن (TLS) برقرار نشد: گواهی نامعتبر است یا با نام جور نیست.',
    ar: 'تعذّر إنشاء اتصال آمن (TLS): الشهادة غير صالحة أو لا تطابق الاسم.',
  },
  smtp_protocol: {
    en: 'Something answered on that port, but it is not a mail (SMTP) server.',
    fa: 'چیزی روی آن درگاه پاسخ داد، اما سرور ایمیل (SMTP) نیست.',
    ar: 'أجاب شيء على ذلك المنفذ، لكنه ليس خادم بريد (SMTP).',
  },
  outbound_loopback: {
    en: 'This is the server itself (loopback).',
    fa: 'این خود سرور است (loopback).',
    ar: 'هذا هو الخادم نفسه (loopback).',
  },
  outbound_private: {
    en: 'This is a private network address.',
    fa: 'این نشانی یک شبکه‌ی خصوصی است.',
    ar: 'هذا عنوان شبكة خاصة.',
  },
  outbound_link_local: {
    en: 'This is a link-local address.',
    fa: 'این نشانی محلیِ پیوند (link-local) است.',
    ar: 'هذا عنوان محلي للوصلة (link-local).',
  },
  outbound_carrier_grade_nat: {
    en: 'This is a carrier-grade NAT address, not a public one.',
    fa: 'این نشانی NAT اپراتور است، نه نشانی عمومی.',
    ar: 'هذا عنوان NAT لدى المشغّل، وليس عنوانًا عامًا.',
  },
  outbound_unique_local: {
    en: 'This is a private (unique local) IPv6 address.',
    fa: 'این یک نشانی خصوصی IPv6 (unique local) است.',
    ar: 'هذا عنوان IPv6 خاص (unique local).',
  },
  outbound_metadata: {
    en: 'This is a cloud metadata service.',
    fa: 'این سرویس فراداده‌ی ابری است.',
    ar: 'هذه خدمة بيانات وصفية سحابية.',
  },
  outbound_unspecified: {
    en: 'This address (0.0.0.0 or ::) means the server itself.',
    fa: 'این نشانی (0.0.0.0 یا ::) یعنی خود سرور.',
    ar: 'هذا العنوان (0.0.0.0 أو ::) يعني الخادم نفسه.',
  },
  outbound_multicast: {
    en: 'This is a multicast or broadcast address.',
    fa: 'این نشانی چندپخشی یا همه‌پخشی است.',
    ar: 'هذا عنوان بث متعدد أو بث عام.',
  },
  outbound_reserved: {
    en: 'This address is reserved and not publicly routable.',
    fa: 'این نشانی رزروشده است و در اینترنت مسیریابی نمی‌شود.',
    ar: 'هذا العنوان محجوز وغير قابل للتوجيه علنًا.',
  },
  outbound_invalid_host: {
    en: 'This is not a valid host name or address.',
    fa: 'این نام میزبان یا نشانی معتبری نیست.',
    ar: 'هذا ليس اسم مضيف أو عنوانًا صالحًا.',
  },
  outbound_scheme: {
    en: 'Only http and https addresses are accepted.',
    fa: 'فقط نشانی‌های http و https پذیرفته می‌شوند.',
    ar: 'لا تُقبل إلا عناوين http و https.',
  },
  outbound_redirect: {
    en: 'The server answered with a redirect, which Vafa does not follow here.',
    fa: 'سرور با تغییر مسیر پاسخ داد که وفا اینجا آن را دنبال نمی‌کند.',
    ar: 'أجاب الخادم بإعادة توجيه، ولا يتبعها وفا هنا.',
  },
  // Building surveys (surveys/survey.*): the builder shows these beside the field at fault.
  survey_definition_required: {
    en: 'Choose a template or send the survey\'s questions.',
    fa: 'یک الگو انتخاب کنید یا پرسش‌های نظرسنجی را بفرستید.',
    ar: 'اختر قالبًا أو أرسل أسئلة الاستبيان.',
  },
  duplicate_question_id: {
    en: 'Two questions have the same ID; each question needs its own.',
    fa: 'دو پرسش شناسه‌ی یکسان دارند؛ هر پرسش باید شناسه‌ی خودش را داشته باشد.',
    ar: 'لسؤالين المعرّف نفسه؛ يجب أن يكون لكل سؤال معرّفه الخاص.',
  },
  show_if_unknown_question: {
    en: 'This condition refers to a question the survey does not have.',
    fa: 'این شرط به پرسشی اشاره می‌کند که در نظرسنجی نیست.',
    ar: 'يشير هذا الشرط إلى سؤال غير موجود في الاستبيان.',
  },
  show_if_later_question: {
    en: 'A question can only depend on a question that comes before it.',
    fa: 'نمایش یک پرسش فقط می‌تواند به پاسخ پرسش‌های پیش از آن بستگی داشته باشد.',
    ar: 'لا يمكن أن يعتمد ظهور السؤال إلا على سؤال يسبقه.',
  },
  show_if_incompatible: {
    en: 'This condition does not fit the question it tests: use a score on its scale, one of its options, or "answered".',
    fa: 'این شرط با پرسشی که می‌سنجد جور نیست: نمره‌ای در مقیاس آن، یکی از گزینه‌هایش یا «پاسخ داده شد» را به کار ببرید.',
    ar: 'لا يناسب هذا الشرط السؤال الذي يختبره: استخدم درجة ضمن مقياسه، أو أحد خياراته، أو «تمت الإجابة».',
  },
  labels_count_mismatch: {
    en: 'Give one label for each point of the scale.',
    fa: 'برای هر درجه‌ی مقیاس یک برچسب بنویسید.',
    ar: 'اكتب تسمية واحدة لكل درجة من درجات المقياس.',
  },
  rating_range_invalid: {
    en: 'The scale must start below where it ends and have at most 11 points.',
    fa: 'ابتدای مقیاس باید از انتهایش کمتر باشد و مقیاس حداکثر ۱۱ درجه داشته باشد.',
    ar: 'يجب أن تكون بداية المقياس أقل من نهايته وألا يتجاوز ١١ درجة.',
  },
  duplicate_option_id: {
    en: 'Two options of this question have the same ID.',
    fa: 'دو گزینه‌ی این پرسش شناسه‌ی یکسان دارند.',
    ar: 'لخيارين في هذا السؤال المعرّف نفسه.',
  },
  max_choices_exceeds_options: {
    en: 'The most choices allowed is more than the number of options.',
    fa: 'بیشترین تعداد انتخاب از تعداد گزینه‌ها بیشتر است.',
    ar: 'الحد الأقصى للاختيارات أكبر من عدد الخيارات.',
  },
  missing_translation: {
    en: 'This text is missing in one of the survey\'s languages.',
    fa: 'این متن در یکی از زبان‌های نظرسنجی نوشته نشده است.',
    ar: 'هذا النص غير مكتوب بإحدى لغات الاستبيان.',
  },
  default_language_not_listed: {
    en: 'The default language must be one of the survey\'s languages.',
    fa: 'زبان پیش‌فرض باید یکی از زبان‌های نظرسنجی باشد.',
    ar: 'يجب أن تكون اللغة الافتراضية إحدى لغات الاستبيان.',
  },
  duplicate_language: {
    en: 'A language is listed twice.',
    fa: 'یک زبان دو بار آمده است.',
    ar: 'ذُكرت لغة مرتين.',
  },
  duplicate_hidden_field: {
    en: 'A hidden field is listed twice.',
    fa: 'یک فیلد پنهان دو بار آمده است.',
    ar: 'ذُكر حقل مخفي مرتين.',
  },
  question_type_changed: {
    en: 'This question was published with another type; earlier answers would lose their meaning. Add a new question instead.',
    fa: 'این پرسش با نوع دیگری منتشر شده است و تغییرش معنای پاسخ‌های قبلی را از بین می‌برد. به‌جایش یک پرسش تازه اضافه کنید.',
    ar: 'نُشر هذا السؤال بنوع آخر، وتغييره يُفقد الإجابات السابقة معناها. أضف سؤالًا جديدًا بدلًا من ذلك.',
  },
  question_scale_changed: {
    en: 'This question was published with another scale; earlier answers would lose their meaning. Add a new question instead.',
    fa: 'این پرسش با مقیاس دیگری منتشر شده است و تغییرش معنای پاسخ‌های قبلی را از بین می‌برد. به‌جایش یک پرسش تازه اضافه کنید.',
    ar: 'نُشر هذا السؤال بمقياس آخر، وتغييره يُفقد الإجابات السابقة معناها. أضف سؤالًا جديدًا بدلًا من ذلك.',
  },
  survey_not_published: {
    en: 'This survey has not been published yet.',
    fa: 'این نظرسنجی هنوز منتشر نشده است.',
    ar: 'لم يُنشر هذا الاستبيان بعد.',
  },
  survey_has_responses: {
    en: 'This survey has answers, so it cannot be deleted; close it instead.',
    fa: 'این نظرسنجی پاسخ دارد و حذف نمی‌شود؛ به‌جای آن ببندیدش.',
    ar: 'لهذا الاستبيان إجابات فلا يمكن حذفه؛ أغلقه بدلًا من ذلك.',
  },
  // Survey results (surveys/results.*, themes.*, response-tags.*).
  question_not_scored: {
    en: 'The question "{question}" has no score to follow over time; choose an NPS, CSAT, CES or rating question.',
    fa: 'پرسش «{question}» امتیازی ندارد که روندش دنبال شود؛ یک پرسش NPS، CSAT، CES یا امتیازدهی انتخاب کنید.',
    ar: 'السؤال «{question}» ليس له درجة تُتابع عبر الزمن؛ اختر سؤال NPS أو CSAT أو CES أو تقييم.',
  },
  too_many_buckets: {
    en: 'This period has more than {max} points at this interval; choose a longer interval or a shorter period.',
    fa: 'این بازه در این فاصله بیش از {max} نقطه دارد؛ فاصله‌ی بلندتر یا بازه‌ی کوتاه‌تری برگزینید.',
    ar: 'لهذه الفترة أكثر من {max} نقطة بهذا الفاصل؛ اختر فاصلًا أطول أو فترة أقصر.',
  },
  survey_too_many_tags: {
    en: 'A response can have at most {max} tags.',
    fa: 'هر پاسخ حداکثر {max} برچسب می‌تواند داشته باشد.',
    ar: 'يمكن أن يحمل الرد {max} وسمًا على الأكثر.',
  },
  period_reversed: {
    en: 'The period must start before it ends.',
    fa: 'بازه باید پیش از پایانش آغاز شود.',
    ar: 'يجب أن تبدأ الفترة قبل نهايتها.',
  },
  // Complaint attachments and merges (complaints/attachments.service.ts, case-merge.service.ts).
  attachment_too_large: {
    en: 'A file is too large: each attachment may be at most 10 MB.',
    fa: 'یکی از فایل‌ها بیش از حد بزرگ است: هر پیوست حداکثر ۱۰ مگابایت می‌تواند باشد.',
    ar: 'أحد الملفات كبير جدًا: الحد الأقصى لكل مرفق ١٠ ميغابايت.',
  },
  attachment_type_refused: {
    en: 'This kind of file cannot be attached. Attach a photo (JPEG, PNG, WebP, GIF), a PDF or a plain text file.',
    fa: 'این نوع فایل را نمی‌توان پیوست کرد. عکس (JPEG، PNG، WebP، GIF)، PDF یا فایل متنی ساده پیوست کنید.',
    ar: 'لا يمكن إرفاق هذا النوع من الملفات. أرفق صورة (JPEG أو PNG أو WebP أو GIF) أو ملف PDF أو ملفًا نصيًا عاديًا.',
  },
  too_many_attachments: {
    en: 'Too many files: at most {max} can be attached here.',
    fa: 'تعداد فایل‌ها زیاد است: حداکثر {max} فایل را می‌توان اینجا پیوست کرد.',
    ar: 'عدد الملفات كبير جدًا: يمكن إرفاق {max} ملفات على الأكثر هنا.',
  },
  // The public complaint form's abuse defences (complaints/public-filing-guard.ts).
  // complaints/public-upload-gate.ts: too many anonymous uploads being read at once
  uploads_busy: {
    en: 'Many files are being sent right now. Please try again in a few seconds.',
    fa: 'هم‌اکنون فایل‌های زیادی در حال ارسال است. چند ثانیهٔ دیگر دوباره امتحان کنید.',
    ar: 'يجري إرسال ملفات كثيرة الآن. حاول مرة أخرى بعد بضع ثوانٍ.',
  },
  too_many_filings: {
    en: 'Many complaints came from this device. Please try again a little later.',
    fa: 'شکایت‌های زیادی از این دستگاه رسیده است. کمی بعد دوباره امتحان کنید.',
    ar: 'وصلت شكاوى كثيرة من هذا الجهاز. حاول مرة أخرى بعد قليل.',
  },
  filing_challenge_required: {
    en: 'Complaints are arriving unusually fast. Solve the attached proof-of-work challenge and send again with its proof.',
    fa: 'شکایت‌ها به‌طور غیرعادی تند می‌رسند. چالش اثبات کار پیوست را حل کنید و با اثبات آن دوباره بفرستید.',
    ar: 'تصل الشكاوى بسرعة غير معتادة. حُلّ تحدي إثبات العمل المرفق وأرسل مرة أخرى مع إثباته.',
  },
  merge_into_itself: {
    en: 'A complaint cannot be merged into itself. Choose the other case.',
    fa: 'یک شکایت را نمی‌توان با خودش ادغام کرد. پرونده‌ی دیگر را انتخاب کنید.',
    ar: 'لا يمكن دمج شكوى في نفسها. اختر الحالة الأخرى.',
  },
  complaint_already_merged: {
    en: 'This complaint has already been merged into another case.',
    fa: 'این شکایت پیش‌تر با پرونده‌ی دیگری ادغام شده است.',
    ar: 'سبق دمج هذه الشكوى في حالة أخرى.',
  },
  merge_target_closed: {
    en: 'The case to merge into is closed; reopen it first or choose an open case.',
    fa: 'پرونده‌ای که می‌خواهید با آن ادغام کنید بسته است؛ ابتدا آن را باز کنید یا پرونده‌ی بازی را انتخاب کنید.',
    ar: 'الحالة المراد الدمج فيها مغلقة؛ أعد فتحها أولًا أو اختر حالة مفتوحة.',
  },
  // Complaint cases (complaints/complaint.service.ts); the lifecycle's refusal codes (case-lifecycle.ts).
  illegal_transition: {
    en: 'This step cannot be taken while the complaint is in its current state.',
    fa: 'این گام در وضعیت کنونی شکایت برداشتنی نیست.',
    ar: 'لا يمكن اتخاذ هذه الخطوة والشكوى في حالتها الحالية.',
  },
  closed_case: {
    en: 'This complaint is closed; reopen it first.',
    fa: 'این شکایت بسته شده است؛ نخست آن را دوباره باز کنید.',
    ar: 'هذه الشكوى مغلقة؛ أعد فتحها أولًا.',
  },
  // The satisfaction question on the tracking page of an anonymous case (complaints/case-csat-answer.ts).
  satisfaction_not_asked: {
    en: 'There is no satisfaction question to answer on this complaint now.',
    fa: 'اکنون پرسشی دربارهٔ رضایت شما از این شکایت برای پاسخ دادن نیست.',
    ar: 'لا يوجد الآن سؤال عن رضاك بشأن هذه الشكوى للإجابة عنه.',
  },
  satisfaction_answered: {
    en: 'You have already told us how satisfied you are with how this complaint was handled. Thank you.',
    fa: 'میزان رضایت خود از رسیدگی به این شکایت را پیش‌تر به ما گفته‌اید. سپاس از شما.',
    ar: 'سبق أن أخبرتنا بمدى رضاك عن معالجة هذه الشكوى. شكرًا لك.',
  },
  role_not_permitted: {
    en: 'Only a supervisor can take this step on a complaint.',
    fa: 'این گام را در شکایت تنها یک سرپرست می‌تواند بردارد.',
    ar: 'لا يتخذ هذه الخطوة في الشكوى إلا مشرف.',
  },
  root_cause_required: {
    en: 'Choose the root cause before closing the complaint or telling the customer the resolution.',
    fa: 'پیش از بستن شکایت یا اعلام راه‌حل به مشتری، ریشه‌ی مشکل را برگزینید.',
    ar: 'اختر السبب الجذري قبل إغلاق الشكوى أو إبلاغ العميل بالحل.',
  },
  // Root causes, preventive actions, recurrence alerts and reports (complaints/root-cause.ts, preventive-action.service.ts, recurrence.ts, complaint-report.service.ts).
  unknown_root_cause: {
    en: 'This root cause is not in the workspace\'s taxonomy. Choose one from the list.',
    fa: 'این ریشه‌ی مشکل در فهرست ریشه‌های این فضای کاری نیست. یکی از فهرست برگزینید.',
    ar: 'هذا السبب الجذري ليس في قائمة أسباب مساحة العمل. اختر واحدًا من القائمة.',
  },
  root_cause_archived: {
    en: 'This root cause is archived and no longer used for closing complaints. Choose an active one.',
    fa: 'این ریشه‌ی مشکل بایگانی شده است و دیگر برای بستن شکایت به کار نمی‌رود. یکی از ریشه‌های فعال را برگزینید.',
    ar: 'هذا السبب الجذري مؤرشف ولم يعد يُستخدم لإغلاق الشكاوى. اختر سببًا نشطًا.',
  },
  root_cause_exists: {
    en: 'A root cause with this code already exists.',
    fa: 'ریشه‌ای با این کد از پیش هست.',
    ar: 'يوجد سبب جذري بهذا الرمز من قبل.',
  },
  root_cause_parent_invalid: {
    en: 'A sub-cause must sit under an existing top-level cause.',
    fa: 'زیرریشه باید زیر یکی از ریشه‌های اصلیِ موجود باشد.',
    ar: 'يجب أن يندرج السبب الفرعي تحت سبب رئيسي موجود.',
  },
  invalid_preventive_action_owner: {
    en: 'The owner must be an active member of this workspace.',
    fa: 'مسئول باید عضو فعال این فضای کاری باشد.',
    ar: 'يجب أن يكون المسؤول عضوًا نشطًا في مساحة العمل هذه.',
  },
  preventive_action_not_owner: {
    en: 'Only its owner or a manager can change this preventive action, and an owner only its status.',
    fa: 'این اقدام پیشگیرانه را تنها مسئولش یا یک مدیر می‌تواند تغییر دهد، و مسئول تنها وضعیتش را.',
    ar: 'لا يغيّر هذا الإجراء الوقائي إلا مسؤوله أو مدير، ولا يغيّر المسؤول إلا حالته.',
  },
  unknown_complaint: {
    en: 'One of these complaints does not exist in this workspace.',
    fa: 'یکی از این شکایت‌ها در این فضای کاری نیست.',
    ar: 'إحدى هذه الشكاوى غير موجودة في مساحة العمل هذه.',
  },
  unknown_recurrence_alert: {
    en: 'This recurring-problem alert does not exist in this workspace.',
    fa: 'این هشدار مشکل تکراری در این فضای کاری نیست.',
    ar: 'تنبيه المشكلة المتكررة هذا غير موجود في مساحة العمل هذه.',
  },
  unknown_preventive_action: {
    en: 'This preventive action does not exist in this workspace.',
    fa: 'این اقدام پیشگیرانه در این فضای کاری نیست.',
    ar: 'هذا الإجراء الوقائي غير موجود في مساحة العمل هذه.',
  },
  report_period_too_long: {
    en: 'A report covers at most {max} days; choose a shorter period.',
    fa: 'گزارش دست‌بالا {max} روز را در بر می‌گیرد؛ بازه‌ی کوتاه‌تری برگزینید.',
    ar: 'يغطي التقرير {max} يومًا على الأكثر؛ اختر فترة أقصر.',
  },
  resolution_summary_required: {
    en: 'Write what was done (or is proposed) for the customer.',
    fa: 'بنویسید چه کاری برای مشتری انجام شد (یا پیشنهاد می‌شود).',
    ar: 'اكتب ما تم (أو ما يُقترح) للعميل.',
  },
  invalid_complaint_assignee: {
    en: 'The assignee must be an active team member who works complaints.',
    fa: 'مسئول باید عضو فعالی از تیم باشد که به شکایت‌ها رسیدگی می‌کند.',
    ar: 'يجب أن يكون المكلَّف عضوًا نشطًا في الفريق يتولى الشكاوى.',
  },
  sla_target_not_positive: {
    en: 'An SLA target must be a whole number of business minutes above zero.',
    fa: 'هدف توافق سطح خدمت باید عددی صحیح و بزرگ‌تر از صفر (به دقیقه‌ی کاری) باشد.',
    ar: 'يجب أن يكون هدف اتفاقية مستوى الخدمة عددًا صحيحًا من دقائق العمل أكبر من صفر.',
  },
  sla_target_required: {
    en: 'Give at least one target: to acknowledge, to first response or to resolve.',
    fa: 'دست‌کم یک هدف بدهید: تأیید دریافت، نخستین پاسخ یا حل.',
    ar: 'أدخل هدفًا واحدًا على الأقل: الإقرار أو أول رد أو الحل.',
  },
  unknown_complaint_state: {
    en: 'This is not a complaint state that can pause the clock.',
    fa: 'این وضعیتی از شکایت نیست که بتواند زمان‌سنج را نگه دارد.',
    ar: 'هذه ليست حالة شكوى يمكنها إيقاف المؤقت.',
  },
  duplicate_value: {
    en: 'Each value may appear only once.',
    fa: 'هر مقدار فقط یک بار می‌تواند بیاید.',
    ar: 'يمكن أن تظهر كل قيمة مرة واحدة فقط.',
  },
  invalid_warning_share: {
    en: 'The warning share must be above 0 and at most 1 (for example 0.8 for 80%).',
    fa: 'سهم هشدار باید بزرگ‌تر از ۰ و حداکثر ۱ باشد (برای نمونه ۰٫۸ برای ۸۰٪).',
    ar: 'يجب أن تكون نسبة التحذير أكبر من 0 وألا تتجاوز 1 (مثلًا 0.8 تعني 80٪).',
  },
  backward_period: {
    en: 'A working period must end after it starts; split a shift that crosses midnight into two days.',
    fa: 'هر بازه‌ی کاری باید پس از آغازش پایان یابد؛ شیفتی را که از نیمه‌شب می‌گذرد در دو روز بنویسید.',
    ar: 'يجب أن تنتهي فترة العمل بعد بدايتها؛ قسّم الوردية التي تتجاوز منتصف الليل على يومين.',
  },
  overlapping_periods: {
    en: 'Working periods of a day must be in order and must not overlap.',
    fa: 'بازه‌های کاری یک روز باید به ترتیب باشند و با هم هم‌پوشانی نداشته باشند.',
    ar: 'يجب أن تكون فترات العمل في اليوم مرتبة وألا تتداخل.',
  },
  unknown_time_zone: {
    en: 'This time zone is unknown; use a name such as Asia/Tehran.',
    fa: 'این منطقه‌ی زمانی شناخته نیست؛ نامی مانند Asia/Tehran به کار ببرید.',
    ar: 'هذه المنطقة الزمنية غير معروفة؛ استخدم اسمًا مثل Asia/Riyadh.',
  },
  half_day_on_weekend: {
    en: 'A half-day cannot fall on a weekend day.',
    fa: 'نیمه‌تعطیل نمی‌تواند روز تعطیل آخر هفته باشد.',
    ar: 'لا يمكن أن يكون نصف يوم العمل في يوم عطلة نهاية الأسبوع.',
  },
  unknown_holiday: {
    en: 'This holiday is not in the chosen holiday calendar.',
    fa: 'این تعطیلی در تقویم تعطیلات برگزیده نیست.',
    ar: 'هذه العطلة ليست في تقويم العطلات المختار.',
  },
  sla_policy_conflict: {
    en: 'There is already an SLA policy for this category and severity.',
    fa: 'برای این دسته و این شدت، پیش‌تر یک سیاست توافق سطح خدمت هست.',
    ar: 'توجد بالفعل سياسة لمستوى الخدمة لهذه الفئة ودرجة الخطورة.',
  },
  default_sla_policy_required: {
    en: 'The default SLA policy cannot be deleted; deactivate it instead.',
    fa: 'سیاست پیش‌فرض توافق سطح خدمت را نمی‌توان پاک کرد؛ به جای آن غیرفعالش کنید.',
    ar: 'لا يمكن حذف سياسة مستوى الخدمة الافتراضية؛ عطّلها بدلًا من ذلك.',
  },
  complaint_team_conflict: {
    en: 'There is already a team with this key.',
    fa: 'پیش‌تر تیمی با این شناسه هست.',
    ar: 'يوجد بالفعل فريق بهذا المعرّف.',
  },
  invalid_team_member: {
    en: 'Team members must be active members who work complaints.',
    fa: 'اعضای تیم باید اعضای فعالی باشند که به شکایت‌ها رسیدگی می‌کنند.',
    ar: 'يجب أن يكون أعضاء الفريق أعضاء نشطين يتولون الشكاوى.',
  },
  import_in_future: {
    en: 'An imported case cannot have happened in the future.',
    fa: 'رویدادهای شکایتِ واردشده نمی‌توانند در آینده باشند.',
    ar: 'لا يمكن أن تكون أحداث الشكوى المستوردة في المستقبل.',
  },
  import_history_out_of_order: {
    en: 'The steps of an imported case must be in time order, after it was received.',
    fa: 'گام‌های شکایتِ واردشده باید به ترتیب زمان و پس از دریافت آن باشند.',
    ar: 'يجب أن تكون خطوات الشكوى المستوردة مرتبة زمنيًا وبعد استلامها.',
  },
  import_step_refused: {
    en: 'The step {action} cannot follow the state {state} in the complaint process.',
    fa: 'گام {action} در روند رسیدگی نمی‌تواند پس از وضعیت {state} بیاید.',
    ar: 'لا يمكن أن تأتي الخطوة {action} بعد الحالة {state} في مسار معالجة الشكوى.',
  },
  complaint_not_found: {
    en: 'No complaint matches this tracking code and verification. Check both and try again.',
    fa: 'هیچ شکایتی با این کد پیگیری و این اطلاعات تأیید پیدا نشد. هر دو را بررسی کنید و دوباره بکوشید.',
    ar: 'لا توجد شكوى تطابق رمز التتبع وبيانات التحقق هذه. تحقّق منهما وحاول مرة أخرى.',
  },
  search_too_short: {
    en: 'Type at least 4 digits of a tracking code, or 3 letters of a name, phone or e-mail.',
    fa: 'دست‌کم ۴ رقم از کد پیگیری، یا ۳ حرف از نام، تلفن یا ایمیل را بنویسید.',
    ar: 'اكتب 4 أرقام على الأقل من رمز التتبع، أو 3 أحرف من اسم أو هاتف أو بريد إلكتروني.',
  },
  invalid_tracking_code: {
    en: 'This tracking code is mistyped: check its digits.',
    fa: 'این کد پیگیری نادرست وارد شده است: رقم‌هایش را بررسی کنید.',
    ar: 'رمز التتبع هذا مكتوب خطأً: تحقّق من أرقامه.',
  },
  phone_or_email_required: {
    en: 'Give a phone number or an e-mail address, so you can follow your complaint.',
    fa: 'یک شماره‌ی تلفن یا نشانی ایمیل بدهید تا بتوانید شکایتتان را پیگیری کنید.',
    ar: 'أدخل رقم هاتف أو بريدًا إلكترونيًا لتتمكن من متابعة شكواك.',
  },
  verification_required: {
    en: 'Give the last 4 digits of your phone or your e-mail address, or open the link from our message.',
    fa: 'چهار رقم آخر تلفن یا نشانی ایمیل خود را بنویسید، یا پیوندی را که برایتان فرستاده‌ایم باز کنید.',
    ar: 'أدخل آخر 4 أرقام من هاتفك أو بريدك الإلكتروني، أو افتح الرابط الذي أرسلناه إليك.',
  },
  // The points ledger (loyalty/ledger.service.ts).
  idempotency_key_required: {
    en: 'Give the operation an idempotency key: an externalId (the order or transaction) or an Idempotency-Key header, so a retry cannot count it twice.',
    fa: 'برای این عملیات یک کلید یکتایی بدهید: externalId (شناسه‌ی سفارش یا تراکنش) یا سرآیند Idempotency-Key، تا تکرار درخواست آن را دو بار حساب نکند.',
    ar: 'أعطِ العملية مفتاح عدم تكرار: externalId (معرّف الطلب أو المعاملة) أو الترويسة Idempotency-Key، حتى لا تُحتسب مرتين عند إعادة المحاولة.',
  },
  external_id_conflict: {
    en: 'This external ID (or Idempotency-Key) already recorded a different points operation.',
    fa: 'با این شناسه‌ی بیرونی (یا Idempotency-Key) پیش‌تر عملیات امتیازی دیگری ثبت شده است.',
    ar: 'سُجّلت بهذا المعرّف الخارجي (أو Idempotency-Key) عملية نقاط مختلفة من قبل.',
  },
  insufficient_points: {
    en: 'Not enough points: {available} available, {points} asked. Nothing was spent.',
    fa: 'امتیاز کافی نیست: {available} امتیاز در دسترس است و {points} امتیاز درخواست شده. چیزی خرج نشد.',
    ar: 'النقاط غير كافية: المتاح {available} والمطلوب {points}. لم يُصرف شيء.',
  },
  transfer_to_self: {
    en: 'Points cannot be given to the member who gives them.',
    fa: 'نمی‌توان امتیاز را به خودِ فرستنده داد.',
    ar: 'لا يمكن إهداء النقاط إلى العضو نفسه الذي يُهديها.',
  },
  transfer_receiver_not_found: {
    en: 'There is no member to receive these points.',
    fa: 'عضوی برای دریافت این امتیازها پیدا نشد.',
    ar: 'لا يوجد عضو يستلم هذه النقاط.',
  },
  expiry_in_past: {
    en: 'The expiry must be in the future.',
    fa: 'زمان انقضا باید در آینده باشد.',
    ar: 'يجب أن يكون موعد الانتهاء في المستقبل.',
  },
  pending_until_in_past: {
    en: 'The end of the pending period must be in the future.',
    fa: 'پایان دوره‌ی انتظار باید در آینده باشد.',
    ar: 'يجب أن تكون نهاية فترة التعليق في المستقبل.',
  },
  expiry_before_unlock: {
    en: 'Points cannot expire before their pending period ends.',
    fa: 'امتیازها نمی‌توانند پیش از پایان دوره‌ی انتظارشان منقضی شوند.',
    ar: 'لا يمكن أن تنتهي صلاحية النقاط قبل انتهاء فترة تعليقها.',
  },
  entry_not_reversible: {
    en: 'Only an earning or a redemption can be reversed; correct other entries with a new one.',
    fa: 'فقط کسب یا خرج امتیاز را می‌توان برگرداند؛ ثبت‌های دیگر را با ثبتی تازه اصلاح کنید.',
    ar: 'لا يمكن عكس إلا كسب النقاط أو استبدالها؛ صحّح القيود الأخرى بقيد جديد.',
  },
  entry_partner_billed: {
    en: 'This entry was billed to or by a partner; reversing it here would leave the partner’s bill standing. Correct it with an entry agreed with the partner.',
    fa: 'این ثبت با یک شریک تسویه‌پذیر است؛ برگرداندن آن در اینجا صورت‌حساب شریک را دست‌نخورده می‌گذارد. آن را با ثبتی که با شریک توافق شده اصلاح کنید.',
    ar: 'هذا القيد محسوب على شريك أو له؛ عكسه هنا يُبقي فاتورة الشريك كما هي. صحّحه بقيد متّفق عليه مع الشريك.',
  },
  partner_redemption_settled: {
    en: 'This redemption belongs to the partner’s settlement for {period}, which has closed and may already be paid. Nothing was written; record a correction of what the workspace owes the partner instead.',
    fa: 'این خرج امتیاز در تسویه‌حساب دورهٔ {period} شریک است که بسته شده و شاید پرداخت هم شده باشد. چیزی ثبت نشد؛ به‌جای آن، اصلاحیه‌ای برای بدهی ما به شریک ثبت کنید.',
    ar: 'هذا الاستبدال ضمن تسوية الشريك لفترة {period} التي أُغلقت وربما دُفعت. لم يُسجَّل شيء؛ سجّل بدلًا من ذلك تصحيحًا لما علينا للشريك.',
  },
  entry_already_reversed: {
    en: 'This entry has already been reversed.',
    fa: 'این ثبت پیش‌تر برگردانده شده است.',
    ar: 'سبق عكس هذا القيد.',
  },
  earned_points_spent: {
    en: '{spent} of these {points} points were already spent or expired, so the earning cannot be reversed in full.',
    fa: '{spent} امتیاز از این {points} امتیاز پیش‌تر خرج یا منقضی شده است، پس این کسب امتیاز را نمی‌توان به‌طور کامل برگرداند.',
    ar: 'صُرف {spent} من هذه النقاط البالغة {points} أو انتهت صلاحيتها، لذا لا يمكن عكس هذا الكسب بالكامل.',
  },
  expiry_within_pending: {
    en: 'Points must expire after they unlock: {days} days of validity is not more than the {pendingDays} days they stay pending.',
    fa: 'امتیازها باید پس از آزاد شدن منقضی شوند: اعتبار {days} روزه بیشتر از {pendingDays} روز در انتظار ماندن نیست.',
    ar: 'يجب أن تنتهي صلاحية النقاط بعد تحريرها: صلاحية {days} يومًا ليست أطول من {pendingDays} يومًا من الانتظار.',
  },
  event_rule_repeated: {
    en: 'The event {topic} has more than one rule in this program.',
    fa: 'رویداد {topic} در این برنامه بیش از یک قاعده دارد.',
    ar: 'للحدث {topic} أكثر من قاعدة واحدة في هذا البرنامج.',
  },
  event_points_required: {
    en: 'Say how many points the event {topic} earns.',
    fa: 'بگویید رویداد {topic} چند امتیاز می‌دهد.',
    ar: 'حدّد عدد النقاط التي يمنحها الحدث {topic}.',
  },
  event_surveys_not_applicable: {
    en: 'Only survey answers can be limited to chosen surveys, not {topic}.',
    fa: 'فقط پاسخ نظرسنجی‌ها را می‌توان به نظرسنجی‌های برگزیده محدود کرد، نه {topic} را.',
    ar: 'يمكن قصر إجابات الاستبيانات فقط على استبيانات مختارة، لا {topic}.',
  },
  // the closed loop's links (GET /api/survey-loops)
  loop_target_required: {
    en: 'Name a response, a follow-up or a case to show its loop.',
    fa: 'برای دیدن چرخهٔ پیگیری، یک پاسخ، یک پیگیری یا یک پرونده را مشخص کنید.',
    ar: 'حدّد إجابة أو متابعة أو ملف شكوى لعرض حلقة المتابعة.',
  },
  // customer actions a shop reports (POST /api/loyalty/events) and the program rules that earn on them
  event_customer_required: {
    en: 'Name the customer by exactly one of customerId or customerRef.',
    fa: 'مشتری را دقیقاً با یکی از شناسهٔ مشتری یا کد مشتری در فروشگاه مشخص کنید.',
    ar: 'حدّد العميل بواحد فقط من معرّف العميل أو رمزه لدى المتجر.',
  },
  unknown_event_type: {
    en: 'No program of this workspace defines the action {type}; report a review or an action a program rewards.',
    fa: 'هیچ برنامه‌ای در این فضای کاری کنش {type} را تعریف نکرده است؛ نقد محصول یا کنشی را بفرستید که برنامه‌ای برایش امتیاز می‌دهد.',
    ar: 'لا يعرّف أيّ برنامج في مساحة العمل هذه الإجراء {type}؛ أرسل مراجعة منتج أو إجراءً يكافئ عليه برنامج.',
  },
  action_key_required: {
    en: 'Give the custom action a key, as your shop will send it (Latin lower-case letters, digits and _).',
    fa: 'برای کنش سفارشی کلیدی بنویسید، همان که فروشگاه می‌فرستد (حروف کوچک لاتین، رقم و _).',
    ar: 'أعطِ الإجراء المخصّص مفتاحاً كما سيرسله متجرك (أحرف لاتينية صغيرة وأرقام و_).',
  },
  action_key_not_applicable: {
    en: 'A review rule has no key of its own.',
    fa: 'قاعدهٔ نقد محصول کلید جداگانه ندارد.',
    ar: 'قاعدة مراجعة المنتج ليس لها مفتاح خاص.',
  },
  action_key_reserved: {
    en: 'The key review is taken by reviews; choose another key.',
    fa: 'کلید review برای نقد محصول است؛ کلید دیگری برگزینید.',
    ar: 'المفتاح review محجوز لمراجعات المنتجات؛ اختر مفتاحاً آخر.',
  },
  action_rule_repeated: {
    en: 'The action {action} has more than one rule in this program.',
    fa: 'کنش {action} در این برنامه بیش از یک قاعده دارد.',
    ar: 'للإجراء {action} أكثر من قاعدة واحدة في هذا البرنامج.',
  },
  action_condition_value_required: {
    en: 'Say the value the condition compares with.',
    fa: 'مقداری را که شرط با آن مقایسه می‌کند بنویسید.',
    ar: 'حدّد القيمة التي يقارن بها الشرط.',
  },
  action_condition_number_required: {
    en: 'At least and at most compare with a number.',
    fa: '«دست‌کم» و «حداکثر» فقط با عدد مقایسه می‌کنند.',
    ar: '«على الأقل» و«على الأكثر» تقارنان برقم فقط.',
  },
  program_version_conflict: {
    en: 'Someone changed this program meanwhile (it is now at version {version}). Read it again and make your change on that.',
    fa: 'کسی در این میان این برنامه را تغییر داده است (اکنون نسخه‌ی {version}). دوباره آن را بخوانید و تغییرتان را روی آن بدهید.',
    ar: 'غيّر أحدهم هذا البرنامج في الأثناء (أصبح الآن بالإصدار {version}). اقرأه مجددًا وأجرِ تغييرك عليه.',
  },
  program_not_found: {
    en: 'There is no such loyalty program in this workspace.',
    fa: 'چنین برنامه‌ی وفاداری‌ای در این فضای کاری نیست.',
    ar: 'لا يوجد برنامج ولاء كهذا في مساحة العمل هذه.',
  },
  program_archived: {
    en: 'This loyalty program is archived and earns no more points.',
    fa: 'این برنامه‌ی وفاداری بایگانی شده است و دیگر امتیازی نمی‌دهد.',
    ar: 'برنامج الولاء هذا مؤرشف ولا يمنح نقاطًا بعد الآن.',
  },
  no_active_program: {
    en: 'This workspace has no active loyalty program to earn points in.',
    fa: 'این فضای کاری برنامه‌ی وفاداری فعالی برای کسب امتیاز ندارد.',
    ar: 'لا يوجد في مساحة العمل هذه برنامج ولاء نشط لكسب النقاط.',
  },
  program_required: {
    en: 'This workspace has more than one loyalty program: say which one.',
    fa: 'این فضای کاری بیش از یک برنامه‌ی وفاداری دارد: بگویید کدام.',
    ar: 'في مساحة العمل هذه أكثر من برنامج ولاء: حدّد أيّها.',
  },
  tier_threshold_taken: {
    en: 'Another tier of this program already has the threshold {threshold}: each tier needs its own.',
    fa: 'سطح دیگری از این برنامه همین آستانه‌ی {threshold} را دارد: هر سطح آستانه‌ی خودش را می‌خواهد.',
    ar: 'لمستوى آخر في هذا البرنامج العتبة {threshold} نفسها: يحتاج كل مستوى إلى عتبته الخاصة.',
  },
  tier_in_use: {
    en: 'Members hold this tier or are due to move to it, so it cannot be deleted. Change it instead.',
    fa: 'اعضایی در این سطح هستند یا قرار است به آن بروند، پس نمی‌توان آن را حذف کرد. به‌جایش آن را تغییر دهید.',
    ar: 'يحمل أعضاء هذا المستوى أو سينتقلون إليه، لذا لا يمكن حذفه. عدّله بدلًا من ذلك.',
  },
  // Games and prepaid credit (loyalty/games.service.ts, credit.service.ts).
  game_badge_unknown: {
    en: 'This program has no such badge.',
    fa: 'این برنامه چنین نشانی ندارد.',
    ar: 'لا توجد شارة كهذه في هذا البرنامج.',
  },
  game_reward_required: {
    en: 'Give a reward: points, a badge, or both.',
    fa: 'یک پاداش تعیین کنید: امتیاز، نشان یا هر دو.',
    ar: 'حدّد مكافأة: نقاطًا أو شارة أو كليهما.',
  },
  game_filter_not_for_topic: {
    en: 'This filter does not apply to the kind of events chosen.',
    fa: 'این شرط برای نوع رویدادهای انتخاب‌شده کاربرد ندارد.',
    ar: 'لا ينطبق هذا الشرط على نوع الأحداث المختارة.',
  },
  credit_below_price: {
    en: 'The credit must be at least the price; the difference is the bonus.',
    fa: 'اعتبار باید دست‌کم برابر قیمت باشد؛ مابه‌التفاوت هدیه است.',
    ar: 'يجب ألا يقل الرصيد عن السعر؛ والفرق هو المكافأة.',
  },
  credit_bonus_expiry_days_invalid: {
    en: 'Bonus expiry is a whole number of days from {min} to {max}, or none. Paid credit never expires.',
    fa: 'انقضای هدیه باید عددی صحیح از {min} تا {max} روز باشد، یا بدون انقضا. اعتبار پرداختی هرگز منقضی نمی‌شود.',
    ar: 'مدة انتهاء المكافأة عدد صحيح من الأيام من {min} إلى {max}، أو بلا انتهاء. الرصيد المدفوع لا ينتهي أبدًا.',
  },
  credit_package_unknown: {
    en: 'There is no such credit package.',
    fa: 'چنین بسته‌ی اعتباری وجود ندارد.',
    ar: 'لا توجد باقة رصيد كهذه.',
  },
  credit_package_inactive: {
    en: 'This credit package is no longer sold.',
    fa: 'این بسته‌ی اعتباری دیگر فروخته نمی‌شود.',
    ar: 'لم تعد باقة الرصيد هذه معروضة للبيع.',
  },
  insufficient_credit: {
    en: 'Not enough credit: {balance} held, {amount} asked. Nothing was spent.',
    fa: 'اعتبار کافی نیست: {balance} موجود است و {amount} درخواست شده. چیزی خرج نشد.',
    ar: 'الرصيد غير كافٍ: المتوفر {balance} والمطلوب {amount}. لم يُصرف شيء.',
  },
  order_line_repeated: {
    en: 'The line {id} appears more than once.',
    fa: 'ردیف {id} بیش از یک بار آمده است.',
    ar: 'البند {id} مذكور أكثر من مرة.',
  },
  order_line_unknown: {
    en: 'The order has no line {id}.',
    fa: 'این سفارش ردیف {id} ندارد.',
    ar: 'لا يحتوي الطلب على البند {id}.',
  },
  return_exceeds_line: {
    en: 'More than is left of line {id} is returned: {left} remains.',
    fa: 'بیش از آنچه از ردیف {id} مانده برگشت خورده است: {left} مانده است.',
    ar: 'المُرجَع من البند {id} أكثر من المتبقي: المتبقي {left}.',
  },
  nothing_to_return: {
    en: 'Nothing is left of this order to return.',
    fa: 'چیزی از این سفارش برای برگشت نمانده است.',
    ar: 'لم يبقَ من هذا الطلب شيء لإرجاعه.',
  },
  return_id_conflict: {
    en: 'This return ID already recorded a different return of the order.',
    fa: 'با این شناسه‌ی برگشت پیش‌تر برگشت دیگری از این سفارش ثبت شده است.',
    ar: 'سُجّل بمعرّف الإرجاع هذا إرجاع مختلف لهذا الطلب من قبل.',
  },
  // Rewards, checkout holds and charity donations (loyalty/rewards.*, redemption-holds.*, charity.*).
  name_required: {
    en: 'Give a name in at least one language (Persian, Arabic or English).',
    fa: 'نام را دست‌کم به یک زبان (فارسی، عربی یا انگلیسی) بنویسید.',
    ar: 'أدخل الاسم بلغة واحدة على الأقل (الفارسية أو العربية أو الإنجليزية).',
  },
  reward_window_invalid: {
    en: 'The end of the validity window must come after its start.',
    fa: 'پایان دوره‌ی اعتبار باید پس از آغاز آن باشد.',
    ar: 'يجب أن تأتي نهاية فترة الصلاحية بعد بدايتها.',
  },
  reward_kind_use_partner_offers: {
    en: 'New rewards can no longer be partner offers: add the offer to its partner in the partners catalogue, where a redemption bills the partner.',
    fa: 'جایزه‌ی تازه دیگر نمی‌تواند پیشنهاد شریک باشد: پیشنهاد را در فهرست شریکان برای همان شریک بسازید تا دریافت آن به حساب شریک نوشته شود.',
    ar: 'لم يعد ممكنًا أن تكون المكافأة الجديدة عرض شريك: أضف العرض إلى شريكه في قائمة الشركاء، حيث يُحتسب الاستبدال على الشريك.',
  },
  reward_kind_use_charities: {
    en: 'New rewards can no longer be donations: members give points to a charity through the charities, which pay the charity and issue a receipt.',
    fa: 'جایزه‌ی تازه دیگر نمی‌تواند کمک خیریه باشد: اعضا امتیاز را از بخش خیریه‌ها به یک خیریه می‌بخشند که به حساب خیریه نوشته می‌شود و رسید دارد.',
    ar: 'لم يعد ممكنًا أن تكون المكافأة الجديدة تبرعًا: يتبرع الأعضاء بالنقاط لجمعية خيرية من خلال قسم الجمعيات الخيرية، حيث تُقيَّد للجمعية ويصدر إيصال.',
  },
  stock_below_taken: {
    en: 'The stock cannot be less than the {taken} already held or redeemed.',
    fa: 'موجودی نمی‌تواند کمتر از {taken} موردی باشد که پیش‌تر رزرو یا دریافت شده است.',
    ar: 'لا يمكن أن يقل المخزون عن {taken} محجوزة أو مستبدلة من قبل.',
  },
  reward_archived: {
    en: 'This reward is archived and can no longer be changed.',
    fa: 'این جایزه بایگانی شده است و دیگر نمی‌توان آن را تغییر داد.',
    ar: 'هذه المكافأة مؤرشفة ولا يمكن تعديلها بعد الآن.',
  },
  reward_not_found: {
    en: 'There is no such reward in this workspace.',
    fa: 'چنین جایزه‌ای در این فضای کاری نیست.',
    ar: 'لا توجد مكافأة كهذه في مساحة العمل هذه.',
  },
  reward_unavailable: {
    en: 'This reward is not on offer now. Nothing was held.',
    fa: 'این جایزه اکنون عرضه نمی‌شود. امتیازی رزرو نشد.',
    ar: 'هذه المكافأة غير معروضة الآن. لم تُحجز أي نقاط.',
  },
  reward_out_of_stock: {
    en: 'This reward is out of stock. Nothing was held.',
    fa: 'موجودی این جایزه تمام شده است. امتیازی رزرو نشد.',
    ar: 'نفد مخزون هذه المكافأة. لم تُحجز أي نقاط.',
  },
  coupon_pool_empty: {
    en: 'No codes are left for this coupon. No points were taken.',
    fa: 'کدی برای این کوپن باقی نمانده است. امتیازی کسر نشد.',
    ar: 'لم يتبقَّ أي رمز لهذه القسيمة. لم تُخصم أي نقاط.',
  },
  goodwill_coupon_reward_required: {
    en: 'A goodwill coupon must name the discount coupon whose code the customer gets.',
    fa: 'برای کوپن دلجویی باید کوپن تخفیفی را برگزینید که کدش به مشتری داده می‌شود.',
    ar: 'يجب أن تحدد قسيمة التعويض قسيمة الخصم التي يحصل العميل على رمز منها.',
  },
  reward_not_coupon: {
    en: 'This reward is not a discount coupon with codes.',
    fa: 'این جایزه کوپن تخفیف کددار نیست.',
    ar: 'هذه المكافأة ليست قسيمة خصم ذات رموز.',
  },
  reward_tier_required: {
    en: 'Only members of certain tiers may redeem this reward. No points were taken.',
    fa: 'فقط اعضای سطح‌های مشخصی می‌توانند این جایزه را بگیرند. امتیازی کسر نشد.',
    ar: 'لا يستبدل هذه المكافأة إلا أعضاء مستويات معيّنة. لم تُخصم أي نقاط.',
  },
  coupon_limit_reached: {
    en: 'This member has already redeemed this coupon {limit} time(s), its limit. No points were taken.',
    fa: 'این عضو پیش‌تر {limit} بار این کوپن را گرفته که سقف آن است. امتیازی کسر نشد.',
    ar: 'استبدل هذا العضو هذه القسيمة {limit} مرة، وهو الحد الأقصى. لم تُخصم أي نقاط.',
  },
  coupon_redemption_cancelled: {
    en: 'This coupon redemption was cancelled; its code can no longer be used.',
    fa: 'این کوپن لغو شده است و کد آن دیگر قابل استفاده نیست.',
    ar: 'أُلغي استبدال هذه القسيمة، ولم يعد رمزها صالحًا للاستخدام.',
  },
  coupon_needs_redemption: {
    en: 'A discount coupon is redeemed with its code in one step, not held. Nothing was held.',
    fa: 'کوپن تخفیف با کدش یک‌جا گرفته می‌شود و رزرو نمی‌شود. امتیازی رزرو نشد.',
    ar: 'تُستبدل قسيمة الخصم مع رمزها دفعة واحدة ولا تُحجز. لم تُحجز أي نقاط.',
  },
  coupon_stock_is_pool: {
    en: 'A discount coupon\'s stock is its codes: add codes instead of setting a stock.',
    fa: 'موجودی کوپن تخفیف همان کدهای آن است: به جای تعیین موجودی، کد اضافه کنید.',
    ar: 'مخزون قسيمة الخصم هو رموزها: أضف رموزًا بدل تحديد المخزون.',
  },
  coupon_codes_exhausted: {
    en: 'Not enough new codes of this length and prefix are left. Use longer codes or another prefix.',
    fa: 'کد تازهٔ کافی با این طول و پیشوند باقی نمانده است. کدهای بلندتر یا پیشوند دیگری به کار ببرید.',
    ar: 'لم يتبقَّ ما يكفي من الرموز الجديدة بهذا الطول والبادئة. استخدم رموزًا أطول أو بادئة أخرى.',
  },
  tier_not_in_program: {
    en: 'This tier is not a tier of the chosen program.',
    fa: 'این سطح از سطح‌های برنامهٔ انتخاب‌شده نیست.',
    ar: 'هذا المستوى ليس من مستويات البرنامج المختار.',
  },
  reward_limit_reached: {
    en: 'This member has already taken this reward {limit} time(s), its limit. Nothing was held.',
    fa: 'این عضو پیش‌تر {limit} بار این جایزه را گرفته که سقف آن است. امتیازی رزرو نشد.',
    ar: 'حصل هذا العضو على هذه المكافأة {limit} مرة، وهو الحد الأقصى. لم تُحجز أي نقاط.',
  },
  points_or_reward_required: {
    en: 'Hold either a number of points or a reward, not both.',
    fa: 'یا تعدادی امتیاز را رزرو کنید یا یک جایزه را، نه هر دو.',
    ar: 'احجز عددًا من النقاط أو مكافأة، لا كليهما.',
  },
  hold_released: {
    en: 'This hold was released; its points are back with the member and cannot be captured.',
    fa: 'این رزرو آزاد شده و امتیازهایش به عضو برگشته است؛ نمی‌توان آن را نهایی کرد.',
    ar: 'أُلغي هذا الحجز وعادت نقاطه إلى العضو، فلا يمكن تحصيله.',
  },
  hold_expired: {
    en: 'This hold has expired; its points go back to the member. Hold them again to complete the checkout.',
    fa: 'مهلت این رزرو گذشته و امتیازهایش به عضو برمی‌گردد. برای تکمیل خرید دوباره رزرو کنید.',
    ar: 'انتهت مهلة هذا الحجز وتعود نقاطه إلى العضو. احجزها من جديد لإتمام الشراء.',
  },
  hold_captured: {
    en: 'This hold was already captured (the points were spent); cancel the redemption instead.',
    fa: 'این رزرو پیش‌تر نهایی شده (امتیازها خرج شده‌اند)؛ به‌جای آن، خرج امتیاز را لغو کنید.',
    ar: 'سبق تحصيل هذا الحجز (صُرفت النقاط)؛ ألغِ الاستبدال بدلًا من ذلك.',
  },
  hold_not_captured: {
    en: 'Only a captured hold can be refunded; release a hold that is still held.',
    fa: 'فقط رزروی را که نهایی شده می‌توان بازپرداخت کرد؛ رزروی را که هنوز برقرار است آزاد کنید.',
    ar: 'لا يمكن استرداد إلا حجز تم تحصيله؛ ألغِ الحجز الذي ما زال قائمًا.',
  },
  charity_not_found: {
    en: 'There is no such charity in this workspace.',
    fa: 'چنین مؤسسه‌ی خیریه‌ای در این فضای کاری نیست.',
    ar: 'لا توجد جمعية خيرية كهذه في مساحة العمل هذه.',
  },
  charity_unavailable: {
    en: 'This charity is not taking donations now. Nothing was given.',
    fa: 'این مؤسسه‌ی خیریه اکنون کمک نمی‌پذیرد. امتیازی اهدا نشد.',
    ar: 'لا تقبل هذه الجمعية الخيرية التبرعات الآن. لم يُتبرع بشيء.',
  },
  charity_archived: {
    en: 'This charity is archived and can no longer be changed.',
    fa: 'این مؤسسه‌ی خیریه بایگانی شده است و دیگر نمی‌توان آن را تغییر داد.',
    ar: 'هذه الجمعية الخيرية مؤرشفة ولا يمكن تعديلها بعد الآن.',
  },
  partner_inactive: {
    en: 'This partner is not active. No points were earned.',
    fa: 'این شریک غیرفعال است. امتیازی داده نشد.',
    ar: 'هذا الشريك غير نشط. لم تُكتسب أي نقاط.',
  },
  partner_earn_cap_reached: {
    en: 'This would pass the partner\'s monthly cap of {cap} points earned. Nothing was written.',
    fa: 'با این کار سقف ماهانه‌ی {cap} امتیاز کسب‌شده نزد این شریک رد می‌شود. چیزی ثبت نشد.',
    ar: 'سيتجاوز هذا الحد الشهري للشريك البالغ {cap} نقطة مكتسبة. لم يُسجَّل شيء.',
  },
  partner_redeem_cap_reached: {
    en: 'This would pass the partner\'s monthly cap of {cap} points redeemed. Nothing was written.',
    fa: 'با این کار سقف ماهانه‌ی {cap} امتیاز خرج‌شده نزد این شریک رد می‌شود. چیزی ثبت نشد.',
    ar: 'سيتجاوز هذا الحد الشهري للشريك البالغ {cap} نقطة مستبدلة. لم يُسجَّل شيء.',
  },
  partner_offer_out_of_stock: {
    en: 'This partner offer is all redeemed: none of its stock is left. No points were spent.',
    fa: 'موجودی این پیشنهاد شریک تمام شده است. امتیازی کسر نشد.',
    ar: 'نفد مخزون عرض الشريك هذا. لم تُخصم أي نقاط.',
  },
  partner_offer_unavailable: {
    en: 'This partner offer is not available now. No points were spent.',
    fa: 'این پیشنهاد شریک اکنون در دسترس نیست. امتیازی خرج نشد.',
    ar: 'عرض الشريك هذا غير متاح الآن. لم تُستبدل أي نقاط.',
  },
  partner_offer_locked: {
    en: 'This offer opens to members who spent at least {threshold} in the last {days} days; this member spent {spend}. No points were spent.',
    fa: 'این پیشنهاد برای اعضایی است که در {days} روز گذشته دست‌کم {threshold} خرید کرده‌اند؛ خرید این عضو {spend} است. امتیازی خرج نشد.',
    ar: 'هذا العرض متاح للأعضاء الذين أنفقوا {threshold} على الأقل في آخر {days} يومًا؛ أنفق هذا العضو {spend}. لم تُستبدل أي نقاط.',
  },
  credit_entry_not_refundable: {
    en: 'Only a package purchase can be refunded. Nothing was written.',
    fa: 'فقط خرید بسته‌ی اعتبار بازپرداخت‌شدنی است. چیزی ثبت نشد.',
    ar: 'لا يُسترد إلا شراء باقة رصيد. لم يُسجَّل شيء.',
  },
  credit_already_refunded: {
    en: 'This purchase was already refunded.',
    fa: 'این خرید پیش‌تر بازپرداخت شده است.',
    ar: 'سبق استرداد هذا الشراء.',
  },
  credit_refund_exceeds_remainder: {
    en: 'That is more than is left to refund of this purchase: at most {remaining} of its paid credit is left unspent. Nothing was refunded.',
    fa: 'این بیش از مانده‌ی قابل بازپرداخت این خرید است: حداکثر {remaining} از اعتبار پرداختی آن خرج‌نشده مانده است. چیزی بازپرداخت نشد.',
    ar: 'هذا أكثر مما تبقّى للاسترداد من هذا الشراء: تبقّى منه {remaining} على الأكثر من الرصيد المدفوع دون إنفاق. لم يُسترد شيء.',
  },
  credit_already_spent: {
    en: 'Some of this purchase\'s credit was already spent: the member holds {held}, the refund needs {needed}. Nothing was refunded.',
    fa: 'بخشی از اعتبار این خرید خرج شده است: عضو {held} دارد و بازپرداخت {needed} لازم دارد. چیزی بازپرداخت نشد.',
    ar: 'أُنفق جزء من رصيد هذا الشراء: لدى العضو {held} ويتطلب الاسترداد {needed}. لم يُسترد شيء.',
  },
  partner_correction_zero: {
    en: 'A correction changes what is owed by at least one point.',
    fa: 'اصلاحیه باید دست‌کم یک امتیاز بدهی را تغییر دهد.',
    ar: 'يجب أن يغيّر التصحيح المستحق بنقطة واحدة على الأقل.',
  },
  partner_correction_exceeds_owed: {
    en: 'That side owes {owed} points in all; a correction of {points} fewer would take it below zero. Nothing was written.',
    fa: 'بدهی این طرف روی‌هم {owed} امتیاز است؛ کاستن {points} امتیاز آن را زیر صفر می‌برد. چیزی ثبت نشد.',
    ar: 'المستحق على هذا الطرف {owed} نقطة إجمالًا؛ إنقاص {points} نقطة ينزل به تحت الصفر. لم يُسجَّل شيء.',
  },
  period_invalid: {
    en: 'There is no such month in the workspace calendar.',
    fa: 'چنین ماهی در تقویم این فضای کاری وجود ندارد.',
    ar: 'لا يوجد مثل هذا الشهر في تقويم مساحة العمل.',
  },
  donation_too_small: {
    en: 'These points are worth less than the smallest unit of money; give at least {points} points.',
    fa: 'ارزش این امتیازها کمتر از کوچک‌ترین واحد پول است؛ دست‌کم {points} امتیاز اهدا کنید.',
    ar: 'قيمة هذه النقاط أقل من أصغر وحدة نقدية؛ تبرّع بـ {points} نقطة على الأقل.',
  },
  donation_too_large: {
    en: 'These points are worth more than one donation can record; give fewer points at a time.',
    fa: 'ارزش این امتیازها بیش از آن است که در یک کمک ثبت شود؛ امتیاز کمتری را در هر بار اهدا کنید.',
    ar: 'قيمة هذه النقاط أكبر مما يمكن تسجيله في تبرع واحد؛ تبرّع بنقاط أقل في كل مرة.',
  },
  member_code_invalid: {
    en: 'This code is wrong or no longer valid. Check it, or ask for a new code.',
    fa: 'این کد نادرست است یا دیگر اعتبار ندارد. آن را بررسی کنید یا کد تازه‌ای بخواهید.',
    ar: 'هذا الرمز غير صحيح أو لم يعد صالحًا. تحقّق منه أو اطلب رمزًا جديدًا.',
  },
  member_code_malformed: {
    en: 'The code is the 6 digits in the text message.',
    fa: 'کد همان ۶ رقم پیامک است.',
    ar: 'الرمز هو الأرقام الستة في الرسالة النصية.',
  },
  member_code_too_many: {
    en: 'Too many codes were asked for this phone. Use the last one sent, or try again later.',
    fa: 'برای این شماره بیش از حد کد درخواست شده است. از آخرین کد فرستاده‌شده استفاده کنید یا بعداً دوباره بکوشید.',
    ar: 'طُلبت رموز كثيرة جدًا لهذا الهاتف. استخدم آخر رمز أُرسل، أو حاول مرة أخرى لاحقًا.',
  },
  // loyalty/member-otp.service.ts: an invite link's join codes for the day, or the workspace's for the hour, are spent
  member_join_too_many: {
    en: 'This invitation has been used many times today. Please try again tomorrow, or ask the shop to add you.',
    fa: 'از این دعوت امروز بارها استفاده شده است. لطفاً فردا دوباره امتحان کنید یا از فروشگاه بخواهید شما را اضافه کند.',
    ar: 'استُخدمت هذه الدعوة مرات كثيرة اليوم. يرجى المحاولة غدًا، أو اطلب من المتجر إضافتك.',
  },
  member_code_busy: {
    en: 'We are sending too many codes right now. Try again in a few minutes.',
    fa: 'هم‌اکنون کدهای بسیاری در حال ارسال است. چند دقیقه‌ی دیگر دوباره بکوشید.',
    ar: 'نرسل رموزًا كثيرة جدًا الآن. حاول مرة أخرى بعد بضع دقائق.',
  },
  member_signed_out: {
    en: 'Sign in with a code sent to your phone to see your points.',
    fa: 'برای دیدن امتیازهایتان با کدی که به تلفنتان فرستاده می‌شود وارد شوید.',
    ar: 'سجّل الدخول برمز يُرسل إلى هاتفك لترى نقاطك.',
  },
  member_address_required: {
    en: 'Give a phone number or an e-mail address for the code, one of the two.',
    fa: 'برای کد، شماره‌ی تلفن یا نشانی ایمیل را وارد کنید؛ یکی از این دو.',
    ar: 'أدخل رقم هاتف أو عنوان بريد إلكتروني للرمز، واحدًا منهما.',
  },
  member_email_code_malformed: {
    en: 'The code is the 6 digits in the e-mail.',
    fa: 'کد همان ۶ رقم ایمیل است.',
    ar: 'الرمز هو الأرقام الستة في البريد الإلكتروني.',
  },
  referral_code_none: {
    en: 'This member has no referral code yet.',
    fa: 'این عضو هنوز کد معرفی ندارد.',
    ar: 'ليس لهذا العضو رمز إحالة بعد.',
  },
  referral_code_malformed: {
    en: 'A referral code is eight letters and digits, such as K7QM-W2HD.',
    fa: 'کد معرفی هشت حرف و رقم است، مانند K7QM-W2HD.',
    ar: 'رمز الإحالة ثمانية أحرف وأرقام، مثل K7QM-W2HD.',
  },
  referral_code_unknown: {
    en: 'No member has this referral code.',
    fa: 'هیچ عضوی این کد معرفی را ندارد.',
    ar: 'لا يملك أي عضو رمز الإحالة هذا.',
  },
  self_referral: {
    en: 'A customer cannot be referred by themselves or by someone with the same phone or e-mail.',
    fa: 'مشتری نمی‌تواند خودش را معرفی کند یا با تلفن یا ایمیل یکسان معرفی شود.',
    ar: 'لا يمكن أن يحيل العميل نفسه أو أن يُحال ممن له الهاتف أو البريد نفسه.',
  },
  referral_after_first_order: {
    en: 'This customer has already ordered: a referral counts only before the first order.',
    fa: 'این مشتری پیش‌تر خرید کرده است: معرفی فقط پیش از نخستین خرید پذیرفته می‌شود.',
    ar: 'سبق لهذا العميل أن طلب: تُقبل الإحالة قبل الطلب الأول فقط.',
  },
  referral_already_attached: {
    en: 'This customer was already referred by another member; a referral cannot be changed.',
    fa: 'این مشتری پیش‌تر به معرفی عضو دیگری آمده است؛ معرفی را نمی‌توان تغییر داد.',
    ar: 'أحال عضو آخر هذا العميل من قبل؛ لا يمكن تغيير الإحالة.',
  },
};

/**
 * Field names as people say them, for `{field}` in a detail: a reader of Persian sees «تلفن»,
 * never the API's `phone`.
 */
export const FIELD_NAMES: Catalog = {
  name: { en: 'name', fa: 'نام', ar: 'الاسم' },
  phone: { en: 'phone', fa: 'تلفن', ar: 'الهاتف' },
  email: { en: 'e-mail', fa: 'ایمیل', ar: 'البريد الإلكتروني' },
  externalId: { en: 'external ID', fa: 'شناسه‌ی بیرونی', ar: 'المعرّف الخارجي' },
  birthday: { en: 'birthday', fa: 'تاریخ تولد', ar: 'تاريخ الميلاد' },
  customer: { en: 'contact details', fa: 'مشخصات تماس', ar: 'بيانات التواصل' },
};

/** Money (minor units) is said in the locale's digits and the workspace's unit; other values as given. */
export function localise(code: string, locale: Locale, params: Record<string, string | number | MoneyParam> = {}): string {
  const template = PROBLEM_MESSAGES[code]?.[locale] ?? PROBLEM_MESSAGES.internal_error![locale];
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const given = params[key];
    const value = isMoneyParam(given) ? formatMoneyParam(given, locale) : String(given ?? '');
    return key === 'field' ? (FIELD_NAMES[value]?.[locale] ?? value) : value;
  });
}
