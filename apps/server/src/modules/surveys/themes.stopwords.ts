import { foldForSearch } from '../../platform/i18n/fold.ts';

/**
 * Words too common to be a theme, in fa, ar and en, compared after folding (so ي/ی, ك/ک,
 * hamza forms and diacritics need no second spelling). Small on purpose: particles, pronouns,
 * auxiliaries and the vaguest intensifiers; content words ("delivery", "قیمت") stay.
 */
const FA = `و در به از که این آن را با برای تا یا هم نیز اما ولی اگر چون چه چرا کجا کی است هست بود بودند باشد شد شده شود می نمی
  ها های یک دو هر همه خیلی بسیار کمی بیشتر کمتر من تو او ما شما آنها ایشان خود خودم مرا مثل روی زیر بین پس پیش بعد قبل
  هیچ دیگر همین همان اینکه آنکه وقتی کرد کردم کردند کنم کنید داشت دارم دارد داریم دارند بر نه بله چند چیز خیلیی`;
const AR = `و في من إلى على عن مع هذا هذه ذلك تلك التي الذي الذين أن إن كان كانت يكون لا لم لن ما ماذا هل قد ثم أو أم بل
  كل بعض جدا أنا أنت هو هي نحن هم كما لقد عند حتى إذا لكن غير بين منذ لدي لديه لديهم هناك هنا أي فقط أيضا كثيرا الى`;
const EN = `a an the and or but if so of to in on at by for with from as is are was were be been being am it its it's this that
  these those i me my we our you your he she they them their his her very really too just also not no yes do does did have has
  had will would can could should there here what which who when where why how all any some more most much many than then
  about into over after before again get got im i'm dont don't`;

export const STOP_WORDS: ReadonlySet<string> = new Set(
  [FA, AR, EN].flatMap((list) => list.split(/\s+/)).filter(Boolean).map((w) => foldForSearch(w)),
);
