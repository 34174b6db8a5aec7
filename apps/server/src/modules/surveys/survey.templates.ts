import {
  SurveyDefinition, type Locale, type LocalText, type Question, type ServqualDimension, type SurveyTemplateKey, type SurveyTemplateView,
} from '@vafa/contracts';

/**
 * Ready-made surveys in Persian, Arabic and English. Each is a function of a text picker, so a
 * survey made from one keeps only the languages it lists. The SERVQUAL items follow the 1991
 * revision (REFERENCE.md §3); the expectation factors are the seven of SEEDS-DIGEST B.
 */

type Text = (fa: string, ar: string, en: string) => LocalText;

interface Template {
  key: SurveyTemplateKey;
  name: [string, string, string];
  description: [string, string, string];
  build: (t: Text) => Omit<SurveyDefinition, 'name' | 'settings'> & { settings: Partial<SurveyDefinition['settings']> };
}

const NPS: Template = {
  key: 'nps',
  name: ['نظرسنجی NPS (احتمال معرفی به دیگران)', 'صافي نقاط الترويج (NPS)', 'Net Promoter Score (NPS)'],
  description: [
    'بپرسید چقدر احتمال دارد ما را به دیگران پیشنهاد کنند و دلیلش را هم بشنوید: ناراضی‌ها می‌گویند کجای کار لنگید و طرفداران می‌گویند چه چیزی را دوست داشتند.',
    'اسأل عملاءك عن مدى استعدادهم للتوصية بك، واسمع السبب: غير الراضين يخبرونك بما أزعجهم، والمروّجون بما أعجبهم.',
    'Ask how likely customers are to recommend you and hear why: detractors say what went wrong, promoters what they liked.',
  ],
  build: (t) => ({
    kind: 'customer',
    settings: { thankYou: t('از اینکه وقت گذاشتید ممنونیم. نظرتان را با دقت می‌خوانیم.', 'شكرًا لوقتك. سنقرأ رأيك باهتمام.', 'Thank you for your time. We read every answer.') },
    questions: [
      { id: 'nps', type: 'nps', required: true, title: t('چقدر احتمال دارد ما را به دوستان یا آشنایانتان پیشنهاد کنید؟', 'ما مدى احتمال أن توصي بنا لصديق أو زميل؟', 'How likely are you to recommend us to a friend or colleague?') },
      {
        id: 'went_wrong', type: 'text', required: false, multiline: true, maxLength: 2000,
        showIf: { question: 'nps', op: 'lte', value: 6 },
        title: t('چه چیزی باعث نارضایتی‌تان شد؟ بگویید تا جبران کنیم.', 'ما الذي لم يعجبك؟ أخبرنا لنصلح الأمر.', 'What went wrong? Tell us so we can put it right.'),
      },
      {
        id: 'liked', type: 'text', required: false, multiline: true, maxLength: 2000,
        showIf: { question: 'nps', op: 'gte', value: 9 },
        title: t('چه چیزی را بیشتر از همه پسندیدید؟', 'ما أكثر ما أعجبك؟', 'What did you like most?'),
      },
    ],
  }),
};

