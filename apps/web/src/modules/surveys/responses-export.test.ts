import { describe, expect, it } from 'vitest';
import { exportAddress } from './responses-export.tsx';

describe('the export address', () => {
  it('carries the screen\'s filters as the list sends them: workspace days, segment, stage, channel, score, text, tag', () => {
    const url = new URL(exportAddress('s-1', 'ar', {
      from: '2026-03-21', to: '2026-03-31', segmentId: '44444444-4444-4444-8444-444444444444', stage: 'after-sale', channel: 'sms',
      scoreMin: 0, scoreMax: 6, hasText: true, tag: 'ارسال دیر',
    }), 'http://x');
    expect(url.pathname).toBe('/api/surveys/s-1/export.csv');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      lang: 'ar', from: '2026-03-21', to: '2026-03-31', segmentId: '44444444-4444-4444-8444-444444444444', stage: 'after-sale', channel: 'sms',
      scoreMin: '0', scoreMax: '6', hasText: 'true', tag: 'ارسال دیر',
    });
  });

  it('leaves out what is not set', () => {
    expect(Object.fromEntries(new URL(exportAddress('s-1', 'fa', { from: undefined, stage: undefined }), 'http://x').searchParams)).toEqual({ lang: 'fa' });
  });
});
