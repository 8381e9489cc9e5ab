// The shareable URL: the program and the settings in the URL fragment
// (#p=…&arch=…), base64url of UTF-8, so a link opens the same run anywhere,
// also from the file system.
import type { Arch } from '../isa/target.js';

export interface Shared {
  source: string;
  file: string;
  arch: Arch;
  stackMin: string;
  stackPoison: boolean;
  stackForceMove: boolean;
  maxSteps: string;
}

function toB64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64(s: string): string {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

export function encodeShare(s: Shared): string {
  const p = new URLSearchParams();
  p.set('file', s.file);
  p.set('arch', s.arch);
  if (s.stackMin) p.set('stack-min', s.stackMin);
  if (s.stackPoison) p.set('stackpoison', '1');
  if (s.stackForceMove) p.set('stackforcemove', '1');
  if (s.maxSteps) p.set('max-steps', s.maxSteps);
  p.set('p', toB64(s.source));
  return '#' + p.toString();
}

/** The settings in a fragment, or null (with the reason) if it holds none or is damaged. */
export function decodeShare(hash: string): { shared: Partial<Shared> | null; problem: string | null } {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  if (!p.has('p')) return { shared: null, problem: null };
  let source: string;
  try { source = fromB64(p.get('p')!); } catch { return { shared: null, problem: 'the program in this link is damaged (it is not base64url UTF-8)' }; }
  const arch = p.get('arch');
  return {
    shared: {
      source, file: p.get('file') || 'prog.gasm',
      arch: arch === '386' || arch === 'arm' ? arch : 'amd64',
      stackMin: p.get('stack-min') ?? '', stackPoison: p.get('stackpoison') === '1', stackForceMove: p.get('stackforcemove') === '1',
      maxSteps: p.get('max-steps') ?? undefined,
    },
    problem: null,
  };
}
