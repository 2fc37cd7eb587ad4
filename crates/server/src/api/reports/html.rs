//! The daily report as HTML, in English or Arabic (`dir="rtl"`), with the map as inline SVG.

use std::fmt::Write;

use engine::geo::Geography;
use engine::incident::{Lang, Measure};
use model::incident::ImpactLevel;
use model::{Severity, ZoneGeometry, ZoneKind};

use super::{DailyReport, Line};

/// The map's extent: Libya and its borders, `[lon, lat]` min and max.
const EXTENT: ([f64; 2], [f64; 2]) = ([9.0, 19.3], [25.6, 34.2]);
const WIDTH: f64 = 640.0;
/// Points kept per line at most: the map is an overview.
const MAX_POINTS: usize = 400;

/// Escapes text for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn scale() -> (f64, f64) {
    // Equirectangular at the extent's mean latitude.
    let k = WIDTH / (EXTENT.1[0] - EXTENT.0[0]);
    let mean = ((EXTENT.0[1] + EXTENT.1[1]) / 2.0).to_radians().cos();
    (k, k / mean)
}

fn project(p: [f64; 2]) -> (f64, f64) {
    let (kx, ky) = scale();
    ((p[0] - EXTENT.0[0]) * kx, (EXTENT.1[1] - p[1]) * ky)
}

fn path(points: &[[f64; 2]]) -> String {
    let step = points.len().div_ceil(MAX_POINTS).max(1);
    let mut d = String::new();
    let last = points.len().saturating_sub(1);
    for (i, p) in points.iter().enumerate().filter(|(i, _)| i % step == 0 || *i == last) {
        let (x, y) = project(*p);
        let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { " L" });
    }
    d
}

fn impact_colour(impact: ImpactLevel) -> &'static str {
    match impact {
        ImpactLevel::Low => "#2e7d32",
        ImpactLevel::Medium => "#f9a825",
        ImpactLevel::High => "#ef6c00",
        ImpactLevel::VeryHigh => "#c62828",
    }
}

fn section_colour(impact: Option<Severity>) -> &'static str {
    match impact {
        Some(Severity::Critical) => "#c62828",
        Some(Severity::High) => "#ef6c00",
        Some(Severity::Medium) => "#f9a825",
        _ => "#2e7d32",
    }
}

/// The coast, the land borders and their sections (coloured by impact level), and the day's
/// incidents as points coloured by impact (dashed outline: exercise).
pub fn map_svg(geo: &Geography, incidents: &[Line]) -> String {
    let (_, ky) = scale();
    let height = (EXTENT.1[1] - EXTENT.0[1]) * ky;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH:.0} {height:.0}\" width=\"{WIDTH:.0}\" height=\"{height:.0}\" role=\"img\" aria-label=\"map\" style=\"background:#eef5fb\">"
    );
    for zone in geo.zones() {
        let ZoneGeometry::LineString { points } = &zone.geometry else { continue };
        let (colour, width) = match zone.kind {
            ZoneKind::Coast => ("#1565c0", 1.2),
            ZoneKind::LandBorder => ("#555", 1.0),
            ZoneKind::BorderSection => (section_colour(zone.impact), 2.5),
            _ => continue,
        };
        let _ = write!(
            svg,
            "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\"><title>{}</title></path>",
            path(points),
            esc(&zone.name)
        );
    }
    for line in incidents {
        let Some(p) = line.position else { continue };
        let (x, y) = project(p);
        let dash = if line.exercise { " stroke-dasharray=\"2,2\"" } else { "" };
        let _ = write!(
            svg,
            "<circle class=\"incident\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"6\" fill=\"{}\" stroke=\"#000\"{dash}><title>{}</title></circle><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\">{}</text>",
            impact_colour(line.impact),
            esc(&format!("{} {}", line.id, line.title)),
            x + 8.0,
            y + 4.0,
            esc(&line.id)
        );
    }
    svg.push_str("</svg>");
    svg
}

struct Words {
    title: &'static str,
    agency: &'static str,
    generated: &'static str,
    summary: &'static str,
    opened: &'static str,
    closed: &'static str,
    dismissed: &'static str,
    open: &'static str,
    exercise: &'static str,
    alerts: &'static str,
    impact: &'static str,
    events: &'static str,
    section: &'static str,
    category: &'static str,
    incidents: &'static str,
    response: &'static str,
    measure: &'static str,
    count: &'static str,
    target: &'static str,
    breaches: &'static str,
    list: &'static str,
    state: &'static str,
    map: &'static str,
    none: &'static str,
}