const CSAT_PURCHASE: Template = {
  key: 'csat_purchase',
  name: ['رضایت از خرید (CSAT)', 'الرضا عن الشراء (CSAT)', 'Post-purchase satisfaction (CSAT)'],
  description: [
    'چند روز پس از تحویل سفارش بپرسید از خریدشان چقدر راضی‌اند؛ با پنج چهره و یک پرسش باز برای پیشنهادها.',
    'بعد أيام من استلام الطلب، اسأل العملاء عن مدى رضاهم عن الشراء، بخمسة وجوه وسؤال مفتوح للاقتراحات.',
    'A few days after delivery, ask how satisfied customers are with their purchase: five faces and an open question.',
  ],
  build: (t) => ({
    kind: 'customer',
    settings: { stage: 'after-sale', hiddenFields: ['order'], thankYou: t('ممنون که نظرتان را گفتید.', 'شكرًا لمشاركتنا رأيك.', 'Thank you for telling us.') },
    questions: [
      {
        id: 'csat', type: 'csat', points: 5, style: 'faces', required: true,
        title: t('از خرید اخیرتان چقدر راضی هستید؟', 'ما مدى رضاك عن مشترياتك الأخيرة؟', 'How satisfied are you with your recent purchase?'),
        // read aloud by screen readers for each face
        labels: [
          t('خیلی ناراضی', 'غير راضٍ إطلاقًا', 'Very dissatisfied'),
          t('ناراضی', 'غير راضٍ', 'Dissatisfied'),
          t('نه راضی، نه ناراضی', 'محايد', 'Neither satisfied nor dissatisfied'),
          t('راضی', 'راضٍ', 'Satisfied'),
          t('خیلی راضی', 'راضٍ جدًا', 'Very satisfied'),
        ],
      },
      {
        id: 'comment', type: 'text', required: false, multiline: true, maxLength: 2000,
        title: t('چه چیزی خریدتان را بهتر می‌کرد؟', 'ما الذي كان سيجعل تجربة الشراء أفضل؟', 'What would have made your purchase better?'),
      },
    ],
  }),
};

const CES_SUPPORT: Template = {
  key: 'ces_support',
  name: ['سهولت حل مشکل پس از پشتیبانی (CES)', 'سهولة حل المشكلة بعد الدعم (CES)', 'Post-support effort (CES 2.0)'],
  description: [
    'پس از بسته شدن درخواست پشتیبانی بپرسید حل مشکل چقدر برایشان آسان بود (مقیاس ۱ تا ۷ موافقت، CES ۲٫۰).',
    'بعد إغلاق طلب الدعم، اسأل العميل عن مدى سهولة حل مشكلته (مقياس موافقة من ١ إلى ٧، CES ٢٫٠).',
    'After a support request closes, ask how easy it was to get the issue resolved (1–7 agreement, CES 2.0).',
  ],
  build: (t) => ({
    kind: 'customer',
    settings: { stage: 'after-sale', hiddenFields: ['case', 'agent'], thankYou: t('ممنون از پاسخ‌تان.', 'شكرًا على ردك.', 'Thank you for your answer.') },
    questions: [
      {
        id: 'ces', type: 'ces', required: true,
        title: t('چقدر با این جمله موافقید: «حل مشکلم را برایم آسان کردید.»', 'إلى أي مدى توافق على العبارة: «سهّلتم عليّ حل مشكلتي».', 'How much do you agree: "You made it easy for me to handle my issue."'),
      },
      {
        id: 'resolved', type: 'single_choice', required: false, allowOther: false,
        title: t('مشکلتان کاملاً حل شد؟', 'هل حُلّت مشكلتك بالكامل؟', 'Was your issue fully resolved?'),
        options: [
          { id: 'yes', label: t('بله، کامل', 'نعم، بالكامل', 'Yes, fully') },
          { id: 'partly', label: t('تا حدی', 'جزئيًا', 'Partly') },
          { id: 'no', label: t('نه', 'لا', 'No') },
        ],
      },
      {
        id: 'hard_part', type: 'text', required: false, multiline: true, maxLength: 2000,
        showIf: { question: 'ces', op: 'lte', value: 3 },
        title: t('کدام بخش کار سخت بود؟', 'ما الذي جعل الأمر صعبًا؟', 'What made it hard?'),
      },
    ],
  }),
};

