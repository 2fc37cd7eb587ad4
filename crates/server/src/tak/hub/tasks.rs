//! Tasks out to a unit's TAK client: the marker and GeoChat message that carry a task, and
//! their queueing to the client found by the unit's uid or call sign.

use model::Time;

use super::{Hub, Outgoing, SERVER_UID};

/// Why a task could not be sent to a unit's TAK client.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    #[error("unit {0} has no connected tak client")]
    NotConnected(String),
    #[error("the tak client of unit {0} is not keeping up; task not queued")]
    QueueFull(String),
}

impl Hub {
    /// Sends `events` (see [`task_events`]) to the connected client of a unit, found by its
    /// CoT uid or call sign. Returns how many were queued.
    pub fn send_task(&self, unit: &str, events: Vec<cot::Event>) -> Result<usize, TaskError> {
        let state = self.lock();
        let wanted = Some(unit);
        let client = state
            .clients
            .values()
            .find(|c| c.uid.as_deref() == wanted || c.callsign.as_deref() == wanted)
            .ok_or_else(|| TaskError::NotConnected(unit.to_owned()))?;
        let n = events.len();
        for event in events {
            client
                .tx
                .try_send(Outgoing::Own(Box::new(event)))
                .map_err(|_| TaskError::QueueFull(unit.to_owned()))?;
        }
        self.metrics().tak.sent.inc_by(n as u64);
        Ok(n)
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A task for a unit as TAK clients show it: a marker at `(lat, lon)` with the task in its
/// remarks, and a GeoChat message saying the same, both addressed to the unit (`marti/dest`).
pub fn task_events(
    unit_uid: &str,
    task_id: &str,
    title: &str,
    (lat, lon): (f64, f64),
    now: Time,
) -> Result<Vec<cot::Event>, cot::CotError> {
    let (unit, task, title) = (escape(unit_uid), escape(task_id), escape(title));
    let time = cot::format_time(now);
    let stale = cot::format_time(now.plus_millis(24 * 3_600_000));
    let head = |uid: &str, cot_type: &str, how: &str| {
        format!(
            "<event version=\"2.0\" uid=\"{uid}\" type=\"{cot_type}\" how=\"{how}\" time=\"{time}\" start=\"{time}\" stale=\"{stale}\">"
        )
    };
    let marker = format!(
        "{}<point lat=\"{lat}\" lon=\"{lon}\" hae=\"9999999.0\" ce=\"9999999.0\" le=\"9999999.0\"/><detail><contact callsign=\"{title}\"/><remarks>{title}</remarks><link uid=\"{SERVER_UID}\" type=\"a-f-G-U-C\" relation=\"p-p\"/><marti><dest uid=\"{unit}\"/></marti></detail></event>",
        head(&format!("{SERVER_UID}.task.{task}"), "b-m-p-s-p-i", "h-g-i-g-o")
    );
    let chat = format!(
        "{}<point lat=\"{lat}\" lon=\"{lon}\" hae=\"9999999.0\" ce=\"9999999.0\" le=\"9999999.0\"/><detail><__chat parent=\"RootContactGroup\" groupOwner=\"false\" messageId=\"{task}\" chatroom=\"{unit}\" id=\"{unit}\" senderCallsign=\"Tansiq\"><chatgrp uid0=\"{SERVER_UID}\" uid1=\"{unit}\" id=\"{unit}\"/></__chat><link uid=\"{SERVER_UID}\" type=\"a-f-G-U-C\" relation=\"p-p\"/><remarks source=\"{SERVER_UID}\" to=\"{unit}\" time=\"{time}\">{title}</remarks><marti><dest uid=\"{unit}\"/></marti></detail></event>",
        head(&format!("GeoChat.{SERVER_UID}.{unit}.{task}"), "b-t-f", "h-g-i-g-o")
    );
    Ok(vec![cot::Event::from_xml(marker.as_bytes())?, cot::Event::from_xml(chat.as_bytes())?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_events_read_back_and_are_addressed_to_the_unit() {
        let events =
            task_events("ANDROID-1", "t1", "intercept <boat> & report", (32.9, 13.1), Time(0))
                .expect("task events");
        assert_eq!(events.len(), 2);
        for event in &events {
            let marti = event.detail.as_ref().and_then(|d| d.marti()).expect("marti");
            assert_eq!(marti.dests[0].uid.as_deref(), Some("ANDROID-1"));
        }
        let remarks = events[1].detail.as_ref().and_then(|d| d.remarks()).expect("remarks");
        assert_eq!(remarks.text, "intercept <boat> & report");
    }
}
