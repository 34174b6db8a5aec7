export * from './components.tsx';
export * from './icons.tsx';
export * from './data-table.tsx';
export * from './copy-button.tsx';
// Date fields and the progress bar are imported from their own modules (./date-fields.tsx,
// ./progress.tsx) by the screens that need them, keeping them out of the first screen's bundle.