/** The 22 statements of the 1991 SERVQUAL, as [dimension, fa, ar, en]. */
const SERVQUAL_ITEMS: [ServqualDimension, string, string, string][] = [
  ['tangibles', 'این مجموعه تجهیزات و امکانات به‌روز دارد.', 'لدى المؤسسة معدات وتجهيزات حديثة.', 'It has up-to-date equipment.'],
  ['tangibles', 'فضا و امکانات ظاهری این مجموعه چشم‌نواز است.', 'مرافق المؤسسة جذابة المظهر.', 'Its physical facilities are visually appealing.'],
  ['tangibles', 'کارکنان آراسته و مرتب‌اند.', 'يظهر الموظفون بمظهر أنيق ومرتب.', 'Its employees are neat in appearance.'],
  ['tangibles', 'بروشورها، فاکتورها و دیگر مطالب مربوط به خدمات ظاهری مرتب و جذاب دارند.', 'المطبوعات المتعلقة بالخدمة (كالكتيّبات والفواتير) جذابة المظهر.', 'Materials about the service (such as leaflets and invoices) are visually appealing.'],
  ['reliability', 'وقتی قول می‌دهند کاری را تا زمان مشخصی انجام دهند، به قولشان عمل می‌کنند.', 'عندما تعد المؤسسة بإنجاز أمر في وقت محدد، تفي بوعدها.', 'When it promises to do something by a certain time, it does so.'],
  ['reliability', 'وقتی مشکلی دارید، واقعاً برای حلش دل می‌سوزانند.', 'عندما تواجه مشكلة، تُبدي المؤسسة اهتمامًا صادقًا بحلها.', 'When you have a problem, it shows a sincere interest in solving it.'],
  ['reliability', 'کار را همان بار اول درست انجام می‌دهند.', 'تؤدي المؤسسة الخدمة بشكل صحيح من المرة الأولى.', 'It performs the service right the first time.'],
  ['reliability', 'خدمات را همان زمانی ارائه می‌کنند که وعده داده‌اند.', 'تقدّم المؤسسة خدماتها في الوقت الذي وعدت به.', 'It provides its services at the time it promises to.'],
  ['reliability', 'سوابق و اسناد را بی‌خطا نگه می‌دارند.', 'تحرص المؤسسة على أن تكون سجلاتها خالية من الأخطاء.', 'It insists on error-free records.'],
  ['responsiveness', 'کارکنان دقیق می‌گویند خدمت چه زمانی انجام می‌شود.', 'يخبرك الموظفون بدقة متى ستُنفَّذ الخدمة.', 'Employees tell you exactly when services will be performed.'],
  ['responsiveness', 'کارکنان بی‌معطلی کارتان را راه می‌اندازند.', 'يقدّم لك الموظفون الخدمة بسرعة.', 'Employees give you prompt service.'],
  ['responsiveness', 'کارکنان همیشه برای کمک به شما آماده‌اند.', 'الموظفون مستعدون دائمًا لمساعدتك.', 'Employees are always willing to help you.'],
  ['responsiveness', 'کارکنان هیچ‌وقت آن‌قدر سرشان شلوغ نیست که به درخواستتان نرسند.', 'لا ينشغل الموظفون أبدًا عن الاستجابة لطلباتك.', 'Employees are never too busy to respond to your requests.'],
  ['assurance', 'رفتار کارکنان به شما اطمینان خاطر می‌دهد.', 'سلوك الموظفين يبعث فيك الثقة.', 'The behaviour of employees instils confidence in you.'],
  ['assurance', 'در داد و ستد با این مجموعه احساس امنیت می‌کنید.', 'تشعر بالأمان في تعاملاتك مع المؤسسة.', 'You feel safe in your transactions with it.'],
  ['assurance', 'کارکنان همیشه با شما مؤدبانه رفتار می‌کنند.', 'يعاملك الموظفون بلباقة دائمًا.', 'Employees are consistently courteous with you.'],
  ['assurance', 'کارکنان دانش کافی برای پاسخ به پرسش‌هایتان را دارند.', 'لدى الموظفين المعرفة الكافية للإجابة عن أسئلتك.', 'Employees have the knowledge to answer your questions.'],
  ['empathy', 'این مجموعه به شما به‌عنوان یک فرد توجه می‌کند.', 'توليك المؤسسة اهتمامًا فرديًا.', 'It gives you individual attention.'],
  ['empathy', 'ساعت‌های کاری‌اش برای همه‌ی مشتریان مناسب است.', 'ساعات عمل المؤسسة مناسبة لجميع عملائها.', 'Its opening hours are convenient for all its customers.'],
  ['empathy', 'کارکنانی دارد که به خود شما توجه شخصی نشان می‌دهند.', 'لدى المؤسسة موظفون يولونك اهتمامًا شخصيًا.', 'It has employees who give you personal attention.'],
  ['empathy', 'واقعاً خیر و صلاح شما را در نظر دارد.', 'تضع المؤسسة مصلحتك في المقام الأول.', 'It has your best interests at heart.'],
  ['empathy', 'کارکنان نیازهای خاص شما را می‌فهمند.', 'يفهم الموظفون احتياجاتك الخاصة.', 'Employees understand your specific needs.'],
];

