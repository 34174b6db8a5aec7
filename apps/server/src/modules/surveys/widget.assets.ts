import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DIST_DIR, ensureWidgetBuild, type WidgetManifest } from '../../../../widget/build.ts';

/**
 * The widget bundle and the kiosk page's files, built from apps/widget when stale (like the web
 * app) and held in memory with their gzipped form: they are small, hot and never change under
 * one name, so each answer is a buffer write.
 */
export interface StaticAsset {
  body: Buffer;
  gzipped: Buffer;
  type: string;
}

export interface WidgetAssets {
  manifest: WidgetManifest;
  /** the content hash in the widget's URL (/widget/v1/<hash>.js) */
  widgetHash: string;
  byName: Map<string, StaticAsset>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
};

let loading: Promise<WidgetAssets> | undefined;

/** Builds if stale (once per process) and reads the files into memory. */
export function widgetAssets(): Promise<WidgetAssets> {
  loading ??= (async () => {
    const manifest = await ensureWidgetBuild();
    const byName = new Map<string, StaticAsset>();
    for (const name of [manifest.widget, manifest.kiosk, manifest.kioskCss, manifest.complaintForm, ...manifest.assets]) {
      const body = readFileSync(path.join(DIST_DIR, name));
      // A font is compressed already.
      byName.set(name, { body, gzipped: name.endsWith('.woff2') ? body : gzipSync(body, { level: 9 }), type: TYPES[path.extname(name)] ?? 'application/octet-stream' });
    }
    const widgetHash = /^widget\.([0-9a-f]+)\.js$/.exec(manifest.widget)![1]!;
    return { manifest, widgetHash, byName };
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Sends a content-named file: cached for a year, gzipped when the client takes it. */
export function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: StaticAsset): FastifyReply {
  const gzip = asset.gzipped !== asset.body && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  reply
    .header('content-type', asset.type)
    .header('cache-control', 'public, max-age=31536000, immutable')
    .header('vary', 'Accept-Encoding')
    .header('x-content-type-options', 'nosniff');
  if (gzip) reply.header('content-encoding', 'gzip');
  return reply.send(gzip ? asset.gzipped : asset.body);
}
