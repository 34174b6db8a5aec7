// The SMS part count lives in contracts: the survey cost preview on the server counts the same way.
export { smsLength, type SmsLength } from '@vafa/contracts';
