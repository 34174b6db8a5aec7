// How many SMS parts a text needs, for the template editor and the survey cost preview alike.
// Texts in the GSM 03.38 alphabet take 160 characters in one message (153 per part when split);
// anything else (Persian, Arabic, the bidi isolation marks the server adds) is sent as UCS-2:
// 70 in one message, 67 per part.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// These take two septets (an escape and the character).
const GSM_EXTENDED = '^{}\\[~]|€\f';

export interface SmsLength {
  encoding: 'gsm' | 'ucs2';
  /** characters as the network counts them (septets for GSM, UTF-16 units for UCS-2) */
  units: number;
  parts: number;
  /** the size of one part at this length */
  perPart: number;
}

export function smsLength(text: string): SmsLength {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM_BASIC.includes(ch)) septets += 1;
    else if (GSM_EXTENDED.includes(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) {
    const perPart = septets <= 160 ? 160 : 153;
    return { encoding: 'gsm', units: septets, parts: septets === 0 ? 0 : Math.ceil(septets / perPart), perPart };
  }
  const units = text.length;
  const perPart = units <= 70 ? 70 : 67;
  return { encoding: 'ucs2', units, parts: units === 0 ? 0 : Math.ceil(units / perPart), perPart };
}
