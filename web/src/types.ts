// The wire shapes of the API (docs/contracts.md; crates/server/src/api).
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

// Incidents and units (crates/server/src/api/incidents.rs, units.rs).
export type IncidentState = 'reported' | 'verified' | 'assigned' | 'responding' | 'on_scene' | 'resolved' | 'closed' | 'dismissed';

export interface Actor {
  user: string;
  agency: string;
}

export interface Transition {
  from: IncidentState;
  to: IncidentState;
  actor: Actor;
  reason: string;
  time: number;
  seq?: number;
}

export interface Timestamps {
  detected?: number | null;
  reported?: number | null;
  acknowledged?: number | null;
  verified?: number | null;
  dispatched?: number | null;
  unit_acknowledged?: number | null;
  en_route?: number | null;
  on_scene?: number | null;
  resolved?: number | null;
  closed?: number | null;
  dismissed?: number | null;
}

export interface UnitTask {
  tasked: number;
  acknowledged: number | null;
  actor: Actor;
  cross_agency: boolean;
}

export interface Handover {
  from: string;
  to: string;
  offered: number;
  actor: Actor;
  reason: string;
}

export interface Incident {
  id: string;
  category: string;
  category_en?: string | null;
  category_ar?: string | null;
  title: string;
  description?: string;
  state: IncidentState;
  originator: string;
  owner: string;
  impact: string;
  exercise: boolean;
  automatic?: boolean;
  alerts: string[];
  tracks: string[];
  border_section?: string | null;
  location?: { type: 'point'; position: { lon: number; lat: number } } | { type: 'area'; ring: number[][] } | null;
  handover?: Handover | null;
  allowed_transitions: IncidentState[];
  opened: number;
  updated: number;
  timeline: Timestamps;
  transitions: Transition[];
  units: Record<string, UnitTask>;
}

export interface SopStep {
  step: { id: string; en: string; ar: string; mandatory: boolean; role: string; target_min: number };
  due: number | null;
  completed: number | null;
  by: Actor | null;
  note: string | null;
}

export interface IncidentTimeline {
  id: string;
  state: IncidentState;
  playbook: string;
  exercise: boolean;
  handover: Handover | null;
  timeline: Timestamps;
  transitions: Transition[];
  steps: SopStep[];
  units: Record<string, UnitTask>;
}

export interface Recommendation {
  unit: string;
  name: string;
  agency: string;
  kind: string;
  method: string;
  eta_s: number;
  distance_m: number;
  course_deg: number;
  meeting_point: { lon: number; lat: number };
}

export interface Reminder {
  incident: string;
  category: string;
  owner: string;
  exercise: boolean;
  type: 'eurosur_first_report' | 'sar_closure_report' | 'sop_step';
  step?: string;
  en?: string;
  ar?: string;
  due: number;
  overdue_ms: number;
}

export type UnitStatus = 'available' | 'tasked' | 'en_route' | 'on_scene' | 'out_of_service';

export interface Unit {
  id: string;
  agency: string;
  status: UnitStatus;
  incident: string | null;
  position: { lon: number; lat: number };
  updated: number;
  registration: { id: string; name: string; agency: string; kind: string; capabilities: string[]; max_speed_mps: number; tracker?: string | null };
}

export interface Measure {
  count: number;
  p50_ms: number | null;
  p90_ms: number | null;
  max_ms: number | null;
}

export interface GroupStats {
  incidents: number;
  breaches: Record<string, number>;
  measures: Record<string, Measure>;
}

export interface ResponseMetrics {
  overall: GroupStats;
  by_category: Record<string, GroupStats>;
  targets: { acknowledge_s: number; dispatch_s: Record<string, number>; dispatch_default_s: number | null };
}

export interface EventCounts {
  alerts: number;
  incidents: number;
  exercise_alerts: number;
  exercise_incidents: number;
}

export interface DashboardData {
  from: number;
  to: number;
  hours: number;
  sections: Array<EventCounts & { section: string; name_en: string; name_ar: string; impact: string | null }>;
  hourly: Array<EventCounts & { start: number }>;
  totals: EventCounts;
}
