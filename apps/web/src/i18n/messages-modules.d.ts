// The language files split in two and parsed by the build (build/messages-plugin.ts).
declare module 'virtual:messages/*' {
  const messages: Record<string, import('react-intl').MessageFormatElement[]>;
  export default messages;
}
