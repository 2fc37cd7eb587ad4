// APP-6 / MIL-STD-2525C symbols for tracks, drawn by milsymbol into canvases that the map
// registers as images (no sprite sheet, nothing fetched).
import { ms, std2525c } from 'milsymbol-parts';
import type { TrackProps } from './types';

// Only the 2525C letter-code symbol set: the sidc() codes below are all of that standard.
ms.addIcons(std2525c as Parameters<typeof ms.addIcons>[0]);

export type Affiliation = 'friend' | 'neutral' | 'unknown' | 'suspect';

/** Own units friendly, identified (AIS) neutral, unidentified unknown, alerted suspect. */
export function affiliation(p: TrackProps, alerted: boolean, ownAgency: string): Affiliation {
  if (alerted) return 'suspect';
  const kinds = p.source_kinds ?? [];
  if (kinds.includes('cot') && p.agency === ownAgency) return 'friend';
  if (kinds.includes('cot')) return 'friend';
  if (!p.unidentified && (p.identity?.mmsi || p.identity?.name || p.identity?.callsign || p.identity?.plate)) {
    return 'neutral';
  }
  return 'unknown';
}

// 2525C standard identity letters; exercise variants (D, L, W, J) mark exercise data.
const IDENTITY: Record<Affiliation, [string, string]> = {
  friend: ['F', 'D'],
  neutral: ['N', 'L'],
  unknown: ['U', 'W'],
  suspect: ['S', 'J'],
};

// Battle dimension + function id by kind.
const FUNCTION: Record<string, string> = {
  vessel: 'SP------',
  vehicle: 'GPEV----',
  aircraft: 'AP------',
  person: 'GPU-----',
  unknown: 'ZP------',
};

export function sidc(p: TrackProps, aff: Affiliation): string {
  const identity = IDENTITY[aff][p.exercise ? 1 : 0];
  const fn = FUNCTION[p.kind] ?? FUNCTION.unknown;
  return `S${identity}${fn}-----`;
}

export function label(p: TrackProps): string {
  const id = p.identity ?? {};
  return String(id.name ?? id.callsign ?? id.mmsi ?? id.plate ?? id.cot_uid ?? p.id).slice(0, 20);
}

export interface SymbolImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
  /** Offset (CSS px) that puts the symbol's anchor on the point. */
  offset: [number, number];
}

const RATIO = 2;

/** Runs `draw` with every 2D canvas it makes read back at once (`willReadFrequently`): the
 * symbol is read back as pixels for the map, and a GPU-backed canvas makes that read wait on
 * the GPU process (with software GL, hundreds of milliseconds at load). milsymbol makes its
 * canvases itself (the symbol's, and once a probe it reads back to test Path2D), hence the
 * wrapped `getContext` for the length of the call. */
function readableCanvas<T>(draw: () => T): T {
  const proto = HTMLCanvasElement.prototype;
  const original = proto.getContext;
  proto.getContext = function (this: HTMLCanvasElement, type: string, options?: object) {
    return original.call(this, type, type === '2d' ? { ...options, willReadFrequently: true } : options);
  } as typeof original;
  try {
    return draw();
  } finally {
    proto.getContext = original;
  }
}

export function drawSymbol(code: string, text: string, dark: boolean): SymbolImage | null {
  try {
    const symbol = new ms.Symbol(code, {
      size: 16,
      ...(text ? { uniqueDesignation: text } : {}),
      infoColor: dark ? '#e6edf3' : '#111111',
      infoSize: 60,
      outlineWidth: 3,
      outlineColor: dark ? '#08131f' : '#ffffff',
    });
    const canvas = readableCanvas(() => symbol.asCanvas(RATIO));
    const ctx = canvas.getContext('2d');
    if (!ctx || canvas.width === 0) return null;
    const anchor = symbol.getAnchor();
    const size = symbol.getSize();
    const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return {
      width: canvas.width,
      height: canvas.height,
      data: image.data,
      offset: [size.width / 2 - anchor.x, size.height / 2 - anchor.y],
    };
  } catch (error) {
    console.warn('tansiq: cannot draw symbol', code, error);
    return null;
  }
}

export const PIXEL_RATIO = RATIO;