const SERVQUAL: Template = {
  key: 'servqual',
  name: ['کیفیت خدمات (SERVQUAL، ۲۲ گویه)', 'جودة الخدمة (SERVQUAL، ٢٢ بندًا)', 'Service quality (SERVQUAL, 22 items)'],
  description: [
    'برای هر جمله، سطح خدمت مطلوب، کمترین سطح پذیرفتنی و آنچه واقعاً دریافت کرده‌اند از ۱ تا ۹ سنجیده می‌شود تا منطقه‌ی تحمل هر گویه و هر بُعد (ملموسات، قابلیت اعتماد، پاسخ‌گویی، اطمینان، همدلی) را ببینید.',
    'لكل عبارة يقيّم العميل مستوى الخدمة المرغوب والحد الأدنى المقبول وما تلقّاه فعلًا من ١ إلى ٩، فتظهر منطقة التسامح لكل بند ولكل بُعد (الملموسية، الاعتمادية، الاستجابة، الثقة، التعاطف).',
    'For each statement, customers rate the service they desire, the least they would accept and what they received, 1–9, giving the zone of tolerance per item and per dimension (tangibles, reliability, responsiveness, assurance, empathy).',
  ],
  build: (t) => ({
    kind: 'customer',
    settings: { thankYou: t('ممنون که برای این پرسشنامه وقت گذاشتید.', 'شكرًا لتخصيص وقتك لهذا الاستبيان.', 'Thank you for taking the time to answer.') },
    questions: SERVQUAL_ITEMS.map(([dimension, fa, ar, en], i): Question => ({
      id: `sq${String(i + 1).padStart(2, '0')}`,
      type: 'servqual',
      dimension,
      required: true,
      title: t(fa, ar, en),
      ...(i === 0
        ? {
          description: t(
            'به هر جمله سه نمره از ۱ تا ۹ بدهید: سطح خدمتی که دلتان می‌خواهد، کمترین سطحی که می‌پذیرید، و آنچه واقعاً دریافت کردید.',
            'أعطِ كل عبارة ثلاث درجات من ١ إلى ٩: مستوى الخدمة الذي ترغب فيه، وأدنى مستوى تقبله، وما حصلت عليه فعلًا.',
            'Give each statement three scores from 1 to 9: the service you would like, the least you would accept, and what you actually got.',
          ),
        }
        : {}),
    })),
  }),
};

const INFLUENCE_LABELS = (t: Text) => [
  t('اصلاً', 'لم يؤثر إطلاقًا', 'Not at all'),
  t('کم', 'قليلًا', 'A little'),
  t('تا حدی', 'إلى حد ما', 'Somewhat'),
  t('زیاد', 'كثيرًا', 'A lot'),
  t('خیلی زیاد', 'كثيرًا جدًا', 'Very much'),
];