const EN: Words = Words {
    title: "Tansiq daily report",
    agency: "Agency",
    generated: "Generated",
    summary: "Summary",
    opened: "Incidents opened",
    closed: "Incidents closed",
    dismissed: "Incidents dismissed",
    open: "Open at end of day",
    exercise: "Exercise incidents (not counted)",
    alerts: "Alerts raised",
    impact: "Impact levels",
    events: "Events per border section and category",
    section: "Border section",
    category: "Category",
    incidents: "Incidents",
    response: "Response times",
    measure: "Measure",
    count: "Count",
    target: "Target",
    breaches: "Over target",
    list: "Incidents of the day",
    state: "State",
    map: "Map",
    none: "none",
};

const AR: Words = Words {
    title: "تنسيق — التقرير اليومي",
    agency: "الجهة",
    generated: "تاريخ الإنشاء",
    summary: "ملخص",
    opened: "الحوادث المفتوحة",
    closed: "الحوادث المغلقة",
    dismissed: "الحوادث المستبعدة",
    open: "المفتوحة في نهاية اليوم",
    exercise: "حوادث التمرين (غير محتسبة)",
    alerts: "التنبيهات",
    impact: "مستويات الأثر",
    events: "الأحداث حسب القطاع الحدودي والفئة",
    section: "القطاع الحدودي",
    category: "الفئة",
    incidents: "الحوادث",
    response: "أزمنة الاستجابة",
    measure: "المقياس",
    count: "العدد",
    target: "الهدف",
    breaches: "تجاوز الهدف",
    list: "حوادث اليوم",
    state: "الحالة",
    map: "الخريطة",
    none: "لا شيء",
};

fn impact_name(impact: ImpactLevel, lang: Lang) -> &'static str {
    match (impact, lang) {
        (ImpactLevel::Low, Lang::En) => "low",
        (ImpactLevel::Medium, Lang::En) => "medium",
        (ImpactLevel::High, Lang::En) => "high",
        (ImpactLevel::VeryHigh, Lang::En) => "very high",
        (ImpactLevel::Low, Lang::Ar) => "منخفض",
        (ImpactLevel::Medium, Lang::Ar) => "متوسط",
        (ImpactLevel::High, Lang::Ar) => "مرتفع",
        (ImpactLevel::VeryHigh, Lang::Ar) => "مرتفع جداً",
    }
}

fn measure_name(m: Measure, lang: Lang) -> &'static str {
    let (en, ar) = match m {
        Measure::Report => ("detected → reported", "الرصد ← الإبلاغ"),
        Measure::Acknowledge => ("detected → acknowledged", "الرصد ← الإقرار"),
        Measure::Verify => ("detected → verified", "الرصد ← التحقق"),
        Measure::Dispatch => ("detected → dispatched", "الرصد ← الإرسال"),
        Measure::Travel => ("dispatched → on scene", "الإرسال ← الوصول"),
        Measure::OnScene => ("on scene → resolved", "الوصول ← المعالجة"),
        Measure::Resolve => ("detected → resolved", "الرصد ← المعالجة"),
        Measure::Total => ("detected → closed", "الرصد ← الإغلاق"),
    };
    if lang == Lang::Ar { ar } else { en }
}

fn seconds(ms: i64) -> String {
    format!("{:.0} s", ms as f64 / 1000.0)
}

