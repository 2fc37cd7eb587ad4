// The wire shapes of the API (CONTRACTS.md; crates/server/src/api).
export interface Identity {
  mmsi?: number;
  imo?: number;
  callsign?: string;
  name?: string;
  cot_uid?: string;
  plate?: string;
  source_track?: string;
  flag?: string;
  ais_beacon?: string;
  [key: string]: unknown;
}

export interface TrackProps {
  id: string;
  kind: string;
  state: string;
  agency: string;
  marking: { level?: string; releasable_to?: string[] };
  contributors?: string[];
  identity: Identity;
  sources?: string[];
  source_kinds?: string[];
  first_time?: number;
  last_time: number;
  speed_mps?: number | null;
  course_deg?: number | null;
  heading_deg?: number | null;
  observations?: number;
  exercise?: boolean;
  unidentified?: boolean;
}

export interface TrackFeature {
  type: 'Feature';
  id: string;
  geometry: { type: 'Point'; coordinates: number[] };
  properties: TrackProps;
}

export interface Alert {
  id: string;
  rule: string;
  severity: 'info' | 'low' | 'medium' | 'high' | 'critical';
  state: 'open' | 'acknowledged' | 'closed';
  agency: string;
  tracks: string[];
  zone?: string;
  first_time: number;
  last_time: number;
  exercise: boolean;
  evidence?: Array<{ lon: number; lat: number; time?: number }>;
  title?: string | null;
  title_ar?: string | null;
  acknowledged_by?: string | null;
  acknowledged_time?: number | null;
}

export interface Agency {
  id: string;
  name_en: string;
  name_ar: string;
  kind: string;
}

export interface StreamMessage {
  kind: string;
  op: string;
  data: unknown;
}