/** The seven sources of expectation (SEEDS-DIGEST B), as [id, fa, ar, en]. */
const EXPECTATION_FACTORS: [string, string, string, string][] = [
  ['needs', 'نیازهای خودتان (آنچه واقعاً لازم داشتید) چقدر انتظارتان از ما را شکل داد؟', 'إلى أي مدى شكّلت احتياجاتك (ما كنت تحتاجه فعلًا) توقعاتك منا؟', 'How much did your own needs (what you actually needed) shape what you expected from us?'],
  ['beliefs', 'باورها و نگاه خودتان به خرید اینترنتی چقدر در انتظارتان اثر داشت؟', 'إلى أي مدى أثّرت قناعاتك ونظرتك إلى التسوق عبر الإنترنت في توقعاتك؟', 'How much did your beliefs about shopping online shape your expectations?'],
  ['past_experience', 'تجربه‌ی خریدهای قبلی‌تان از ما چقدر در انتظارتان اثر داشت؟', 'إلى أي مدى أثّرت تجاربك السابقة في الشراء منا في توقعاتك؟', 'How much did your earlier purchases from us shape your expectations?'],
  ['our_messages', 'تبلیغات، پیام‌ها و وعده‌های ما (در سایت، پیامک یا شبکه‌های اجتماعی) چقدر در انتظارتان اثر داشت؟', 'إلى أي مدى أثّرت إعلاناتنا ورسائلنا ووعودنا (على الموقع أو في الرسائل أو على وسائل التواصل) في توقعاتك؟', 'How much did our ads, messages and promises (on the site, by SMS, on social media) shape your expectations?'],
  ['other_shops', 'تجربه‌تان از فروشگاه‌های اینترنتی دیگر چقدر در انتظارتان اثر داشت؟', 'إلى أي مدى أثّرت تجاربك مع متاجر إلكترونية أخرى في توقعاتك؟', 'How much did your experience with other online shops shape your expectations?'],
  ['word_of_mouth', 'حرف و توصیه‌ی دیگران (دوستان، خانواده، نظر خریداران) چقدر در انتظارتان اثر داشت؟', 'إلى أي مدى أثّر كلام الآخرين وتوصياتهم (الأصدقاء، العائلة، تقييمات المشترين) في توقعاتك؟', 'How much did what others said (friends, family, buyer reviews) shape your expectations?'],
  ['situation', 'شرایطتان هنگام خرید (بودجه و وقتی که داشتید) چقدر در انتظارتان اثر داشت؟', 'إلى أي مدى أثّرت ظروفك وقت الشراء (الميزانية والوقت المتاحان) في توقعاتك؟', 'How much did your situation when buying (the money and time you had) shape your expectations?'],
];

const EXPECTATIONS: Template = {
  key: 'expectations',
  name: ['عوامل شکل‌دهنده‌ی انتظارات مشتری', 'العوامل التي تشكّل توقعات العميل', 'What shapes customer expectations'],
  description: [
    'هفت عاملی که انتظار مشتری از یک کسب‌وکار اینترنتی را می‌سازند: نیازها، باورها، تجربه‌ی قبلی با شما، پیام‌های شما، تجربه با دیگران، توصیه‌ی دیگران و شرایط خرید. ببینید کدام برای مشتریانتان پررنگ‌تر است تا وعده‌ای بدهید که از پسش برمی‌آیید.',
    'سبعة عوامل تصنع توقعات العميل من المتجر الإلكتروني: الاحتياجات، والقناعات، والتجربة السابقة معك، ورسائلك، والتجربة مع غيرك، وكلام الآخرين، وظروف الشراء. اعرف أيها الأقوى لدى عملائك لتعد بما تستطيع الوفاء به.',
    'The seven factors that set what customers expect from an online business: needs, beliefs, past experience with you, your messages, experience elsewhere, word of mouth and the situation at purchase. See which weigh most, and promise what you can deliver.',
  ],
  build: (t) => ({
    kind: 'customer',
    settings: { stage: 'sale', thankYou: t('ممنون، پاسخ‌هایتان به ما کمک می‌کند وعده‌هایمان واقع‌بینانه باشد.', 'شكرًا، ستساعدنا إجاباتك على أن تكون وعودنا واقعية.', 'Thank you: your answers help us keep our promises realistic.') },
    questions: [
      ...EXPECTATION_FACTORS.map(([id, fa, ar, en], i): Question => ({
        id, type: 'rating', min: 1, max: 5, style: 'labels', required: true, labels: INFLUENCE_LABELS(t), title: t(fa, ar, en),
        ...(i === 0
          ? { description: t('پیش از خرید، هر یک از این موارد چقدر روی انتظارتان از ما اثر گذاشت؟', 'قبل الشراء، إلى أي مدى أثّر كل مما يلي في توقعاتك منا؟', 'Before you bought, how much did each of these affect what you expected from us?') }
          : {}),
      })),
      {
        id: 'anything_else', type: 'text', required: false, multiline: true, maxLength: 2000,
        title: t('چیز دیگری هم بود که انتظارتان را شکل داد؟', 'هل هناك شيء آخر شكّل توقعاتك؟', 'Did anything else shape what you expected?'),
      },
    ],
  }),
};