fn table(h: &mut String, id: &str, heading: &str, columns: &[&str]) {
    let _ = write!(h, "<h2>{}</h2><table id=\"{id}\"><tr>", esc(heading));
    for c in columns {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    h.push_str("</tr>");
}

fn row(h: &mut String, cells: &[String]) {
    h.push_str("<tr>");
    for c in cells {
        let _ = write!(h, "<td>{}</td>", esc(c));
    }
    h.push_str("</tr>");
}

/// The whole page. `font_face` is extra CSS (the bundled Arabic font, for printing).
pub fn render(report: &DailyReport, map: &str, font_face: Option<&str>) -> String {
    let lang = report.lang;
    let w = if lang == Lang::Ar { &AR } else { &EN };
    let (code, dir) = if lang == Lang::Ar { ("ar", "rtl") } else { ("en", "ltr") };
    let pick = |en: &str, ar: &str| if lang == Lang::Ar { ar.to_owned() } else { en.to_owned() };
    let mut h = String::with_capacity(16 * 1024);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"{code}\" dir=\"{dir}\"><head><meta charset=\"utf-8\"><title>{} {}</title><style>{}body{{font-family:'Tansiq Arabic','Noto Sans Arabic','DejaVu Sans',sans-serif;margin:2em}}table{{border-collapse:collapse;margin:0.5em 0 1.5em}}td,th{{border:1px solid #999;padding:0.25em 0.6em;text-align:start}}</style></head><body>",
        esc(w.title),
        esc(&report.date),
        font_face.unwrap_or("")
    );
    let _ = write!(
        h,
        "<h1>{} — {}</h1><p>{}: {} · {}: {}</p>",
        esc(w.title),
        esc(&report.date),
        esc(w.agency),
        esc(report.agency.as_str()),
        esc(w.generated),
        esc(&report.generated.utc_minute())
    );
    let c = &report.counts;
    table(&mut h, "summary", w.summary, &[w.summary, w.count]);
    for (label, n) in [
        (w.opened, c.opened),
        (w.closed, c.closed),
        (w.dismissed, c.dismissed),
        (w.open, c.open),
        (w.alerts, c.alerts),
        (w.exercise, c.exercise_opened),
    ] {
        row(&mut h, &[label.to_owned(), n.to_string()]);
    }
    h.push_str("</table>");
    table(&mut h, "impact", w.impact, &[w.impact, w.count]);
    for level in [ImpactLevel::Low, ImpactLevel::Medium, ImpactLevel::High, ImpactLevel::VeryHigh] {
        let n = report.impact.get(&level).copied().unwrap_or(0);
        row(&mut h, &[impact_name(level, lang).to_owned(), n.to_string()]);
    }
    h.push_str("</table>");
    table(&mut h, "events", w.events, &[w.section, w.category, w.incidents, w.alerts]);
    for r in &report.events {
        row(
            &mut h,
            &[
                pick(&r.section_en, &r.section_ar),
                pick(&r.category_en, &r.category_ar),
                r.incidents.to_string(),
                r.alerts.to_string(),
            ],
        );
    }
    if report.events.is_empty() {
        row(&mut h, &[w.none.to_owned()]);
    }
    h.push_str("</table>");
    let rt = &report.response_times;
    table(
        &mut h,
        "response",
        w.response,
        &[w.measure, w.count, "p50", "p90", w.target, w.breaches],
    );
    for (m, stat) in &rt.overall.measures {
        let target = match m {
            Measure::Acknowledge => seconds(i64::from(rt.targets.acknowledge_s) * 1000),
            Measure::Dispatch => rt
                .targets
                .dispatch_s
                .iter()
                .map(|(cat, s)| format!("{cat}: {s} s"))
                .collect::<Vec<_>>()
                .join(", "),
            _ => "—".to_owned(),
        };
        let breaches = rt.overall.breaches.get(m).copied().unwrap_or(0);
        row(
            &mut h,
            &[
                measure_name(*m, lang).to_owned(),
                stat.count.to_string(),
                seconds(stat.p50_ms),
                seconds(stat.p90_ms),
                target,
                breaches.to_string(),
            ],
        );
    }
    h.push_str("</table>");
    table(&mut h, "incidents", w.list, &["id", w.category, w.impact, w.state, w.section]);
    for line in &report.incidents {
        let exercise = if line.exercise { " (exercise / تمرين)" } else { "" };
        row(
            &mut h,
            &[
                format!("{}{exercise}", line.id),
                pick(&line.category_en, &line.category_ar),
                impact_name(line.impact, lang).to_owned(),
                engine::incident::state_name(line.state).to_owned(),
                line.border_section.clone().unwrap_or_else(|| "—".to_owned()),
            ],
        );
    }
    h.push_str("</table>");
    let _ = writeln!(h, "<h2>{}</h2>{map}</body></html>", esc(w.map));
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_projection() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        let (x, y) = project([EXTENT.0[0], EXTENT.1[1]]);
        assert!(x.abs() < 1e-9 && y.abs() < 1e-9);
        let (x, _) = project([EXTENT.1[0], EXTENT.0[1]]);
        assert!((x - WIDTH).abs() < 1e-9);
    }
}