const ENPS_PULSE: Template = {
  key: 'enps_pulse',
  name: ['نبض کارکنان (eNPS)', 'نبض الموظفين (eNPS)', 'Employee pulse (eNPS)'],
  description: [
    'پرسشی کوتاه و دوره‌ای از همکاران، کاملاً بی‌نام: هیچ پاسخی به کسی نسبت داده نمی‌شود.',
    'استطلاع قصير ودوري لفريق العمل، دون أسماء إطلاقًا: لا يُنسب أي رد إلى أحد.',
    'A short, regular pulse for your team, fully anonymous: no answer is ever linked to anyone.',
  ],
  build: (t) => ({
    kind: 'employee',
    settings: { anonymous: true, thankYou: t('ممنون از صداقتتان. پاسخ شما بی‌نام ثبت شد.', 'شكرًا لصراحتك. سُجّل ردك دون اسم.', 'Thank you for being candid. Your answer was recorded anonymously.') },
    questions: [
      { id: 'enps', type: 'enps', required: true, title: t('چقدر احتمال دارد کار کردن در اینجا را به یک دوست پیشنهاد کنید؟', 'ما مدى احتمال أن توصي صديقًا بالعمل هنا؟', 'How likely are you to recommend working here to a friend?') },
      {
        id: 'keep', type: 'text', required: false, multiline: true, maxLength: 2000,
        title: t('چه چیزی در کار اینجا خوب است و باید بماند؟', 'ما الذي يعجبك في العمل هنا ونحرص على بقائه؟', 'What works well here that we should keep?'),
      },
      {
        id: 'change', type: 'text', required: false, multiline: true, maxLength: 2000,
        title: t('اگر می‌توانستید فقط یک چیز را اینجا تغییر دهید، چه بود؟', 'لو استطعت تغيير شيء واحد هنا، فماذا سيكون؟', 'If you could change one thing here, what would it be?'),
      },
    ],
  }),
};

const TEMPLATES: readonly Template[] = [NPS, CSAT_PURCHASE, CES_SUPPORT, SERVQUAL, EXPECTATIONS, ENPS_PULSE];
const INDEX: Record<Locale, number> = { fa: 0, ar: 1, en: 2 };

function textPicker(languages: readonly Locale[]): Text {
  return (fa, ar, en) => {
    const all = { fa, ar, en };
    return Object.fromEntries(languages.map((l) => [l, all[l]])) as LocalText;
  };
}

function definitionOf(template: Template, languages: readonly Locale[]): SurveyDefinition {
  const built = template.build(textPicker(languages));
  return SurveyDefinition.parse({
    ...built,
    name: template.name[INDEX[languages[0]!]],
    settings: { ...built.settings, languages: [...languages], defaultLanguage: languages[0] },
  });
}

/** A template's survey in `languages` (distinct; the first is the default). */
export function templateDefinition(key: SurveyTemplateKey, languages: readonly Locale[]): SurveyDefinition {
  const template = TEMPLATES.find((t) => t.key === key)!;
  return definitionOf(template, [...new Set(languages)]);
}

/** Every template in all three languages, the reader's first. */
export function surveyTemplates(locale: Locale): SurveyTemplateView[] {
  const languages: Locale[] = [locale, ...(['fa', 'ar', 'en'] as const).filter((l) => l !== locale)];
  const pick = ([fa, ar, en]: [string, string, string]): LocalText => ({ fa, ar, en });
  return TEMPLATES.map((template) => ({ key: template.key, name: pick(template.name), description: pick(template.description), definition: definitionOf(template, languages) }));
}
